#include "http/message.h"

#include <gtest/gtest.h>

namespace secinfo::http {
namespace {

TEST(SetCookieTest, DefaultsAreHttpOnlyLaxSessionCookie) {
  SetCookie c{.name = "sid", .value = "abc"};
  EXPECT_EQ(c.ToHeaderValue(), "sid=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookieTest, SecureAndMaxAge) {
  SetCookie c{.name = "sid", .value = "abc", .max_age_seconds = 3600, .secure = true};
  EXPECT_EQ(c.ToHeaderValue(), "sid=abc; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
}

TEST(SetCookieTest, DeletionAndOptionalAttributes) {
  SetCookie c{.name = "sid",
              .value = "",
              .max_age_seconds = -5,
              .path = "/sim",
              .http_only = false,
              .same_site = ""};
  EXPECT_EQ(c.ToHeaderValue(), "sid=; Path=/sim; Max-Age=0");
  c.same_site = "Strict";
  EXPECT_EQ(c.ToHeaderValue(), "sid=; Path=/sim; Max-Age=0; SameSite=Strict");
}

TEST(IsSafeHeaderTest, RefusesControlCharactersOfAnyKindAndNonTokenNames) {
  EXPECT_TRUE(IsSafeHeader("Location", "/security-info?x=1"));
  EXPECT_TRUE(IsSafeHeader("X-Name", "Ana\xc3\xafs"));  // UTF-8 is not a control character
  for (char c = 0; c < 0x20; ++c) {
    EXPECT_FALSE(IsSafeHeader("Location", std::string("/a") + c + "b")) << int{c};
  }
  EXPECT_FALSE(IsSafeHeader("Location", "/a\x7f"));
  EXPECT_FALSE(IsSafeHeader("", "x"));
  EXPECT_FALSE(IsSafeHeader("Bad Name", "x"));
  EXPECT_FALSE(IsSafeHeader("Bad:Name", "x"));
}

TEST(ResponseTest, FactoriesSetStatusAndContentType) {
  Response html = Response::Html("<p>é</p>");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.GetHeader("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(html.body, "<p>é</p>");
  EXPECT_EQ(Response::Text("no", 404).status, 404);
  EXPECT_EQ(Response::Text("no").GetHeader("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(Response::Json("{}", 201).GetHeader("CONTENT-TYPE"), "application/json");
  Response r = Response::Redirect("/security-info");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.GetHeader("Location"), "/security-info");
}

TEST(ResponseTest, SetHeaderReplacesCaseInsensitively) {
  Response r = Response::Text("x");
  r.SetHeader("content-type", "text/csv");
  EXPECT_EQ(r.GetHeader("Content-Type"), "text/csv");
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.GetHeader("X-Absent"), "");
}

TEST(ResponseTest, CookiesRepeat) {
  Response r;
  r.AddCookie({.name = "a", .value = "1"});
  r.AddCookie({.name = "b", .value = "2"});
  int count = 0;
  for (const auto& [name, value] : r.headers) count += name == "Set-Cookie";
  EXPECT_EQ(count, 2);
}

TEST(RequestTest, AccessorsReturnEmptyWhenAbsent) {
  Request req;
  req.headers["user-agent"] = "test";
  req.query["q"] = "1";
  req.cookies["sid"] = "s";
  EXPECT_EQ(req.Header("User-Agent"), "test");
  EXPECT_EQ(req.Header("accept"), "");
  EXPECT_EQ(req.Query("q"), "1");
  EXPECT_EQ(req.Cookie("sid"), "s");
  EXPECT_EQ(req.Form("x"), "");
  EXPECT_EQ(req.Param("number"), "");
}

}  // namespace
}  // namespace secinfo::http
