#include "crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace secinfo::crypto {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "secinfo_key_file_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "master.key").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static mode_t ModeOf(const std::string& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  SystemRandom random_;
  fs::path dir_;
  std::string path_;
};

TEST_F(KeyFileTest, CreatedWithMode0600AndReloadedIdentical) {
  Result<std::string> created = LoadOrCreateKeyFile(path_, random_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->size(), 32u);
  EXPECT_EQ(ModeOf(path_), 0600u);
  EXPECT_EQ(fs::file_size(path_), 32u);

  Result<std::string> reloaded = LoadOrCreateKeyFile(path_, random_);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(*reloaded, *created);

  // No temporary file is left beside the key.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(KeyFileTest, ModeIs0600EvenUnderAPermissiveUmask) {
  const mode_t old = ::umask(0);
  Result<std::string> created = LoadOrCreateKeyFile(path_, random_);
  ::umask(old);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(ModeOf(path_), 0600u);
}

TEST_F(KeyFileTest, FileReadableByOthersIsRefused) {
  ASSERT_TRUE(LoadOrCreateKeyFile(path_, random_).ok());
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  Result<std::string> loaded = LoadOrCreateKeyFile(path_, random_);
  EXPECT_EQ(loaded.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);

  ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
  EXPECT_EQ(LoadOrCreateKeyFile(path_, random_).status().code(), Status::Code::kPermissionDenied);
}

TEST_F(KeyFileTest, WrongSizeIsRefused) {
  {
    std::ofstream out(path_, std::ios::binary);
    out << "too short";
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  EXPECT_EQ(LoadOrCreateKeyFile(path_, random_).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(KeyFileTest, DirectoryIsRefused) {
  fs::create_directory(path_);
  ASSERT_EQ(::chmod(path_.c_str(), 0700), 0);
  EXPECT_EQ(LoadOrCreateKeyFile(path_, random_).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(KeyFileTest, MissingFolderIsAnError) {
  EXPECT_FALSE(LoadOrCreateKeyFile((dir_ / "nope" / "master.key").string(), random_).ok());
}

TEST_F(KeyFileTest, ConcurrentStartsAgreeOnOneKey) {
  std::vector<std::string> keys(8);
  std::vector<std::thread> threads;
  for (auto& key : keys) {
    threads.emplace_back([&] {
      SystemRandom random;
      Result<std::string> loaded = LoadOrCreateKeyFile(path_, random);
      if (loaded.ok()) key = *loaded;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& key : keys) {
    EXPECT_EQ(key.size(), 32u);
    EXPECT_EQ(key, keys[0]);
  }
}

}  // namespace
}  // namespace secinfo::crypto
