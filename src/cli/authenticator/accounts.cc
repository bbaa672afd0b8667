#include "cli/authenticator/accounts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/scoped_fd.h"

namespace secinfo::cli::authenticator {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;
// Far more than any person's accounts; refuses to slurp a huge file put there by mistake.
constexpr off_t kMaxFileBytes = 1 << 20;

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  return Status::Internal(what + " " + path + ": " + std::strerror(err));
}

using Fd = ScopedFd;

std::string PathIn(const std::string& dir) {
  return (std::filesystem::path(dir) / kAccountsFileName).string();
}

Result<std::string> ReadChecked(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("stat", path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::PermissionDenied(path + " is accessible to group or others; chmod 600 it");
  }
  if (st.st_size > kMaxFileBytes) return Status::InvalidArgument(path + " is too large");
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("read", path, errno);
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > static_cast<size_t>(kMaxFileBytes)) {
      return Status::InvalidArgument(path + " is too large");
    }
  }
  return text;
}

// Copies the string member `key` of `j` into `out`. False when it is not a string, or when it is
// `required` and absent or empty.
bool GetString(const json& j, const char* key, std::string& out, bool required = true) {
  auto it = j.find(key);
  if (it == j.end()) return !required;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return !required || !out.empty();
}

Result<std::vector<Account>> Parse(const std::string& text, const std::string& path) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&path](const std::string& why) {
    return Status::InvalidArgument(path + " is malformed: " + why);
  };
  if (!j.is_object()) return bad("not a JSON object");
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer() || *version != kFormatVersion) {
    return bad("unknown version");
  }
  auto list = j.find("accounts");
  if (list == j.end() || !list->is_array()) return bad("no accounts array");
  std::vector<Account> accounts;
  for (const json& e : *list) {
    Account a;
    if (!e.is_object() || !GetString(e, "issuer", a.issuer, false) ||
        !GetString(e, "account", a.account) || !GetString(e, "device_id", a.device_id) ||
        !GetString(e, "device_name", a.device_name, false) || !GetString(e, "api", a.api) ||
        !GetString(e, "otpauth", a.otpauth, false) ||
        !GetString(e, "public_key", a.public_key_b64) ||
        !GetString(e, "private_key_pem", a.private_key_pem)) {
      return bad("account " + std::to_string(accounts.size() + 1) + " lacks a field");
    }
    auto at = e.find("enrolled_at");
    if (at != e.end() && at->is_number_integer()) a.enrolled_at = at->get<int64_t>();
    accounts.push_back(std::move(a));
  }
  return accounts;
}

std::string Serialize(const std::vector<Account>& accounts) {
  json list = json::array();
  for (const Account& a : accounts) {
    list.push_back({{"issuer", a.issuer},
                    {"account", a.account},
                    {"device_id", a.device_id},
                    {"device_name", a.device_name},
                    {"api", a.api},
                    {"otpauth", a.otpauth},
                    {"public_key", a.public_key_b64},
                    {"private_key_pem", a.private_key_pem},
                    {"enrolled_at", a.enrolled_at}});
  }
  return json{{"version", kFormatVersion}, {"accounts", list}}.dump(2) + "\n";
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("write", path, errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p(dir);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  // The leaf is made by hand so it gets 0700 whatever the umask: only its owner lists accounts.
  if (::mkdir(dir.c_str(), S_IRWXU) != 0 && errno != EEXIST) {
    return ErrnoStatus("create folder", dir, errno);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> DefaultStoreDir(const char* xdg_config_home, const char* home) {
  constexpr const char* kLeaf = "secinfo-authenticator";
  if (xdg_config_home != nullptr && xdg_config_home[0] == '/') {
    return (std::filesystem::path(xdg_config_home) / kLeaf).string();
  }
  if (home != nullptr && home[0] == '/') {
    return (std::filesystem::path(home) / ".config" / kLeaf).string();
  }
  return Status::NotFound("neither XDG_CONFIG_HOME nor HOME is an absolute path");
}

Result<std::vector<Account>> LoadAccounts(const std::string& dir) {
  const std::string path = PathIn(dir);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::vector<Account>{};
    return ErrnoStatus("open", path, errno);
  }
  auto text = ReadChecked(fd.get(), path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Status SaveAccounts(const std::string& dir, const std::vector<Account>& accounts) {
  SECINFO_RETURN_IF_ERROR(EnsureDir(dir));
  const std::string path = PathIn(dir);
  std::string tmp = path + ".tmp.XXXXXX";
  // mkstemp creates the file with mode 0600 whatever the umask.
  Fd fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) return ErrnoStatus("create", tmp, errno);

  Status status = WriteAll(fd.get(), Serialize(accounts), tmp);
  if (status.ok() && ::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) {
    status = ErrnoStatus("chmod", tmp, errno);
  }
  if (status.ok() && ::fsync(fd.get()) != 0) status = ErrnoStatus("fsync", tmp, errno);
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("rename", path, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  // Make the rename durable; failing here only risks losing the newest account on power loss.
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) (void)::fsync(d.get());
  return Status::Ok();
}

}  // namespace secinfo::cli::authenticator
