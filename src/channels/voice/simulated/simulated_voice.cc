#include "channels/voice/simulated/simulated_voice.h"

namespace secinfo::channels {

Status SimulatedVoice::PlaceCall(const CallRequest& request) {
  store::SimCall call;
  call.id = request.reference;
  call.number_e164 = request.destination;
  call.caller = request.caller_id;
  call.locale = request.locale;
  call.prompt = request.prompt;
  // The page cannot play the recording; it says that one replaces the words.
  call.custom_greeting = !request.greeting_ulaw.empty();
  call.state = "ringing";
  call.created_at = clock_.NowMillis();
  SECINFO_RETURN_IF_ERROR(calls_.Create(call));
  Emit(call.id, {CallEventKind::kRinging});
  return Status::Ok();
}

Status SimulatedVoice::HangUp(std::string_view reference) {
  for (const char* state : {"ringing", "answered"}) {
    auto call = calls_.Get(reference);
    if (!call.ok()) return call.status();
    if (call->state != state) continue;
    call->state = "ended";
    call->end_reason = "hung_up_by_caller";
    call->ended_at = clock_.NowMillis();
    Status s = calls_.Update(*call, state);
    if (s.ok() || s.code() != Status::Code::kFailedPrecondition) return s;
  }
  return Status::Ok();  // already ended
}

Status SimulatedVoice::Say(std::string_view reference, std::string prompt, std::string) {
  // The call already has its language: the page shows the words in it.
  Status s = calls_.Say(reference, prompt);
  if (s.code() == Status::Code::kFailedPrecondition) return Status::NotFound(s.message());
  return s;
}

Status SimulatedVoice::Answer(std::string_view call_id) {
  auto call = calls_.Get(call_id);
  if (!call.ok()) return call.status();
  if (call->state != "ringing") return Status::FailedPrecondition("call is not ringing");
  call->state = "answered";
  call->answered_at = clock_.NowMillis();
  SECINFO_RETURN_IF_ERROR(calls_.Update(*call, "ringing"));
  Emit(call_id, {CallEventKind::kAnswered});
  return Status::Ok();
}

Status SimulatedVoice::HangUpPhone(std::string_view call_id) {
  auto call = calls_.Get(call_id);
  if (!call.ok()) return call.status();
  if (call->state == "ended") return Status::FailedPrecondition("call already ended");
  std::string was = call->state;
  call->state = "ended";
  call->end_reason = was == "ringing" ? "rejected" : "hung_up_by_phone";
  call->ended_at = clock_.NowMillis();
  SECINFO_RETURN_IF_ERROR(calls_.Update(*call, was));
  Emit(call_id, {CallEventKind::kHungUp});
  return Status::Ok();
}

Status SimulatedVoice::Press(std::string_view call_id, char key) {
  if (!((key >= '0' && key <= '9') || key == '*' || key == '#')) {
    return Status::InvalidArgument("not a phone key");
  }
  auto call = calls_.Get(call_id);
  if (!call.ok()) return call.status();
  if (call->state != "answered") return Status::FailedPrecondition("call is not answered");
  call->digits += key;
  SECINFO_RETURN_IF_ERROR(calls_.Update(*call, "answered"));
  Emit(call_id, {CallEventKind::kDigit, key});
  return Status::Ok();
}

void SimulatedVoice::Emit(std::string_view call_id, CallEvent event) {
  if (sink_) sink_->OnCallEvent(name(), call_id, event);
}

}  // namespace secinfo::channels
