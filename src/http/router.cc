#include "http/router.h"

#include <cassert>
#include <optional>
#include <set>

namespace secinfo::http {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {}; "/a/" -> {"a", ""}. Nullopt when `path` is not absolute.
std::optional<std::vector<std::string>> SplitPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  std::vector<std::string> out;
  if (path.empty()) return out;
  while (true) {
    size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool IsParam(const std::string& segment) { return segment.size() > 1 && segment.front() == ':'; }

bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i]) ? path[i].empty() : pattern[i] != path[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: a literal where `b` has a parameter, at the first
// segment where they differ in kind. Both matched the same path, so they have the same length.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (IsParam(a[i]) != IsParam(b[i])) return !IsParam(a[i]);
  }
  return false;
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  auto segments = SplitPath(pattern);
  assert(segments.has_value() && "route patterns start with '/'");
  routes_.push_back(Route{std::move(method), std::string(pattern),
                          segments.value_or(std::vector<std::string>{}), std::move(handler)});
}

Response Router::Dispatch(Request& req) const {
  req.params.clear();
  const bool head = req.method == "HEAD";
  std::string_view method = req.method;
  if (head) method = "GET";

  const Route* best = nullptr;
  std::set<std::string> allowed;
  if (auto path = SplitPath(req.path)) {
    for (const Route& route : routes_) {
      if (!Matches(route.segments, *path)) continue;
      allowed.insert(route.method);
      if (route.method == method &&
          (best == nullptr || MoreSpecific(route.segments, best->segments))) {
        best = &route;
      }
    }
    if (best != nullptr) {
      for (size_t i = 0; i < best->segments.size(); ++i) {
        if (IsParam(best->segments[i])) req.params[best->segments[i].substr(1)] = (*path)[i];
      }
    }
  }

  Response response;
  if (best != nullptr) {
    req.route = best->pattern;
    response = best->handler(req);
  } else if (!allowed.empty()) {
    if (allowed.count("GET")) allowed.insert("HEAD");
    std::string allow;
    for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    response = Response::Text("Method not allowed", 405);
    response.SetHeader("Allow", allow);
  } else if (not_found_) {
    response = not_found_(req);
  } else {
    response = Response::Text("Not found", 404);
  }

  if (head) {
    response.SetHeader("Content-Length", std::to_string(response.body.size()));
    response.body.clear();
  }
  return response;
}

}  // namespace secinfo::http
