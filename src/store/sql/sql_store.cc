#include "store/sql/sql_store.h"

#include <utility>

#include "store/sql/db.h"
#include "store/sql/migrations.h"
#include "store/sql/stores.h"

namespace secinfo::store {
namespace {

constexpr char kPing[] = "SELECT 1";

// The whole store: owns the Db, and the per-record stores that borrow it.
class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<sql::Db> db)
      : db_(std::move(db)),
        tenants_(*db_),
        users_(*db_),
        methods_(*db_),
        sessions_(*db_),
        call_attempts_(*db_),
        sim_calls_(*db_),
        code_challenges_(*db_),
        text_deliveries_(*db_),
        sim_messages_(*db_),
        app_enrolments_(*db_),
        questions_(*db_),
        greetings_(*db_),
        push_(*db_),
        audit_(*db_),
        rate_limits_(*db_),
        sign_in_(*db_),
        oidc_(*db_),
        password_resets_(*db_) {}

  TenantStore& tenants() override { return tenants_; }
  UserStore& users() override { return users_; }
  MethodStore& methods() override { return methods_; }
  SessionStore& sessions() override { return sessions_; }
  CallAttemptStore& call_attempts() override { return call_attempts_; }
  SimCallStore& sim_calls() override { return sim_calls_; }
  CodeChallengeStore& code_challenges() override { return code_challenges_; }
  TextDeliveryStore& text_deliveries() override { return text_deliveries_; }
  SimMessageStore& sim_messages() override { return sim_messages_; }
  AppEnrolmentStore& app_enrolments() override { return app_enrolments_; }
  QuestionStore& questions() override { return questions_; }
  GreetingStore& greetings() override { return greetings_; }
  PushStore& push() override { return push_; }
  AuditLog& audit() override { return audit_; }
  RateLimitStore& rate_limits() override { return rate_limits_; }
  SignInStore& sign_in() override { return sign_in_; }
  OidcStore& oidc() override { return oidc_; }
  PasswordResetStore& password_resets() override { return password_resets_; }

  Status Ping() override {
    return db_->Read("ping", [](soci::session& session) {
      int one = 0;
      sql::Query(session, kPing).Into(one).Run();
      return one == 1 ? Status::Ok() : Status::Internal("ping: unexpected answer");
    });
  }

  Status Atomically(const std::function<Status()>& fn) override {
    return db_->Unit("unit of work", fn);
  }

 private:
  std::unique_ptr<sql::Db> db_;
  sql::SqlTenantStore tenants_;
  sql::SqlUserStore users_;
  sql::SqlMethodStore methods_;
  sql::SqlSessionStore sessions_;
  sql::SqlCallAttemptStore call_attempts_;
  sql::SqlSimCallStore sim_calls_;
  sql::SqlCodeChallengeStore code_challenges_;
  sql::SqlTextDeliveryStore text_deliveries_;
  sql::SqlSimMessageStore sim_messages_;
  sql::SqlAppEnrolmentStore app_enrolments_;
  sql::SqlQuestionStore questions_;
  sql::SqlGreetingStore greetings_;
  sql::SqlPushStore push_;
  sql::SqlAuditLog audit_;
  sql::SqlRateLimitStore rate_limits_;
  sql::SqlSignInStore sign_in_;
  sql::SqlOidcStore oidc_;
  sql::SqlPasswordResetStore password_resets_;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlStore(const SqlStoreOptions& options) {
  Result<std::unique_ptr<sql::Db>> db = sql::Db::Open(options);
  if (!db.ok()) return db.status();
  std::vector<sql::Migration> migrations = sql::EmbeddedMigrations((*db)->dialect());
  if (options.migrate) {
    Result<std::vector<std::string>> applied = sql::ApplyPendingMigrations(**db, migrations);
    if (!applied.ok()) return applied.status();
  } else {
    Result<std::vector<std::string>> pending = sql::PendingMigrations(**db, migrations);
    if (!pending.ok()) return pending.status();
    if (!pending->empty()) {
      return Status::FailedPrecondition("database schema is behind: pending migrations " +
                                        Join(*pending) + " (run `secinfo migrate`)");
    }
  }
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*db)));
}

Result<std::vector<std::string>> ApplyMigrations(const SqlStoreOptions& options) {
  SqlStoreOptions one_session = options;
  one_session.pool_size = 1;
  Result<std::unique_ptr<sql::Db>> db = sql::Db::Open(one_session);
  if (!db.ok()) return db.status();
  return sql::ApplyPendingMigrations(**db, sql::EmbeddedMigrations((*db)->dialect()));
}

}  // namespace secinfo::store
