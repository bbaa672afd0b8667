#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/temp_dir_for_test.h"

namespace secinfo {
namespace {

// Each file in a folder of its own: tests of this suite run in parallel under ctest.
class ConfigFiles {
 public:
  std::string Write(const std::string& text) {
    std::string path = dir_ / ("config" + std::to_string(++count_) + ".toml");
    std::ofstream(path) << text;
    return path;
  }

 private:
  testing_support::TempDir dir_{"config-test"};
  int count_ = 0;
};

TEST(ConfigTest, DefaultsWithoutFile) {
  Result<Config> c = Config::Load("", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->database.connection, "data/secinfo.db");
  EXPECT_EQ(c->voice.provider, "simulated");
  EXPECT_EQ(c->PublicUrl(), "http://localhost:8080");
}

TEST(ConfigTest, FileThenEnvironmentWins) {
  ConfigFiles files;
  std::string path = files.Write("[server]\nport = 9000\n[voice]\nring_timeout_seconds = 12\n");
  Result<Config> c = Config::Load(path, {"SECINFO_SERVER_PORT=9100", "PATH=/bin"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 9100);
  EXPECT_EQ(c->voice.ring_timeout_seconds, 12);
}

TEST(ConfigTest, BadValuesNameTheSetting) {
  ConfigFiles files;
  auto unknown = Config::Load(files.Write("[server]\nprot = 9000\n"), {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("server.prot"), std::string::npos);

  auto type = Config::Load(files.Write("[server]\nport = \"x\"\n"), {});
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

  auto syntax = Config::Load(files.Write("[server\n"), {});
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace secinfo
