#include "cli/terminal_text.h"

#include <gtest/gtest.h>

namespace secinfo::cli {
namespace {

TEST(EscapeForTerminalTest, EscapeSequencesNeverReachTheTerminal) {
  // Clear screen, retitle the window, a hyperlink, 8-bit CSI (U+009B): all shown, none obeyed.
  EXPECT_EQ(EscapeForTerminal("Ana\x1b[2J\x1b]0;pwned\x07"), "Ana\\x1B[2J\\x1B]0;pwned\\x07");
  EXPECT_EQ(EscapeForTerminal("a\xc2\x9b"
                              "31mb"),
            "a\\x9B31mb");
  EXPECT_EQ(EscapeForTerminal("tab\there\nnew\rline\\"), "tab\\there\\nnew\\rline\\\\");
  EXPECT_EQ(EscapeForTerminal("del\x7f"), "del\\x7F");
  EXPECT_EQ(EscapeForTerminal("bad\xff\xc3"), "bad\\xFF\\xC3");
  // Text in any script is left alone.
  EXPECT_EQ(EscapeForTerminal("Élodie Müller — 山田 ☎"), "Élodie Müller — 山田 ☎");
}

TEST(ParseIsoTimeTest, DatesAndUtcTimes) {
  EXPECT_EQ(*ParseIsoTime("1970-01-02"), 86'400'000);
  EXPECT_EQ(*ParseIsoTime("2026-12-03T10:30:00Z"), *ParseIsoTime("2026-12-03") + 37'800'000);
  EXPECT_EQ(*ParseIsoTime("2026-12-03T10:30Z"), *ParseIsoTime("2026-12-03T10:30:00Z"));
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "03/12/2026", "2026-12-03T25:00Z",
                          "2026-12-03T10:30:00+01:00", "2026-12-03x"}) {
    EXPECT_FALSE(ParseIsoTime(bad).ok()) << bad;
  }
  EXPECT_NE(ParseIsoTime("yesterday").status().message().find("2026-12-03T10:30:00Z"),
            std::string::npos);
  EXPECT_EQ(FormatIsoTime(*ParseIsoTime("2026-12-03T10:30:05Z") + 7), "2026-12-03T10:30:05.007Z");
}

TEST(AuditLineTest, TextColumnsStayColumnsAndJsonIsOneLine) {
  store::AuditEntry e;
  e.at = 86'400'000;
  e.user_id = 7;
  e.actor = "ana\t@contoso.example";
  e.ip = "192.0.2.1";
  e.action = "sign_in";
  e.result = "failure";
  e.detail = "name \x1b[31mred\x1b[0m\n\xff";
  EXPECT_EQ(AuditTextLine(e),
            "86400000\tana\\t@contoso.example\t192.0.2.1\tsign_in\t\tfailure\t"
            "name \\x1B[31mred\\x1B[0m\\n\\xFF");
  EXPECT_EQ(
      AuditJsonLine(e),
      "{\"at\":86400000,\"time\":\"1970-01-02T00:00:00.000Z\",\"actor\":\"ana\\t@contoso."
      "example\",\"ip\":\"192.0.2.1\",\"action\":\"sign_in\",\"method\":\"\",\"result\":"
      "\"failure\",\"detail\":\"name \\u001b[31mred\\u001b[0m\\n\xEF\xBF\xBD\",\"user_id\":7}");
}

}  // namespace
}  // namespace secinfo::cli
