#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace secinfo::http {
namespace {

Request Make(std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return req;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Get("/security-info",
                [](Request&) { return Response::Html("<h1>Security info</h1>"); });
    router_.Post("/security-info", [](Request&) { return Response::Redirect("/security-info"); });
    router_.Get("/sim/phone/:number",
                [](Request& r) { return Response::Text("phone " + r.Param("number")); });
    router_.Get("/sim/phone/new", [](Request&) { return Response::Text("new phone"); });
    router_.Post("/sim/phone/:number/keys/:key", [](Request& r) {
      return Response::Text(r.Param("number") + " pressed " + r.Param("key"));
    });
    router_.Get("/", [](Request&) { return Response::Text("home"); });
  }

  Router router_;
};

TEST_F(RouterTest, MatchesLiteralPaths) {
  Request req = Make("GET", "/security-info");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>Security info</h1>");
  req = Make("POST", "/security-info");
  EXPECT_EQ(router_.Dispatch(req).status, 303);
  req = Make("GET", "/");
  EXPECT_EQ(router_.Dispatch(req).body, "home");
}

TEST_F(RouterTest, FillsParams) {
  Request req = Make("GET", "/sim/phone/+33425555123");
  EXPECT_EQ(router_.Dispatch(req).body, "phone +33425555123");
  EXPECT_EQ(req.Param("number"), "+33425555123");
  req = Make("POST", "/sim/phone/+1555/keys/#");
  EXPECT_EQ(router_.Dispatch(req).body, "+1555 pressed #");
}

TEST_F(RouterTest, LiteralSegmentBeatsParamWhateverTheOrder) {
  Request req = Make("GET", "/sim/phone/new");
  EXPECT_EQ(router_.Dispatch(req).body, "new phone");
  EXPECT_TRUE(req.params.empty());
}

TEST_F(RouterTest, ParamNeedsANonEmptySegment) {
  Request req = Make("GET", "/sim/phone/");
  EXPECT_EQ(router_.Dispatch(req).status, 404);
  req = Make("GET", "/sim/phone/1/extra");
  EXPECT_EQ(router_.Dispatch(req).status, 404);
}

TEST_F(RouterTest, UnknownPathIs404) {
  Request req = Make("GET", "/nope");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "Not found");
  req = Make("GET", "/security-info/");
  EXPECT_EQ(router_.Dispatch(req).status, 404);
  req = Make("GET", "*");
  EXPECT_EQ(router_.Dispatch(req).status, 404);
}

TEST_F(RouterTest, CustomNotFound) {
  router_.SetNotFound([](Request& r) { return Response::Html("<p>no " + r.path + "</p>", 404); });
  Request req = Make("GET", "/nope");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<p>no /nope</p>");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Request req = Make("DELETE", "/security-info");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.GetHeader("Allow"), "GET, HEAD, POST");
  req = Make("GET", "/sim/phone/1/keys/5");
  r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.GetHeader("Allow"), "POST");
}

TEST_F(RouterTest, HeadUsesGetWithoutBody) {
  Request req = Make("HEAD", "/security-info");
  Response r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.GetHeader("Content-Length"),
            std::to_string(std::string("<h1>Security info</h1>").size()));
  EXPECT_EQ(r.GetHeader("Content-Type"), "text/html; charset=utf-8");
  req = Make("HEAD", "/nope");
  r = router_.Dispatch(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "");
}

TEST_F(RouterTest, HandlerExceptionsPassThrough) {
  router_.Get("/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  Request req = Make("GET", "/boom");
  EXPECT_THROW(router_.Dispatch(req), std::runtime_error);
}

}  // namespace
}  // namespace secinfo::http
