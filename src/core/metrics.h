#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Counters, gauges and histograms kept in memory and shown by /metrics in the Prometheus text
// format (version 0.0.4). Every family secinfo exports is listed at the end of this file, so an
// operator reads the whole catalogue in one place.
//
// Recording is lock-free and allocation-free: a family keeps a fixed table of series (one per
// combination of label values) in which a new series claims a slot with a compare-and-swap, and
// each value is an atomic. Label values are short words the code chooses (a route pattern, a
// status code, an outcome), never user input, so the table stays small; when it is full, the
// value is counted in `secinfo_metrics_dropped_total` instead.
//
// Thread-safe: every method may be called from any thread at any time.
namespace secinfo::metrics {

enum class Type { kCounter, kGauge, kHistogram };

// One metric family: a name, its help text, its label names, and its series.
class Family {
 public:
  static constexpr size_t kMaxLabels = 4;
  static constexpr size_t kMaxKeyBytes = 112;  // label values joined; longer ones are cut
  static constexpr size_t kMaxBuckets = 14;

  // Registers the family with the process's registry, until it is destroyed.
  // `capacity` is the most series it holds.
  // REQUIRES: label_names.size() <= kMaxLabels; for kHistogram, 1 <= buckets.size() <=
  // kMaxBuckets, ascending (upper bounds, in seconds for durations).
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         std::vector<double> buckets = {}, size_t capacity = 128);
  ~Family();  // leaves the registry
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // Counter: adds `n`. Gauge: adds `n` (may be negative). Values are given in label order.
  void Add(std::initializer_list<std::string_view> values, int64_t n = 1);
  // Gauge: sets the value.
  void Set(std::initializer_list<std::string_view> values, int64_t v);
  // Histogram: records one observation.
  void Observe(std::initializer_list<std::string_view> values, double v);

  // The current value of a counter or gauge series, or the observation count of a histogram
  // series; 0 when the series was never touched. For tests and for the rendering.
  int64_t Value(std::initializer_list<std::string_view> values) const;

  // Appends the family in the text format: # HELP, # TYPE, then one line per series (and per
  // bucket, _sum and _count for histograms).
  void Render(std::string& out) const;

  const std::string& name() const { return name_; }

 private:
  struct Series {
    std::atomic<uint32_t> state{0};     // 0 free, 1 being claimed, 2 ready
    uint32_t key_size = 0;              // written before state becomes 2
    char key[kMaxKeyBytes] = {};        // label values separated by '\x1f'
    std::atomic<int64_t> value{0};      // counter, gauge, or histogram count
    std::atomic<uint64_t> sum_bits{0};  // histogram: the sum of observations, a double's bits
  };
  using Buckets = std::array<std::atomic<uint64_t>, kMaxBuckets>;  // not cumulative

  // The index of the series for these values, created on first use when `create`; -1 when absent
  // or when the table is full.
  int Find(std::initializer_list<std::string_view> values, bool create) const;

  const std::string name_;
  const std::string help_;
  const Type type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;
  const size_t capacity_;
  const std::unique_ptr<Series[]> series_;
  const std::unique_ptr<Buckets[]> counts_;  // histograms only: one Buckets per series
};

// Every registered family in the text format, in the order registered.
std::string RenderAll();

// Durations in seconds: 1 ms to 10 s.
const std::vector<double>& LatencyBuckets();

// ---- The catalogue -----------------------------------------------------------------------------
// HTTP requests by route pattern ("/sign-in/verify/:id"; "unmatched" when no route matched), method
// and status code: counted, and their latency from arrival to the response handed to the socket.
Family& HttpRequests();        // secinfo_http_requests_total{route,method,status}
Family& HttpRequestSeconds();  // secinfo_http_request_duration_seconds{route}
// Second factors proven or refused: by proof ("app_code", "call", ...), purpose ("sign_in",
// "step_up", ...) and outcome ("success", "failure", "locked", "blocked").
Family& Verifications();  // secinfo_verifications_total{method,purpose,outcome}
// Messages and calls handed to a provider: channel ("sms", "email", "voice"), provider ("smpp",
// "simulated", ...) and outcome ("sent", "failed", "retry_safe_failure").
Family& Deliveries();  // secinfo_deliveries_total{channel,provider,outcome}
// Attempts refused because an account is locked out or blocked: "verify_locked",
// "verify_blocked", "sign_in_throttled".
Family& Lockouts();  // secinfo_lockouts_total{reason}
// Fraud reports (0# during a call, "It's not me" on a device) and what followed: "blocked",
// "notified", "ignored".
Family& FraudReports();  // secinfo_fraud_reports_total{method,response}
// Database sessions: the pool's size and how many are leased right now; leases taken.
Family& DbPoolSize();    // secinfo_db_pool_sessions
Family& DbPoolInUse();   // secinfo_db_pool_sessions_in_use
Family& DbPoolLeases();  // secinfo_db_pool_leases_total
// Write transactions committed, and the writes (units of work and single writes) they held: more
// writes than commits means writers of one SQLite node shared commits (group commit).
Family& DbCommits();  // secinfo_db_commits_total
Family& DbWrites();   // secinfo_db_writes_total
// Series that did not fit in their family's table.
Family& Dropped();  // secinfo_metrics_dropped_total{family}

}  // namespace secinfo::metrics
