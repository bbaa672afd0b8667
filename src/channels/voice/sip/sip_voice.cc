#include "channels/voice/sip/sip_voice.h"

#include <arpa/inet.h>

#include "channels/voice/sip/event_dispatcher.h"
#include "channels/voice/sip/prompt_cache.h"
#include "channels/voice/sip/sip_engine.h"

namespace secinfo::channels {
namespace {

bool IsE164(std::string_view s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsIpAddress(const std::string& s, bool* unspecified) {
  in6_addr v6{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    *unspecified = v4.s_addr == 0;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    *unspecified = IN6_IS_ADDR_UNSPECIFIED(&v6);
    return true;
  }
  return false;
}

bool IsHostName(const std::string& s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Characters that may stand unescaped in the user part of a SIP URI (RFC 3261 unreserved plus
// a few user-unreserved ones), without ';' '?' '@' which would change the URI's meaning.
bool IsSipUser(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '~' || c == '+' || c == '!' || c == '*';
    if (!ok) return false;
  }
  return true;
}

// Digest credentials travel inside quoted header parameters.
bool IsCredential(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

// The caller id goes into From as a quoted display name: no quotes, backslashes or control
// characters (header injection), at most 48 bytes cut on a UTF-8 character boundary.
std::string SanitizeDisplayName(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') continue;
    out += static_cast<char>(c);
  }
  if (out.size() > 48) {
    size_t cut = 48;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

}  // namespace

Status ValidateSipSettings(const Config::Voice::Sip& sip) {
  bool unspecified = false;
  if (sip.host.empty()) {
    return Status::InvalidArgument(
        "setting 'voice.sip.host' is required when voice.provider is \"sip\": the address of the "
        "SIP trunk or proxy to call through, e.g. \"sip.example.net\" or \"192.0.2.10\"");
  }
  if (!IsIpAddress(sip.host, &unspecified) && !IsHostName(sip.host)) {
    return Status::InvalidArgument("setting 'voice.sip.host': '" + sip.host +
                                   "' is neither a host name nor an IP address");
  }
  if (sip.port < 1 || sip.port > 65535) {
    return Status::InvalidArgument("setting 'voice.sip.port' must be between 1 and 65535");
  }
  if (sip.transport != "udp" && sip.transport != "tcp") {
    return Status::InvalidArgument(
        "setting 'voice.sip.transport' must be \"udp\" or \"tcp\", not '" + sip.transport + "'");
  }
  if (!sip.password.empty() && sip.user.empty()) {
    return Status::InvalidArgument(
        "setting 'voice.sip.user' is required when 'voice.sip.password' is set (digest "
        "authentication needs both)");
  }
  if (!IsCredential(sip.user)) {
    return Status::InvalidArgument(
        "setting 'voice.sip.user' must not contain quotes, backslashes or control characters");
  }
  if (!IsCredential(sip.password)) {
    return Status::InvalidArgument(
        "setting 'voice.sip.password' must not contain quotes, backslashes or control characters");
  }
  if (!IsSipUser(sip.from_user)) {
    return Status::InvalidArgument("setting 'voice.sip.from_user': '" + sip.from_user +
                                   "' is not a SIP user name (letters, digits, . - _ ~ + ! *; "
                                   "1 to 64 characters)");
  }
  if (!IsIpAddress(sip.local_address, &unspecified)) {
    return Status::InvalidArgument("setting 'voice.sip.local_address': '" + sip.local_address +
                                   "' is not an IP address");
  }
  if (unspecified) {
    return Status::InvalidArgument(
        "setting 'voice.sip.local_address' must be the address the trunk reaches us at (it goes "
        "into Contact and SDP), not '" +
        sip.local_address + "'");
  }
  if (sip.local_port < 0 || sip.local_port > 65535) {
    return Status::InvalidArgument("setting 'voice.sip.local_port' must be between 0 and 65535");
  }
  if (sip.prompt_cache_dir.empty()) {
    return Status::InvalidArgument("setting 'voice.sip.prompt_cache_dir' must not be empty");
  }
  return Status::Ok();
}

SipVoice::SipVoice(const SipVoiceOptions& options) : options_(options) {}

SipVoice::~SipVoice() {
  engine_.reset();      // hangs up every call; its last on_gone calls reach the dispatcher
  dispatcher_.reset();  // delivers what is queued, joins
}

Result<std::unique_ptr<SipVoice>> SipVoice::Create(const Config::Voice& voice, const Clock& clock,
                                                   const SipVoiceOptions& options) {
  SECINFO_RETURN_IF_ERROR(ValidateSipSettings(voice.sip));
  if (options.rtp_port_min < 1024 || options.rtp_port_min >= options.rtp_port_max) {
    return Status::InvalidArgument("SIP voice: RTP port range must be within 1024-65535");
  }
  if (options.event_threads < 1 || options.max_calls < 1 || options.max_call_seconds < 1) {
    return Status::InvalidArgument("SIP voice: event_threads, max_calls, max_call_seconds >= 1");
  }
  auto prompts =
      sip::PromptCache::Create(voice.sip.prompt_cache_dir, options.espeak_ng, options.sox);
  if (!prompts.ok()) return prompts.status();
  // Speaking once now finds a broken espeak-ng or sox (missing voice data, ...) at start-up.
  auto probe = (*prompts)->Get("en", "secinfo");
  if (!probe.ok()) {
    return Status::FailedPrecondition("voice.provider \"sip\": cannot make a spoken prompt: " +
                                      probe.status().message());
  }

  std::unique_ptr<SipVoice> v(new SipVoice(options));
  SipVoice* self = v.get();
  v->prompts_ = std::move(*prompts);
  v->dispatcher_ = std::make_unique<sip::EventDispatcher>(
      options.event_threads,
      [self](const std::string& ref, const CallEvent& e) { self->Deliver(ref, e); },
      [self](const std::string& ref) { self->Done(ref); });

  sip::EngineSettings es;
  es.host = voice.sip.host;
  es.port = static_cast<uint16_t>(voice.sip.port);
  es.tcp = voice.sip.transport == "tcp";
  es.user = voice.sip.user;
  es.password = voice.sip.password;
  es.from_user = voice.sip.from_user;
  es.local_address = voice.sip.local_address;
  es.local_port = static_cast<uint16_t>(voice.sip.local_port);
  es.rtp_port_min = options.rtp_port_min;
  es.rtp_port_max = options.rtp_port_max;
  es.max_call_seconds = options.max_call_seconds;
  auto engine = sip::SipEngine::Start(
      es, clock,
      [self](const std::string& ref, CallEvent e) { self->dispatcher_->Post(ref, std::move(e)); },
      [self](const std::string& ref) { self->dispatcher_->PostDone(ref); });
  if (!engine.ok()) return engine.status();
  v->engine_ = std::move(*engine);
  return v;
}

void SipVoice::SetEventSink(CallEventSink* sink) {
  std::unique_lock lock(sink_mu_);
  sink_ = sink;
}

Status SipVoice::PlaceCall(const CallRequest& request) {
  if (request.reference.empty()) return Status::InvalidArgument("call reference is empty");
  if (!IsE164(request.destination)) {
    return Status::InvalidArgument("destination '" + request.destination +
                                   "' is not an E.164 number");
  }
  // The tenant's recording is already u-law: it plays as is, with no speech to make.
  Result<std::shared_ptr<const std::string>> audio =
      request.greeting_ulaw.empty() ? prompts_->Get(request.locale, request.prompt)
                                    : std::make_shared<const std::string>(request.greeting_ulaw);
  if (!audio.ok()) {
    if (audio.status().code() == Status::Code::kInvalidArgument) return audio.status();
    return Status::Unavailable("cannot speak the prompt: " + audio.status().message());
  }
  {
    std::lock_guard lock(mu_);
    if (live_.count(request.reference)) {
      return Status::AlreadyExists("call " + request.reference + " is in progress");
    }
    if (live_.size() >= options_.max_calls) {
      return Status::Unavailable(std::to_string(live_.size()) +
                                 " calls in progress, the most this provider places at once");
    }
    live_.insert(request.reference);
  }
  Status s = engine_->Place(
      {request.reference, request.destination, SanitizeDisplayName(request.caller_id), *audio});
  if (!s.ok()) {
    std::lock_guard lock(mu_);
    live_.erase(request.reference);
  }
  return s;
}

Status SipVoice::HangUp(std::string_view reference) {
  std::string ref(reference);
  {
    std::lock_guard lock(mu_);
    if (!live_.count(ref)) return Status::Ok();  // ended already
    hung_up_.insert(ref);
  }
  engine_->HangUp(ref);
  return Status::Ok();
}

Status SipVoice::Say(std::string_view reference, std::string prompt, std::string locale) {
  std::string ref(reference);
  {
    std::lock_guard lock(mu_);
    if (!live_.count(ref) || hung_up_.count(ref)) {
      return Status::NotFound("call " + ref + " is not in progress");
    }
  }
  Result<std::shared_ptr<const std::string>> audio = prompts_->Get(locale, prompt);
  if (!audio.ok()) {
    if (audio.status().code() == Status::Code::kInvalidArgument) return audio.status();
    return Status::Unavailable("cannot speak the words: " + audio.status().message());
  }
  // The call may have ended while the words were made; the engine then finds no call and drops
  // them.
  return engine_->Say(ref, *audio);
}

Status SipVoice::Health() const { return engine_->Health(); }

size_t SipVoice::ActiveCalls() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

void SipVoice::Deliver(const std::string& reference, const CallEvent& event) {
  {
    std::lock_guard lock(mu_);
    if (hung_up_.count(reference)) return;
  }
  std::shared_lock lock(sink_mu_);
  if (sink_) sink_->OnCallEvent(name(), reference, event);
}

void SipVoice::Done(const std::string& reference) {
  std::lock_guard lock(mu_);
  live_.erase(reference);
  hung_up_.erase(reference);
}

Result<std::unique_ptr<VoiceChannel>> MakeSipVoice(const Config::Voice& voice, const Clock& clock) {
  auto v = SipVoice::Create(voice, clock);
  if (!v.ok()) return v.status();
  return std::unique_ptr<VoiceChannel>(std::move(*v));
}

}  // namespace secinfo::channels
