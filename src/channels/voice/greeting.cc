#include "channels/voice/greeting.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/run_tool.h"
#include "core/status.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;

// sox stops once this much is converted: enough to tell "too long", while a WAV declaring a tiny
// sample rate cannot expand into gigabytes of telephone audio.
constexpr int64_t kConvertMillis = kMaxGreetingMillis + 500;

uint32_t Le32(std::string_view b, size_t at) {
  auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i]));
  };
  return byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
}

enum class WavShape { kWav, kNotWav, kDamaged };

// A RIFF/WAVE header, then chunks that fit in the file up to the audio ("data"). A data chunk
// declared longer than what follows is an upload cut short: sox would play the part it has.
// `why` says what is damaged.
WavShape CheckWav(std::string_view b, std::string* why) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE") {
    return WavShape::kNotWav;
  }
  size_t pos = 12;
  while (b.size() - pos >= 8) {
    const std::string_view id = b.substr(pos, 4);
    const uint64_t size = Le32(b, pos + 4);
    const uint64_t left = b.size() - pos - 8;
    if (id == "data") {
      // Writers that stream to a pipe cannot know the length and write 0 or the largest value.
      if (size == 0 || size == 0xFFFFFFFF) return WavShape::kWav;
      if (size <= left) return WavShape::kWav;
      *why = "the audio is cut short: " + std::to_string(left) + " of " + std::to_string(size) +
             " bytes";
      return WavShape::kDamaged;
    }
    const uint64_t skip = size + (size & 1);  // chunks are padded to an even size
    if (skip > left) {
      *why = "chunk '" + std::string(id) + "' runs past the end of the file";
      return WavShape::kDamaged;
    }
    pos += 8 + skip;
  }
  *why = "no audio (data chunk)";
  return WavShape::kDamaged;
}

// "20.500": a sox time position.
std::string SoxSeconds(int64_t millis) {
  std::string frac = std::to_string(millis % 1000);
  return std::to_string(millis / 1000) + "." + std::string(3 - frac.size(), '0') + frac;
}

std::string ErrnoText(int err) {
  char buf[128];
  return ::strerror_r(err, buf, sizeof(buf));  // GNU: returns the message
}

// A folder only this process can use (mkdtemp: 0700, a fresh name), removed with its files.
class WorkDir {
 public:
  explicit WorkDir(const std::string& parent) {
    std::error_code ec;
    fs::path base = parent.empty() ? fs::temp_directory_path(ec) : fs::path(parent);
    if (ec) base = "/tmp";
    std::string pattern = (base / "secinfo-greeting-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      error_ = "cannot create a temporary folder in " + base.string() + ": " + ErrnoText(errno);
      return;
    }
    path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& error() const { return error_; }
  std::string operator/(const char* name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
  std::string error_;
};

bool WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}

// At most `limit` bytes; more means the file is larger than anything we keep.
bool ReadFile(const std::string& path, size_t limit, std::string* data) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  data->assign(limit + 1, '\0');
  in.read(data->data(), static_cast<std::streamsize>(data->size()));
  data->resize(static_cast<size_t>(in.gcount()));
  return !in.bad();
}

}  // namespace

GreetingError CheckGreetingUpload(std::string_view upload, std::string* detail) {
  detail->clear();
  // Before anything else: nothing of an oversized upload is looked at, written or converted.
  if (upload.size() > kMaxGreetingUploadBytes) return GreetingError::kTooLarge;
  std::string damage;
  switch (CheckWav(upload, &damage)) {
    case WavShape::kNotWav:
      return GreetingError::kNotWav;
    case WavShape::kDamaged:
      *detail = "WAV file: " + damage;
      return GreetingError::kUnreadable;
    case WavShape::kWav:
      break;
  }
  return GreetingError::kNone;
}

ConvertedGreeting ConvertGreeting(std::string_view upload, const GreetingOptions& options) {
  ConvertedGreeting result;
  auto refuse = [&result](GreetingError error, std::string detail = "") {
    result.error = error;
    result.detail = std::move(detail);
    return result;
  };
  std::string damage;
  if (GreetingError e = CheckGreetingUpload(upload, &damage); e != GreetingError::kNone) {
    return refuse(e, std::move(damage));
  }
  const std::string sox = FindExecutable(options.sox);
  if (sox.empty()) {
    return refuse(GreetingError::kConverter, "sox was not found (looked for '" + options.sox +
                                                 "'); install the Debian package sox");
  }
  WorkDir dir(options.temp_dir);
  if (!dir.ok()) return refuse(GreetingError::kConverter, dir.error());
  const std::string in = dir / "upload.wav", out = dir / "greeting.ul";
  if (!WriteFile(in, upload)) return refuse(GreetingError::kConverter, "cannot write " + in);

  // Input "-t wav": the header decides what the file is, never its name. Output: raw u-law at
  // 8 kHz, mono, cut at kConvertMillis. -V1: only failures on stderr.
  std::vector<std::string> argv = {sox, "-V1", "-t", "wav", in};
  argv.insert(argv.end(), {"-t", "ul", "-r", "8000", "-c", "1", out});
  argv.insert(argv.end(), {"trim", "0", SoxSeconds(kConvertMillis)});
  if (Status s = RunTool(argv, options.timeout_ms); !s.ok()) {
    return refuse(GreetingError::kUnreadable, s.message());
  }
  const size_t max_bytes = static_cast<size_t>(kMaxGreetingMillis * kUlawBytesPerSecond / 1000);
  std::string ulaw;
  if (!ReadFile(out, static_cast<size_t>(kConvertMillis * kUlawBytesPerSecond / 1000), &ulaw)) {
    return refuse(GreetingError::kConverter, "sox left no output in " + out);
  }
  if (ulaw.empty()) return refuse(GreetingError::kEmpty);
  if (ulaw.size() > max_bytes) return refuse(GreetingError::kTooLong);
  result.duration_ms = UlawMillis(ulaw.size());
  result.ulaw = std::move(ulaw);
  return result;
}

std::string_view GreetingErrorKey(GreetingError error) {
  switch (error) {
    case GreetingError::kNone:
      return "";
    case GreetingError::kTooLarge:
      return "greeting_error_too_large";
    case GreetingError::kNotWav:
      return "greeting_error_not_wav";
    case GreetingError::kUnreadable:
      return "greeting_error_unreadable";
    case GreetingError::kEmpty:
      return "greeting_error_empty";
    case GreetingError::kTooLong:
      return "greeting_error_too_long";
    case GreetingError::kConverter:
      return "greeting_error_converter";
  }
  return "greeting_error_converter";
}

}  // namespace secinfo::channels
