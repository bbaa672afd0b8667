#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace secinfo::http {

// Maps a method and a path to a Handler. A pattern is a path whose segments are literals or
// ":name"; ":name" matches one non-empty segment and is passed to the handler as
// req.params["name"]. "/a" and "/a/" are different paths. When several patterns match, the one
// with a literal at the first differing segment wins ("/sim/phone/new" beats "/sim/phone/:number"),
// then the first registered.
//
// HEAD is served by the GET handler with the body dropped and Content-Length kept. A path that
// matches no pattern goes to the not-found handler (default: plain-text 404); a path that matches
// only under other methods gets 405 with an Allow header.
//
// Not thread-safe while routes are added; after that, Dispatch may run on many threads at once.
class Router {
 public:
  // REQUIRES: pattern starts with '/'.
  void Add(std::string method, std::string_view pattern, Handler handler);
  void Get(std::string_view pattern, Handler handler) { Add("GET", pattern, std::move(handler)); }
  void Post(std::string_view pattern, Handler handler) { Add("POST", pattern, std::move(handler)); }
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }

  // Fills req.params and req.route and returns what the chosen handler returns. Exceptions from
  // handlers pass through (the Server turns them into 500).
  Response Dispatch(Request& req) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;                // as given to Add, "/sign-in/verify/:id"
    std::vector<std::string> segments;  // ":name" for a parameter
    Handler handler;
  };

  std::vector<Route> routes_;
  Handler not_found_;
};

}  // namespace secinfo::http
