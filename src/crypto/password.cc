#include "crypto/password.h"

#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

// The hash of a random, forgotten password, made once with today's parameters. Fixed in the source
// rather than computed at first use, so that the first unknown-user sign-in is not slower than the
// next ones. Must be regenerated if kArgon2OpsLimit or kArgon2MemLimit change.
constexpr char kDummyHash[] =
    "$argon2id$v=19$m=19456,t=2,p=1$81GBxsqXRMm3UAq6QcpEyw$"
    "a6irE1LSHYWd5OOpvvrk3i+48NzVrBdoZdteDX/crAQ";

// Where every Argon2id computation runs: as many threads as cores, at a lower priority (nice 10).
// A hash takes a core and 19 MiB for tens of milliseconds, so more at once than there are cores
// only adds memory and makes every other request wait for a core; at a lower priority, health
// checks, pages and second steps get the processor first and hashes use what is left. Callers block
// until their hash is done. Threads start at first use and live as long as the process.
class Argon2Pool {
 public:
  static Argon2Pool& Get() {
    static Argon2Pool* pool = new Argon2Pool();  // never destroyed: its threads never end
    return *pool;
  }

  template <typename Fn>
  auto Run(Fn fn) -> decltype(fn()) {
    // Shared: the worker may still be leaving task() when the caller wakes up and returns.
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto result = task->get_future();
    {
      std::lock_guard lock(mu_);
      queue_.emplace_back([task] { (*task)(); });
    }
    wake_.notify_one();
    return result.get();
  }

 private:
  Argon2Pool() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < cores; ++i) std::thread([this] { Work(); }).detach();
  }

  void Work() {
    // Per thread on Linux; refused (a seccomp filter) it changes nothing but the priority.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return !queue_.empty(); });
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
};

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  internal::EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  const int failed = Argon2Pool::Get().Run([&] {
    return crypto_pwhash_str_alg(out, password.data(), password.size(), kArgon2OpsLimit,
                                 kArgon2MemLimit, crypto_pwhash_ALG_ARGON2ID13);
  });
  if (failed != 0) return Status::Internal("argon2id: out of memory");
  return std::string(out);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  internal::EnsureSodium();
  // libsodium reads a NUL-terminated string of at most crypto_pwhash_STRBYTES - 1 characters.
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(encoded_hash);
  return Argon2Pool::Get().Run([&] {
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
  });
}

bool PasswordNeedsRehash(std::string_view encoded_hash) {
  internal::EnsureSodium();
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES ||
      encoded_hash.find('\0') != std::string_view::npos) {
    return true;
  }
  const std::string terminated(encoded_hash);
  // 0: same parameters; 1: other parameters; -1: not an Argon2id hash.
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), kArgon2OpsLimit, kArgon2MemLimit) != 0;
}

void VerifyAgainstDummy(std::string_view password) { (void)VerifyPassword(kDummyHash, password); }

}  // namespace secinfo::crypto
