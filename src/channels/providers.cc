#include "channels/providers.h"

#include <string>

#include "channels/email/smtp/smtp_email.h"
#include "channels/sms/http/http_sms.h"
#include "channels/sms/smpp/smpp_sms.h"
#include "channels/voice/sip/sip_voice.h"

namespace secinfo::channels {
namespace {

// Result<unique_ptr<Provider>> as Result<unique_ptr<Channel>>.
template <class Channel, class Provider>
Result<std::unique_ptr<Channel>> AsChannel(Result<std::unique_ptr<Provider>> made) {
  if (!made.ok()) return made.status();
  return std::unique_ptr<Channel>(std::move(*made));
}

// The entry of `list` named `name`. InvalidArgument naming `<kind>.provider` for an unknown name,
// and for the simulated network in production mode.
template <class Channel>
Result<const ProviderFactory<Channel>*> Find(const std::vector<ProviderFactory<Channel>>& list,
                                             std::string_view kind, const std::string& name,
                                             const Config& config) {
  const std::string setting = std::string(kind) + ".provider";
  std::string known;
  for (const ProviderFactory<Channel>& factory : list) {
    if (factory.name == name) {
      // The simulator's pages show every call, text and mail to anyone.
      if (factory.make == nullptr && config.mode == "production") {
        return Status::InvalidArgument("setting '" + setting +
                                       "': the simulated phone network cannot run in production "
                                       "mode; configure a real provider");
      }
      return &factory;
    }
    known += (known.empty() ? "" : ", ") + std::string(factory.name);
  }
  return Status::InvalidArgument("setting '" + setting + "': unknown provider '" + name +
                                 "' (known: " + known + ")");
}

// What `factory` builds; nullptr for the simulated network.
template <class Channel>
Status Build(const ProviderFactory<Channel>& factory, std::string_view kind, const Config& config,
             const Clock& clock, std::unique_ptr<Channel>& out) {
  if (factory.make == nullptr) return Status::Ok();
  auto made = factory.make(config, clock);
  if (!made.ok()) {
    return Status::FailedPrecondition(std::string(kind) + ": " + made.status().ToString());
  }
  out = std::move(*made);
  return Status::Ok();
}

}  // namespace

const std::vector<ProviderFactory<VoiceChannel>>& VoiceProviders() {
  static const auto* list = new std::vector<ProviderFactory<VoiceChannel>>{
      {"simulated"},
      {"sip",
       [](const Config& c, const Clock& clock) {
         return AsChannel<VoiceChannel>(SipVoice::Create(c.voice, clock));
       }},
  };
  return *list;
}

const std::vector<ProviderFactory<SmsChannel>>& SmsProviders() {
  static const auto* list = new std::vector<ProviderFactory<SmsChannel>>{
      {"simulated"},
      {"smpp",
       [](const Config& c, const Clock& clock) {
         return AsChannel<SmsChannel>(SmppSms::Create(c.sms, clock));
       }},
      {"http",
       [](const Config& c, const Clock&) { return AsChannel<SmsChannel>(HttpSms::Create(c.sms)); }},
  };
  return *list;
}

const std::vector<ProviderFactory<EmailChannel>>& EmailProviders() {
  static const auto* list = new std::vector<ProviderFactory<EmailChannel>>{
      {"simulated"},
      {"smtp", [](const Config& c,
                  const Clock&) { return AsChannel<EmailChannel>(SmtpEmail::Create(c.email)); }},
  };
  return *list;
}

Result<ChosenProviders> ChosenProviders::Create(const Config& config, const Clock& clock) {
  // Every name is checked before any provider starts (a SIP stack, an SMPP session).
  auto voice = Find(VoiceProviders(), "voice", config.voice.provider, config);
  if (!voice.ok()) return voice.status();
  auto sms = Find(SmsProviders(), "sms", config.sms.provider, config);
  if (!sms.ok()) return sms.status();
  auto email = Find(EmailProviders(), "email", config.email.provider, config);
  if (!email.ok()) return email.status();
  ChosenProviders chosen;
  SECINFO_RETURN_IF_ERROR(Build(**voice, "voice", config, clock, chosen.voice_));
  SECINFO_RETURN_IF_ERROR(Build(**sms, "sms", config, clock, chosen.sms_));
  SECINFO_RETURN_IF_ERROR(Build(**email, "email", config, clock, chosen.email_));
  return chosen;
}

}  // namespace secinfo::channels
