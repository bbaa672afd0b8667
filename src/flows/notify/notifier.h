#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "channels/email/email_channel.h"
#include "channels/sms/sms_channel.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::flows {

// Tells people what happened to their account, by email, in their language: a method added,
// changed or deleted, the default method changed (to the account's own address), and every fraud
// report (to the tenant's notification addresses, in the tenant's language), and a password
// change (to the account's own address).
//
// Mail leaves on a thread of its own, so a slow relay never holds a request; what is queued when
// the process stops is sent before the destructor returns. Thread-safe.
class Notifier {
 public:
  Notifier(store::Store& store, channels::EmailChannel& email, const Clock& clock);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // `entry` is a security-info change as the audit log records it: action "method_register",
  // "method_change", "method_delete" or "default_change" with result "success". Others are
  // ignored. Returns whether a mail was queued.
  bool SecurityInfoChanged(const store::AuditEntry& entry);

  // A person reported a sign-in, registration or reset they did not start.
  void FraudReported(int64_t tenant_id, int64_t user_id, std::string_view method,
                     std::string_view purpose, std::string_view client_ip, bool blocked);

  // The person's password was just changed (by them, from `client_ip`): told to the account's own
  // address, so someone who changed it in their place is found out.
  void PasswordChanged(const store::User& user, std::string_view client_ip);

  // The person reset their own password with their security info (from `client_ip`): told by mail
  // to the account's own address and, when they registered a mobile phone, by a text to it.
  void PasswordReset(const store::User& user, std::string_view client_ip);

  // An administrator's password was reset: every other administrator of the tenant is told, in the
  // tenant's language (when the tenant asks for it: the caller decides).
  void AdministratorPasswordReset(const store::User& admin, std::string_view client_ip);

  // Where texts go (PasswordReset); null, the default: no texts. REQUIRES: set before use.
  void SetSms(channels::SmsChannel* sms) { sms_ = sms; }

  // Waits until everything queued so far was handed to the email channel (tests).
  void Drain();

 private:
  // A mail or a text on its way.
  struct Outgoing {
    std::optional<channels::EmailMessage> mail;
    std::optional<channels::SmsMessage> text;
  };
  // Mails the account's own address the notice `key` ("notify_password_changed": its
  // _subject and _text) about its password, acted on from `client_ip`. Returns the arguments the
  // notice was written with.
  std::map<std::string, std::string> MailPasswordNotice(const store::User& user,
                                                        const store::Tenant& tenant,
                                                        std::string_view key,
                                                        std::string_view client_ip);
  void Queue(channels::EmailMessage message);
  void QueueText(channels::SmsMessage message);
  void Run();

  store::Store& store_;
  channels::EmailChannel& email_;
  channels::SmsChannel* sms_ = nullptr;
  const Clock& clock_;
  std::mutex mu_;  // guards queue_, busy_, stopping_
  std::condition_variable cv_;
  std::deque<Outgoing> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

// The store with its audit log watched: every security-info change it records also reaches the
// Notifier. Everything else is the wrapped store. Thread-safe when `inner` is.
std::unique_ptr<store::Store> NotifyingStore(store::Store& inner, Notifier& notifier);

}  // namespace secinfo::flows
