#include "channels/voice/sip/prompt_cache.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "crypto/encoding.h"
#include "crypto/hash.h"

extern char** environ;

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

bool IsExecutable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
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

std::string FirstLines(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return "";
  std::string s = text->substr(0, 300);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::string FindExecutable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return IsExecutable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (IsExecutable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

Status RunTool(const std::vector<std::string>& argv, int64_t timeout_ms) {
  if (argv.empty()) return Status::InvalidArgument("no command");
  const std::string tool = fs::path(argv[0]).filename().string();
  const std::string err_path =
      (fs::temp_directory_path() / ("secinfo-tool-" + std::to_string(::getpid()) + "-" +
                                    std::to_string(temp_counter.fetch_add(1)) + ".err"))
          .string();

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  // The server's sockets (SIP, RTP, HTTP, database) stay out of the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Callers run with signals blocked (the server takes them with sigwait); the tool must not.
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    ::unlink(err_path.c_str());
    return Status::Internal(tool + ": cannot start: " + ErrnoText(rc));
  }

  // Poll with a growing pause: the tools take tens of milliseconds, and a SIGCHLD handler would be
  // a process-wide side effect of a library.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto pause = std::chrono::microseconds(500);
  int wstatus = 0;
  bool timed_out = false;
  while (true) {
    pid_t r = ::waitpid(pid, &wstatus, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      ::unlink(err_path.c_str());
      return Status::Internal(tool + ": waitpid: " + ErrnoText(errno));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wstatus, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10'000));
  }

  std::string stderr_text = FirstLines(err_path);
  ::unlink(err_path.c_str());
  if (timed_out) {
    return Status::Internal(tool + ": no result after " + std::to_string(timeout_ms) + " ms");
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  std::string how = WIFEXITED(wstatus) ? "exit status " + std::to_string(WEXITSTATUS(wstatus))
                                       : "signal " + std::to_string(WTERMSIG(wstatus));
  return Status::Internal(tool + ": " + how + (stderr_text.empty() ? "" : ": " + stderr_text));
}

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
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return Status::InvalidArgument(
        "setting 'voice.sip.prompt_cache_dir': cannot create directory '" + dir +
        "': " + (ec ? ec.message() : "not a directory"));
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
