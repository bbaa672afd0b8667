#include "cli/oidc_commands.h"

#include <cstdio>

#include "cli/terminal_text.h"
#include "core/random.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "crypto/secret_box.h"
#include "flows/audit.h"
#include "flows/oidc/clients.h"
#include "flows/oidc/keys.h"
#include "flows/oidc/provider.h"

namespace secinfo::cli {
namespace {

std::string Join(const std::vector<std::string>& items, const char* sep = " ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

void AuditAdmin(const AdminContext& c, int64_t tenant_id, std::string action, std::string detail) {
  flows::RecordAudit(
      c.store, c.clock,
      {tenant_id, 0, "", std::move(action), "", "success", std::move(detail), "admin-cli"});
}

}  // namespace

OidcCommands::OidcCommands(CLI::App* admin, std::string& tenant_domain) {
  add_ = admin->add_subcommand("add-client",
                               "register an application that signs people in (OpenID Connect)");
  add_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  add_->add_option("--name", name_, "the application's name, shown to people")->required();
  add_->add_option("--redirect-uri", redirect_uris_, "where codes are sent, matched exactly")
      ->required();
  add_->add_option("--post-logout-redirect-uri", post_logout_uris_,
                   "where signing out may return, matched exactly");
  add_->add_option("--scopes", scopes_,
                   "allowed scopes (default: openid,profile,email,"
                   "offline_access)")
      ->delimiter(',');
  add_->add_option("--id-token-alg", id_token_alg_, "ID token signature: RS256 or ES256")
      ->check(CLI::IsMember({"RS256", "ES256"}));
  add_->add_flag("--public", is_public_, "no secret (a browser or mobile app): PKCE required");
  add_->add_flag("--third-party", third_party_,
                 "not run by the organization: people are asked to consent");
  list_ = admin->add_subcommand("list-clients", "list a tenant's OpenID Connect applications");
  list_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  remove_ = admin->add_subcommand("remove-client",
                                  "remove an application, its codes, tokens and consents");
  remove_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  remove_->add_option("--client-id", client_id_, "the application's client_id")->required();
  rotate_secret_ = admin->add_subcommand(
      "rotate-client-secret", "give an application a new secret (the old one stops at once)");
  rotate_secret_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  rotate_secret_->add_option("--client-id", client_id_, "the application's client_id")->required();
  rotate_key_ = admin->add_subcommand(
      "rotate-signing-key",
      "sign ID tokens with new keys; the old ones stay published until their tokens expire");
}

int OidcCommands::Run(const AdminContext& context) const {
  if (rotate_key_->parsed()) return RotateSigningKey(context);
  auto tenant = context.store.tenants().FindByDomain(context.tenant_domain);
  if (!tenant.ok()) return Fail("no tenant has the domain " + context.tenant_domain);
  return RunFor(context, *tenant);
}

int OidcCommands::RunFor(const AdminContext& c, const store::Tenant& tenant) const {
  SystemRandom random;
  if (add_->parsed()) {
    flows::oidc::NewClient n{name_,      redirect_uris_, post_logout_uris_, scopes_,
                             is_public_, third_party_,   id_token_alg_};
    auto reg = flows::oidc::AddClient(c.store, random, c.clock, tenant.id, n);
    if (!reg.ok()) return Fail(reg.status().message());
    AuditAdmin(c, tenant.id, "oidc_client_add", reg->client.name + " (" + reg->client.id + ")");
    std::printf("client_id: %s\n", reg->client.id.c_str());
    if (!reg->secret.empty()) {
      std::printf("client_secret: %s\n", reg->secret.c_str());
      std::printf("The secret is shown only now: keep it in the application's settings.\n");
    }
    return 0;
  }
  if (list_->parsed()) {
    auto clients = c.store.oidc().ListClients(tenant.id);
    if (!clients.ok()) return Fail(clients.status().ToString());
    for (const auto& cl : *clients) {
      std::printf("%s\t%s\t%s%s\t%s\t%s\t%s\n", cl.id.c_str(), EscapeForTerminal(cl.name).c_str(),
                  cl.is_public ? "public" : "confidential", cl.third_party ? ", third party" : "",
                  cl.id_token_alg.c_str(), EscapeForTerminal(Join(cl.scopes)).c_str(),
                  EscapeForTerminal(Join(cl.redirect_uris)).c_str());
    }
    if (clients->empty()) std::printf("(no applications)\n");
    return 0;
  }
  if (remove_->parsed()) {
    Status s = c.store.oidc().DeleteClient(tenant.id, client_id_);
    if (s.code() == Status::Code::kNotFound) return Fail("no application " + client_id_ + " here");
    if (!s.ok()) return Fail(s.ToString());
    AuditAdmin(c, tenant.id, "oidc_client_remove", client_id_);
    std::printf("removed %s\n", client_id_.c_str());
    return 0;
  }
  auto secret = flows::oidc::RotateClientSecret(c.store, random, tenant.id, client_id_);
  if (!secret.ok()) return Fail(secret.status().message());
  AuditAdmin(c, tenant.id, "oidc_client_secret", client_id_);
  std::printf("client_secret: %s\n", secret->c_str());
  std::printf("The secret is shown only now; the old one no longer works.\n");
  return 0;
}

int OidcCommands::RotateSigningKey(const AdminContext& c) const {
  SystemRandom random;
  auto key = crypto::LoadOrCreateKeyFile(c.key_file, random);
  if (!key.ok()) return Fail("setting 'security.key_file': " + key.status().ToString());
  flows::oidc::SigningKeys keys(c.store, c.clock, random,
                                crypto::SecretBox(crypto::DeriveKey(*key, "oidc-signing-key")),
                                flows::oidc::ProviderOptions{}.retired_key_millis());
  auto kids = keys.Rotate();
  if (!kids.ok()) return Fail(kids.status().ToString());
  for (const auto& kid : *kids) std::printf("signing with %s\n", kid.c_str());
  std::printf("The previous keys stay published until the tokens they signed expire.\n");
  return 0;
}

}  // namespace secinfo::cli
