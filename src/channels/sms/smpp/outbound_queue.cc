#include "channels/sms/smpp/outbound_queue.h"

#include <algorithm>

namespace secinfo::channels::smpp {

Result<std::vector<std::string>> OutboundQueue::SubmitAndWait(std::vector<SubmitRequest> parts,
                                                              SteadyClock::time_point deadline) {
  std::unique_lock lock(mu_);
  if (closed_) return *closed_;
  Message m;
  const size_t n = parts.size();
  m.parts = std::move(parts);
  m.state.assign(n, PartState::kPending);
  m.ids.resize(n);
  waiting_.push_back(&m);
  wake_();
  const bool finished =
      done_.wait_until(lock, deadline, [&] { return m.accepted == n || m.failure.has_value(); });
  Detach(&m);
  if (m.failure) return *m.failure;
  if (!finished) {
    std::string why = "the SMSC did not accept the message in time";
    if (m.accepted > 0) {
      why += " (" + std::to_string(m.accepted) + " of " + std::to_string(n) + " parts accepted)";
    }
    if (!m.last_refusal.empty()) why += "; last answer: " + m.last_refusal;
    return Status::Unavailable(why);
  }
  return std::move(m.ids);
}

std::optional<SubmitRequest> OutboundQueue::TakeNext(uint32_t sequence_number,
                                                     SteadyClock::time_point now) {
  std::lock_guard lock(mu_);
  for (Message* m : waiting_) {
    for (size_t i = 0; i < m->parts.size(); ++i) {
      if (m->state[i] != PartState::kPending) continue;
      m->state[i] = PartState::kInFlight;
      in_flight_[sequence_number] = {m, i, now};
      return m->parts[i];
    }
  }
  return std::nullopt;
}

bool OutboundQueue::HasPending() const {
  std::lock_guard lock(mu_);
  for (const Message* m : waiting_) {
    if (std::find(m->state.begin(), m->state.end(), PartState::kPending) != m->state.end()) {
      return true;
    }
  }
  return false;
}

size_t OutboundQueue::InFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

std::optional<OutboundQueue::SteadyClock::time_point> OutboundQueue::OldestInFlight() const {
  std::lock_guard lock(mu_);
  std::optional<SteadyClock::time_point> oldest;
  for (const auto& [seq, part] : in_flight_) {
    if (!oldest || part.sent_at < *oldest) oldest = part.sent_at;
  }
  return oldest;
}

SubmitOutcome OutboundQueue::OnResponse(uint32_t sequence_number, uint32_t command_status,
                                        std::string message_id) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(sequence_number);
  if (it == in_flight_.end()) return SubmitOutcome::kAccepted;
  const InFlightPart part = it->second;
  in_flight_.erase(it);
  const SubmitOutcome outcome = ClassifySubmitStatus(command_status);
  Message* m = part.message;
  if (m == nullptr) return outcome;
  switch (outcome) {
    case SubmitOutcome::kAccepted:
      m->state[part.part] = PartState::kAccepted;
      m->ids[part.part] = std::move(message_id);
      if (++m->accepted == m->parts.size()) {
        Detach(m);
        done_.notify_all();
      }
      break;
    case SubmitOutcome::kRetryLater:
    case SubmitOutcome::kRebind:
      m->state[part.part] = PartState::kPending;
      m->last_refusal = DescribeSubmitFailure(command_status);
      wake_();
      break;
    default:
      FailLocked(m, Status::Unavailable(DescribeSubmitFailure(command_status)));
  }
  return outcome;
}

void OutboundQueue::FailPart(uint32_t sequence_number, const Status& why) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(sequence_number);
  if (it == in_flight_.end()) return;
  Message* m = it->second.message;
  in_flight_.erase(it);
  if (m != nullptr) FailLocked(m, why);
}

void OutboundQueue::OnLinkDown() {
  std::lock_guard lock(mu_);
  for (const auto& [seq, part] : in_flight_) {
    if (part.message != nullptr) part.message->state[part.part] = PartState::kPending;
  }
  in_flight_.clear();
}

void OutboundQueue::FailAll(const Status& why) {
  std::lock_guard lock(mu_);
  while (!waiting_.empty()) FailLocked(waiting_.front(), why);
}

void OutboundQueue::Close(const Status& why) {
  std::lock_guard lock(mu_);
  closed_ = why;
  while (!waiting_.empty()) FailLocked(waiting_.front(), why);
}

void OutboundQueue::Detach(Message* m) {
  waiting_.remove(m);
  for (auto& [seq, part] : in_flight_) {
    if (part.message == m) part.message = nullptr;
  }
}

void OutboundQueue::FailLocked(Message* m, const Status& why) {
  m->failure = why;
  Detach(m);
  done_.notify_all();
}

}  // namespace secinfo::channels::smpp
