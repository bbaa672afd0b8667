#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "channels/email/email_channel.h"
#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/sms/sms_channel.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "channels/voice/voice_channel.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::channels {

// One provider of a channel kind: the name `voice.provider`, `sms.provider` or `email.provider`
// selects, and how it is built from the typed settings.
template <class Channel>
struct ProviderFactory {
  using Make = Result<std::unique_ptr<Channel>> (*)(const Config& config, const Clock& clock);

  std::string_view name;
  // Builds the provider; a bad setting is refused here, at start-up, never at first use
  // (InvalidArgument naming the setting, FailedPrecondition for a missing tool, ...).
  // nullptr for the simulated phone network: it lives in the database, so SimulatedChannels
  // builds it once the database is open.
  Make make = nullptr;
};

// The built-in providers of each channel kind, in one list per kind: adding a provider is its
// folder plus one line in providers.cc.
const std::vector<ProviderFactory<VoiceChannel>>& VoiceProviders();
const std::vector<ProviderFactory<SmsChannel>>& SmsProviders();
const std::vector<ProviderFactory<EmailChannel>>& EmailProviders();

// The simulated phone network's channels: calls and messages kept in the store and shown by the
// simulator's pages (/sim). The web application needs `voice` even when calls go elsewhere, to
// serve those pages. Thread-safe like its members.
struct SimulatedChannels {
  SimulatedChannels(store::Store& store, const Clock& clock)
      : voice(store.sim_calls(), clock),
        sms(store.sim_messages(), clock),
        email(store.sim_messages(), clock) {}

  SimulatedVoice voice;
  SimulatedSms sms;
  SimulatedEmail email;
};

// The provider the settings choose for each channel kind. Owns the real providers it built.
class ChosenProviders {
 public:
  // Builds the real providers the settings name. Called before the database is opened, so that a
  // bad setting stops start-up with nothing written. InvalidArgument "setting 'voice.provider':
  // ..." for a name no list holds, and for the simulated network in production mode (its pages
  // show every call, text and mail to anyone); FailedPrecondition "voice: <the factory's
  // status>" when a provider refuses its settings.
  static Result<ChosenProviders> Create(const Config& config, const Clock& clock);

  // The chosen channel of each kind: the provider built by Create, or `sim`'s for "simulated".
  // REQUIRES: `sim` outlives the use of what is returned.
  VoiceChannel& voice(SimulatedChannels& sim) const { return voice_ ? *voice_ : sim.voice; }
  SmsChannel& sms(SimulatedChannels& sim) const { return sms_ ? *sms_ : sim.sms; }
  EmailChannel& email(SimulatedChannels& sim) const { return email_ ? *email_ : sim.email; }

 private:
  std::unique_ptr<VoiceChannel> voice_;  // null: the simulated network's
  std::unique_ptr<SmsChannel> sms_;
  std::unique_ptr<EmailChannel> email_;
};

}  // namespace secinfo::channels
