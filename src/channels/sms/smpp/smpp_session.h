#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "channels/sms/smpp/outbound_queue.h"
#include "channels/sms/smpp/smpp_pdu.h"
#include "core/status.h"

namespace secinfo::channels::smpp {

// One SMPP 3.4 bind (transceiver or transmitter) to one SMSC, held open on a thread of its own:
// connect, bind, then submit the queue's parts (at most `window` awaiting their response, and at
// most `max_per_second` in any one-second span: a burst may go at once), answer enquire_link /
// deliver_sm / unbind, send enquire_link after `enquire_link_interval` without traffic from the
// SMSC, and drop the link when a response is `response_timeout` late. A lost link or refused bind
// is retried after a back-off that doubles from `initial_backoff` up to `max_backoff` (and starts
// afresh after a link that stayed up 10 s).
//
// Timers use the steady clock: they pace a real socket, not domain time.
// Thread-safe: Health/Wake from any thread. `on_deliver` runs on the session thread.
class SmppSession {
 public:
  struct Settings {
    std::string host;
    uint16_t port = 2775;
    BindRequest bind;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds response_timeout{10000};
    std::chrono::milliseconds enquire_link_interval{30000};
    std::chrono::milliseconds initial_backoff{500};
    std::chrono::milliseconds max_backoff{60000};
    size_t max_per_second = 10;                       // submit_sm in any one-second span
    std::chrono::milliseconds throttled_pause{1000};  // no submit_sm this long after a throttle
    size_t window = 10;
  };
  using DeliverHandler = std::function<void(const DeliverSm&)>;

  SmppSession(Settings settings, OutboundQueue& queue, DeliverHandler on_deliver);
  ~SmppSession();  // Stop()
  SmppSession(const SmppSession&) = delete;
  SmppSession& operator=(const SmppSession&) = delete;

  // Starts the thread. Internal when the wake-up descriptor cannot be made.
  Status Start();
  // Unbinds politely (when bound), fails what is still queued, joins. Idempotent.
  void Stop();
  // Parts were queued.
  void Wake();

  // OK while bound; Unavailable saying why not (connecting, link lost, bind refused...).
  Status Health() const;
  // The last bind attempt was refused by the SMSC (credentials): sending would only wait.
  bool BindRefused() const;

 private:
  enum class LinkState { kStarting, kBound, kDown, kRefused };
  enum class Ready { kReadable, kWoken, kTimeout };
  using SteadyClock = std::chrono::steady_clock;

  void Run();
  Status Connect();
  int FinishConnect(int fd);  // an errno value, 0 once connected
  Status Bind();
  Status Serve();
  Status HandlePdu(std::string_view pdu, SteadyClock::time_point now);
  void SalvageResponses();  // after Serve failed: submit_sm_resp already received still count
  void Unbind();
  void Close();

  Status WriteAll(std::string_view bytes);
  Result<Ready> Wait(SteadyClock::time_point deadline);  // fd_ readable, woken, or deadline
  Status ReadAvailable();                                // into rx_; Unavailable on EOF
  // The next complete PDU of rx_ (nullopt: need more bytes); Unavailable for a broken stream.
  Result<std::optional<std::string>> NextPdu();
  uint32_t NextSequence();
  void SetState(LinkState state, std::string detail);
  void SleepUnlessStopped(std::chrono::milliseconds d);

  const Settings settings_;
  const std::string peer_;  // "host:port", for messages
  OutboundQueue& queue_;
  const DeliverHandler on_deliver_;

  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;  // with stop_cv_: interrupts back-off sleeps
  std::condition_variable stop_cv_;

  mutable std::mutex state_mu_;  // guards state_ and detail_
  LinkState state_ = LinkState::kStarting;
  std::string detail_;

  // Session thread only.
  int fd_ = -1;
  std::string rx_;
  uint32_t sequence_ = 0;
  std::optional<SteadyClock::time_point> enquire_sent_;
  SteadyClock::time_point paused_until_{};

  std::thread thread_;
};

}  // namespace secinfo::channels::smpp
