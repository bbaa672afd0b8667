#include "channels/voice/sip/prompt_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/private_files.h"
#include "core/run_tool.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace secinfo::channels::sip {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxTextBytes = 2000;
constexpr size_t kMaxMemoryEntries = 256;
constexpr int64_t kToolTimeoutMs = 20'000;

std::atomic<uint64_t> temp_counter{0};

// strerror is not thread-safe; PlaceCall runs on many threads.
std::string ErrnoText(int err) {
  char buf[128];
  return ::strerror_r(err, buf, sizeof(buf));  // GNU: returns the message
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Internal("cannot read " + path);
  return data.str();
}

// "fr", "fr-FR", "en_us" → lower case with '-' separators; nullopt-like empty for malformed input
// (a locale ends up in an argument vector, so only letters, digits and separators pass).
std::string NormalizeLocale(std::string_view locale) {
  if (locale.empty() || locale.size() > 35) return "";
  std::string out;
  for (char c : locale) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c == '-' || c == '_') {
      out += '-';
    } else {
      return "";
    }
  }
  if (out.front() == '-') return "";
  return out;
}

// espeak-ng voices to try, best first: "fr-be" → fr-be, fr, en.
std::vector<std::string> VoicesFor(const std::string& locale) {
  std::vector<std::string> voices{locale};
  size_t dash = locale.find('-');
  if (dash != std::string::npos) voices.push_back(locale.substr(0, dash));
  if (voices.back() != "en") voices.push_back("en");
  return voices;
}

}  // namespace

Result<std::unique_ptr<PromptCache>> PromptCache::Create(const std::string& dir,
                                                         const std::string& espeak_ng,
                                                         const std::string& sox) {
  std::string espeak_path = FindExecutable(espeak_ng);
  if (espeak_path.empty()) {
    return Status::FailedPrecondition(
        "voice.provider \"sip\" speaks its prompts with espeak-ng, which was not found (looked "
        "for '" +
        espeak_ng + "' on PATH); install the Debian package espeak-ng");
  }
  std::string sox_path = FindExecutable(sox);
  if (sox_path.empty()) {
    return Status::FailedPrecondition(
        "voice.provider \"sip\" converts its prompts to telephone audio with sox, which was not "
        "found (looked for '" +
        sox + "' on PATH); install the Debian package sox");
  }
  if (dir.empty()) {
    return Status::InvalidArgument("setting 'voice.sip.prompt_cache_dir' must not be empty");
  }
  // Private like the rest of the data folder, which this may be the first to create.
  Status made = CreatePrivateDirectories(dir);
  if (!made.ok() || !fs::is_directory(dir)) {
    return Status::InvalidArgument(
        "setting 'voice.sip.prompt_cache_dir': cannot create directory '" + dir +
        "': " + (made.ok() ? "not a directory" : made.message()));
  }
  // Written files are what matters: a directory that exists but refuses files fails here, not at
  // the first call.
  std::string probe = (fs::path(dir) / (".probe-" + std::to_string(::getpid()))).string();
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return Status::InvalidArgument("setting 'voice.sip.prompt_cache_dir': cannot write in '" + dir +
                                   "': " + ErrnoText(errno));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return std::unique_ptr<PromptCache>(new PromptCache(dir, espeak_path, sox_path));
}

std::string PromptCache::KeyFor(std::string_view locale, std::string_view text) {
  std::string material = "secinfo-prompt-v1|8000|ulaw|";
  material += NormalizeLocale(locale);
  material += '\0';
  material += text;
  return crypto::HexEncode(crypto::Sha256(material)) + ".ul";
}

Result<std::shared_ptr<const std::string>> PromptCache::Get(std::string_view locale,
                                                            std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty prompt");
  if (text.size() > kMaxTextBytes) return Status::InvalidArgument("prompt too long");
  std::string norm = NormalizeLocale(locale);
  if (norm.empty())
    return Status::InvalidArgument("malformed locale '" + std::string(locale) + "'");
  const std::string key = KeyFor(norm, text);
  {
    std::lock_guard lock(mu_);
    auto it = memory_.find(key);
    if (it != memory_.end()) return it->second;
  }
  const std::string path = (fs::path(dir_) / key).string();
  auto audio = ReadFile(path);
  if (!audio.ok()) {
    std::lock_guard make_lock(make_mu_);
    audio = ReadFile(path);  // made by another caller while we waited
    if (!audio.ok()) audio = Make(norm, text, key);
    if (!audio.ok()) return audio.status();
  }
  auto shared = std::make_shared<const std::string>(std::move(*audio));
  std::lock_guard lock(mu_);
  if (memory_.size() >= kMaxMemoryEntries) memory_.clear();
  memory_[key] = shared;
  return shared;
}

Result<std::string> PromptCache::Make(const std::string& locale, std::string_view text,
                                      const std::string& key) {
  const std::string base = (fs::path(dir_) / (".tmp-" + key + "-" + std::to_string(::getpid()) +
                                              "-" + std::to_string(temp_counter.fetch_add(1))))
                               .string();
  const std::string txt = base + ".txt", wav = base + ".wav", ul = base + ".ul";
  auto cleanup = [&] {
    ::unlink(txt.c_str());
    ::unlink(wav.c_str());
    ::unlink(ul.c_str());
  };
  {
    std::ofstream out(txt, std::ios::binary);
    out << text << "\n";
    if (!out) {
      cleanup();
      return Status::Internal("cannot write " + txt);
    }
  }
  Status spoken = Status::Internal("no voice");
  for (const std::string& voice : VoicesFor(locale)) {
    // -b 1: the text file is UTF-8. -f: the text never reaches the argument vector.
    spoken = RunTool({espeak_ng_, "-b", "1", "-v", voice, "-w", wav, "-f", txt}, kToolTimeoutMs);
    if (spoken.ok()) break;
  }
  if (!spoken.ok()) {
    cleanup();
    return spoken;
  }
  Status converted = RunTool({sox_, wav, "-r", "8000", "-c", "1", "-t", "ul", ul}, kToolTimeoutMs);
  if (!converted.ok()) {
    cleanup();
    return converted;
  }
  auto audio = ReadFile(ul);
  if (!audio.ok() || audio->empty()) {
    cleanup();
    return Status::Internal("sox produced no audio for the prompt");
  }
  // rename() is atomic: a reader sees the whole prompt or none.
  const std::string final_path = (fs::path(dir_) / key).string();
  if (::rename(ul.c_str(), final_path.c_str()) != 0) {
    Status s = Status::Internal("cannot store prompt " + final_path + ": " + ErrnoText(errno));
    cleanup();
    return s;
  }
  cleanup();
  return audio;
}

}  // namespace secinfo::channels::sip
