#include "channels/sms/http/receipt_link.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/hash.h"

namespace secinfo::channels::http_sms {
namespace {

// Signatures of other purposes under a key derived for this one can never be confused with these,
// but the label keeps the message self-describing should the key ever be shared.
constexpr std::string_view kLabel = "sms-receipt:";

}  // namespace

std::string ReceiptSignature(std::string_view key, std::string_view reference) {
  return crypto::Base64UrlEncode(
      crypto::HmacSha256(key, std::string(kLabel) + std::string(reference)));
}

std::string ReceiptLink(const ReceiptCallback& callback, std::string_view reference,
                        std::string_view status_placeholder) {
  std::string link = callback.url;
  link += callback.url.find('?') == std::string::npos ? '?' : '&';
  link += "ref=";
  link += reference;
  link += "&sig=";
  link += ReceiptSignature(callback.key, reference);
  if (!status_placeholder.empty()) {
    link += "&status=";
    link += status_placeholder;
  }
  return link;
}

bool IsReceiptSigned(std::string_view key, std::string_view reference, std::string_view signature) {
  if (key.empty() || reference.empty()) return false;
  return crypto::ConstantTimeEquals(ReceiptSignature(key, reference), signature);
}

bool IsUrlSafe(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '%';
  });
}

}  // namespace secinfo::channels::http_sms
