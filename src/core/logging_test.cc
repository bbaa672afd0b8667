#include "core/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace secinfo {
namespace {

// Sends the default logger to a string for the test's duration.
class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  void TearDown() override {
    ASSERT_TRUE(ConfigureLogging("info", "text").ok());
    spdlog::set_default_logger(previous_);
  }
  std::string Text() const { return out_.str(); }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LoggingTest, JsonLinesAreObjectsWithTimeLevelAndEscapedMessage) {
  ASSERT_TRUE(ConfigureLogging("info", "json").ok());
  spdlog::info("database \"main\" opened\tin {} ms", 3);
  const auto line = nlohmann::json::parse(Text());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["msg"], "database \"main\" opened\tin 3 ms");
  EXPECT_EQ(line["time"].get<std::string>().size(), std::string("2026-12-03T13:01:09.302Z").size());
}

TEST_F(LoggingTest, FieldsBecomeMembersInJsonAndNameValueInText) {
  ASSERT_TRUE(ConfigureLogging("info", "json").ok());
  LogFields(spdlog::level::info, "request",
            {{"tenant", "contoso.example"}, {"status", "200", false}, {"odd", "a\"b"}});
  const auto line = nlohmann::json::parse(Text());
  EXPECT_EQ(line["msg"], "request");
  EXPECT_EQ(line["tenant"], "contoso.example");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["odd"], "a\"b");

  out_.str("");
  ASSERT_TRUE(ConfigureLogging("info", "text").ok());
  LogFields(spdlog::level::info, "request", {{"tenant", ""}, {"status", "200", false}});
  EXPECT_NE(Text().find("request tenant=- status=200"), std::string::npos) << Text();
}

TEST_F(LoggingTest, TheLevelFromTheSettingsHidesLowerLines) {
  ASSERT_TRUE(ConfigureLogging("warn", "json").ok());
  spdlog::info("hidden");
  LogFields(spdlog::level::info, "hidden too", {});
  spdlog::warn("shown");
  EXPECT_EQ(Text().find("hidden"), std::string::npos);
  EXPECT_NE(Text().find("shown"), std::string::npos);
}

TEST_F(LoggingTest, UnknownLevelOrFormatIsRefusedNamingTheSetting) {
  Status level = ConfigureLogging("loud", "json");
  EXPECT_EQ(level.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(level.message().find("log.level"), std::string::npos);
  Status format = ConfigureLogging("info", "xml");
  EXPECT_NE(format.message().find("log.format"), std::string::npos);
  EXPECT_TRUE(ConfigureLogging("off", "text").ok());
}

}  // namespace
}  // namespace secinfo
