#include "cli/question_commands.h"

#include <cstdio>
#include <vector>

#include "i18n/catalog.h"
#include "methods/questions/normalize.h"
#include "methods/questions/questions.h"

namespace secinfo::cli {
namespace {

namespace q = methods::questions;

std::string English(const q::Message& m) {
  return i18n::Catalog::BuiltIn().Get("en", m.key, m.args);
}

}  // namespace

QuestionCommands::QuestionCommands(CLI::App* admin, std::string& tenant_domain) {
  set_ = admin->add_subcommand("set-questions", "set how many security questions people answer");
  set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_->add_option("--to-register", to_register_, "questions to answer to register (3 to 5)");
  set_->add_option("--to-reset", to_reset_, "questions to answer to reset a password (3 to 5)");
  add_ = admin->add_subcommand("add-question", "add a custom security question");
  add_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  add_->add_option("--text", text_, "the question, in the language the tenant's people read")
      ->required();
  list_ = admin->add_subcommand("list-questions", "show a tenant's security-question settings");
  list_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  delete_ = admin->add_subcommand("delete-question", "delete a custom security question");
  delete_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  delete_->add_option("--id", id_, "the question's id (see list-questions)")->required();
}

int QuestionCommands::RunFor(store::Store& s, const store::Tenant& tenant,
                             const Clock& clock) const {
  if (set_->parsed()) return Set(s, tenant);
  if (add_->parsed()) return Add(s, tenant, clock);
  if (delete_->parsed()) return Delete(s, tenant);
  return List(s, tenant);
}

int QuestionCommands::Set(store::Store& s, const store::Tenant& tenant) const {
  if (!to_register_ && !to_reset_) {
    return Fail("set-questions: give --to-register, --to-reset or both");
  }
  auto current = s.questions().GetSettings(tenant.id);
  if (!current.ok()) return Fail(current.status().ToString());
  q::QuestionPolicy rules{static_cast<int>(to_register_.value_or(current->to_register)),
                          static_cast<int>(to_reset_.value_or(current->to_reset))};
  if (q::PolicyError e = q::CheckPolicy(rules); e != q::PolicyError::kNone) {
    return Fail("set-questions: " + English(q::Describe(e)));
  }
  Status st = s.questions().SetSettings(tenant.id, {rules.to_register, rules.to_reset});
  if (!st.ok()) return Fail("set-questions: " + st.ToString());
  std::printf("%s: %d questions to register, %d to reset a password\n", tenant.domain.c_str(),
              rules.to_register, rules.to_reset);
  return 0;
}

int QuestionCommands::Add(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
  auto custom = s.questions().ListCustom(tenant.id);
  if (!custom.ok()) return Fail(custom.status().ToString());
  std::vector<std::string> existing;
  for (const auto& c : *custom) existing.push_back(c.text);
  if (auto e = q::CheckCustomQuestion(text_, existing); e != q::CustomQuestionError::kNone) {
    return Fail("add-question: " + English(q::Describe(e)));
  }
  std::string tidy = *q::Tidy(text_);  // CheckCustomQuestion made sure it tidies
  auto id = s.questions().AddCustom({0, tenant.id, tidy, clock.NowMillis()});
  if (!id.ok()) return Fail("add-question: " + id.status().ToString());
  std::printf("custom question %lld added: %s\n", static_cast<long long>(*id), tidy.c_str());
  return 0;
}

int QuestionCommands::Delete(store::Store& s, const store::Tenant& tenant) const {
  Status st = s.questions().DeleteCustom(tenant.id, id_);
  if (st.code() == Status::Code::kNotFound) {
    return Fail("delete-question: " + tenant.domain + " has no custom question " +
                std::to_string(id_) + " (see list-questions)");
  }
  if (!st.ok()) return Fail("delete-question: " + st.ToString());
  std::printf("custom question %lld deleted\n", static_cast<long long>(id_));
  return 0;
}

int QuestionCommands::List(store::Store& s, const store::Tenant& tenant) const {
  auto settings = s.questions().GetSettings(tenant.id);
  if (!settings.ok()) return Fail(settings.status().ToString());
  auto custom = s.questions().ListCustom(tenant.id);
  if (!custom.ok()) return Fail(custom.status().ToString());
  std::printf("questions to register: %lld\nquestions to reset: %lld\n",
              static_cast<long long>(settings->to_register),
              static_cast<long long>(settings->to_reset));
  if (custom->empty()) std::printf("no custom questions\n");
  for (const auto& c : *custom) {
    std::printf("custom question %lld\t%s\n", static_cast<long long>(c.id), c.text.c_str());
  }
  return 0;
}

}  // namespace secinfo::cli
