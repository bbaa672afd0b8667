#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels::sip {

// Spoken prompts as raw 8 kHz mono G.711 u-law: exactly the PCMU RTP payload, so playing one is
// copying 160 bytes every 20 ms. A prompt is made once by espeak-ng (text to WAV) and sox (WAV to
// u-law), then kept as `<dir>/<sha256(locale, text)>.ul` and in memory.
//
// The tools run with an argument vector (posix_spawn, never a shell: the text comes from tenant
// names) and read the text from a file, so no word of it can become an option. Making a prompt
// takes ~50 ms and blocks the caller; callers do it before handing a call to the SIP thread.
//
// Thread-safe: the memory cache is guarded by mu_; making prompts is serialized by make_mu_ so that
// a burst of calls with a new prompt runs the tools once.
class PromptCache {
 public:
  // Finds `espeak_ng` and `sox` (names looked up on PATH, or paths) and creates `dir`.
  // FailedPrecondition naming the missing tool and its Debian package; InvalidArgument naming
  // `voice.sip.prompt_cache_dir` when the directory cannot be created or written.
  static Result<std::unique_ptr<PromptCache>> Create(const std::string& dir,
                                                     const std::string& espeak_ng,
                                                     const std::string& sox);

  // The u-law samples of `text` spoken in `locale` ("fr", "en-US"; an unknown voice falls back to
  // the language, then to English). InvalidArgument for an empty or oversized text or a malformed
  // locale; Internal when a tool fails (the message carries its exit status and stderr).
  Result<std::shared_ptr<const std::string>> Get(std::string_view locale, std::string_view text);

  // The file name (without directory) a prompt is cached under. Stable across versions and runs.
  static std::string KeyFor(std::string_view locale, std::string_view text);

  const std::string& dir() const { return dir_; }

 private:
  PromptCache(std::string dir, std::string espeak_ng, std::string sox)
      : dir_(std::move(dir)), espeak_ng_(std::move(espeak_ng)), sox_(std::move(sox)) {}

  Result<std::string> Make(const std::string& locale, std::string_view text,
                           const std::string& key);

  const std::string dir_;
  const std::string espeak_ng_;  // absolute path
  const std::string sox_;        // absolute path

  std::mutex mu_;  // guards memory_
  std::map<std::string, std::shared_ptr<const std::string>> memory_;
  std::mutex make_mu_;  // held while the tools run
};

}  // namespace secinfo::channels::sip
