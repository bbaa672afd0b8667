#include "cli/greeting_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "channels/voice/greeting.h"
#include "flows/audit.h"
#include "i18n/catalog.h"

namespace secinfo::cli {
namespace {

namespace fs = std::filesystem;

// "3.2 s, 25600 bytes"
std::string Describe(int64_t duration_ms, int64_t size_bytes) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.1f s, %lld bytes", static_cast<double>(duration_ms) / 1000,
                static_cast<long long>(size_bytes));
  return text;
}

// The languages a greeting can be set for: those with a catalog, since the prompt it replaces
// is spoken from one. "fr, en"
std::string KnownLanguages() {
  std::string out;
  for (const std::string& lang : i18n::Catalog::BuiltIn().languages()) {
    out += (out.empty() ? "" : ", ") + lang;
  }
  return out;
}

// The file's bytes, reading at most one byte past the upload limit: an oversized file is refused
// (by ConvertGreeting, first thing) without being read whole.
Result<std::string> ReadUpload(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound(path + " is not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::PermissionDenied("cannot open " + path);
  std::string data(channels::kMaxGreetingUploadBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad()) return Status::Internal("cannot read " + path);
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

void Audit(store::Store& s, const Clock& clock, const store::Tenant& tenant, std::string action,
           std::string detail) {
  flows::AuditFacts facts;
  facts.tenant_id = tenant.id;
  facts.action = std::move(action);
  facts.result = "success";
  facts.detail = std::move(detail);
  facts.actor = "admin-cli";
  flows::RecordAudit(s, clock, facts);
}

}  // namespace

GreetingCommands::GreetingCommands(CLI::App* admin, std::string& tenant_domain) {
  set_ = admin->add_subcommand("set-greeting",
                               "play a recording instead of the spoken prompt on a tenant's calls");
  set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_->add_option("--locale", locale_, "language of the calls it is for: " + KnownLanguages())
      ->required();
  set_->add_option("file", file_, "the recording: a WAV file of at most 1 MB and 20 seconds")
      ->required();
  remove_ = admin->add_subcommand("remove-greeting",
                                  "speak the prompt again instead of a tenant's recording");
  remove_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  remove_->add_option("--locale", locale_, "language of the greeting")->required();
  list_ = admin->add_subcommand("list-greetings", "show a tenant's recorded greetings");
  list_->add_option("--tenant", tenant_domain, "tenant domain")->required();
}

int GreetingCommands::RunFor(store::Store& s, const store::Tenant& tenant,
                             const Clock& clock) const {
  if (list_->parsed()) return List(s, tenant);
  const std::string command = set_->parsed() ? "set-greeting" : "remove-greeting";
  if (!i18n::Catalog::BuiltIn().Has(locale_)) {
    return Fail(command + ": '" + locale_ + "' is not a language secinfo speaks (" +
                KnownLanguages() + ")");
  }
  return set_->parsed() ? Set(s, tenant, clock) : Remove(s, tenant, clock);
}

int GreetingCommands::Set(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
  auto upload = ReadUpload(file_);
  if (!upload.ok()) return Fail("set-greeting: " + upload.status().message());
  channels::ConvertedGreeting converted = channels::ConvertGreeting(*upload);
  if (converted.error != channels::GreetingError::kNone) {
    std::string why =
        i18n::Catalog::BuiltIn().Get("en", channels::GreetingErrorKey(converted.error));
    if (!converted.detail.empty()) why += " (" + converted.detail + ")";
    return Fail("set-greeting: " + file_ + ": " + why);
  }
  const int64_t size = static_cast<int64_t>(converted.ulaw.size());
  const int64_t duration_ms = converted.duration_ms;
  Status stored = s.greetings().Put(
      {tenant.id, locale_, std::move(converted.ulaw), duration_ms, clock.NowMillis()});
  if (!stored.ok()) return Fail("set-greeting: " + stored.ToString());
  const std::string what = Describe(duration_ms, size);
  Audit(s, clock, tenant, "greeting_set", locale_ + ": " + what);
  std::printf("%s greeting of %s set: %s\n", locale_.c_str(), tenant.domain.c_str(), what.c_str());
  return 0;
}

int GreetingCommands::Remove(store::Store& s, const store::Tenant& tenant,
                             const Clock& clock) const {
  Status removed = s.greetings().Delete(tenant.id, locale_);
  if (removed.code() == Status::Code::kNotFound) {
    return Fail("remove-greeting: " + tenant.domain + " has no " + locale_ +
                " greeting (see list-greetings)");
  }
  if (!removed.ok()) return Fail("remove-greeting: " + removed.ToString());
  Audit(s, clock, tenant, "greeting_remove", locale_);
  std::printf("%s greeting of %s removed: calls in %s speak the prompt\n", locale_.c_str(),
              tenant.domain.c_str(), locale_.c_str());
  return 0;
}

int GreetingCommands::List(store::Store& s, const store::Tenant& tenant) const {
  auto greetings = s.greetings().List(tenant.id);
  if (!greetings.ok()) return Fail("list-greetings: " + greetings.status().ToString());
  if (greetings->empty()) std::printf("no custom greetings: calls speak the prompt\n");
  for (const store::GreetingSummary& g : *greetings) {
    std::printf("%s\t%.1f s\t%lld bytes\n", g.locale.c_str(),
                static_cast<double>(g.duration_ms) / 1000, static_cast<long long>(g.size_bytes));
  }
  return 0;
}

}  // namespace secinfo::cli
