#include "flows/credentials/credentials.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "crypto/password.h"
#include "flows/sign_in/sign_in.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

class CredentialsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("credentials");
    int64_t tenant = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    store::User u;
    u.tenant_id = tenant;
    u.username = "ana@contoso.example";
    u.password_hash = *crypto::HashPassword("placeholder");
    id_ = *store_->users().Create(u);
    credentials_ = std::make_unique<LocalCredentials>(store_->users());
  }
  store::User Ana() { return *store_->users().Get(id_); }
  bool Verify(std::string_view password) {
    const store::User ana = Ana();
    return credentials_->Verify(&ana, password);
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<LocalCredentials> credentials_;
  int64_t id_ = 0;
};

TEST_F(CredentialsTest, NfkcEquivalentsAreTheSamePassword) {
  ASSERT_TRUE(credentials_->Set(Ana(), "caf\u00e9 \ufb01ne 42", false).ok());
  EXPECT_TRUE(Verify("cafe\u0301 fine 42"));
  EXPECT_TRUE(Verify("caf\u00e9 \ufb01ne 42"));
  EXPECT_FALSE(Verify("cafe fine 42"));
  EXPECT_FALSE(credentials_->Verify(nullptr, "cafe\u0301 fine 42"));
}

TEST_F(CredentialsTest, AHashOfTheTypedBytesStillVerifiesAndIsReplacedByTheNormalizedOne) {
  // Stored before passwords were normalized: the hash of the decomposed bytes.
  ASSERT_TRUE(store_->users().SetPasswordHash(id_, *crypto::HashPassword("cafe\u0301 noir")).ok());
  EXPECT_TRUE(Verify("cafe\u0301 noir"));
  // Now the normalized form is stored: the precomposed spelling works too.
  EXPECT_TRUE(crypto::VerifyPassword(Ana().password_hash, "caf\u00e9 noir"));
  EXPECT_TRUE(Verify("caf\u00e9 noir"));
}

TEST_F(CredentialsTest, AHashWithOtherArgon2ParametersIsRenewedAtSignIn) {
  char old_hash[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(old_hash, "tram bleu 42", 12, 3, 8 * 1024 * 1024,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  ASSERT_TRUE(store_->users().SetPasswordHash(id_, old_hash).ok());
  ASSERT_TRUE(crypto::PasswordNeedsRehash(Ana().password_hash));

  FakeClock clock;
  SystemRandom random;
  Sessions sessions(*store_, clock, random, SignInOptions{}, credentials_.get());
  EXPECT_EQ(sessions.SignIn("ana@contoso.example", "tram bleu 42", "192.0.2.1").outcome,
            SignInOutcome::kSignedIn);
  EXPECT_FALSE(crypto::PasswordNeedsRehash(Ana().password_hash));
  EXPECT_NE(Ana().password_hash, old_hash);
  EXPECT_EQ(sessions.SignIn("ana@contoso.example", "tram bleu 42", "192.0.2.1").outcome,
            SignInOutcome::kSignedIn);
}

TEST_F(CredentialsTest, MustChangeIsSetWithATemporaryPasswordAndClearedByTheNextOne) {
  ASSERT_TRUE(credentials_->Set(Ana(), "temp-1234-abcd", true).ok());
  EXPECT_TRUE(credentials_->MustChange(Ana()));
  // A rehash keeps the flag.
  ASSERT_TRUE(store_->users().SetPasswordHash(id_, *crypto::HashPassword("temp-1234-abcd")).ok());
  EXPECT_TRUE(credentials_->MustChange(Ana()));
  ASSERT_TRUE(credentials_->Set(Ana(), "tram bleu sous la pluie", false).ok());
  EXPECT_FALSE(credentials_->MustChange(Ana()));
  EXPECT_TRUE(Verify("tram bleu sous la pluie"));
  EXPECT_FALSE(Verify("temp-1234-abcd"));
}

}  // namespace
}  // namespace secinfo::flows
