// A change of security info and its audit entry are kept together or not at all, and the mail that
// announces a change leaves only once the change is kept.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "flows/audit.h"
#include "flows/notify/notifier.h"
#include "flows/registration/code_registration.h"
#include "flows/security_info/security_info.h"
#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

constexpr char kPrefix[] = "audited_changes";

class AuditedChangesTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore(kPrefix);
    user_ = testing_support::AddContosoAndAna(*store_);
    ASSERT_TRUE(store_->users().SetLocale(user_.id, "en").ok());
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    sms_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    notifier_ = std::make_unique<Notifier>(*store_, *email_, clock_);
    watched_ = NotifyingStore(*store_, *notifier_);
    codes_ = std::make_unique<CodeRegistration>(*watched_, *sms_, *email_, clock_, random_,
                                                retries_, "key", CodeOptions{});
    info_ = std::make_unique<SecurityInfo>(*watched_, clock_);
  }
  void TearDown() override {
    if (notifier_) notifier_->Drain();
  }

  // Runs SQL on the database file beside the store, as another process would.
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(testing_support::TestStoreFile(kPrefix).c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string why = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << why;
  }
  // From now on every transaction that writes an audit entry fails at its commit (a deferred
  // foreign key the entry's trigger breaks): what else it wrote must go with it.
  void AuditCommitsFail() {
    Sql("CREATE TABLE trap (user_id BIGINT REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED);"
        "CREATE TRIGGER audit_trap AFTER INSERT ON audit_log BEGIN"
        " INSERT INTO trap VALUES (-1); END;");
  }
  void AuditCommitsWork() { Sql("DROP TRIGGER audit_trap; DROP TABLE trap;"); }

  int64_t Audited(const std::string& action) {
    int64_t n = 0;
    Result<std::vector<store::AuditEntry>> entries =
        store_->audit().ListForTenant(user_.tenant_id, 100);
    for (const store::AuditEntry& e : *entries) n += e.action == action;
    return n;
  }
  size_t MailsToAna() {
    notifier_->Drain();
    return store_->sim_messages().ListFor("email", "ana@contoso.example", 20)->size();
  }
  std::string LastCodeTo(const std::string& address) {
    return testing_support::LastCodeSent(*store_, "email", address);
  }

  FakeClock clock_;
  FakeScheduler retries_{clock_};
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<store::Store> watched_;
  std::unique_ptr<CodeRegistration> codes_;
  std::unique_ptr<SecurityInfo> info_;
  store::User user_;
};

TEST_F(AuditedChangesTest, ARegistrationIsKeptOnlyWithItsAuditEntry) {
  CodeBeginResult begun = codes_->Begin(
      {user_, methods::MethodKind::kEmail, "", "", "", "ana.perso@example.org", "en", "192.0.2.1"});
  ASSERT_EQ(begun.error, BeginError::kNone);
  const std::string code = LastCodeTo("ana.perso@example.org");
  ASSERT_EQ(code.size(), 6u);

  AuditCommitsFail();
  EXPECT_EQ(codes_->Verify(begun.challenge_id, user_.id, code).outcome, CodeOutcome::kUnavailable);
  EXPECT_TRUE(store_->methods().ListForUser(user_.id)->empty());
  EXPECT_EQ(Audited("method_register"), 0);
  EXPECT_EQ(MailsToAna(), 0u);  // nothing changed: nothing announced

  // Nothing of the try was kept: the same code still works, once, with its entry and its mail.
  AuditCommitsWork();
  EXPECT_EQ(codes_->Verify(begun.challenge_id, user_.id, code).outcome, CodeOutcome::kAccepted);
  EXPECT_EQ(store_->methods().ListForUser(user_.id)->size(), 1u);
  EXPECT_EQ(Audited("method_register"), 1);
  EXPECT_EQ(MailsToAna(), 1u);
}

TEST_F(AuditedChangesTest, ADeletionIsKeptOnlyWithItsAuditEntry) {
  CodeBeginResult begun = codes_->Begin(
      {user_, methods::MethodKind::kEmail, "", "", "", "ana.perso@example.org", "en", "192.0.2.1"});
  ASSERT_EQ(
      codes_->Verify(begun.challenge_id, user_.id, LastCodeTo("ana.perso@example.org")).outcome,
      CodeOutcome::kAccepted);
  const int64_t method_id = store_->methods().ListForUser(user_.id)->front().id;
  const size_t mails = MailsToAna();

  AuditCommitsFail();
  EXPECT_EQ(info_->Delete(user_, method_id, "192.0.2.1"), SecurityInfoOutcome::kUnavailable);
  EXPECT_TRUE(store_->methods().Get(user_.id, method_id).ok());
  EXPECT_EQ(Audited("method_delete"), 0);
  EXPECT_EQ(MailsToAna(), mails);

  AuditCommitsWork();
  EXPECT_EQ(info_->Delete(user_, method_id, "192.0.2.1"), SecurityInfoOutcome::kDone);
  EXPECT_FALSE(store_->methods().Get(user_.id, method_id).ok());
  EXPECT_EQ(Audited("method_delete"), 1);
  EXPECT_EQ(MailsToAna(), mails + 1);
}

TEST_F(AuditedChangesTest, AChangeRolledBackIsNeverAnnounced) {
  auto record = [&](const std::string& detail) {
    RecordAudit(*watched_, clock_,
                {user_.tenant_id, user_.id, "192.0.2.1", "method_register", "authenticator",
                 "success", detail});
  };
  // A unit that fails: its entry is gone, and so is its mail.
  EXPECT_FALSE(watched_
                   ->Atomically([&] {
                     record("rolled back");
                     return Status::Internal("changed its mind");
                   })
                   .ok());
  EXPECT_EQ(Audited("method_register"), 0);
  EXPECT_EQ(MailsToAna(), 0u);

  // A nested unit that fails inside one that commits: only the outer change is announced.
  ASSERT_TRUE(watched_
                  ->Atomically([&] {
                    record("kept");
                    EXPECT_FALSE(watched_
                                     ->Atomically([&] {
                                       record("undone");
                                       return Status::Internal("inner fails");
                                     })
                                     .ok());
                    // Not before the commit: the change might still be rolled back.
                    notifier_->Drain();
                    EXPECT_EQ(
                        store_->sim_messages().ListFor("email", "ana@contoso.example", 5)->size(),
                        0u);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(Audited("method_register"), 1);
  EXPECT_EQ(MailsToAna(), 1u);

  // Outside any unit, as before: at once.
  record("outside");
  EXPECT_EQ(MailsToAna(), 2u);
}

}  // namespace
}  // namespace secinfo::flows
