#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace secinfo::testing_support {

// A folder of its own for one test, made with mkdtemp so that tests run in parallel never share a
// file. Removed at the end unless a test failed or SECINFO_KEEP_PEERS is set, so that logs, mails
// and certificates can be read after a failure.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "secinfo-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp " << pattern;
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    if (std::getenv("SECINFO_KEEP_PEERS") == nullptr && !::testing::Test::HasFailure()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    } else {
      std::printf("test files kept in %s\n", path_.c_str());
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }

 private:
  std::string path_;
};

}  // namespace secinfo::testing_support
