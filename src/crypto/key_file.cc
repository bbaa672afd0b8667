#include "crypto/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/scoped_fd.h"
#include "crypto/sodium_init.h"

namespace secinfo::crypto {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == EACCES || err == EPERM || err == EROFS) return Status::PermissionDenied(msg);
  return Status::Internal(msg);
}

using Fd = ScopedFd;

// Reads exactly kKeyFileSize bytes from an open key file, after checking its type and mode.
Result<std::string> ReadKey(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("stat", path, errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + " is not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::PermissionDenied(path + " is accessible to group or others; chmod 600 it");
  }
  if (st.st_size != static_cast<off_t>(kKeyFileSize)) {
    return Status::InvalidArgument(path + " must hold exactly 32 bytes");
  }
  std::string key(kKeyFileSize, '\0');
  size_t done = 0;
  while (done < key.size()) {
    const ssize_t n = ::read(fd, key.data() + done, key.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("read", path, errno);
    if (n == 0) return Status::InvalidArgument(path + " must hold exactly 32 bytes");
    done += static_cast<size_t>(n);
  }
  return key;
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

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Creates the key file. Returns AlreadyExists if another process published one first.
Status CreateKeyFile(const std::string& path, Random& random) {
  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> tmpl(tmp.begin(), tmp.end());
  tmpl.push_back('\0');
  // mkstemp creates the file with mode 0600 whatever the umask.
  Fd fd(::mkstemp(tmpl.data()));
  if (fd.get() < 0) return ErrnoStatus("create", tmp, errno);
  tmp.assign(tmpl.data());

  std::string key = random.Bytes(kKeyFileSize);
  Status status = WriteAll(fd.get(), key, tmp);
  sodium_memzero(key.data(), key.size());
  if (status.ok() && ::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) {
    status = ErrnoStatus("chmod", tmp, errno);
  }
  if (status.ok() && ::fsync(fd.get()) != 0) status = ErrnoStatus("fsync", tmp, errno);
  // link() fails with EEXIST instead of replacing: a key another process already uses is kept.
  if (status.ok() && ::link(tmp.c_str(), path.c_str()) != 0) {
    status = errno == EEXIST ? Status::AlreadyExists(path) : ErrnoStatus("link", path, errno);
  }
  ::unlink(tmp.c_str());
  if (!status.ok()) return status;

  // Make the new directory entry durable too; failure here only risks recreating the key after a
  // power loss before anything was encrypted with it, so it is not an error.
  Fd dir(::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) (void)::fsync(dir.get());
  return Status::Ok();
}

}  // namespace

Result<std::string> LoadOrCreateKeyFile(const std::string& path, Random& random) {
  internal::EnsureSodium();
  for (int attempt = 0; attempt < 2; ++attempt) {
    // Symbolic links are followed (secret volumes are often mounted that way); the checks apply
    // to the file they lead to.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) return ReadKey(fd.get(), path);
    if (errno != ENOENT) return ErrnoStatus("open", path, errno);

    Status created = CreateKeyFile(path, random);
    if (!created.ok() && created.code() != Status::Code::kAlreadyExists) return created;
    // Created by us or by a concurrent process: read back what is now in place.
  }
  return Status::Internal("key file " + path + " vanished while being created");
}

Result<std::string> LoadKeyFile(const std::string& path) {
  internal::EnsureSodium();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() >= 0) return ReadKey(fd.get(), path);
  if (errno == ENOENT) return Status::NotFound("no key file at " + path);
  return ErrnoStatus("open", path, errno);
}

}  // namespace secinfo::crypto
