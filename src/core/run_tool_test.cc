#include "core/run_tool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_for_test.h"

namespace secinfo {
namespace {

TEST(RunTool, ReportsExitStatusAndStderr) {
  Status s = RunTool({FindExecutable("ls"), "/nonexistent-secinfo-file"}, 10'000);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInternal);
  EXPECT_NE(s.message().find("ls: exit status"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("nonexistent-secinfo-file"), std::string::npos) << s.ToString();
  EXPECT_TRUE(RunTool({FindExecutable("true")}, 10'000).ok());
}

TEST(RunTool, ArgumentsAreNeverShellWords) {
  testing_support::TempDir dir;
  const std::string target = dir / "created";
  // Through a shell this would create `target`; as one argument it is just a file name.
  Status s = RunTool({FindExecutable("ls"), "x; touch " + target}, 10'000);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(RunTool, AToolThatOutlivesItsTimeIsKilled) {
  Status s = RunTool({FindExecutable("sleep"), "30"}, 200);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no result after 200 ms"), std::string::npos) << s.ToString();
}

TEST(FindExecutable, LooksOnPathAndChecksPaths) {
  EXPECT_EQ(FindExecutable("ls").front(), '/');
  EXPECT_EQ(FindExecutable("no-such-tool-secinfo"), "");
  EXPECT_EQ(FindExecutable(""), "");
  testing_support::TempDir dir;
  const std::string plain = dir / "plain";
  std::ofstream(plain) << "not a program\n";
  std::filesystem::permissions(
      plain, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(FindExecutable(plain), "");
  std::filesystem::permissions(plain, std::filesystem::perms::owner_exec,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(FindExecutable(plain), plain);
}

}  // namespace
}  // namespace secinfo
