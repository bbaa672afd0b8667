#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "channels/voice/voice_channel.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::channels {

// The simulated phone network: a voice provider whose calls ring on web pages instead of phones
// (a product feature for demos and evaluation, refused in production mode).
//
// Both ends are here. The provider end (VoiceChannel) places calls; the phone end (Answer, Press,
// HangUpPhone) is driven by the simulator's pages. Calls live in the store, so the phone page may
// be served by another node than the one that placed the call: that node's own SimulatedVoice
// reports the events to its own sink. Thread-safe.
class SimulatedVoice final : public VoiceChannel {
 public:
  SimulatedVoice(store::SimCallStore& calls, const Clock& clock) : calls_(calls), clock_(clock) {}

  std::string_view name() const override { return "simulated"; }
  void SetEventSink(CallEventSink* sink) override { sink_ = sink; }
  // Creates the ringing call and reports kRinging at once.
  Status PlaceCall(const CallRequest& request) override;
  Status HangUp(std::string_view reference) override;
  // The words show on the phone's page below the opening prompt, on any node.
  bool CanSay() const override { return true; }
  Status Say(std::string_view reference, std::string prompt, std::string locale) override;

  // Phone end. NotFound for an unknown call; FailedPrecondition when the call is not in a state
  // that allows the action (answering twice, pressing keys before answering, acting on an ended
  // call).
  Status Answer(std::string_view call_id);
  // Declining a ringing call and hanging up an answered one both end it with kHungUp.
  Status HangUpPhone(std::string_view call_id);
  // One key: '0'-'9', '*', '#'. InvalidArgument for anything else.
  Status Press(std::string_view call_id, char key);

  Result<std::vector<store::SimCall>> CallsTo(std::string_view number_e164, int limit = 20) {
    return calls_.ListForNumber(number_e164, limit);
  }
  Result<std::vector<std::string>> Numbers(int limit = 100) { return calls_.ListNumbers(limit); }
  Result<store::SimCall> Get(std::string_view call_id) { return calls_.Get(call_id); }

 private:
  void Emit(std::string_view call_id, CallEvent event);

  store::SimCallStore& calls_;
  const Clock& clock_;
  CallEventSink* sink_ = nullptr;  // set once before use
};

}  // namespace secinfo::channels
