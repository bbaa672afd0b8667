#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// A tenant's own recorded greeting, played on its calls instead of the spoken prompt: the checks an
// upload goes through and its conversion to what a call plays (raw 8 kHz mono G.711 u-law, the
// PCMU payload as is). Used by the administration commands; no SIP stack involved.
namespace secinfo::channels {

inline constexpr size_t kMaxGreetingUploadBytes = 1'048'576;  // 1 MiB, checked before anything
inline constexpr int64_t kMaxGreetingMillis = 20'000;
inline constexpr int64_t kUlawBytesPerSecond = 8000;  // 8 kHz, one byte per sample

// Why an upload was refused. Each has its own message (GreetingErrorKey).
enum class GreetingError {
  kNone,
  kTooLarge,    // more than kMaxGreetingUploadBytes
  kNotWav,      // no RIFF/WAVE header, whatever the file is called
  kUnreadable,  // a WAV cut short or damaged, or an encoding sox cannot read
  kEmpty,       // a WAV without a single sample
  kTooLong,     // longer than kMaxGreetingMillis
  kConverter,   // this server could not convert (sox missing, no temporary space): not the file
};

struct GreetingOptions {
  std::string sox = "sox";  // a name looked up on PATH, or a path
  std::string temp_dir;     // where a private work folder is made; empty: the system's
  int64_t timeout_ms = 20'000;
};

struct ConvertedGreeting {
  GreetingError error = GreetingError::kNone;
  std::string ulaw;         // the audio to play; set when error is kNone
  int64_t duration_ms = 0;  // of `ulaw`; set when error is kNone
  std::string detail;       // for operators: what sox said, for kUnreadable and kConverter
};

// The checks an upload goes through before sox sees it: size first, then the RIFF/WAVE header and
// chunk sizes (a data chunk declared longer than what follows is a file cut short, refused rather
// than played in part). kNone when the upload may go to sox; else kTooLarge, kNotWav or
// kUnreadable, with `detail` saying what is damaged for kUnreadable. Pure; thread-safe.
GreetingError CheckGreetingUpload(std::string_view upload, std::string* detail);

// Checks `upload` (CheckGreetingUpload) and converts it: size first, then the RIFF/WAVE header and
// chunk sizes (a file cut short is refused, not played in part), then sox into 8 kHz mono u-law and
// the resulting length. The upload only ever reaches sox as a file in a folder of our own (mkdtemp,
// removed afterwards); sox runs without a shell. Blocks for the conversion (tens of milliseconds;
// at most `options.timeout_ms`). Thread-safe.
ConvertedGreeting ConvertGreeting(std::string_view upload, const GreetingOptions& options = {});

// The catalog key of the message for `error` ("greeting_error_too_large", ...); empty for kNone.
std::string_view GreetingErrorKey(GreetingError error);

// The duration of `ulaw_bytes` of 8 kHz u-law in milliseconds.
inline int64_t UlawMillis(size_t ulaw_bytes) {
  return static_cast<int64_t>(ulaw_bytes) * 1000 / kUlawBytesPerSecond;
}

}  // namespace secinfo::channels
