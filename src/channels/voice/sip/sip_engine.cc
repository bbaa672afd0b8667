#include "channels/voice/sip/sip_engine.h"

#include <netinet/in.h>
#include <pthread.h>
#include <re.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "channels/voice/sip/call_outcome.h"
#include "channels/voice/sip/rtp_source.h"

namespace secinfo::channels::sip {
namespace {

constexpr uint32_t kSamplesPerPacket = 160;  // 20 ms at 8 kHz
constexpr uint64_t kPacketMs = 20;
constexpr uint8_t kPcmuPt = 0;
constexpr int kTelevPt = 101;             // what our offer names telephone-event
constexpr uint8_t kUlawSilence = 0xFF;    // u-law code of 0
constexpr int kPauseBetweenPrompts = 50;  // packets: 1 s
constexpr int64_t kHeartbeatMs = 1000;
constexpr int64_t kStaleAfterMs = 5000;
constexpr uint64_t kStopGraceMs = 300;  // lets BYE/CANCEL leave before the loop ends

std::string ErrText(int err) {
  char buf[128];
  return str_error(err, buf, sizeof(buf));
}

std::string PlText(const struct pl& p) { return std::string(p.p, p.l); }

CallEvent Failed(std::string detail) { return {CallEventKind::kFailed, 0, std::move(detail)}; }

}  // namespace

// Named (not anonymous) because SipEngine::Impl, which has external linkage, holds them.
namespace engine_detail {

enum class Phase { kPrompt, kPause, kRepeat, kSilence };

struct Call {
  SipEngine::Impl* impl = nullptr;
  std::string reference;
  std::shared_ptr<const std::string> audio;

  struct sipsess* sess = nullptr;
  struct rtp_sock* rtp = nullptr;
  struct sdp_session* sdp = nullptr;  // owns media
  struct sdp_media* media = nullptr;
  struct mbuf* packet = nullptr;  // reused for every RTP packet
  struct tmr audio_timer {};
  struct tmr limit_timer {};
  struct sa remote {};  // where the phone wants our RTP

  bool ringing_reported = false;
  bool answered = false;
  int remote_telev_pt = -1;
  DtmfReceiver dtmf;
  RtpSourceFilter rtp_source;
  bool stray_rtp_logged = false;  // one log line per call, however many packets are dropped

  // Playback.
  Phase phase = Phase::kPrompt;
  size_t pos = 0;
  int pause_left = kPauseBetweenPrompts;
  uint32_t timestamp = 0;
  bool first_packet = true;
  uint64_t started_ms = 0;  // tmr_jiffies() of packet 0
  uint64_t sent = 0;
};

struct Job {
  enum class Kind { kPlace, kHangUp, kSay, kStop } kind;
  OutgoingCall call;                         // kPlace
  std::string reference;                     // kHangUp, kSay
  std::shared_ptr<const std::string> audio;  // kSay
};

}  // namespace engine_detail

using engine_detail::Call;
using engine_detail::Job;
using engine_detail::Phase;

struct SipEngine::Impl {
  Impl(const EngineSettings& s, const Clock& c, EventFn e, GoneFn g)
      : settings(s), clock(c), on_event(std::move(e)), on_gone(std::move(g)) {}

  const EngineSettings settings;
  const Clock& clock;
  const EventFn on_event;
  const GoneFn on_gone;
  std::thread thread;

  // Shared with other threads.
  std::mutex mu;  // guards accepting, jobs, wake_pending (and mq's lifetime while accepting)
  bool accepting = false;
  std::deque<Job> jobs;
  bool wake_pending = false;
  struct mqueue* mq = nullptr;
  std::atomic<bool> loop_running{false};
  std::atomic<int64_t> heartbeat_ms{0};

  // SIP thread only.
  struct dnsc* dnsc = nullptr;
  struct sip* sip = nullptr;
  struct sipsess_sock* sock = nullptr;
  struct sa rtp_addr {};
  struct tmr heartbeat {};
  struct tmr stop_timer {};
  std::string target;    // "host:port;transport=udp"
  std::string from_uri;  // "sip:secinfo@127.0.0.1"
  bool stopping = false;
  std::unordered_map<std::string, std::unique_ptr<Call>> calls;

  void Run(std::promise<Status>* ready);
  Status Init();
  void Cleanup();
  Status Submit(Job job);
  void HandleJobs();
  void StartCall(OutgoingCall oc);
  void Play(Call* c, std::shared_ptr<const std::string> audio);
  void End(Call* c, std::optional<CallEvent> event);
  void BeginStop();
  void SendPacket(Call* c);
  void NextFrame(Call* c, uint8_t* frame);

  static void OnWake(int id, void* data, void* arg);
  static void OnHeartbeat(void* arg);
  static void OnStopTimer(void* arg);
  static void OnIncoming(const struct sip_msg* msg, void* arg);
  static int OnAuth(char** user, char** pass, const char* realm, void* arg);
  static int OnOffer(struct mbuf** descp, const struct sip_msg* msg, void* arg);
  static int OnAnswer(const struct sip_msg* msg, void* arg);
  static void OnProgress(const struct sip_msg* msg, void* arg);
  static void OnEstablished(const struct sip_msg* msg, void* arg);
  static void OnClose(int err, const struct sip_msg* msg, void* arg);
  static void OnAudioTimer(void* arg);
  static void OnLimit(void* arg);
  static void OnRtp(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb, void* arg);
};

namespace {

std::once_flag libre_once;
int libre_init_err = 0;

int MaxFds() {
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 65536;
  return static_cast<int>(std::clamp<rlim_t>(rl.rlim_cur, 1024, 65536));
}

}  // namespace

// ---- start and stop ------------------------------------------------------------------------

Result<std::unique_ptr<SipEngine>> SipEngine::Start(const EngineSettings& settings,
                                                    const Clock& clock, EventFn on_event,
                                                    GoneFn on_gone) {
  auto impl = std::make_unique<Impl>(settings, clock, std::move(on_event), std::move(on_gone));
  std::promise<Status> ready;
  std::future<Status> started = ready.get_future();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw, p = std::move(ready)]() mutable { raw->Run(&p); });
  Status s = started.get();
  if (!s.ok()) {
    impl->thread.join();
    return s;
  }
  return std::unique_ptr<SipEngine>(new SipEngine(std::move(impl)));
}

SipEngine::SipEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SipEngine::~SipEngine() {
  (void)impl_->Submit({Job::Kind::kStop, {}, {}, nullptr});
  if (impl_->thread.joinable()) impl_->thread.join();
}

Status SipEngine::Place(OutgoingCall call) {
  return impl_->Submit({Job::Kind::kPlace, std::move(call), {}, nullptr});
}

void SipEngine::HangUp(const std::string& reference) {
  (void)impl_->Submit({Job::Kind::kHangUp, {}, reference, nullptr});
}

Status SipEngine::Say(const std::string& reference, std::shared_ptr<const std::string> audio) {
  return impl_->Submit({Job::Kind::kSay, {}, reference, std::move(audio)});
}

Status SipEngine::Health() const {
  if (!impl_->loop_running.load()) return Status::Unavailable("SIP stack is not running");
  int64_t age = impl_->clock.NowMillis() - impl_->heartbeat_ms.load();
  if (age > kStaleAfterMs) {
    return Status::Unavailable("SIP thread unresponsive for " + std::to_string(age) + " ms");
  }
  return Status::Ok();
}

void SipEngine::Impl::Run(std::promise<Status>* ready) {
  // Signals belong to the thread that waits for them (secinfo serve uses sigwait); a SIGPIPE from
  // a closed TCP peer must not end the process either.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);

  Status s = Init();
  if (!s.ok()) {
    Cleanup();
    ready->set_value(s);
    return;
  }
  heartbeat_ms = clock.NowMillis();
  loop_running = true;
  {
    std::lock_guard lock(mu);
    accepting = true;
  }
  ready->set_value(Status::Ok());

  int err = re_main(nullptr);
  if (err) spdlog::error("sip: re_main ended: {}", ErrText(err));

  loop_running = false;
  std::deque<Job> left;
  {
    std::lock_guard lock(mu);
    accepting = false;
    left.swap(jobs);
  }
  for (Job& job : left) {
    if (job.kind != Job::Kind::kPlace) continue;
    on_event(job.call.reference, Failed("SIP stack stopped"));
    on_gone(job.call.reference);
  }
  while (!calls.empty()) End(calls.begin()->second.get(), std::nullopt);
  Cleanup();
}

Status SipEngine::Impl::Init() {
  std::call_once(libre_once, [] { libre_init_err = libre_init(); });
  if (libre_init_err) return Status::Internal("libre_init: " + ErrText(libre_init_err));
  // Each SipEngine has a loop of its own, so several can live in one process (tests do).
  int err = re_thread_init();
  if (err && err != EALREADY) return Status::Internal("re_thread_init: " + ErrText(err));
  // libre indexes its handler table by fd number (1024 by default); a busy server has more.
  err = fd_setsize(MaxFds());
  if (err) return Status::Internal("fd_setsize: " + ErrText(err));

  err = mqueue_alloc(&mq, &Impl::OnWake, this);
  if (err) return Status::Internal("mqueue_alloc: " + ErrText(err));

  struct sa probe;
  if (sa_set_str(&probe, settings.host.c_str(), settings.port) != 0) {
    // A DNS name: resolve with the system's name servers.
    char domain[256] = "";
    struct sa servers[8];
    uint32_t n = 8;
    err = dns_srv_get(domain, sizeof(domain), servers, &n);
    if (!err) err = dnsc_alloc(&dnsc, nullptr, servers, n);
    if (err) {
      return Status::Unavailable("setting 'voice.sip.host': '" + settings.host +
                                 "' is a name and no DNS server is usable: " + ErrText(err));
    }
  }

  err = sip_alloc(&sip, dnsc, 256, 256, 256, "secinfo", nullptr, nullptr);
  if (err) return Status::Internal("sip_alloc: " + ErrText(err));

  struct sa laddr;
  if (sa_set_str(&laddr, settings.local_address.c_str(), settings.local_port) != 0) {
    return Status::InvalidArgument("setting 'voice.sip.local_address': '" + settings.local_address +
                                   "' is not an IP address");
  }
  err = sip_transp_add(sip, settings.tcp ? SIP_TRANSP_TCP : SIP_TRANSP_UDP, &laddr);
  if (err) {
    return Status::Unavailable(
        "settings 'voice.sip.local_address'/'voice.sip.local_port': cannot "
        "listen for SIP on " +
        settings.local_address + ":" + std::to_string(settings.local_port) + ": " + ErrText(err));
  }
  err = sipsess_listen(&sock, sip, 256, &Impl::OnIncoming, this);
  if (err) return Status::Internal("sipsess_listen: " + ErrText(err));

  sa_set_str(&rtp_addr, settings.local_address.c_str(), 0);
  const bool v6 = settings.host.find(':') != std::string::npos;
  target = (v6 ? "[" + settings.host + "]" : settings.host) + ":" + std::to_string(settings.port) +
           ";transport=" + (settings.tcp ? "tcp" : "udp");
  const bool local_v6 = settings.local_address.find(':') != std::string::npos;
  from_uri = "sip:" + settings.from_user + "@" +
             (local_v6 ? "[" + settings.local_address + "]" : settings.local_address);

  tmr_init(&heartbeat);
  tmr_init(&stop_timer);
  tmr_start(&heartbeat, kHeartbeatMs, &Impl::OnHeartbeat, this);
  return Status::Ok();
}

void SipEngine::Impl::Cleanup() {
  tmr_cancel(&heartbeat);
  tmr_cancel(&stop_timer);
  if (sock) sipsess_close_all(sock);
  sock = static_cast<struct sipsess_sock*>(mem_deref(sock));
  if (sip) sip_close(sip, true);
  sip = static_cast<struct sip*>(mem_deref(sip));
  dnsc = static_cast<struct dnsc*>(mem_deref(dnsc));
  mq = static_cast<struct mqueue*>(mem_deref(mq));
  re_thread_close();
}

void SipEngine::Impl::BeginStop() {
  if (stopping) return;
  stopping = true;
  const bool had_calls = !calls.empty();
  while (!calls.empty()) End(calls.begin()->second.get(), std::nullopt);
  tmr_start(&stop_timer, had_calls ? kStopGraceMs : 0, &Impl::OnStopTimer, this);
}

void SipEngine::Impl::OnStopTimer(void*) { re_cancel(); }

void SipEngine::Impl::OnHeartbeat(void* arg) {
  auto* self = static_cast<Impl*>(arg);
  self->heartbeat_ms = self->clock.NowMillis();
  tmr_start(&self->heartbeat, kHeartbeatMs, &Impl::OnHeartbeat, self);
}

// ---- jobs from other threads ---------------------------------------------------------------

Status SipEngine::Impl::Submit(Job job) {
  std::lock_guard lock(mu);
  if (!accepting) return Status::Unavailable("SIP stack is not running");
  const bool stop = job.kind == Job::Kind::kStop;
  jobs.push_back(std::move(job));
  // One wake-up per batch: the pipe behind mqueue never fills, so no caller ever blocks.
  if (!wake_pending) {
    int err = mqueue_push(mq, 0, nullptr);
    if (err) {
      jobs.pop_back();
      return Status::Unavailable("SIP stack queue: " + ErrText(err));
    }
    wake_pending = true;
  }
  if (stop) accepting = false;
  return Status::Ok();
}

void SipEngine::Impl::OnWake(int, void*, void* arg) { static_cast<Impl*>(arg)->HandleJobs(); }

void SipEngine::Impl::HandleJobs() {
  std::deque<Job> batch;
  {
    std::lock_guard lock(mu);
    batch.swap(jobs);
    wake_pending = false;
  }
  for (Job& job : batch) {
    switch (job.kind) {
      case Job::Kind::kPlace:
        StartCall(std::move(job.call));
        break;
      case Job::Kind::kHangUp: {
        auto it = calls.find(job.reference);
        if (it != calls.end()) End(it->second.get(), std::nullopt);
        break;
      }
      case Job::Kind::kSay: {
        auto it = calls.find(job.reference);
        if (it != calls.end()) Play(it->second.get(), std::move(job.audio));
        break;
      }
      case Job::Kind::kStop:
        BeginStop();
        break;
    }
  }
}

// ---- calls ---------------------------------------------------------------------------------

void SipEngine::Impl::StartCall(OutgoingCall oc) {
  if (stopping || calls.count(oc.reference)) {
    on_event(oc.reference, Failed("SIP stack stopping"));
    on_gone(oc.reference);
    return;
  }
  auto owned = std::make_unique<Call>();
  Call* c = owned.get();
  c->impl = this;
  c->reference = oc.reference;
  c->audio = std::move(oc.audio);
  tmr_init(&c->audio_timer);
  tmr_init(&c->limit_timer);
  calls.emplace(c->reference, std::move(owned));

  int err = rtp_listen(&c->rtp, IPPROTO_UDP, &rtp_addr, settings.rtp_port_min,
                       settings.rtp_port_max, false, &Impl::OnRtp, nullptr, c);
  if (err) {
    return End(c, Failed("no free RTP port in " + std::to_string(settings.rtp_port_min) + "-" +
                         std::to_string(settings.rtp_port_max) + ": " + ErrText(err)));
  }
  c->packet = mbuf_alloc(RTP_HEADER_SIZE + kSamplesPerPacket);
  struct mbuf* offer = nullptr;
  err = c->packet ? 0 : ENOMEM;
  if (!err) err = sdp_session_alloc(&c->sdp, &rtp_addr);
  if (!err) err = sdp_media_add(&c->media, c->sdp, "audio", sa_port(rtp_local(c->rtp)), "RTP/AVP");
  if (!err) {
    err = sdp_format_add(nullptr, c->media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr,
                         false, nullptr);
  }
  // Without telephone-event in the offer a phone sends no DTMF at all.
  if (!err) {
    err = sdp_format_add(nullptr, c->media, false, "101", telev_rtpfmt, 8000, 1, nullptr, nullptr,
                         nullptr, false, "0-15");
  }
  if (!err) err = sdp_media_set_lattr(c->media, true, "ptime", "20");
  if (!err) err = sdp_encode(&offer, c->sdp, true);
  if (err) {
    mem_deref(offer);
    return End(c, Failed("cannot build the SDP offer: " + ErrText(err)));
  }

  const std::string to = "sip:" + oc.destination + "@" + target;
  err = sipsess_connect(
      &c->sess, sock, to.c_str(), oc.display_name.empty() ? nullptr : oc.display_name.c_str(),
      from_uri.c_str(), settings.from_user.c_str(), nullptr, 0, "application/sdp", offer,
      &Impl::OnAuth, this, false, &Impl::OnOffer, &Impl::OnAnswer, &Impl::OnProgress,
      &Impl::OnEstablished, nullptr, nullptr, &Impl::OnClose, c, nullptr);
  mem_deref(offer);
  if (err) return End(c, Failed("cannot send INVITE to " + target + ": " + ErrText(err)));
  tmr_start(&c->limit_timer, static_cast<uint64_t>(settings.max_call_seconds) * 1000,
            &Impl::OnLimit, c);
}

// Frees everything of the call (mem_deref of the session sends BYE when answered, CANCEL while
// ringing), reports `event` first when there is one, and on_gone last.
void SipEngine::Impl::End(Call* c, std::optional<CallEvent> event) {
  const std::string reference = c->reference;
  tmr_cancel(&c->audio_timer);
  tmr_cancel(&c->limit_timer);
  c->sess = static_cast<struct sipsess*>(mem_deref(c->sess));
  c->rtp = static_cast<struct rtp_sock*>(mem_deref(c->rtp));
  c->sdp = static_cast<struct sdp_session*>(mem_deref(c->sdp));
  c->packet = static_cast<struct mbuf*>(mem_deref(c->packet));
  calls.erase(reference);  // frees c
  if (event) on_event(reference, std::move(*event));
  on_gone(reference);
}

void SipEngine::Impl::OnIncoming(const struct sip_msg* msg, void* arg) {
  // secinfo only calls out.
  auto* self = static_cast<Impl*>(arg);
  (void)sip_treply(nullptr, self->sip, msg, 603, "Decline");
}

int SipEngine::Impl::OnAuth(char** user, char** pass, const char*, void* arg) {
  auto* self = static_cast<Impl*>(arg);
  if (self->settings.user.empty()) return EAUTH;  // no credentials: the call fails with the 401/407
  int err = str_dup(user, self->settings.user.c_str());
  if (!err) err = str_dup(pass, self->settings.password.c_str());
  return err;
}

void SipEngine::Impl::OnProgress(const struct sip_msg* msg, void* arg) {
  auto* c = static_cast<Call*>(arg);
  if ((msg->scode == 180 || msg->scode == 183) && !c->ringing_reported) {
    c->ringing_reported = true;
    c->impl->on_event(c->reference, {CallEventKind::kRinging, 0, PlText(msg->reason)});
  }
}

int SipEngine::Impl::OnAnswer(const struct sip_msg* msg, void* arg) {
  auto* c = static_cast<Call*>(arg);
  int err = sdp_decode(c->sdp, msg->mb, false);
  if (err) return err;
  if (!sdp_media_rformat(c->media, "PCMU")) return EPROTO;  // ends the call: kFailed
  const struct sdp_format* telev = sdp_media_rformat(c->media, telev_rtpfmt);
  c->remote_telev_pt = telev ? telev->pt : -1;
  if (!telev) {
    spdlog::warn("sip: call {}: the phone accepted no telephone-event; its keys will not be heard",
                 c->reference);
  }
  c->remote = *sdp_media_raddr(c->media);
  return 0;
}

int SipEngine::Impl::OnOffer(struct mbuf** descp, const struct sip_msg* msg, void* arg) {
  // A re-INVITE from the phone (hold, codec change): accept its address, answer as before.
  auto* c = static_cast<Call*>(arg);
  int err = sdp_decode(c->sdp, msg->mb, true);
  if (err) return err;
  c->remote = *sdp_media_raddr(c->media);
  return sdp_encode(descp, c->sdp, false);
}

void SipEngine::Impl::OnEstablished(const struct sip_msg*, void* arg) {
  auto* c = static_cast<Call*>(arg);
  c->answered = true;
  c->impl->on_event(c->reference, {CallEventKind::kAnswered, 0, ""});
  c->started_ms = tmr_jiffies();
  tmr_start(&c->audio_timer, 0, &Impl::OnAudioTimer, c);
}

void SipEngine::Impl::OnClose(int err, const struct sip_msg* msg, void* arg) {
  auto* c = static_cast<Call*>(arg);
  CallEvent e;
  if (c->answered) {
    e = {CallEventKind::kHungUp, 0, err && err != ECONNRESET ? ErrText(err) : "BYE"};
  } else if (msg && msg->scode >= 300) {
    e = EventForFinalResponse(msg->scode, PlText(msg->reason));
  } else if (msg) {  // answered, but we could not use the answer (no PCMU, bad SDP)
    e = Failed("unusable answer from the phone (" + std::to_string(msg->scode) +
               "): " + ErrText(err));
  } else if (err == ETIMEDOUT) {
    e = Failed("no response from " + c->impl->target);
  } else {
    e = Failed("call to " + c->impl->target + " failed: " + ErrText(err));
  }
  c->impl->End(c, std::move(e));
}

void SipEngine::Impl::OnLimit(void* arg) {
  auto* c = static_cast<Call*>(arg);
  c->impl->End(c, Failed("ended by secinfo after " +
                         std::to_string(c->impl->settings.max_call_seconds) + " s (safety limit)"));
}

// ---- media ---------------------------------------------------------------------------------

void SipEngine::Impl::OnAudioTimer(void* arg) {
  auto* c = static_cast<Call*>(arg);
  const uint64_t now = tmr_jiffies();
  // Packets follow the wall clock, not the timer (which drifts by its own latency): send what is
  // due, at most a few at once after a stall, and give up on what is long overdue.
  for (int burst = 0; burst < 5 && c->started_ms + c->sent * kPacketMs <= now; ++burst) {
    c->impl->SendPacket(c);
    ++c->sent;
  }
  if (c->started_ms + c->sent * kPacketMs + 10 * kPacketMs < now) {
    c->started_ms = now - c->sent * kPacketMs;
  }
  const uint64_t next = c->started_ms + c->sent * kPacketMs;
  tmr_start(&c->audio_timer, next > now ? next - now : 0, &Impl::OnAudioTimer, c);
}

// The packets still to send take their samples from `audio`, from its start. The RTP stream
// itself goes on (same SSRC, sequence numbers and timestamps, no gap, no marker: RFC 3551 marks
// only a talkspurt after silence that was not sent), so the phone hears one call whose words
// change.
void SipEngine::Impl::Play(Call* c, std::shared_ptr<const std::string> audio) {
  c->audio = std::move(audio);
  c->phase = Phase::kPrompt;
  c->pos = 0;
  c->pause_left = kPauseBetweenPrompts;
}

void SipEngine::Impl::NextFrame(Call* c, uint8_t* frame) {
  std::memset(frame, kUlawSilence, kSamplesPerPacket);
  static const std::string kNone;
  const std::string& audio = c->audio ? *c->audio : kNone;
  switch (c->phase) {
    case Phase::kPrompt:
    case Phase::kRepeat: {
      size_t n = std::min<size_t>(kSamplesPerPacket, audio.size() - std::min(c->pos, audio.size()));
      if (n > 0) std::memcpy(frame, audio.data() + c->pos, n);
      c->pos += n;
      if (c->pos >= audio.size()) {
        c->phase = c->phase == Phase::kPrompt ? Phase::kPause : Phase::kSilence;
        c->pos = 0;
      }
      break;
    }
    case Phase::kPause:
      if (--c->pause_left <= 0) c->phase = Phase::kRepeat;
      break;
    case Phase::kSilence:
      break;
  }
}

void SipEngine::Impl::SendPacket(Call* c) {
  if (!sa_isset(&c->remote, SA_ALL)) return;
  struct mbuf* mb = c->packet;
  mb->pos = mb->end = RTP_HEADER_SIZE;
  uint8_t frame[kSamplesPerPacket];
  NextFrame(c, frame);
  (void)mbuf_write_mem(mb, frame, sizeof(frame));
  mb->pos = RTP_HEADER_SIZE;
  (void)rtp_send(c->rtp, &c->remote, false, c->first_packet, kPcmuPt, c->timestamp, mb);
  c->first_packet = false;
  c->timestamp += kSamplesPerPacket;
}

void SipEngine::Impl::OnRtp(const struct sa* src, const struct rtp_header* hdr, struct mbuf* mb,
                            void* arg) {
  auto* c = static_cast<Call*>(arg);
  const bool from_peer = sa_isset(&c->remote, SA_ALL) && sa_cmp(src, &c->remote, SA_ALL);
  if (RtpSourceFilter::Verdict v = c->rtp_source.Check(from_peer, hdr->ssrc);
      v != RtpSourceFilter::Verdict::kAccept) {
    if (!c->stray_rtp_logged) {
      char from[64] = "?";
      (void)re_snprintf(from, sizeof(from), "%J", src);
      spdlog::warn("sip: call {}: dropping RTP from {} (ssrc {:08x}): {}; further drops not logged",
                   c->reference, from, hdr->ssrc, VerdictName(v));
      c->stray_rtp_logged = true;
    }
    return;
  }
  if (!c->answered) return;
  if (hdr->pt != kTelevPt && hdr->pt != c->remote_telev_pt) return;
  std::optional<char> digit = c->dtmf.OnPacket(hdr->ts, mbuf_buf(mb), mbuf_get_left(mb));
  if (digit) c->impl->on_event(c->reference, {CallEventKind::kDigit, *digit, ""});
}

}  // namespace secinfo::channels::sip
