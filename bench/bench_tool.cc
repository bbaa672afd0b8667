// What bench/run needs besides wrk, done through secinfo's own libraries:
//
//   bench_tool argon2 [--n 5]
//       One Argon2id hash (the sign-in parameters) timed on this thread: the median of n, in ms.
//   bench_tool import --users N [--first 0] [--tenant contoso.example]
//       Creates the tenant when missing, then users u<first>..u<first+N-1>@tenant through the
//       store, one transaction each, all with the password "bench-password-1" (hashed once: an
//       import carries hashes, it does not compute them). Prints the rate.
//   bench_tool prepare-verify --users K --out FILE [--first 0] [--steps 40] [--tenant ...]
//       Gives users u<first>.. an authenticator app (a sealed random seed) and a signed-in
//       session whose second step is still to do, then writes FILE for bench/verify.lua: a first
//       line with the TOTP step of now, then per user "session-token csrf method-id code code...",
//       the codes of the next `steps` steps (30 s each) from that first step.
//
// The database and key file come from the configuration as `secinfo` reads it (SECINFO_*
// environment variables, or --config FILE). Every command prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli/database.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "crypto/otp.h"
#include "crypto/password.h"
#include "crypto/secret_box.h"
#include "flows/sign_in/sign_in.h"
#include "methods/authenticator/app_data.h"
#include "methods/authenticator/totp_method.h"
#include "web/context.h"

namespace secinfo::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr char kPassword[] = "bench-password-1";

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "bench_tool: %s\n", what.c_str());
  return 1;
}

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;
  int64_t Int(const std::string& name, int64_t fallback) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : std::atoll(it->second.c_str());
  }
  std::string Str(const std::string& name, const std::string& fallback) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

std::string UserName(int64_t i, const std::string& domain) {
  return "u" + std::to_string(i) + "@" + domain;
}

int Argon2(const Args& args) {
  const int64_t n = std::max<int64_t>(1, args.Int("--n", 5));
  std::vector<double> ms;
  for (int64_t i = 0; i < n; ++i) {
    const auto t0 = SteadyClock::now();
    if (!crypto::HashPassword(kPassword).ok()) return Fail("Argon2id hash failed");
    ms.push_back(Seconds(t0) * 1000);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("{\"hash_ms\": %.3f}\n", ms[ms.size() / 2]);
  return 0;
}

Result<int64_t> EnsureTenant(store::Store& st, const std::string& domain) {
  if (auto t = st.tenants().FindByDomain(domain); t.ok()) return t->id;
  store::Tenant t;
  t.name = "Contoso";
  t.domain = domain;
  t.default_locale = "en";
  t.default_region = "FR";
  return st.tenants().Create(t);
}

int Import(store::Store& st, const Args& args) {
  const int64_t n = args.Int("--users", 1000);
  const int64_t first = args.Int("--first", 0);
  const std::string domain = args.Str("--tenant", "contoso.example");
  auto tenant = EnsureTenant(st, domain);
  if (!tenant.ok()) return Fail("tenant: " + tenant.status().ToString());
  auto hash = crypto::HashPassword(kPassword);
  if (!hash.ok()) return Fail("hash: " + hash.status().ToString());
  SystemClock clock;
  const auto t0 = SteadyClock::now();
  for (int64_t i = first; i < first + n; ++i) {
    store::User u;
    u.tenant_id = *tenant;
    u.username = UserName(i, domain);
    u.display_name = "User " + std::to_string(i);
    u.password_hash = *hash;
    u.locale = "en";
    u.created_at = clock.NowMillis();
    if (auto id = st.users().Create(u); !id.ok()) {
      return Fail(u.username + ": " + id.status().ToString());
    }
  }
  const double s = Seconds(t0);
  std::printf("{\"users\": %lld, \"seconds\": %.3f, \"per_s\": %.1f}\n", static_cast<long long>(n),
              s, n / s);
  return 0;
}

int PrepareVerify(store::Store& st, const Config& config, const Args& args) {
  const int64_t n = args.Int("--users", 1000);
  const int64_t first = args.Int("--first", 0);
  const int64_t steps = args.Int("--steps", 40);
  const std::string domain = args.Str("--tenant", "contoso.example");
  const std::string out_path = args.Str("--out", "");
  if (out_path.empty()) return Fail("prepare-verify needs --out FILE");
  SystemRandom random;
  SystemClock clock;
  auto key = crypto::LoadOrCreateKeyFile(config.security.key_file, random);
  if (!key.ok()) return Fail("key file: " + key.status().ToString());
  const crypto::SecretBox seeds(crypto::DeriveKey(*key, "totp-seed"));
  const std::string csrf_key = crypto::DeriveKey(*key, "csrf");
  std::ofstream out(out_path);
  const int64_t now = clock.NowMillis();
  const int64_t base_step = static_cast<int64_t>(crypto::TotpStep(now / 1000, 30));
  out << base_step << "\n";
  const auto t0 = SteadyClock::now();
  for (int64_t i = first; i < first + n; ++i) {
    auto user = st.users().FindByUsername(UserName(i, domain));
    if (!user.ok()) return Fail(UserName(i, domain) + ": " + user.status().ToString());
    const std::string seed = methods::authenticator::NewSeed(random);
    store::Method m;
    m.user_id = user->id;
    methods::authenticator::Put({.name = "Bench app"}, m);
    m.secret = crypto::Base64UrlEncode(seeds.Seal(seed, random));
    // Registered a day before this sign-in: a method registered during the session itself counts
    // as its second step ("registered"), which is not the step measured here.
    m.created_at = now - 24LL * 3600 * 1000;
    auto method_id = st.methods().Create(m);
    if (!method_id.ok()) return Fail("method: " + method_id.status().ToString());
    const std::string token = random.Token();
    store::Session s;
    s.id_hash = flows::Sessions::TokenHash(token);
    s.user_id = user->id;
    s.tenant_id = user->tenant_id;
    s.created_at = s.last_seen_at = now;
    s.expires_at = now + 12LL * 3600 * 1000;
    s.client_ip = "127.0.0.1";
    s.user_agent = "bench";
    if (Status c = st.sessions().Create(s); !c.ok()) return Fail("session: " + c.ToString());
    out << token << ' ' << web::CsrfToken(csrf_key, token) << ' ' << *method_id;
    for (int64_t k = 0; k < steps; ++k) out << ' ' << crypto::Totp(seed, (base_step + k) * 30);
    out << '\n';
  }
  out.close();
  if (!out) return Fail("cannot write " + out_path);
  std::printf("{\"users\": %lld, \"seconds\": %.3f}\n", static_cast<long long>(n), Seconds(t0));
  return 0;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Fail("usage: bench_tool argon2|import|prepare-verify [--flag value]...");
  Args args;
  args.command = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) args.flags[argv[i]] = argv[i + 1];
  if (args.command == "argon2") return Argon2(args);
  auto config = Config::Load(args.Str("--config", ""));
  if (!config.ok()) return Fail(config.status().message());
  auto store = cli::OpenStore(*config);
  if (!store.ok()) return Fail("database: " + store.status().ToString());
  if (args.command == "import") return Import(**store, args);
  if (args.command == "prepare-verify") return PrepareVerify(**store, *config, args);
  return Fail("unknown command " + args.command);
}

}  // namespace
}  // namespace secinfo::bench

int main(int argc, char** argv) { return secinfo::bench::Main(argc, argv); }
