#include "cli/authenticator/accounts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace secinfo::cli::authenticator {
namespace {

namespace fs = std::filesystem;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "companion-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = (fs::path(root_) / "nested" / "store").string();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string file() const { return dir_ + "/accounts.json"; }

  static Account Sample(const std::string& device) {
    Account a;
    a.issuer = "Contoso";
    a.account = "ana@contoso.example";
    a.device_id = device;
    a.device_name = "laptop";
    a.api = "https://id.contoso.example/api/authenticator";
    a.otpauth = "otpauth://totp/Contoso:ana%40contoso.example?secret=GEZDGNBV&issuer=Contoso";
    a.public_key_b64 = "BPub";
    a.private_key_pem = "-----BEGIN PRIVATE KEY-----\nX\n-----END PRIVATE KEY-----\n";
    a.enrolled_at = 1'700'000'000;
    return a;
  }

  std::string root_;
  std::string dir_;
};

TEST_F(AccountsTest, MissingFileMeansNoAccountsYet) {
  auto loaded = LoadAccounts(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->empty());
}

TEST_F(AccountsTest, RoundTripKeepsEveryFieldAndOrder) {
  ASSERT_TRUE(SaveAccounts(dir_, {Sample("dev1"), Sample("dev2")}).ok());
  auto loaded = LoadAccounts(dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), 2u);
  const Account want = Sample("dev1");
  const Account& got = (*loaded)[0];
  EXPECT_EQ(got.issuer, want.issuer);
  EXPECT_EQ(got.account, want.account);
  EXPECT_EQ(got.device_id, "dev1");
  EXPECT_EQ(got.device_name, want.device_name);
  EXPECT_EQ(got.api, want.api);
  EXPECT_EQ(got.otpauth, want.otpauth);
  EXPECT_EQ(got.public_key_b64, want.public_key_b64);
  EXPECT_EQ(got.private_key_pem, want.private_key_pem);
  EXPECT_EQ(got.enrolled_at, want.enrolled_at);
  EXPECT_EQ((*loaded)[1].device_id, "dev2");
}

TEST_F(AccountsTest, FileIsPrivateAndFolderIsCreatedPrivate) {
  ::umask(022);  // a usual umask: the code, not the umask, must keep the keys private
  ASSERT_TRUE(SaveAccounts(dir_, {Sample("dev1")}).ok());
  struct stat st;
  ASSERT_EQ(::stat(file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(AccountsTest, SavingReplacesTheFileAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(SaveAccounts(dir_, {Sample("dev1"), Sample("dev2")}).ok());
  ASSERT_TRUE(SaveAccounts(dir_, {Sample("dev3")}).ok());
  auto loaded = LoadAccounts(dir_);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].device_id, "dev3");
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "accounts.json");
  }
  EXPECT_EQ(files, 1);
}

TEST_F(AccountsTest, RefusesAFileOthersCanRead) {
  ASSERT_TRUE(SaveAccounts(dir_, {Sample("dev1")}).ok());
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(file().c_str(), mode), 0);
    auto loaded = LoadAccounts(dir_);
    ASSERT_FALSE(loaded.ok()) << std::oct << mode;
    EXPECT_EQ(loaded.status().code(), Status::Code::kPermissionDenied);
    EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(file().c_str(), 0600), 0);
  EXPECT_TRUE(LoadAccounts(dir_).ok());
}

TEST_F(AccountsTest, RefusesAMalformedFile) {
  fs::create_directories(dir_);
  for (const char* text : {"not json", "[]", R"({"version":2,"accounts":[]})",
                           R"({"version":1,"accounts":[{"account":"a"}]})"}) {
    { std::ofstream(file()) << text; }
    ASSERT_EQ(::chmod(file().c_str(), 0600), 0);
    auto loaded = LoadAccounts(dir_);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), Status::Code::kInvalidArgument) << text;
  }
}

TEST(DefaultStoreDirTest, FollowsXdgThenHome) {
  EXPECT_EQ(*DefaultStoreDir("/x/cfg", "/home/ana"), "/x/cfg/secinfo-authenticator");
  EXPECT_EQ(*DefaultStoreDir(nullptr, "/home/ana"), "/home/ana/.config/secinfo-authenticator");
  // The XDG spec says a relative XDG_CONFIG_HOME is to be ignored.
  EXPECT_EQ(*DefaultStoreDir("relative", "/home/ana"), "/home/ana/.config/secinfo-authenticator");
  EXPECT_EQ(*DefaultStoreDir("", "/home/ana"), "/home/ana/.config/secinfo-authenticator");
  EXPECT_FALSE(DefaultStoreDir(nullptr, nullptr).ok());
}

}  // namespace
}  // namespace secinfo::cli::authenticator
