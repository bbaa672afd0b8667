#pragma once

#include <string>
#include <string_view>

#include "channels/send_result.h"
#include "core/status.h"

namespace secinfo::channels {

struct EmailMessage {
  std::string to;         // "ana@example.org"
  std::string from_name;  // "Contoso"
  std::string subject;    // UTF-8; the provider encodes it (RFC 2047)
  std::string text;       // plain-text part
  std::string html;       // HTML part, may be empty
};

// A way to send mail: the simulated inbox, SMTP... Knows nothing about codes or people.
// Thread-safe.
class EmailChannel {
 public:
  virtual ~EmailChannel() = default;
  virtual std::string_view name() const = 0;
  // The outcome, and whether it is safe to try again (see SendResult).
  virtual SendResult Deliver(const EmailMessage& message) = 0;
  // OK when the provider can deliver now; Unavailable saying why otherwise. For /readyz.
  virtual Status Health() const { return Status::Ok(); }
  // OK once the provider accepted the message; Unavailable when it cannot now.
  Status Send(const EmailMessage& message) { return Deliver(message).status; }
};

}  // namespace secinfo::channels
