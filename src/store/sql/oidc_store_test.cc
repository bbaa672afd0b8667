#include "store/sql/store_test_fixture.h"

// Contract cases for the OpenID Connect provider's records (run for every backend, see
// sql_store_test.cc's instantiation).
namespace secinfo::store::test {
namespace {

constexpr int64_t kMinute = 60'000;

class OidcStoreTest : public StoreContractTest {
 protected:
  OidcClient Client(const std::string& id) {
    OidcClient c;
    c.id = id;
    c.tenant_id = tenant_id_;
    c.name = "Wiki";
    c.secret_hash = "aa";
    c.redirect_uris = {"https://wiki.example/cb", "http://127.0.0.1:9/cb"};
    c.scopes = {"openid", "profile", "email"};
    c.third_party = true;
    c.created_at = kT0;
    return c;
  }
  OidcGrant Grant(const std::string& grant_id) {
    return OidcGrant{grant_id, "wiki", tenant_id_, ana_,          "openid email",
                     "n-1",    "sess", kT0,        "pwd otp mfa", "urn:x"};
  }
  OidcToken Token(const std::string& hash, const std::string& kind, const std::string& grant) {
    OidcToken t;
    t.token_hash = hash;
    t.kind = kind;
    t.grant = Grant(grant);
    t.created_at = kT0;
    t.expires_at = kT0 + 60 * kMinute;
    return t;
  }
};

TEST_P(OidcStoreTest, ClientsRoundTripPerTenant) {
  OidcStore& oidc = store_->oidc();
  ASSERT_OK(oidc.CreateClient(Client("wiki")));
  EXPECT_EQ(oidc.CreateClient(Client("wiki")).code(), Code::kAlreadyExists);
  auto c = oidc.GetClient("wiki");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->redirect_uris, Client("wiki").redirect_uris);
  EXPECT_EQ(c->scopes, Client("wiki").scopes);
  EXPECT_TRUE(c->third_party);
  EXPECT_FALSE(c->is_public);
  ASSERT_OK(oidc.SetClientSecret(tenant_id_, "wiki", "bb"));
  EXPECT_EQ(oidc.GetClient("wiki")->secret_hash, "bb");
  EXPECT_EQ(oidc.SetClientSecret(tenant_id_ + 1, "wiki", "cc").code(), Code::kNotFound);
  EXPECT_EQ(oidc.ListClients(tenant_id_)->size(), 1u);
  EXPECT_EQ(oidc.DeleteClient(tenant_id_ + 1, "wiki").code(), Code::kNotFound);
  ASSERT_OK(oidc.DeleteClient(tenant_id_, "wiki"));
  EXPECT_EQ(oidc.GetClient("wiki").status().code(), Code::kNotFound);
}

TEST_P(OidcStoreTest, ASecondUseOfACodeRevokesWhatTheFirstIssued) {
  OidcStore& oidc = store_->oidc();
  ASSERT_OK(oidc.CreateClient(Client("wiki")));
  OidcCode code{"code-hash", Grant("g1"), "https://wiki.example/cb", "chal", kT0, kT0 + kMinute, 0};
  ASSERT_OK(oidc.CreateCode(code));
  auto first = oidc.UseCode("code-hash", kT0 + 1000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->grant.amr, "pwd otp mfa");
  EXPECT_EQ(first->code_challenge, "chal");
  ASSERT_OK(oidc.CreateTokens({Token("at", "access", "g1"), Token("rt", "refresh", "g1")}));
  EXPECT_EQ(oidc.UseCode("code-hash", kT0 + 2000).status().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(oidc.GetToken("at")->revoked);
  EXPECT_TRUE(oidc.GetToken("rt")->revoked);
  EXPECT_EQ(oidc.UseCode("other", kT0).status().code(), Code::kNotFound);
}

TEST_P(OidcStoreTest, RefreshRotatesOnceAndAReuseRevokesTheGrant) {
  OidcStore& oidc = store_->oidc();
  ASSERT_OK(oidc.CreateClient(Client("wiki")));
  ASSERT_OK(oidc.CreateTokens({Token("at1", "access", "g1"), Token("rt1", "refresh", "g1")}));
  ASSERT_OK(oidc.RotateRefresh("rt1", kT0 + 1000,
                               {Token("at2", "access", "g1"), Token("rt2", "refresh", "g1")}));
  EXPECT_FALSE(oidc.GetToken("rt2")->revoked);
  // rt1 again (stolen and replayed): refused, and the whole family goes.
  EXPECT_EQ(oidc.RotateRefresh("rt1", kT0 + 2000, {Token("rt3", "refresh", "g1")}).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(oidc.GetToken("rt3").status().code(), Code::kNotFound);
  EXPECT_TRUE(oidc.GetToken("rt2")->revoked);
  EXPECT_TRUE(oidc.GetToken("at2")->revoked);
  EXPECT_EQ(oidc.RotateRefresh("rt2", kT0 + 3000, {}).code(), Code::kNotFound);
  // An access token never rotates; an expired refresh token neither.
  ASSERT_OK(oidc.CreateTokens({Token("rt9", "refresh", "g9")}));
  EXPECT_EQ(oidc.RotateRefresh("at1", kT0, {}).code(), Code::kNotFound);
  EXPECT_EQ(oidc.RotateRefresh("rt9", kT0 + 61 * kMinute, {}).code(), Code::kNotFound);
}

TEST_P(OidcStoreTest, ARotatedKeyStaysPublishedUntilItsTokensExpire) {
  OidcStore& oidc = store_->oidc();
  ASSERT_OK(oidc.AddSigningKey({"k1", "RS256", "sealed", "{}", kT0, 0, 0}, 0));
  ASSERT_OK(oidc.AddSigningKey({"e1", "ES256", "sealed", "{}", kT0, 0, 0}, 0));
  ASSERT_OK(
      oidc.AddSigningKey({"k2", "RS256", "sealed", "{}", kT0 + 1000, 0, 0}, kT0 + 60 * kMinute));
  auto keys = oidc.ListSigningKeys(kT0 + 2000);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].retired_at, 0);
  EXPECT_EQ((*keys)[2].kid, "k1");
  EXPECT_EQ((*keys)[2].retired_at, kT0 + 1000);
  keys = oidc.ListSigningKeys(kT0 + 61 * kMinute);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_NE((*keys)[0].kid, "k1");
  EXPECT_NE((*keys)[1].kid, "k1");
}

TEST_P(OidcStoreTest, ConsentIsKeptPerPersonAndClient) {
  OidcStore& oidc = store_->oidc();
  ASSERT_OK(oidc.CreateClient(Client("wiki")));
  EXPECT_EQ(*oidc.GetConsent(ana_, "wiki"), "");
  ASSERT_OK(oidc.SetConsent(ana_, "wiki", "openid", kT0));
  ASSERT_OK(oidc.SetConsent(ana_, "wiki", "openid email", kT0 + 1));
  EXPECT_EQ(*oidc.GetConsent(ana_, "wiki"), "openid email");
}

INSTANTIATE_TEST_SUITE_P(Backends, OidcStoreTest, StoreBackends());

}  // namespace
}  // namespace secinfo::store::test
