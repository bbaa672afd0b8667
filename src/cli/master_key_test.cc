#include "cli/master_key.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_for_test.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "crypto/secret_box.h"
#include "methods/registry.h"
#include "store/sql/sql_store.h"

namespace secinfo::cli {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqlStoreOptions options;
    options.connection = (std::filesystem::path(dir_.path()) / "secinfo.db").string();
    auto opened = store::OpenSqlStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    auto tenant = store_->tenants().Create(store::Tenant{.name = "Contoso",
                                                         .domain = "contoso.example",
                                                         .default_locale = "fr",
                                                         .default_region = "FR"});
    ASSERT_TRUE(tenant.ok());
    auto ana = store_->users().Create(store::User{.tenant_id = *tenant,
                                                  .username = "ana@contoso.example",
                                                  .display_name = "Ana",
                                                  .password_hash = "$argon2id$x",
                                                  .locale = "fr",
                                                  .created_at = 1});
    ASSERT_TRUE(ana.ok());
    ana_ = *ana;
  }

  // Registers an authenticator app whose seed is sealed with `key`, as the flows do.
  void AddAppSealedWith(const std::string& key) {
    std::string sealed = crypto::Base64UrlEncode(
        crypto::SecretBox(crypto::DeriveKey(key, kSeedKeyPurpose)).Seal("seed-bytes", random_));
    auto method =
        store_->methods().Create(store::Method{.user_id = ana_,
                                               .kind = methods::MethodKind::kAuthenticator,
                                               .secret = sealed,
                                               .created_at = 2});
    ASSERT_TRUE(method.ok()) << method.status().ToString();
  }

  std::string KeyFile() const {
    return (std::filesystem::path(dir_.path()) / "secinfo.key").string();
  }

  testing_support::TempDir dir_{"master-key-test"};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  int64_t ana_ = 0;
};

TEST_F(MasterKeyTest, AFirstStartCreatesTheKey) {
  auto key = LoadMasterKey(KeyFile(), store_->methods(), random_);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->size(), crypto::kKeyFileSize);
  EXPECT_TRUE(std::filesystem::exists(KeyFile()));
  // Later starts read the same key.
  EXPECT_EQ(*LoadMasterKey(KeyFile(), store_->methods(), random_), *key);
}

TEST_F(MasterKeyTest, ANodeWithoutTheKeyFileRefusesWhenSecretsAreSealed) {
  auto key = crypto::LoadOrCreateKeyFile(KeyFile(), random_);
  ASSERT_TRUE(key.ok());
  AddAppSealedWith(*key);
  EXPECT_TRUE(LoadMasterKey(KeyFile(), store_->methods(), random_).ok());

  std::filesystem::remove(KeyFile());
  auto refused = LoadMasterKey(KeyFile(), store_->methods(), random_);
  ASSERT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("no key file at " + KeyFile()), std::string::npos);
  EXPECT_NE(refused.status().message().find("copy the key file"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(KeyFile())) << "no new key may be created";
}

TEST_F(MasterKeyTest, AKeyFileThatDoesNotOpenTheSecretsIsRefused) {
  SystemRandom other_random;
  AddAppSealedWith(other_random.Bytes(crypto::kKeyFileSize));  // another node's key
  ASSERT_TRUE(crypto::LoadOrCreateKeyFile(KeyFile(), random_).ok());
  auto refused = LoadMasterKey(KeyFile(), store_->methods(), random_);
  ASSERT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("same key file"), std::string::npos);
}

}  // namespace
}  // namespace secinfo::cli
