#include "core/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/scoped_fd.h"

namespace secinfo {
namespace {

Status Unavailable(const std::string& what, const std::string& path, int err) {
  return Status::Unavailable("cannot create " + what + " " + path + ": " + std::strerror(err));
}

}  // namespace

Status CreatePrivateDirectories(const std::string& dir) {
  std::filesystem::path built;
  for (const std::filesystem::path& part : std::filesystem::path(dir)) {
    built /= part;
    if (::mkdir(built.c_str(), 0700) == 0) {
      // mkdir applies the umask, which may only remove bits: 0700 stays 0700 or less; make sure.
      if (::chmod(built.c_str(), 0700) != 0) return Unavailable("folder", built.string(), errno);
    } else if (errno != EEXIST) {
      return Unavailable("folder", built.string(), errno);
    }
  }
  return Status::Ok();
}

Status CreatePrivateFile(const std::string& path) {
  ScopedFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    return errno == EEXIST ? Status::Ok() : Unavailable("file", path, errno);
  }
  if (::fchmod(fd.get(), 0600) != 0) return Unavailable("file", path, errno);
  return Status::Ok();
}

}  // namespace secinfo
