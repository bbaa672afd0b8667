// The request headers read before any handler: Cookie, X-Forwarded-For / X-Forwarded-Proto (with
// the trusted-proxy list from the configuration) and Accept-Language (the page's language and the
// preselected country). Input: one header value per line, in this order: Cookie, Accept-Language,
// X-Forwarded-For, X-Forwarded-Proto, the TCP peer's address, then trusted proxies one per line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "http/forwarded.h"
#include "http/url.h"
#include "i18n/catalog.h"
#include "phone/regions.h"

using namespace secinfo;

using fuzz::NextLine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view cookie = NextLine(rest);
  const std::string_view accept_language = NextLine(rest);
  const std::string_view forwarded_for = NextLine(rest);
  const std::string_view forwarded_proto = NextLine(rest);
  const std::string_view peer = NextLine(rest);
  std::vector<std::string> proxies;
  while (!rest.empty()) proxies.emplace_back(NextLine(rest));

  for (const auto& [name, value] : http::ParseCookies(cookie)) {
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(name.find(';') == std::string::npos && value.find(';') == std::string::npos);
  }

  const auto tags = i18n::Catalog::ParseAcceptLanguage(accept_language);
  for (const std::string& tag : tags) FUZZ_CHECK(!tag.empty() && tag != "*");
  const std::string lang = i18n::Catalog::BuiltIn().Choose(tags, "en");
  FUZZ_CHECK(i18n::Catalog::BuiltIn().Has(lang));
  const std::string region = phone::RegionFromAcceptLanguage(accept_language, "FR");
  FUZZ_CHECK(region == "FR" || phone::IsSupportedRegion(region));

  const auto canonical_peer = http::CanonicalIp(peer);
  if (canonical_peer) FUZZ_CHECK(http::CanonicalIp(*canonical_peer) == canonical_peer);
  const std::string peer_ip = canonical_peer.value_or(std::string(peer));

  auto trusted = http::TrustedProxies::Parse(proxies);
  const http::TrustedProxies& proxies_in_use = trusted.ok() ? *trusted : http::TrustedProxies();
  const http::ClientInfo client =
      http::ResolveClient(peer, forwarded_for, forwarded_proto, proxies_in_use);
  if (!proxies_in_use.Contains(peer_ip)) {
    // Nobody trusted speaks for the client: it is the peer itself, and it used plain HTTP.
    FUZZ_CHECK(client.ip == peer_ip);
    FUZZ_CHECK(!client.secure);
  } else {
    // A trusted proxy named it: always a well-formed address, never the header's raw text.
    FUZZ_CHECK(http::CanonicalIp(client.ip) == client.ip);
  }
  return 0;
}
