#include "core/metrics.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace secinfo::metrics {
namespace {

constexpr char kSeparator = '\x1f';

// Families in the order registered. Guarded by RegistryMutex(); families are never removed.
std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<const Family*>& Registry() {
  static std::vector<const Family*> families;
  return families;
}

// The label values joined into `key` (cut at its size); returns the length used.
size_t JoinKey(std::initializer_list<std::string_view> values, char* key) {
  size_t n = 0;
  bool first = true;
  for (std::string_view v : values) {
    if (!first && n < Family::kMaxKeyBytes) key[n++] = kSeparator;
    first = false;
    const size_t take = std::min(v.size(), Family::kMaxKeyBytes - n);
    std::memcpy(key + n, v.data(), take);
    n += take;
  }
  return n;
}

uint64_t Hash(const char* key, size_t n) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(key[i])) * 1099511628211ULL;
  return h;
}

// A label value as the text format wants it: backslash, double quote and line feed escaped.
void AppendEscaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendNumber(std::string& out, double v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  out.append(buf, static_cast<size_t>(n));
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

Family::Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
               std::vector<double> buckets, size_t capacity)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)),
      capacity_(capacity),
      series_(new Series[capacity]),
      counts_(type == Type::kHistogram ? new Buckets[capacity] : nullptr) {
  std::lock_guard lock(RegistryMutex());
  Registry().push_back(this);
}

Family::~Family() {
  std::lock_guard lock(RegistryMutex());
  std::erase(Registry(), this);
}

int Family::Find(std::initializer_list<std::string_view> values, bool create) const {
  char key[kMaxKeyBytes];
  const size_t n = JoinKey(values, key);
  const size_t start = Hash(key, n) % capacity_;
  for (size_t probe = 0; probe < capacity_; ++probe) {
    const size_t i = (start + probe) % capacity_;
    Series& s = series_[i];
    uint32_t state = s.state.load(std::memory_order_acquire);
    if (state == 0) {
      if (!create) return -1;
      if (s.state.compare_exchange_strong(state, 1, std::memory_order_acq_rel)) {
        std::memcpy(s.key, key, n);
        s.key_size = static_cast<uint32_t>(n);
        s.state.store(2, std::memory_order_release);
        return static_cast<int>(i);
      }
    }
    // Another thread is writing this slot's key: it is ready in a few instructions.
    while (state == 1) state = s.state.load(std::memory_order_acquire);
    if (s.key_size == n && std::memcmp(s.key, key, n) == 0) return static_cast<int>(i);
  }
  if (create && this != &Dropped()) Dropped().Add({name_});
  return -1;
}

void Family::Add(std::initializer_list<std::string_view> values, int64_t n) {
  if (int i = Find(values, true); i >= 0) {
    series_[i].value.fetch_add(n, std::memory_order_relaxed);
  }
}

void Family::Set(std::initializer_list<std::string_view> values, int64_t v) {
  if (int i = Find(values, true); i >= 0) series_[i].value.store(v, std::memory_order_relaxed);
}

void Family::Observe(std::initializer_list<std::string_view> values, double v) {
  const int i = Find(values, true);
  if (i < 0 || !counts_) return;
  const size_t b =
      static_cast<size_t>(std::lower_bound(buckets_.begin(), buckets_.end(), v) - buckets_.begin());
  if (b < buckets_.size()) counts_[i][b].fetch_add(1, std::memory_order_relaxed);
  Series& s = series_[i];
  uint64_t old_bits = s.sum_bits.load(std::memory_order_relaxed);
  while (!s.sum_bits.compare_exchange_weak(
      old_bits, std::bit_cast<uint64_t>(std::bit_cast<double>(old_bits) + v),
      std::memory_order_relaxed)) {
  }
  s.value.fetch_add(1, std::memory_order_relaxed);
}

int64_t Family::Value(std::initializer_list<std::string_view> values) const {
  const int i = Find(values, false);
  return i < 0 ? 0 : series_[i].value.load(std::memory_order_relaxed);
}

void Family::Render(std::string& out) const {
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + " " + TypeName(type_) + "\n";
  for (size_t i = 0; i < capacity_; ++i) {
    const Series& s = series_[i];
    if (s.state.load(std::memory_order_acquire) != 2) continue;
    // {a="x",b="y"} from the stored key; `extra` is the le="..." of a bucket line.
    std::string labels;
    std::string_view key(s.key, s.key_size);
    for (size_t l = 0; l < label_names_.size(); ++l) {
      const size_t end = std::min(key.find(kSeparator), key.size());
      labels += (l ? "," : "") + label_names_[l] + "=\"";
      AppendEscaped(labels, key.substr(0, end));
      labels += '"';
      key.remove_prefix(std::min(end + 1, key.size()));
    }
    const int64_t value = s.value.load(std::memory_order_relaxed);
    if (type_ != Type::kHistogram) {
      out +=
          name_ + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(value) + "\n";
      continue;
    }
    const std::string sep = labels.empty() ? "" : ",";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < buckets_.size(); ++b) {
      cumulative += counts_[i][b].load(std::memory_order_relaxed);
      out += name_ + "_bucket{" + labels + sep + "le=\"";
      AppendNumber(out, buckets_[b]);
      out += "\"} " + std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(value) + "\n";
    out += name_ + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " ";
    AppendNumber(out, std::bit_cast<double>(s.sum_bits.load(std::memory_order_relaxed)));
    out += "\n" + name_ + "_count" + (labels.empty() ? "" : "{" + labels + "}") + " " +
           std::to_string(value) + "\n";
  }
}

std::string RenderAll() {
  // Every family of the catalogue appears, touched or not, so that a scraper sees them all.
  for (Family& (*f)() :
       {HttpRequests, HttpRequestSeconds, Verifications, Deliveries, Lockouts, FraudReports,
        DbPoolSize, DbPoolInUse, DbPoolLeases, DbCommits, DbWrites, Dropped}) {
    f();
  }
  std::string out;
  std::lock_guard lock(RegistryMutex());  // a family destroyed meanwhile waits
  for (const Family* f : Registry()) f->Render(out);
  return out;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

Family& HttpRequests() {
  static Family f("secinfo_http_requests_total", "HTTP requests answered.", Type::kCounter,
                  {"route", "method", "status"}, {}, 512);
  return f;
}
Family& HttpRequestSeconds() {
  static Family f("secinfo_http_request_duration_seconds",
                  "Time from a request's arrival to its response being handed to the socket.",
                  Type::kHistogram, {"route"}, LatencyBuckets());
  return f;
}
Family& Verifications() {
  static Family f("secinfo_verifications_total", "Second factors proven or refused.",
                  Type::kCounter, {"method", "purpose", "outcome"});
  return f;
}
Family& Deliveries() {
  static Family f("secinfo_deliveries_total", "Messages and calls handed to a provider.",
                  Type::kCounter, {"channel", "provider", "outcome"});
  return f;
}
Family& Lockouts() {
  static Family f("secinfo_lockouts_total",
                  "Attempts refused because the account is locked out, blocked or throttled.",
                  Type::kCounter, {"reason"}, {}, 16);
  return f;
}
Family& FraudReports() {
  static Family f("secinfo_fraud_reports_total", "Fraud reports and what followed.", Type::kCounter,
                  {"method", "response"}, {}, 32);
  return f;
}
Family& DbPoolSize() {
  static Family f("secinfo_db_pool_sessions", "Database sessions in the pool.", Type::kGauge, {},
                  {}, 1);
  return f;
}
Family& DbPoolInUse() {
  static Family f("secinfo_db_pool_sessions_in_use", "Database sessions leased right now.",
                  Type::kGauge, {}, {}, 1);
  return f;
}
Family& DbPoolLeases() {
  static Family f("secinfo_db_pool_leases_total", "Database sessions leased.", Type::kCounter, {},
                  {}, 1);
  return f;
}
Family& DbCommits() {
  static Family f("secinfo_db_commits_total", "Write transactions committed.", Type::kCounter, {},
                  {}, 1);
  return f;
}
Family& DbWrites() {
  static Family f("secinfo_db_writes_total",
                  "Writes (units of work and single writes) in committed transactions.",
                  Type::kCounter, {}, {}, 1);
  return f;
}
Family& Dropped() {
  static Family f("secinfo_metrics_dropped_total",
                  "Values not recorded because their family's table of series was full.",
                  Type::kCounter, {"family"}, {}, 16);
  return f;
}

}  // namespace secinfo::metrics
