#include "channels/sms/smpp/smpp_session.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <system_error>

namespace secinfo::channels::smpp {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// A link that stayed up this long was healthy: the next reconnect starts the back-off afresh.
constexpr std::chrono::seconds kStableLink{10};

std::string Seconds(milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// std::strerror is not thread-safe.
std::string ErrnoText(int err) { return std::generic_category().message(err); }

}  // namespace

SmppSession::SmppSession(Settings settings, OutboundQueue& queue, DeliverHandler on_deliver)
    : settings_(std::move(settings)),
      peer_(settings_.host + ":" + std::to_string(settings_.port)),
      queue_(queue),
      on_deliver_(std::move(on_deliver)),
      detail_("connecting to " + peer_) {}

SmppSession::~SmppSession() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status SmppSession::Start() {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) return Status::Internal("eventfd: " + ErrnoText(errno));
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void SmppSession::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  Wake();
  if (thread_.joinable()) thread_.join();
}

void SmppSession::Wake() {
  if (wake_fd_ < 0) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

Status SmppSession::Health() const {
  std::lock_guard lock(state_mu_);
  if (state_ == LinkState::kBound) return Status::Ok();
  return Status::Unavailable("sms.smpp: not bound: " + detail_);
}

bool SmppSession::BindRefused() const {
  std::lock_guard lock(state_mu_);
  return state_ == LinkState::kRefused;
}

void SmppSession::SetState(LinkState state, std::string detail) {
  std::lock_guard lock(state_mu_);
  state_ = state;
  detail_ = std::move(detail);
}

void SmppSession::SleepUnlessStopped(milliseconds d) {
  std::unique_lock lock(stop_mu_);
  stop_cv_.wait_for(lock, d, [this] { return stopping_.load(); });
}

uint32_t SmppSession::NextSequence() {
  // 0x00000001 to 0x7FFFFFFF (SMPP 3.4 §5.1.4).
  sequence_ = sequence_ >= 0x7FFFFFFF ? 1 : sequence_ + 1;
  return sequence_;
}

void SmppSession::Run() {
  milliseconds backoff = settings_.initial_backoff;
  while (!stopping_) {
    Status s = Connect();
    if (s.ok()) s = Bind();
    if (!s.ok()) {
      Close();
      if (stopping_) break;
      const bool refused = s.code() == Status::Code::kPermissionDenied;
      SetState(refused ? LinkState::kRefused : LinkState::kDown,
               s.message() + "; next attempt in " + Seconds(backoff));
      spdlog::warn("sms.smpp: {}; next attempt in {}", s.message(), Seconds(backoff));
      // Nobody should wait out the back-off for credentials that were just refused.
      if (refused) queue_.FailAll(Status::Unavailable("sms.smpp: not bound: " + s.message()));
      SleepUnlessStopped(backoff);
      backoff = std::min(backoff * 2, settings_.max_backoff);
      continue;
    }
    SetState(LinkState::kBound, "");
    const auto bound_at = SteadyClock::now();
    s = Serve();
    if (!stopping_) SalvageResponses();
    queue_.OnLinkDown();
    if (stopping_) {
      Unbind();
      Close();
      break;
    }
    Close();
    // An SMSC that accepts binds and then drops them at once gets the back-off too.
    if (SteadyClock::now() - bound_at >= kStableLink) backoff = settings_.initial_backoff;
    SetState(LinkState::kDown, "link to " + peer_ + " lost (" + s.message() + "); reconnecting");
    spdlog::warn("sms.smpp: link to {} lost: {}; reconnecting in {}", peer_, s.message(),
                 Seconds(backoff));
    SleepUnlessStopped(backoff);
    backoff = std::min(backoff * 2, settings_.max_backoff);
  }
  Close();
  queue_.Close(Status::Unavailable("sms.smpp: shutting down"));
}

Status SmppSession::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(settings_.port);
  if (int rc = ::getaddrinfo(settings_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::Unavailable("cannot resolve " + settings_.host + ": " + gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr && fd_ < 0 && !stopping_; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = ErrnoText(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) err = FinishConnect(fd);
    }
    if (err != 0) {
      why = ErrnoText(err);
      ::close(fd);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return Status::Unavailable("cannot connect to " + peer_ + ": " + why);
  rx_.clear();
  enquire_sent_.reset();
  return Status::Ok();
}

int SmppSession::FinishConnect(int fd) {
  const auto deadline = SteadyClock::now() + settings_.connect_timeout;
  while (!stopping_) {
    const auto left = duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) return ETIMEDOUT;
    // The wake-up descriptor too, so that Stop() need not wait out the timeout.
    pollfd p[2] = {{fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(p, 2, static_cast<int>(left)) < 0 && errno != EINTR) return errno;
    if (p[1].revents & POLLIN) {
      uint64_t count = 0;
      [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
    }
    if (p[0].revents != 0) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      return err;
    }
  }
  return ECANCELED;
}

Status SmppSession::Bind() {
  const uint32_t seq = NextSequence();
  auto bind = PackBind(settings_.bind, seq);
  if (!bind.ok()) return bind.status();
  SECINFO_RETURN_IF_ERROR(WriteAll(*bind));
  const uint32_t expected =
      (settings_.bind.transceiver ? kBindTransceiver : kBindTransmitter) | kResponseBit;
  const auto deadline = SteadyClock::now() + settings_.response_timeout;
  while (!stopping_) {
    auto ready = Wait(deadline);
    if (!ready.ok()) return ready.status();
    if (*ready == Ready::kTimeout) {
      return Status::Unavailable("no bind response from " + peer_ + " within " +
                                 Seconds(settings_.response_timeout));
    }
    if (*ready != Ready::kReadable) continue;
    SECINFO_RETURN_IF_ERROR(ReadAvailable());
    while (true) {
      auto pdu = NextPdu();
      if (!pdu.ok()) return pdu.status();
      if (!pdu->has_value()) break;
      const PduHeader h = ParseHeader(**pdu);
      if ((h.command_id == expected || h.command_id == kGenericNack) && h.sequence_number == seq) {
        // The status first: a refusal may come as a bare header that libsmpp34 cannot unpack.
        if (h.command_status != 0) {
          return Status::PermissionDenied("the SMSC " + peer_ + " refused the bind as " +
                                          settings_.bind.system_id + ": " +
                                          CommandStatusName(h.command_status));
        }
        spdlog::info("sms.smpp: bound to {} ({}) as {} ({})", peer_, UnpackBindRespSystemId(**pdu),
                     settings_.bind.system_id,
                     settings_.bind.transceiver ? "transceiver" : "transmitter");
        return Status::Ok();
      }
      if (h.command_id == kEnquireLink) {
        SECINFO_RETURN_IF_ERROR(
            WriteAll(PackHeaderOnly(kEnquireLink | kResponseBit, 0, h.sequence_number)));
      }
    }
  }
  return Status::Unavailable("stopping");
}

Status SmppSession::Serve() {
  auto last_rx = SteadyClock::now();
  std::deque<SteadyClock::time_point> recent;  // when the submit_sm of the last second went
  paused_until_ = last_rx;
  while (!stopping_) {
    auto now = SteadyClock::now();
    while (!recent.empty() && now - recent.front() >= std::chrono::seconds(1)) recent.pop_front();
    while (now >= paused_until_ && recent.size() < settings_.max_per_second &&
           queue_.InFlight() < settings_.window && queue_.HasPending()) {
      const uint32_t seq = NextSequence();
      auto part = queue_.TakeNext(seq, now);
      if (!part) break;
      auto bytes = PackSubmitSm(*part, seq);
      if (!bytes.ok()) {
        queue_.FailPart(seq, Status::Internal("sms.smpp: " + bytes.status().message()));
        continue;
      }
      SECINFO_RETURN_IF_ERROR(WriteAll(*bytes));
      recent.push_back(now);
    }
    const auto next_submit =
        recent.size() < settings_.max_per_second ? now : recent.front() + std::chrono::seconds(1);

    if (enquire_sent_ && now - *enquire_sent_ >= settings_.response_timeout) {
      return Status::Unavailable("no enquire_link_resp within " +
                                 Seconds(settings_.response_timeout));
    }
    if (!enquire_sent_ && now - last_rx >= settings_.enquire_link_interval) {
      SECINFO_RETURN_IF_ERROR(WriteAll(PackHeaderOnly(kEnquireLink, 0, NextSequence())));
      enquire_sent_ = now;
    }
    const auto oldest = queue_.OldestInFlight();
    if (oldest && now - *oldest >= settings_.response_timeout) {
      return Status::Unavailable("no submit_sm_resp within " + Seconds(settings_.response_timeout));
    }

    // Sleep until the SMSC speaks, a part is queued, or the next timer.
    auto deadline = enquire_sent_ ? *enquire_sent_ + settings_.response_timeout
                                  : last_rx + settings_.enquire_link_interval;
    if (oldest) deadline = std::min(deadline, *oldest + settings_.response_timeout);
    if (queue_.InFlight() < settings_.window && queue_.HasPending()) {
      deadline = std::min(deadline, std::max({now, next_submit, paused_until_}));
    }
    auto ready = Wait(deadline);
    if (!ready.ok()) return ready.status();
    if (*ready != Ready::kReadable) continue;
    SECINFO_RETURN_IF_ERROR(ReadAvailable());
    last_rx = SteadyClock::now();
    while (true) {
      auto pdu = NextPdu();
      if (!pdu.ok()) return pdu.status();
      if (!pdu->has_value()) break;
      SECINFO_RETURN_IF_ERROR(HandlePdu(**pdu, last_rx));
    }
  }
  return Status::Ok();
}

Status SmppSession::HandlePdu(std::string_view pdu, SteadyClock::time_point now) {
  const PduHeader h = ParseHeader(pdu);
  switch (h.command_id) {
    case kSubmitSm | kResponseBit:
    case kGenericNack: {
      std::string id = h.command_status == 0 ? UnpackSubmitSmRespMessageId(pdu) : "";
      switch (queue_.OnResponse(h.sequence_number, h.command_status, std::move(id))) {
        case SubmitOutcome::kAccepted:
          break;
        case SubmitOutcome::kRetryLater:
          paused_until_ = now + settings_.throttled_pause;
          spdlog::warn("sms.smpp: {}; pausing submits for {}",
                       DescribeSubmitFailure(h.command_status), Seconds(settings_.throttled_pause));
          break;
        case SubmitOutcome::kRebind:
          return Status::Unavailable(DescribeSubmitFailure(h.command_status));
        default:
          spdlog::warn("sms.smpp: submit_sm {}: {}", h.sequence_number,
                       DescribeSubmitFailure(h.command_status));
      }
      if (h.command_id == kGenericNack && enquire_sent_) enquire_sent_.reset();
      return Status::Ok();
    }
    case kEnquireLink | kResponseBit:
      enquire_sent_.reset();
      return Status::Ok();
    case kEnquireLink:
      return WriteAll(PackHeaderOnly(kEnquireLink | kResponseBit, 0, h.sequence_number));
    case kDeliverSm: {
      // Answer first: the SMSC redelivers what is not acknowledged in time.
      SECINFO_RETURN_IF_ERROR(WriteAll(PackDeliverSmResp(h.sequence_number)));
      auto deliver = UnpackDeliverSm(pdu);
      if (!deliver.ok()) {
        spdlog::warn("sms.smpp: ignored a deliver_sm: {}", deliver.status().message());
      } else if (on_deliver_) {
        on_deliver_(*deliver);
      }
      return Status::Ok();
    }
    case kUnbind:
      SECINFO_RETURN_IF_ERROR(
          WriteAll(PackHeaderOnly(kUnbind | kResponseBit, 0, h.sequence_number)));
      return Status::Unavailable("the SMSC unbound");
    default:
      if ((h.command_id & kResponseBit) == 0) {  // a request we do not serve
        return WriteAll(PackHeaderOnly(kGenericNack, 0x03 /* ESME_RINVCMDID */, h.sequence_number));
      }
      return Status::Ok();
  }
}

void SmppSession::SalvageResponses() {
  // A write fails once the SMSC has closed, but the answers it sent before closing may still wait
  // in our receive buffer (after a reset too): count them, or those parts would be sent twice.
  if (fd_ >= 0) (void)ReadAvailable();
  while (true) {
    auto pdu = NextPdu();
    if (!pdu.ok() || !pdu->has_value()) return;
    const PduHeader h = ParseHeader(**pdu);
    if (h.command_id == (kSubmitSm | kResponseBit) || h.command_id == kGenericNack) {
      queue_.OnResponse(h.sequence_number, h.command_status,
                        h.command_status == 0 ? UnpackSubmitSmRespMessageId(**pdu) : "");
    }
  }
}

void SmppSession::Unbind() {
  if (fd_ < 0) return;
  const uint32_t seq = NextSequence();
  if (!WriteAll(PackHeaderOnly(kUnbind, 0, seq)).ok()) return;
  const auto deadline =
      SteadyClock::now() + std::min(settings_.response_timeout, milliseconds(1000));
  while (true) {
    auto ready = Wait(deadline);
    if (!ready.ok() || *ready == Ready::kTimeout) return;
    if (*ready == Ready::kWoken) continue;
    if (!ReadAvailable().ok()) return;
    while (true) {
      auto pdu = NextPdu();
      if (!pdu.ok()) return;
      if (!pdu->has_value()) break;
      const PduHeader h = ParseHeader(**pdu);
      if (h.command_id == (kUnbind | kResponseBit) && h.sequence_number == seq) return;
    }
  }
}

void SmppSession::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  rx_.clear();
}

Status SmppSession::WriteAll(std::string_view bytes) {
  if (bytes.empty()) return Status::Internal("nothing to write");
  const auto deadline = SteadyClock::now() + settings_.response_timeout;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const auto left = duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
      pollfd p{fd_, POLLOUT, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) == 0) {
        return Status::Unavailable("the SMSC does not read what we send");
      }
      continue;
    }
    return Status::Unavailable("write: " + ErrnoText(errno));
  }
  return Status::Ok();
}

Result<SmppSession::Ready> SmppSession::Wait(SteadyClock::time_point deadline) {
  pollfd p[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const auto left =
      std::max<int64_t>(0, duration_cast<milliseconds>(deadline - SteadyClock::now()).count() + 1);
  const int n = ::poll(p, 2, static_cast<int>(std::min<int64_t>(left, 60'000)));
  if (n < 0 && errno != EINTR) return Status::Unavailable("poll: " + ErrnoText(errno));
  if (n <= 0) return SteadyClock::now() >= deadline ? Ready::kTimeout : Ready::kWoken;
  if (p[1].revents & POLLIN) {
    uint64_t count = 0;
    [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
  }
  if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) return Ready::kReadable;
  return Ready::kWoken;
}

Status SmppSession::ReadAvailable() {
  char buffer[8192];
  while (true) {
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      rx_.append(buffer, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buffer) return Status::Ok();
      continue;
    }
    if (n == 0) return Status::Unavailable("the SMSC closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::Ok();
    return Status::Unavailable("read: " + ErrnoText(errno));
  }
}

Result<std::optional<std::string>> SmppSession::NextPdu() {
  if (rx_.size() < kHeaderSize) return std::optional<std::string>();
  const uint32_t length = ParseHeader(rx_).command_length;
  if (length < kHeaderSize || length > kMaxPduSize) {
    return Status::Unavailable("broken PDU stream (command_length " + std::to_string(length) + ")");
  }
  if (rx_.size() < length) return std::optional<std::string>();
  std::string pdu = rx_.substr(0, length);
  rx_.erase(0, length);
  return std::optional<std::string>(std::move(pdu));
}

}  // namespace secinfo::channels::smpp
