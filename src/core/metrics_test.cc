#include "core/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace secinfo::metrics {
namespace {

TEST(MetricsTest, CounterRendersOneLinePerLabelCombination) {
  Family f("test_requests_total", "Requests.", Type::kCounter, {"route", "status"});
  f.Add({"/sign-in", "200"});
  f.Add({"/sign-in", "200"}, 2);
  f.Add({"/healthz", "200"});
  EXPECT_EQ(f.Value({"/sign-in", "200"}), 3);
  EXPECT_EQ(f.Value({"/sign-in", "404"}), 0);
  std::string out;
  f.Render(out);
  EXPECT_NE(out.find("# HELP test_requests_total Requests.\n# TYPE test_requests_total counter\n"),
            std::string::npos);
  EXPECT_NE(out.find("test_requests_total{route=\"/sign-in\",status=\"200\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("test_requests_total{route=\"/healthz\",status=\"200\"} 1\n"),
            std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Family f("test_seconds", "Latency.", Type::kHistogram, {"route"}, {0.01, 0.1, 1});
  f.Observe({"/x"}, 0.005);
  f.Observe({"/x"}, 0.05);
  f.Observe({"/x"}, 0.05);
  f.Observe({"/x"}, 5);
  std::string out;
  f.Render(out);
  EXPECT_NE(out.find("test_seconds_bucket{route=\"/x\",le=\"0.01\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("test_seconds_bucket{route=\"/x\",le=\"0.10000000000000001\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("test_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("test_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("test_seconds_sum{route=\"/x\"} 5.105"), std::string::npos);
  EXPECT_NE(out.find("test_seconds_count{route=\"/x\"} 4\n"), std::string::npos);
}

TEST(MetricsTest, GaugeGoesUpAndDown) {
  Family f("test_in_use", "In use.", Type::kGauge, {});
  f.Add({}, 3);
  f.Add({}, -1);
  EXPECT_EQ(f.Value({}), 2);
  f.Set({}, 7);
  std::string out;
  f.Render(out);
  EXPECT_NE(out.find("# TYPE test_in_use gauge\ntest_in_use 7\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Family f("test_escaped_total", "Escaped.", Type::kCounter, {"v"});
  f.Add({"a\"b\\c\nd"});
  std::string out;
  f.Render(out);
  EXPECT_NE(out.find("test_escaped_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  Family f("test_concurrent_total", "Concurrent.", Type::kCounter, {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&f, t] {
      for (int i = 0; i < 10'000; ++i) f.Add({(i + t) % 2 ? "odd" : "even"});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.Value({"odd"}) + f.Value({"even"}), 80'000);
  EXPECT_EQ(f.Value({"odd"}), 40'000);
}

TEST(MetricsTest, AFullTableCountsWhatItDrops) {
  Family f("test_full_total", "Full.", Type::kCounter, {"k"}, {}, 2);
  const int64_t dropped = Dropped().Value({"test_full_total"});
  f.Add({"a"});
  f.Add({"b"});
  f.Add({"c"});
  EXPECT_EQ(f.Value({"a"}) + f.Value({"b"}), 2);
  EXPECT_EQ(f.Value({"c"}), 0);
  EXPECT_EQ(Dropped().Value({"test_full_total"}), dropped + 1);
}

TEST(MetricsTest, RenderAllListsTheCatalogue) {
  const std::string out = RenderAll();
  for (const char* name :
       {"secinfo_http_requests_total", "secinfo_http_request_duration_seconds",
        "secinfo_verifications_total", "secinfo_deliveries_total", "secinfo_lockouts_total",
        "secinfo_fraud_reports_total", "secinfo_db_pool_sessions_in_use"}) {
    EXPECT_NE(out.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace secinfo::metrics
