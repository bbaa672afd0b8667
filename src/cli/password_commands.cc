#include "cli/password_commands.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "core/random.h"
#include "flows/credentials/credentials.h"
#include "flows/password/passwords.h"
#include "i18n/case_fold.h"
#include "i18n/catalog.h"
#include "policy/password_rules.h"

namespace secinfo::cli {
namespace {

std::string English(policy::PasswordOutcome outcome) {
  return i18n::Catalog::BuiltIn().Get("en", policy::PasswordOutcomeKey(outcome));
}

}  // namespace

PasswordCommands::PasswordCommands(CLI::App* admin, std::string& tenant_domain) {
  reset_ = admin->add_subcommand("reset-password",
                                 "reset a person's password and sign out all their browsers");
  reset_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  reset_->add_option("--user", user_, "user name, e.g. ana@contoso.example")->required();
  auto* temporary = reset_->add_flag("--temporary", temporary_,
                                     "print a random password the person must change at sign-in");
  reset_->add_flag("--password-stdin", password_stdin_, "read the new password from stdin")
      ->excludes(temporary);
  add_word_ = admin->add_subcommand("add-banned-word", "ban a word from the tenant's passwords");
  add_word_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  add_word_->add_option("--word", word_, "4 to 64 characters; compared in any case and width")
      ->required();
  remove_word_ = admin->add_subcommand("remove-banned-word", "allow a banned word again");
  remove_word_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  remove_word_->add_option("--word", word_, "the banned word")->required();
  list_words_ = admin->add_subcommand("list-banned-words", "show the tenant's banned words");
  list_words_->add_option("--tenant", tenant_domain, "tenant domain")->required();
}

int PasswordCommands::RunFor(store::Store& s, const store::Tenant& tenant,
                             const Clock& clock) const {
  if (reset_->parsed()) return Reset(s, tenant, clock);
  if (add_word_->parsed()) return AddWord(s, tenant);
  if (remove_word_->parsed()) return RemoveWord(s, tenant);
  auto words = s.tenants().ListBannedWords(tenant.id);
  if (!words.ok()) return Fail(words.status().ToString());
  for (const std::string& w : *words) std::printf("%s\n", w.c_str());
  return 0;
}

int PasswordCommands::Reset(store::Store& s, const store::Tenant& tenant,
                            const Clock& clock) const {
  if (temporary_ == password_stdin_) {
    return Fail("reset-password: give --temporary or --password-stdin");
  }
  auto user = s.users().FindByUsername(i18n::CaseFold(user_));
  if (!user.ok() || user->tenant_id != tenant.id) {
    return Fail("reset-password: " + tenant.domain + " has no user " + user_);
  }
  SystemRandom random;
  flows::LocalCredentials credentials(s.users());
  flows::Sessions sessions(s, clock, random, flows::SignInOptions{}, &credentials);
  flows::Passwords passwords(s, credentials, sessions, nullptr, clock);
  if (temporary_) {
    auto password = passwords.ResetTemporary(*user, random, "admin-cli");
    if (!password.ok()) return Fail("reset-password: " + password.status().ToString());
    std::printf("temporary password for %s: %s\n(to be changed at the next sign-in)\n",
                user->username.c_str(), password->c_str());
    return 0;
  }
  std::string password;
  std::getline(std::cin, password);
  auto verdict = passwords.SetByAdministrator(*user, password, "admin-cli");
  if (!verdict.ok()) return Fail("reset-password: " + verdict.status().ToString());
  if (!verdict->ok()) return Fail("reset-password: " + English(verdict->outcome));
  std::printf("password of %s set\n", user->username.c_str());
  return 0;
}

int PasswordCommands::AddWord(store::Store& s, const store::Tenant& tenant) const {
  if (Status st = policy::ValidateBannedWord(word_); !st.ok()) {
    return Fail("add-banned-word: " + st.message());
  }
  auto folded = policy::FoldForComparison(word_);
  if (!folded.ok()) return Fail("add-banned-word: " + folded.status().message());
  Status st = s.tenants().AddBannedWord(tenant.id, *folded, word_);
  if (st.code() == Status::Code::kAlreadyExists) {
    return Fail("add-banned-word: " + word_ + " is banned already");
  }
  if (!st.ok()) return Fail("add-banned-word: " + st.ToString());
  std::printf("%s: passwords may no longer contain \"%s\"\n", tenant.domain.c_str(), word_.c_str());
  return 0;
}

int PasswordCommands::RemoveWord(store::Store& s, const store::Tenant& tenant) const {
  auto folded = policy::FoldForComparison(word_);
  if (!folded.ok()) return Fail("remove-banned-word: " + folded.status().message());
  Status st = s.tenants().RemoveBannedWord(tenant.id, *folded);
  if (st.code() == Status::Code::kNotFound) {
    return Fail("remove-banned-word: " + word_ + " is not banned");
  }
  if (!st.ok()) return Fail("remove-banned-word: " + st.ToString());
  std::printf("%s: \"%s\" is allowed again\n", tenant.domain.c_str(), word_.c_str());
  return 0;
}

}  // namespace secinfo::cli
