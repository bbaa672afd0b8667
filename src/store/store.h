#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "store/types.h"

// Interfaces to everything secinfo keeps. Every piece of state a flow needs to continue lives here,
// so any node on the same database can serve any request. Implementations are thread-safe.
// Errors: NotFound when a looked-up row is absent, AlreadyExists on a unique-key clash,
// FailedPrecondition on a stale versioned write, Unavailable when the database cannot be reached,
// Internal when a row holds a state this version does not know (store/states.h): a read that meets
// one, a listing included, fails rather than guess.
namespace secinfo::store {

class TenantStore {
 public:
  virtual ~TenantStore() = default;
  // Returns the new tenant's id.
  virtual Result<int64_t> Create(const Tenant& t) = 0;
  virtual Result<Tenant> Get(int64_t id) = 0;
  virtual Result<Tenant> FindByDomain(std::string_view domain) = 0;
  virtual Result<std::vector<Tenant>> List() = 0;
  // Per-method switches set by an administrator: method name → enabled. Methods without a row keep
  // the product default (decided by policy/, not here).
  virtual Result<std::vector<MethodSwitch>> GetMethodSwitches(int64_t tenant_id) = 0;
  virtual Status SetMethodSwitch(int64_t tenant_id, const MethodSwitch& s) = 0;
  // The tenant's toll-fraud rules, or the defaults when never set.
  virtual Result<TollFraudPolicy> GetTollFraudPolicy(int64_t tenant_id) = 0;
  virtual Status SetTollFraudPolicy(int64_t tenant_id, const TollFraudPolicy& p) = 0;
  // The tenant's banned password words, keyed by `folded`, their comparison form (NFKC,
  // case-folded: policy/password_rules.h makes it); `word` is kept as the administrator typed it.
  // AlreadyExists when the folded form is listed already; NotFound when the tenant does not exist.
  virtual Status AddBannedWord(int64_t tenant_id, std::string_view folded,
                               std::string_view word) = 0;
  // NotFound when the folded form is not listed.
  virtual Status RemoveBannedWord(int64_t tenant_id, std::string_view folded) = 0;
  // The words as typed, ordered by folded form.
  virtual Result<std::vector<std::string>> ListBannedWords(int64_t tenant_id) = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Counts one more skip of the registration interrupt if fewer than `max` were counted,
  // atomically: true when counted.
  virtual Result<bool> CountRegistrationSkip(int64_t user_id, int64_t max) = 0;
  virtual Result<int64_t> Create(const User& u) = 0;
  virtual Result<User> Get(int64_t id) = 0;
  // `username` is matched exactly; callers lower-case it first.
  virtual Result<User> FindByUsername(std::string_view username) = 0;
  virtual Result<std::vector<User>> ListForTenant(int64_t tenant_id) = 0;
  // Replaces the hash only (a rehash with today's parameters): the must-change flag stays.
  virtual Status SetPasswordHash(int64_t user_id, std::string_view hash) = 0;
  // Replaces the hash and sets the must-change flag, in one statement.
  virtual Status SetPassword(int64_t user_id, std::string_view hash, bool must_change) = 0;
  virtual Status SetLocale(int64_t user_id, std::string_view locale) = 0;
  // Sets or clears the default sign-in method and how it proves the person ("" = its first way).
  // NotFound when the method is not the user's.
  virtual Status SetDefaultMethod(int64_t user_id, std::optional<int64_t> method_id,
                                  std::string_view proof) = 0;
};

class MethodStore {
 public:
  virtual ~MethodStore() = default;
  virtual Result<std::vector<Method>> ListForUser(int64_t user_id) = 0;
  // NotFound unless the method exists and belongs to `user_id`.
  virtual Result<Method> Get(int64_t user_id, int64_t method_id) = 0;
  // Deletes the method; if it was the user's default, the default moves to the user's oldest
  // remaining method that can be a default (not email, not questions), or none, in the same
  // transaction.
  virtual Status Delete(int64_t user_id, int64_t method_id) = 0;
  // Creates a method proven without a call or code (an app that gave a right TOTP code, answered
  // questions) with its keys, and makes it the default when the user has none and it can be one.
  // AlreadyExists when another method of the user holds one of its keys (one phone per type, a
  // number once, one email, one set of questions: what each kind declares).
  virtual Result<int64_t> Create(const Method& m) = 0;
  // Replaces the data, secret and keys (AlreadyExists as for Create). The counter moves only by
  // AdvanceCounter, so that a concurrent sign-in's step is never written back. NotFound unless it
  // is the user's.
  virtual Status Update(const Method& m) = 0;
  // Records the one-time counter just accepted (an app's TOTP step) if it is above the stored one.
  // FailedPrecondition when a counter >= `counter` was recorded meanwhile: the same code (or an
  // older one) was used already. NotFound unless the method is the user's.
  virtual Status AdvanceCounter(int64_t user_id, int64_t method_id, int64_t counter) = 0;
  // The method holding `key`, for keys unique across people by construction (a bound device's,
  // methods::authenticator::DeviceKey); the oldest one if several do. NotFound when none.
  virtual Result<Method> FindByKey(std::string_view key) = 0;
  // One secret sealed with the server's master key (an authenticator's seed, of a method or of an
  // enrolment in progress), or nullopt when the database holds none. A node without a key file
  // may only create a new key when there is none: a new key would open none of them.
  virtual Result<std::optional<std::string>> AnySealedSecret() = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status Create(const Session& s) = 0;
  // NotFound when absent or expired at `now`.
  virtual Result<Session> Get(std::string_view id_hash, int64_t now) = 0;
  // Slides the idle expiry.
  virtual Status Touch(std::string_view id_hash, int64_t now, int64_t expires_at) = 0;
  virtual Status Delete(std::string_view id_hash) = 0;
  virtual Status DeleteForUser(int64_t user_id) = 0;
  // Live sessions of a user at `now`, newest first.
  virtual Result<std::vector<Session>> ListForUser(int64_t user_id, int64_t now) = 0;
  // Signs out every session of the user but `keep_hash`. Returns how many ended.
  virtual Result<int64_t> DeleteOthers(int64_t user_id, std::string_view keep_hash) = 0;
  // Records what the session has proven: its amr list, the time of the last second factor and how
  // the second step was met. NotFound when the session is gone or expired.
  virtual Status SetAssurance(std::string_view id_hash, std::string_view amr,
                              int64_t second_factor_at, std::string_view second_step,
                              int64_t now) = 0;
  // Retention: deletes the sessions expired at `now`. Returns how many.
  virtual Result<int64_t> DeleteExpired(int64_t now) = 0;
};

// What sign-in's second step keeps: the tenants' rules, remembered browsers, failure counters and
// fraud blocks.
class SignInStore {
 public:
  virtual ~SignInStore() = default;
  // The tenant's rules, or the defaults when never set.
  virtual Result<SignInPolicy> GetPolicy(int64_t tenant_id) = 0;
  virtual Status SetPolicy(int64_t tenant_id, const SignInPolicy& p) = 0;

  virtual Status RememberBrowser(const RememberedBrowser& b) = 0;
  // NotFound unless the browser is remembered for `user_id` and not expired at `now`.
  virtual Result<RememberedBrowser> FindRemembered(std::string_view id_hash, int64_t user_id,
                                                   int64_t now) = 0;
  // Newest first, live at `now`.
  virtual Result<std::vector<RememberedBrowser>> ListRemembered(int64_t user_id, int64_t now) = 0;
  // Forgets one browser (NotFound unless it is the user's) or, with an empty hash, all of them.
  virtual Status ForgetRemembered(int64_t user_id, std::string_view id_hash) = 0;

  // Reserves one verification check for the user before it is made, in one atomic statement: it
  // counts as a failure until ClearFailures says it succeeded. Refused (false) while locked or once
  // `max_failures` are counted. Every `lock_every`-th consecutive failure locks checks until
  // now + lock_millis. So no number of parallel requests buys more than the limit of checks.
  virtual Result<bool> ReserveCheck(int64_t user_id, int64_t now, int64_t lock_every,
                                    int64_t lock_millis, int64_t max_failures) = 0;
  // A check succeeded: the consecutive failures start again at zero (and any lock ends).
  virtual Status ClearFailures(int64_t user_id) = 0;
  // Zero counts when there were none.
  virtual Result<VerificationFailures> GetFailures(int64_t user_id) = 0;

  // Inserts with version 1.
  virtual Status CreateVerification(const Verification& v) = 0;
  virtual Result<Verification> GetVerification(std::string_view id) = 0;
  // Compare-and-set on version; FailedPrecondition when someone wrote first.
  virtual Status UpdateVerification(const Verification& v) = 0;

  // Blocks (or extends the block of) b.user_id.
  virtual Status Block(const VerificationBlock& b) = 0;
  // The user's block in force at `now`; NotFound when none.
  virtual Result<VerificationBlock> FindBlock(int64_t user_id, int64_t now) = 0;
  // Blocks in force at `now`, with user names, oldest first.
  virtual Result<std::vector<VerificationBlock>> ListBlocks(int64_t tenant_id, int64_t now) = 0;
  // Lifts the block and the failure count. NotFound when the user was neither blocked nor locked.
  virtual Status Unblock(int64_t user_id) = 0;
  // Deletes verifications and remembered browsers that expired, and blocks that ended, before
  // `before`; returns how many rows went. Failure counts stay: they are consecutive, not timed.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;
};

class CallAttemptStore {
 public:
  virtual ~CallAttemptStore() = default;
  // Inserts with version 1.
  virtual Status Create(const CallAttempt& a) = 0;
  virtual Result<CallAttempt> Get(std::string_view id) = 0;
  virtual Result<CallAttempt> FindByProviderCall(std::string_view provider,
                                                 std::string_view provider_call_id) = 0;
  // Writes `a` if the stored version is still a.version, and bumps the version.
  // FailedPrecondition when someone else wrote first: re-read and retry.
  virtual Status Update(const CallAttempt& a) = 0;
  // Like Update, and in the same transaction creates `m` and, when the user has no default method,
  // makes `m` the default. Sets a.method_id. AlreadyExists when the user already has a method of
  // that kind and phone type, or the same number.
  virtual Result<int64_t> UpdateAndCreateMethod(const CallAttempt& a, const Method& m) = 0;
  // Live attempts (not ended) of a user, newest first.
  virtual Result<std::vector<CallAttempt>> ListLiveForUser(int64_t user_id) = 0;
  // Live attempts of everyone created before `created_before`, oldest first, at most `limit`.
  virtual Result<std::vector<CallAttempt>> ListLiveCreatedBefore(int64_t created_before,
                                                                 int limit) = 0;
  // Retention: deletes the attempts created before `before` (calls last minutes). Returns how
  // many.
  virtual Result<int64_t> DeleteCreatedBefore(int64_t before) = 0;
};

class CodeChallengeStore {
 public:
  virtual ~CodeChallengeStore() = default;
  // Inserts with version 1.
  virtual Status Create(const CodeChallenge& c) = 0;
  virtual Result<CodeChallenge> Get(std::string_view id) = 0;
  // Compare-and-set on version, like CallAttemptStore::Update.
  virtual Status Update(const CodeChallenge& c) = 0;
  // Like CallAttemptStore::UpdateAndCreateMethod (replacement and default rules included).
  virtual Result<int64_t> UpdateAndCreateMethod(const CodeChallenge& c, const Method& m) = 0;
  // Retention: deletes the challenges that expired before `before`. Returns how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;
};

// The texts of code challenges and their delivery receipts (see TextDelivery), so that a receipt
// received by any node reaches the page of the person, whichever node serves it.
class TextDeliveryStore {
 public:
  virtual ~TextDeliveryStore() = default;
  // Records that t.message_id of t.provider is part of send t.send of t.challenge_id. A receipt
  // recorded before stays. Returns the row as it stands now.
  virtual Result<TextDelivery> Track(const TextDelivery& t) = 0;
  // Records a final receipt (kDelivered or kUndelivered) for a part, known or not yet. Returns
  // the row as it stands now: challenge_id is "" when no node recorded the text (yet).
  virtual Result<TextDelivery> RecordReceipt(std::string_view provider, std::string_view message_id,
                                             DeliveryState state, std::string_view error,
                                             int64_t at) = 0;
  // The parts of every send of a challenge, oldest first.
  virtual Result<std::vector<TextDelivery>> ListForChallenge(std::string_view challenge_id) = 0;
  // Retention: deletes the rows created before `before`. Returns how many.
  virtual Result<int64_t> DeleteCreatedBefore(int64_t before) = 0;
};

class AppEnrolmentStore {
 public:
  virtual ~AppEnrolmentStore() = default;
  // Inserts with version 1.
  virtual Status Create(const AppEnrolment& e) = 0;
  virtual Result<AppEnrolment> Get(std::string_view id) = 0;
  // Compare-and-set on version.
  virtual Status Update(const AppEnrolment& e) = 0;
  // Like CallAttemptStore::UpdateAndCreateMethod (without replacement).
  virtual Result<int64_t> UpdateAndCreateMethod(const AppEnrolment& e, const Method& m) = 0;
  // Retention: deletes the enrolments that expired before `before`. Returns how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;
};

class PushStore {
 public:
  virtual ~PushStore() = default;
  virtual Status CreateEnrolToken(const PushEnrolToken& t) = 0;
  // Marks the token used and returns it, if it exists, is unused and not expired at `now`;
  // NotFound otherwise. Atomic: a link binds one device only.
  virtual Result<PushEnrolToken> UseEnrolToken(std::string_view token_hash, int64_t now) = 0;
  // Inserts with version 1.
  virtual Status CreateChallenge(const PushChallenge& c) = 0;
  virtual Result<PushChallenge> GetChallenge(std::string_view id) = 0;
  // Compare-and-set on version.
  virtual Status UpdateChallenge(const PushChallenge& c) = 0;
  // Pending challenges of a method not expired at `now`, oldest first.
  virtual Result<std::vector<PushChallenge>> ListPending(int64_t method_id, int64_t now) = 0;
  // Retention: deletes the challenges and enrolment links that expired before `before`. Returns
  // how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;
  // Records that the device's poll signed for `ts` (Unix seconds) has been used, and forgets the
  // polls of every device signed before `forget_before_ts`. AlreadyExists when this (device, ts)
  // was used before. Atomic across nodes (a unique insert), so a signed poll works once.
  virtual Status UsePollSignature(std::string_view device_id, int64_t ts,
                                  int64_t forget_before_ts) = 0;
};

class QuestionStore {
 public:
  virtual ~QuestionStore() = default;
  // The tenant's settings, or the defaults when never set.
  virtual Result<QuestionSettings> GetSettings(int64_t tenant_id) = 0;
  virtual Status SetSettings(int64_t tenant_id, const QuestionSettings& s) = 0;
  // Oldest first.
  virtual Result<std::vector<CustomQuestion>> ListCustom(int64_t tenant_id) = 0;
  virtual Result<int64_t> AddCustom(const CustomQuestion& q) = 0;
  // NotFound unless the question is the tenant's.
  virtual Status DeleteCustom(int64_t tenant_id, int64_t id) = 0;
  // In one transaction: deletes the user's existing questions method (answers included) if any,
  // creates `m` (methods::questions::Put made it one) with these answers, in order. Returns the
  // method id.
  virtual Result<int64_t> SaveAnswers(const Method& m,
                                      const std::vector<QuestionAnswer>& answers) = 0;
  // In registration order. NotFound unless the method is `user_id`'s questions.
  virtual Result<std::vector<QuestionAnswer>> GetAnswers(int64_t user_id, int64_t method_id) = 0;
};

// Tenants' recorded greetings, at most one per tenant and language.
class GreetingStore {
 public:
  virtual ~GreetingStore() = default;
  // Creates or replaces the greeting of (g.tenant_id, g.locale). InvalidArgument when it has no
  // audio; NotFound when the tenant does not exist.
  virtual Status Put(const Greeting& g) = 0;
  // NotFound when the tenant has no greeting in `locale`.
  virtual Result<Greeting> Get(int64_t tenant_id, std::string_view locale) = 0;
  // NotFound when there was none.
  virtual Status Delete(int64_t tenant_id, std::string_view locale) = 0;
  // The tenant's greetings without their audio, by locale.
  virtual Result<std::vector<GreetingSummary>> List(int64_t tenant_id) = 0;
};

class SimMessageStore {
 public:
  virtual ~SimMessageStore() = default;
  virtual Result<int64_t> Create(const SimMessage& m) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<SimMessage>> ListFor(std::string_view channel,
                                                  std::string_view recipient, int limit) = 0;
  // Recipients that received something on `channel`, most recent first.
  virtual Result<std::vector<std::string>> ListRecipients(std::string_view channel, int limit) = 0;
};

class SimCallStore {
 public:
  virtual ~SimCallStore() = default;
  virtual Status Create(const SimCall& c) = 0;
  virtual Result<SimCall> Get(std::string_view id) = 0;
  // Calls to a number, newest first, at most `limit`.
  virtual Result<std::vector<SimCall>> ListForNumber(std::string_view number_e164, int limit) = 0;
  // Numbers that have received calls, most recent first, at most `limit`.
  virtual Result<std::vector<std::string>> ListNumbers(int limit) = 0;
  // Writes state, digits, end_reason, answered_at, ended_at if the stored state is
  // `expected_state`. FailedPrecondition otherwise.
  virtual Status Update(const SimCall& c, std::string_view expected_state) = 0;
  // Writes `said` alone (a key pressed at the same instant keeps its digit) while the call is
  // answered. NotFound for an unknown call, FailedPrecondition when it is not answered.
  virtual Status Say(std::string_view id, std::string_view said) = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Status Append(const AuditEntry& e) = 0;
  // Newest first.
  virtual Result<std::vector<AuditEntry>> ListForTenant(int64_t tenant_id, int limit) = 0;
  // Those recorded in [since, until), newest first, at most `limit`.
  virtual Result<std::vector<AuditEntry>> ListForTenantBetween(int64_t tenant_id, int64_t since,
                                                               int64_t until, int limit) = 0;
  // Retention: deletes the entries recorded before `before`. Returns how many.
  virtual Result<int64_t> DeleteBefore(int64_t before) = 0;
};

// Event counters for rate limits, over a sliding window approximated from two fixed windows: a
// counter keeps the count of its current fixed window [start, start + window) and of the one
// before, and at `now` it estimates
//   current + previous * (window - (now - start)) / window,
// the previous window weighing as much as it still overlaps the window ending at `now`. So a burst
// at the end of one fixed window and another at the start of the next are held to about the limit
// together, and a whole quiet window later the full limit is back. Times are Unix milliseconds;
// `window_millis` must be positive, or InvalidArgument. Thread-safe, and correct across nodes
// sharing the database: each call is one atomic statement.
class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  // Counts one event for `key` only if the estimate at `now` is below `limit`, in one atomic
  // statement: true when counted. Parallel callers on any number of nodes never get more trues
  // than the limit allows. Reserve before the check it guards.
  virtual Result<bool> Reserve(std::string_view key, int64_t now, int64_t window_millis,
                               int64_t limit) = 0;
  // Gives back one event reserved at `now` (a reserved check that succeeded), from the fixed window
  // it was counted in, as long as that window still weighs. Pass the `now` given to Reserve.
  virtual Status Release(std::string_view key, int64_t now, int64_t window_millis) = 0;
  // Counts one event for `key` whatever the limit, and returns the estimate at `now` including
  // this one, rounded down to whole events.
  virtual Result<int64_t> Hit(std::string_view key, int64_t now, int64_t window_millis) = 0;
  // The estimate at `now` rounded down to whole events, without counting: Reserve would count
  // exactly when this is below its limit.
  virtual Result<int64_t> Peek(std::string_view key, int64_t now, int64_t window_millis) = 0;
  virtual Status Reset(std::string_view key) = 0;
  // Retention: deletes the counters that count nothing from `before` on, their fixed window and the
  // next one (where it still weighs as the previous window) having both ended. Returns how many.
  virtual Result<int64_t> DeleteEndedBefore(int64_t before) = 0;
};

// The OpenID Connect provider's clients, signing keys, codes, tokens and consents.
class OidcStore {
 public:
  virtual ~OidcStore() = default;
  // AlreadyExists on an id clash; NotFound when the tenant does not exist.
  virtual Status CreateClient(const OidcClient& c) = 0;
  // NotFound when absent.
  virtual Result<OidcClient> GetClient(std::string_view id) = 0;
  // Oldest first.
  virtual Result<std::vector<OidcClient>> ListClients(int64_t tenant_id) = 0;
  // Deletes the client with its codes, tokens and consents. NotFound unless it is the tenant's.
  virtual Status DeleteClient(int64_t tenant_id, std::string_view id) = 0;
  // NotFound unless it is the tenant's.
  virtual Status SetClientSecret(int64_t tenant_id, std::string_view id,
                                 std::string_view secret_hash) = 0;

  // Adds `key` as the signing key of its algorithm and retires the one it replaces (retired_at
  // `key.created_at`, leaving the JWKS at `old_expires_at`), in one transaction.
  virtual Status AddSigningKey(const OidcSigningKey& key, int64_t old_expires_at) = 0;
  // Keys that sign, then retired keys still published at `now`; newest first.
  virtual Result<std::vector<OidcSigningKey>> ListSigningKeys(int64_t now) = 0;

  virtual Status CreateCode(const OidcCode& c) = 0;
  // Marks the code used at `now` and returns it as it was. NotFound when unknown.
  // FailedPrecondition when it was used before: then, in the same transaction, every token of its
  // grant is revoked (OAuth 2.0 Security BCP: a replayed code revokes what it issued).
  virtual Result<OidcCode> UseCode(std::string_view code_hash, int64_t now) = 0;

  // Inserts tokens (an access token and maybe a refresh token) in one transaction.
  virtual Status CreateTokens(const std::vector<OidcToken>& tokens) = 0;
  // NotFound when unknown.
  virtual Result<OidcToken> GetToken(std::string_view token_hash) = 0;
  // Rotation: marks the refresh token `old_hash` used at `now` and inserts `next`, in one
  // transaction, if it is live (not used, not revoked, not expired). FailedPrecondition when it
  // was used before: then every token of its grant is revoked (reuse detection). NotFound when
  // unknown, revoked or expired.
  virtual Status RotateRefresh(std::string_view old_hash, int64_t now,
                               const std::vector<OidcToken>& next) = 0;
  // Revokes every token of a grant.
  virtual Status RevokeGrant(std::string_view grant_id) = 0;
  // Revokes one token. NotFound when unknown.
  virtual Status RevokeToken(std::string_view token_hash) = 0;

  // The scopes the person consented to give the client, space-separated; "" when none.
  virtual Result<std::string> GetConsent(int64_t user_id, std::string_view client_id) = 0;
  virtual Status SetConsent(int64_t user_id, std::string_view client_id, std::string_view scope,
                            int64_t now) = 0;
  // Retention: deletes codes and tokens that expired before `before`. Returns how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;
};

// Self-service password reset: the tenants' rules, resets under way, locked paths, and when people
// last reviewed their security info.
class PasswordResetStore {
 public:
  virtual ~PasswordResetStore() = default;
  // The tenant's rules, or the defaults when never set.
  virtual Result<ResetPolicy> GetPolicy(int64_t tenant_id) = 0;
  virtual Status SetPolicy(int64_t tenant_id, const ResetPolicy& p) = 0;

  // Inserts with version 1.
  virtual Status Create(const PasswordReset& r) = 0;
  // NotFound when absent or expired at `now`.
  virtual Result<PasswordReset> Get(std::string_view id_hash, int64_t now) = 0;
  // Compare-and-set on version; FailedPrecondition when someone wrote first.
  virtual Status Update(const PasswordReset& r) = 0;
  virtual Status Delete(std::string_view id_hash) = 0;
  // Retention: deletes the resets that expired before `before`. Returns how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t before) = 0;

  // Locks `key` until `until` (or extends the lock).
  virtual Status Lock(std::string_view key, int64_t until) = 0;
  // When `key` is locked until; 0 when never locked.
  virtual Result<int64_t> LockedUntil(std::string_view key) = 0;
  virtual Status Unlock(std::string_view key) = 0;

  // When the person last reviewed their security info; 0 when never.
  virtual Result<int64_t> ReviewedAt(int64_t user_id) = 0;
  virtual Status SetReviewedAt(int64_t user_id, int64_t at) = 0;
};

// The whole store. Owns its connections.
class Store {
 public:
  virtual ~Store() = default;
  virtual TenantStore& tenants() = 0;
  virtual UserStore& users() = 0;
  virtual MethodStore& methods() = 0;
  virtual SessionStore& sessions() = 0;
  virtual CallAttemptStore& call_attempts() = 0;
  virtual SimCallStore& sim_calls() = 0;
  virtual CodeChallengeStore& code_challenges() = 0;
  virtual TextDeliveryStore& text_deliveries() = 0;
  virtual SimMessageStore& sim_messages() = 0;
  virtual AppEnrolmentStore& app_enrolments() = 0;
  virtual QuestionStore& questions() = 0;
  virtual GreetingStore& greetings() = 0;
  virtual PushStore& push() = 0;
  virtual AuditLog& audit() = 0;
  virtual RateLimitStore& rate_limits() = 0;
  virtual SignInStore& sign_in() = 0;
  virtual OidcStore& oidc() = 0;
  virtual PasswordResetStore& password_resets() = 0;
  // OK when the database answers a trivial query.
  virtual Status Ping() = 0;
  // Runs fn() with every call this thread makes on this store meanwhile in ONE transaction:
  // committed when fn returns OK, rolled back when it returns an error. Returns fn's status, or why
  // the transaction could not begin or commit (Unavailable when the database is busy or gone), in
  // which case nothing fn wrote was kept: answer only after this returned OK. A call inside that
  // fails keeps nothing of itself and the rest goes on; a failed read fails the whole. A nested
  // call joins the transaction; when its fn fails, what it wrote is undone and the outer fn goes
  // on. Calls on other threads are not part of it.
  // The transaction holds the database's write lock on SQLite: keep fn short (no Argon2id, no
  // network).
  virtual Status Atomically(const std::function<Status()>& fn) = 0;
};

}  // namespace secinfo::store
