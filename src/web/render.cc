#include "web/render.h"

#include <map>
#include <mutex>
#include <optional>

namespace secinfo {
std::optional<std::string_view> EmbeddedWebFile(std::string_view path);
}

namespace secinfo::web {
namespace {

std::string_view Template(std::string_view name) {
  auto text = EmbeddedWebFile("templates/" + std::string(name) + ".mustache");
  return text ? *text : std::string_view("<p>missing template</p>");
}

// Partials available to every template: {{> name}} loads templates/<name>.mustache.
class Context : public kainjow::mustache::context<std::string> {
 public:
  explicit Context(const Data* data) : kainjow::mustache::context<std::string>(data) {}
  const Data* get_partial(const std::string& name) const override {
    std::lock_guard lock(mu_);
    auto it = partials_.find(name);
    if (it == partials_.end()) {
      it = partials_.emplace(name, Data(std::string(Template(name)))).first;
    }
    return &it->second;
  }

 private:
  mutable std::mutex mu_;  // guards partials_
  mutable std::map<std::string, Data> partials_;
};

// The templates this thread parsed, by name. Parsing costs more than rendering, so each thread
// keeps what it parsed (a parsed template must not render on two threads at once).
std::map<std::string, kainjow::mustache::mustache, std::less<>>& Parsed() {
  thread_local std::map<std::string, kainjow::mustache::mustache, std::less<>> parsed;
  return parsed;
}

std::string Render(std::string_view name, const Data& data) {
  auto& parsed = Parsed();
  auto it = parsed.find(name);
  if (it == parsed.end()) it = parsed.emplace(std::string(name), std::string(Template(name))).first;
  Context ctx(&data);
  std::string out = it->second.render(ctx);
  if (!it->second.is_valid()) {
    // A template that failed stays failed: parse it afresh next time.
    std::string error = "<p>template error: " + it->second.error_message() + "</p>";
    parsed.erase(it);
    return error;
  }
  return out;
}

}  // namespace

std::string RenderPage(std::string_view name, const Data& data) {
  Data with_content = data;
  with_content.set("content", Render(name, data));
  return Render("layout", with_content);
}

http::Response Page(std::string_view name, const Data& data, int status) {
  return http::Response::Html(RenderPage(name, data), status);
}

std::optional<http::Response> StaticFile(std::string_view path) {
  auto file = EmbeddedWebFile("static/" + std::string(path));
  if (!file) return std::nullopt;
  http::Response r = http::Response::Text(std::string(*file));
  if (path.ends_with(".css")) r.SetHeader("Content-Type", "text/css; charset=utf-8");
  if (path.ends_with(".js")) r.SetHeader("Content-Type", "text/javascript; charset=utf-8");
  r.SetHeader("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace secinfo::web
