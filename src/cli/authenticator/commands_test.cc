#include "cli/authenticator/commands.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/authenticator/fake_server_for_test.h"
#include "crypto/otp.h"

namespace secinfo::cli {
namespace {

namespace fs = std::filesystem;
using authenticator::FakePushServer;

// The commands as `secinfo authenticator ...` runs them, in this process: same parser, same
// callbacks, with the standard streams captured.
class CommandsTest : public ::testing::Test {
 protected:
  struct Run {
    int code = -1;
    std::string out;
    std::string err;
  };

  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "companion-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    store_ = tmpl;
    ::setenv("LC_ALL", "en_US.UTF-8", 1);
  }
  void TearDown() override {
    fs::remove_all(store_);
    ::unsetenv("LC_ALL");
  }

  Run Cli(std::vector<std::string> args, const std::string& input = "") {
    CLI::App app{"secinfo"};
    app.require_subcommand(1);
    AddAuthenticatorCommands(app);
    args.insert(args.begin(), {"secinfo", "authenticator"});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());

    std::istringstream in(input);
    std::ostringstream out, err;
    auto* old_in = std::cin.rdbuf(in.rdbuf());
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    Run run;
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      run.code = app.exit(e, out, err);
    }
    std::cin.rdbuf(old_in);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  std::string store_;
  FakePushServer server_;
};

TEST_F(CommandsTest, EnrolThenListCodesAndWait) {
  Run enrol = Cli({"enrol", server_.NewLink(), "--name", "laptop", "--store", store_});
  ASSERT_EQ(enrol.code, 0) << enrol.err;
  const std::string device = server_.devices().at(0);
  EXPECT_NE(enrol.out.find("Account ana@contoso.example (Contoso) added. This device is " + device),
            std::string::npos)
      << enrol.out;
  struct stat st;
  ASSERT_EQ(::stat((store_ + "/accounts.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Run list = Cli({"list", "--store", store_});
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out, "Contoso\tana@contoso.example\t" + device + "\n");

  Run codes = Cli({"codes", "--store", store_});
  EXPECT_EQ(codes.code, 0);
  const int64_t now = SystemClock().NowSeconds();
  // The code of now, or of the step before if the clock ticked over in between.
  const bool matches =
      codes.out.find(crypto::Totp(FakePushServer::kSeed, now)) != std::string::npos ||
      codes.out.find(crypto::Totp(FakePushServer::kSeed, now - 30)) != std::string::npos;
  EXPECT_TRUE(matches) << codes.out;
  EXPECT_EQ(codes.out.rfind("Contoso\tana@contoso.example\t", 0), 0u) << codes.out;

  const std::string id = server_.Push(device, 42);
  Run wait = Cli({"wait", "--once", "--approve-with", "42", "--timeout", "10", "--store", store_});
  EXPECT_EQ(wait.code, 0) << wait.err;
  EXPECT_EQ(server_.Get(id).outcome, "approved");
}

TEST_F(CommandsTest, InteractiveWaitDeniesAndReports) {
  ASSERT_EQ(Cli({"enrol", server_.NewLink(), "--store", store_}).code, 0);
  const std::string id = server_.Push(server_.devices().at(0), 42);
  Run wait = Cli({"wait", "--once", "--timeout", "10", "--store", store_}, "r\n");
  EXPECT_EQ(wait.code, 0) << wait.err;
  EXPECT_TRUE(server_.Get(id).report);
  EXPECT_NE(wait.out.find("Denied and reported as suspicious."), std::string::npos) << wait.out;
}

TEST_F(CommandsTest, WaitExitCodes) {
  ASSERT_EQ(Cli({"enrol", server_.NewLink(), "--store", store_}).code, 0);
  EXPECT_EQ(Cli({"wait", "--timeout", "1", "--deny", "--store", store_}).code, 3);
  server_.Push(server_.devices().at(0), 42);
  EXPECT_EQ(Cli({"wait", "--once", "--approve-with", "41", "--store", store_}).code, 2);
}

TEST_F(CommandsTest, RefusesContradictoryAnswers) {
  EXPECT_NE(Cli({"wait", "--approve-with", "42", "--deny", "--store", store_}).code, 0);
  EXPECT_NE(Cli({"wait", "--report", "--store", store_}).code, 0);
  EXPECT_EQ(server_.polls(), 0);
}

TEST_F(CommandsTest, WaitWithoutAccountsFails) {
  Run wait = Cli({"wait", "--once", "--deny", "--store", store_});
  EXPECT_EQ(wait.code, 1);
  EXPECT_NE(wait.err.find("secinfo authenticator enrol"), std::string::npos);
}

TEST_F(CommandsTest, EnrolExplainsBadAndUsedLinks) {
  Run insecure =
      Cli({"enrol", "http://id.contoso.example/api/authenticator/enrol/t", "--store", store_});
  EXPECT_EQ(insecure.code, 1);
  EXPECT_NE(insecure.err.find("does not use https"), std::string::npos) << insecure.err;

  const std::string link = server_.NewLink();
  ASSERT_EQ(Cli({"enrol", link, "--store", store_}).code, 0);
  Run used = Cli({"enrol", link, "--store", store_});
  EXPECT_EQ(used.code, 1);
  EXPECT_NE(used.err.find("already used or has expired"), std::string::npos) << used.err;
}

TEST_F(CommandsTest, RefusesAnAccountsFileOthersCanRead) {
  ASSERT_EQ(Cli({"enrol", server_.NewLink(), "--store", store_}).code, 0);
  const std::string file = store_ + "/accounts.json";
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  Run list = Cli({"list", "--store", store_});
  EXPECT_EQ(list.code, 1);
  EXPECT_NE(list.err.find("chmod 600 " + file), std::string::npos) << list.err;
  // Nothing is spent on a device whose keys cannot be kept safely.
  const std::string link = server_.NewLink();
  EXPECT_EQ(Cli({"enrol", link, "--store", store_}).code, 1);
  EXPECT_EQ(server_.devices().size(), 1u);
}

TEST_F(CommandsTest, SpeaksFrenchWhenTheLocaleSaysSo) {
  ::setenv("LC_ALL", "fr_FR.UTF-8", 1);
  Run list = Cli({"list", "--store", store_});
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("Aucun compte sur cet appareil"), std::string::npos) << list.out;
}

TEST_F(CommandsTest, DefaultStoreFollowsXdgConfigHome) {
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_CONFIG_HOME", store_.c_str(), 1);
  Run enrol = Cli({"enrol", server_.NewLink()});
  if (old) {
    ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_CONFIG_HOME");
  }
  EXPECT_EQ(enrol.code, 0) << enrol.err;
  EXPECT_TRUE(fs::exists(store_ + "/secinfo-authenticator/accounts.json"));
}

}  // namespace
}  // namespace secinfo::cli
