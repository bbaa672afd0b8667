#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "channels/sms/smpp/smpp_pdu.h"
#include "channels/sms/smpp/smpp_status.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels::smpp {

// The messages whose parts the SMSC has not accepted yet, between the threads calling
// SmppSms::Send (each waits for its own message) and the session thread (which submits parts and
// reports submit_sm_resp by sequence number).
//
// A part counts as sent only once its OK submit_sm_resp arrived. A part in flight when the link
// drops goes back to pending and is submitted again on the next bind; an accepted part never is.
// (SMPP cannot do better: if the SMSC took a part but its response was lost with the link, that
// part is sent twice.)
//
// Thread-safe: mu_ guards everything. A message lives on its waiter's stack; the queue only
// points at it, and the waiter unlinks it (Detach) before returning.
class OutboundQueue {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // `wake` is called (under the lock; it must not block) when parts become pending.
  explicit OutboundQueue(std::function<void()> wake) : wake_(std::move(wake)) {}

  // Queues the parts of one message and waits until the SMSC accepted them all (their
  // message_ids, in part order), refused one (Unavailable: DescribeSubmitFailure), `deadline`
  // passed (Unavailable; parts not submitted yet are dropped), or Close() / FailAll() was called.
  Result<std::vector<std::string>> SubmitAndWait(std::vector<SubmitRequest> parts,
                                                 SteadyClock::time_point deadline);

  // --- Session side ---
  // The oldest pending part, now in flight under `sequence_number`; nullopt when none waits.
  std::optional<SubmitRequest> TakeNext(uint32_t sequence_number, SteadyClock::time_point now);
  bool HasPending() const;
  size_t InFlight() const;
  // When the longest-waiting part in flight was written; nullopt when none is in flight.
  std::optional<SteadyClock::time_point> OldestInFlight() const;
  // A submit_sm_resp or generic_nack for `sequence_number`. kAccepted for an unknown number.
  // kRetryLater / kRebind: the part is pending again (the session pauses or binds again).
  SubmitOutcome OnResponse(uint32_t sequence_number, uint32_t command_status,
                           std::string message_id);
  // The part under `sequence_number` could not even be written (a bug): its message fails.
  void FailPart(uint32_t sequence_number, const Status& why);
  // The link is gone: parts in flight are pending again.
  void OnLinkDown();
  // Fails every queued message with `why` (REQUIRES: !why.ok()).
  void FailAll(const Status& why);
  // FailAll, and later SubmitAndWait calls fail at once with `why`.
  void Close(const Status& why);

 private:
  enum class PartState { kPending, kInFlight, kAccepted };
  struct Message {
    std::vector<SubmitRequest> parts;
    std::vector<PartState> state;
    std::vector<std::string> ids;
    size_t accepted = 0;
    std::optional<Status> failure;
    std::string last_refusal;  // why the SMSC last refused a part we may retry
  };
  struct InFlightPart {
    Message* message;  // nullptr once its waiter gave up or the message failed
    size_t part;
    SteadyClock::time_point sent_at;
  };

  void Detach(Message* m);  // REQUIRES: mu_ held
  void FailLocked(Message* m, const Status& why);

  const std::function<void()> wake_;
  mutable std::mutex mu_;
  std::condition_variable done_;  // a message finished
  std::list<Message*> waiting_;   // FIFO, messages not finished
  std::map<uint32_t, InFlightPart> in_flight_;
  std::optional<Status> closed_;
};

}  // namespace secinfo::channels::smpp
