#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/db.h"
#include "store/store.h"

// The SQL implementations of each store interface (see store/store.h for the contracts). Each holds
// a reference to the Db owned by SqlStore and is thread-safe because Db is.
namespace secinfo::store::sql {

class SqlTenantStore final : public TenantStore {
 public:
  explicit SqlTenantStore(Db& db) : db_(db) {}
  Result<int64_t> Create(const Tenant& t) override;
  Result<Tenant> Get(int64_t id) override;
  Result<Tenant> FindByDomain(std::string_view domain) override;
  Result<std::vector<Tenant>> List() override;
  Result<std::vector<MethodSwitch>> GetMethodSwitches(int64_t tenant_id) override;
  Status SetMethodSwitch(int64_t tenant_id, const MethodSwitch& s) override;
  Result<TollFraudPolicy> GetTollFraudPolicy(int64_t tenant_id) override;
  Status SetTollFraudPolicy(int64_t tenant_id, const TollFraudPolicy& p) override;
  Status AddBannedWord(int64_t tenant_id, std::string_view folded, std::string_view word) override;
  Status RemoveBannedWord(int64_t tenant_id, std::string_view folded) override;
  Result<std::vector<std::string>> ListBannedWords(int64_t tenant_id) override;

 private:
  Db& db_;
};

class SqlUserStore final : public UserStore {
 public:
  explicit SqlUserStore(Db& db) : db_(db) {}
  Result<int64_t> Create(const User& u) override;
  Result<User> Get(int64_t id) override;
  Result<User> FindByUsername(std::string_view username) override;
  Result<std::vector<User>> ListForTenant(int64_t tenant_id) override;
  Status SetPasswordHash(int64_t user_id, std::string_view hash) override;
  Status SetPassword(int64_t user_id, std::string_view hash, bool must_change) override;
  Status SetLocale(int64_t user_id, std::string_view locale) override;
  Status SetDefaultMethod(int64_t user_id, std::optional<int64_t> method_id,
                          std::string_view proof) override;
  Result<bool> CountRegistrationSkip(int64_t user_id, int64_t max) override;

 private:
  Db& db_;
};

class SqlMethodStore final : public MethodStore {
 public:
  explicit SqlMethodStore(Db& db) : db_(db) {}
  Result<std::vector<Method>> ListForUser(int64_t user_id) override;
  Result<Method> Get(int64_t user_id, int64_t method_id) override;
  Status Delete(int64_t user_id, int64_t method_id) override;
  Result<int64_t> Create(const Method& m) override;
  Status Update(const Method& m) override;
  Status AdvanceCounter(int64_t user_id, int64_t method_id, int64_t counter) override;
  Result<Method> FindByKey(std::string_view key) override;
  Result<std::optional<std::string>> AnySealedSecret() override;

 private:
  Db& db_;
};

class SqlSessionStore final : public SessionStore {
 public:
  explicit SqlSessionStore(Db& db) : db_(db) {}
  Status Create(const Session& s) override;
  Result<Session> Get(std::string_view id_hash, int64_t now) override;
  Status Touch(std::string_view id_hash, int64_t now, int64_t expires_at) override;
  Status Delete(std::string_view id_hash) override;
  Status DeleteForUser(int64_t user_id) override;
  Result<std::vector<Session>> ListForUser(int64_t user_id, int64_t now) override;
  Result<int64_t> DeleteOthers(int64_t user_id, std::string_view keep_hash) override;
  Status SetAssurance(std::string_view id_hash, std::string_view amr, int64_t second_factor_at,
                      std::string_view second_step, int64_t now) override;
  Result<int64_t> DeleteExpired(int64_t now) override;

 private:
  Db& db_;
};

class SqlCallAttemptStore final : public CallAttemptStore {
 public:
  explicit SqlCallAttemptStore(Db& db) : db_(db) {}
  Status Create(const CallAttempt& a) override;
  Result<CallAttempt> Get(std::string_view id) override;
  Result<CallAttempt> FindByProviderCall(std::string_view provider,
                                         std::string_view provider_call_id) override;
  Status Update(const CallAttempt& a) override;
  Result<int64_t> UpdateAndCreateMethod(const CallAttempt& a, const Method& m) override;
  Result<std::vector<CallAttempt>> ListLiveForUser(int64_t user_id) override;
  Result<std::vector<CallAttempt>> ListLiveCreatedBefore(int64_t created_before,
                                                         int limit) override;
  Result<int64_t> DeleteCreatedBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlCodeChallengeStore final : public CodeChallengeStore {
 public:
  explicit SqlCodeChallengeStore(Db& db) : db_(db) {}
  Status Create(const CodeChallenge& c) override;
  Result<CodeChallenge> Get(std::string_view id) override;
  Status Update(const CodeChallenge& c) override;
  Result<int64_t> UpdateAndCreateMethod(const CodeChallenge& c, const Method& m) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlTextDeliveryStore final : public TextDeliveryStore {
 public:
  explicit SqlTextDeliveryStore(Db& db) : db_(db) {}
  Result<TextDelivery> Track(const TextDelivery& t) override;
  Result<TextDelivery> RecordReceipt(std::string_view provider, std::string_view message_id,
                                     DeliveryState state, std::string_view error,
                                     int64_t at) override;
  Result<std::vector<TextDelivery>> ListForChallenge(std::string_view challenge_id) override;
  Result<int64_t> DeleteCreatedBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlAppEnrolmentStore final : public AppEnrolmentStore {
 public:
  explicit SqlAppEnrolmentStore(Db& db) : db_(db) {}
  Status Create(const AppEnrolment& e) override;
  Result<AppEnrolment> Get(std::string_view id) override;
  Status Update(const AppEnrolment& e) override;
  Result<int64_t> UpdateAndCreateMethod(const AppEnrolment& e, const Method& m) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlQuestionStore final : public QuestionStore {
 public:
  explicit SqlQuestionStore(Db& db) : db_(db) {}
  Result<QuestionSettings> GetSettings(int64_t tenant_id) override;
  Status SetSettings(int64_t tenant_id, const QuestionSettings& s) override;
  Result<std::vector<CustomQuestion>> ListCustom(int64_t tenant_id) override;
  Result<int64_t> AddCustom(const CustomQuestion& q) override;
  Status DeleteCustom(int64_t tenant_id, int64_t id) override;
  Result<int64_t> SaveAnswers(const Method& m, const std::vector<QuestionAnswer>& answers) override;
  Result<std::vector<QuestionAnswer>> GetAnswers(int64_t user_id, int64_t method_id) override;

 private:
  Db& db_;
};

class SqlGreetingStore final : public GreetingStore {
 public:
  explicit SqlGreetingStore(Db& db) : db_(db) {}
  Status Put(const Greeting& g) override;
  Result<Greeting> Get(int64_t tenant_id, std::string_view locale) override;
  Status Delete(int64_t tenant_id, std::string_view locale) override;
  Result<std::vector<GreetingSummary>> List(int64_t tenant_id) override;

 private:
  Db& db_;
};

class SqlPushStore final : public PushStore {
 public:
  explicit SqlPushStore(Db& db) : db_(db) {}
  Status CreateEnrolToken(const PushEnrolToken& t) override;
  Result<PushEnrolToken> UseEnrolToken(std::string_view token_hash, int64_t now) override;
  Status CreateChallenge(const PushChallenge& c) override;
  Result<PushChallenge> GetChallenge(std::string_view id) override;
  Status UpdateChallenge(const PushChallenge& c) override;
  Result<std::vector<PushChallenge>> ListPending(int64_t method_id, int64_t now) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;
  Status UsePollSignature(std::string_view device_id, int64_t ts,
                          int64_t forget_before_ts) override;

 private:
  Db& db_;
};

class SqlSimMessageStore final : public SimMessageStore {
 public:
  explicit SqlSimMessageStore(Db& db) : db_(db) {}
  Result<int64_t> Create(const SimMessage& m) override;
  Result<std::vector<SimMessage>> ListFor(std::string_view channel, std::string_view recipient,
                                          int limit) override;
  Result<std::vector<std::string>> ListRecipients(std::string_view channel, int limit) override;

 private:
  Db& db_;
};

class SqlSimCallStore final : public SimCallStore {
 public:
  explicit SqlSimCallStore(Db& db) : db_(db) {}
  Status Create(const SimCall& c) override;
  Result<SimCall> Get(std::string_view id) override;
  Result<std::vector<SimCall>> ListForNumber(std::string_view number_e164, int limit) override;
  Result<std::vector<std::string>> ListNumbers(int limit) override;
  Status Update(const SimCall& c, std::string_view expected_state) override;
  Status Say(std::string_view id, std::string_view said) override;

 private:
  Db& db_;
};

class SqlAuditLog final : public AuditLog {
 public:
  explicit SqlAuditLog(Db& db) : db_(db) {}
  Status Append(const AuditEntry& e) override;
  Result<std::vector<AuditEntry>> ListForTenant(int64_t tenant_id, int limit) override;
  Result<std::vector<AuditEntry>> ListForTenantBetween(int64_t tenant_id, int64_t since,
                                                       int64_t until, int limit) override;
  Result<int64_t> DeleteBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlRateLimitStore final : public RateLimitStore {
 public:
  explicit SqlRateLimitStore(Db& db) : db_(db) {}
  Result<int64_t> Hit(std::string_view key, int64_t now, int64_t window_millis) override;
  Result<bool> Reserve(std::string_view key, int64_t now, int64_t window_millis,
                       int64_t limit) override;
  Status Release(std::string_view key, int64_t now, int64_t window_millis) override;
  Result<int64_t> Peek(std::string_view key, int64_t now, int64_t window_millis) override;
  Status Reset(std::string_view key) override;
  Result<int64_t> DeleteEndedBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlSignInStore final : public SignInStore {
 public:
  explicit SqlSignInStore(Db& db) : db_(db) {}
  Result<SignInPolicy> GetPolicy(int64_t tenant_id) override;
  Status SetPolicy(int64_t tenant_id, const SignInPolicy& p) override;
  Status RememberBrowser(const RememberedBrowser& b) override;
  Result<RememberedBrowser> FindRemembered(std::string_view id_hash, int64_t user_id,
                                           int64_t now) override;
  Result<std::vector<RememberedBrowser>> ListRemembered(int64_t user_id, int64_t now) override;
  Status ForgetRemembered(int64_t user_id, std::string_view id_hash) override;
  Result<bool> ReserveCheck(int64_t user_id, int64_t now, int64_t lock_every, int64_t lock_millis,
                            int64_t max_failures) override;
  Status ClearFailures(int64_t user_id) override;
  Result<VerificationFailures> GetFailures(int64_t user_id) override;
  Status CreateVerification(const Verification& v) override;
  Result<Verification> GetVerification(std::string_view id) override;
  Status UpdateVerification(const Verification& v) override;
  Status Block(const VerificationBlock& b) override;
  Result<VerificationBlock> FindBlock(int64_t user_id, int64_t now) override;
  Result<std::vector<VerificationBlock>> ListBlocks(int64_t tenant_id, int64_t now) override;
  Status Unblock(int64_t user_id) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlOidcStore final : public OidcStore {
 public:
  explicit SqlOidcStore(Db& db) : db_(db) {}
  Status CreateClient(const OidcClient& c) override;
  Result<OidcClient> GetClient(std::string_view id) override;
  Result<std::vector<OidcClient>> ListClients(int64_t tenant_id) override;
  Status DeleteClient(int64_t tenant_id, std::string_view id) override;
  Status SetClientSecret(int64_t tenant_id, std::string_view id,
                         std::string_view secret_hash) override;
  Status AddSigningKey(const OidcSigningKey& key, int64_t old_expires_at) override;
  Result<std::vector<OidcSigningKey>> ListSigningKeys(int64_t now) override;
  Status CreateCode(const OidcCode& c) override;
  Result<OidcCode> UseCode(std::string_view code_hash, int64_t now) override;
  Status CreateTokens(const std::vector<OidcToken>& tokens) override;
  Result<OidcToken> GetToken(std::string_view token_hash) override;
  Status RotateRefresh(std::string_view old_hash, int64_t now,
                       const std::vector<OidcToken>& next) override;
  Status RevokeGrant(std::string_view grant_id) override;
  Status RevokeToken(std::string_view token_hash) override;
  Result<std::string> GetConsent(int64_t user_id, std::string_view client_id) override;
  Status SetConsent(int64_t user_id, std::string_view client_id, std::string_view scope,
                    int64_t now) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;

 private:
  Db& db_;
};

class SqlPasswordResetStore final : public PasswordResetStore {
 public:
  explicit SqlPasswordResetStore(Db& db) : db_(db) {}
  Result<ResetPolicy> GetPolicy(int64_t tenant_id) override;
  Status SetPolicy(int64_t tenant_id, const ResetPolicy& p) override;
  Status Create(const PasswordReset& r) override;
  Result<PasswordReset> Get(std::string_view id_hash, int64_t now) override;
  Status Update(const PasswordReset& r) override;
  Status Delete(std::string_view id_hash) override;
  Result<int64_t> DeleteExpiredBefore(int64_t before) override;
  Status Lock(std::string_view key, int64_t until) override;
  Result<int64_t> LockedUntil(std::string_view key) override;
  Status Unlock(std::string_view key) override;
  Result<int64_t> ReviewedAt(int64_t user_id) override;
  Status SetReviewedAt(int64_t user_id, int64_t at) override;

 private:
  Db& db_;
};

}  // namespace secinfo::store::sql
