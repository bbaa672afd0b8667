#include "http/request_log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/logging.h"

namespace secinfo::http {
namespace {

class RequestLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)));
  }
  void TearDown() override {
    ASSERT_TRUE(ConfigureLogging("info", "text").ok());
    spdlog::set_default_logger(previous_);
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(RequestLogTest, OneJsonLinePerRequestWithIdAndTenant) {
  ASSERT_TRUE(ConfigureLogging("info", "json").ok());
  LogRequest({.id = "5f3a9c1e-0000002a",
              .method = "POST",
              .route = "/sign-in/verify/:id",
              .status = 303,
              .millis = 4.25,
              .tenant = "contoso.example"});
  const auto line = nlohmann::json::parse(out_.str());
  EXPECT_EQ(line["msg"], "request");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["request_id"], "5f3a9c1e-0000002a");
  EXPECT_EQ(line["tenant"], "contoso.example");
  EXPECT_EQ(line["method"], "POST");
  EXPECT_EQ(line["route"], "/sign-in/verify/:id");
  EXPECT_EQ(line["status"], 303);
  EXPECT_DOUBLE_EQ(line["ms"].get<double>(), 4.25);
}

TEST_F(RequestLogTest, SuccessfulProbesAreDebugFailedOnesInfo) {
  ASSERT_TRUE(ConfigureLogging("info", "json").ok());
  LogRequest({.id = "a-1", .method = "GET", .route = "/healthz", .status = 200, .probe = true});
  EXPECT_EQ(out_.str(), "");
  LogRequest({.id = "a-2", .method = "GET", .route = "/readyz", .status = 503, .probe = true});
  EXPECT_EQ(nlohmann::json::parse(out_.str())["status"], 503);
}

TEST(RequestIdTest, PrefixAndSequenceInHex) {
  EXPECT_EQ(FormatRequestId("5f3a9c1e", 42), "5f3a9c1e-0000002a");
  EXPECT_EQ(NewRequestIdPrefix().size(), 8u);
}

TEST(MetricMethodTest, UnknownMethodsShareOneLabel) {
  EXPECT_EQ(MetricMethod("GET"), "GET");
  EXPECT_EQ(MetricMethod("BREW"), "other");
}

}  // namespace
}  // namespace secinfo::http
