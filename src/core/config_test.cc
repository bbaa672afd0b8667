#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace secinfo {
namespace {

std::string WriteTemp(const std::string& text) {
  std::string path = testing::TempDir() + "/config_test.toml";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, DefaultsWithoutFile) {
  Result<Config> c = Config::Load("", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->database.connection, "data/secinfo.db");
  EXPECT_EQ(c->voice.provider, "simulated");
  EXPECT_EQ(c->PublicUrl(), "http://localhost:8080");
}

TEST(ConfigTest, FileThenEnvironmentWins) {
  std::string path = WriteTemp("[server]\nport = 9000\n[voice]\nring_timeout_seconds = 12\n");
  Result<Config> c = Config::Load(path, {"SECINFO_SERVER_PORT=9100", "PATH=/bin"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 9100);
  EXPECT_EQ(c->voice.ring_timeout_seconds, 12);
}

TEST(ConfigTest, BadValuesNameTheSetting) {
  auto unknown = Config::Load(WriteTemp("[server]\nprot = 9000\n"), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("server.prot"), std::string::npos);

  auto type = Config::Load(WriteTemp("[server]\nport = \"x\"\n"), {});
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("server.port"), std::string::npos);

  auto range = Config::Load("", {"SECINFO_SERVER_PORT=70000"});
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("server.port"), std::string::npos);

  auto provider = Config::Load("", {"SECINFO_VOICE_PROVIDER=carrier-pigeon"});
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.status().message().find("voice.provider"), std::string::npos);

  auto env = Config::Load("", {"SECINFO_NOPE=1"});
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("SECINFO_NOPE"), std::string::npos);

  auto syntax = Config::Load(WriteTemp("[server\n"), {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace secinfo
