#include "cli/authenticator/http_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <memory>
#include <mutex>

#include "http/message.h"

namespace secinfo::cli::authenticator {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

struct Sink {
  std::string body;
  size_t limit = 0;
  bool too_large = false;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->limit) {
    sink->too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

Result<HttpReply> Perform(const std::string& url, const std::string* post_body,
                          const HttpOptions& options) {
  GlobalInit();
  switch (CheckServerUrl(url)) {
    case UrlProblem::kNone:
    case UrlProblem::kInsecure:  // policy is the caller's; this layer only refuses other schemes
      break;
    case UrlProblem::kMalformed:
      return Status::InvalidArgument("malformed URL " + url);
    case UrlProblem::kScheme:
      return Status::InvalidArgument("not an http or https URL: " + url);
  }
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&headers](const char* h) {
    headers.reset(curl_slist_append(headers.release(), h));
  };
  add_header("Accept: application/json");
  char error[CURL_ERROR_SIZE] = "";
  Sink sink;
  sink.limit = options.max_reply_bytes;

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we run on threads
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "secinfo-authenticator/1");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (options.cancel != nullptr) {
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(options.cancel));
  }
  if (post_body != nullptr) {
    add_header("Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    if (sink.too_large) return Status::Unavailable("the reply from " + url + " is too large");
    if (rc == CURLE_ABORTED_BY_CALLBACK) return Status::Unavailable("cancelled");
    std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
    return Status::Unavailable(why);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return HttpReply{static_cast<int>(status), std::move(sink.body)};
}

struct UrlParts {
  std::string scheme, host, port;
};

bool Split(const std::string& url, UrlParts& out) {
  std::unique_ptr<CURLU, CurlDeleter> u(curl_url());
  if (!u) return false;
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return false;
  }
  auto get = [&u](CURLUPart part, unsigned flags, std::string& to) {
    char* v = nullptr;
    if (curl_url_get(u.get(), part, &v, flags) != CURLUE_OK) return false;
    to = http::ToLower(v);
    curl_free(v);
    return true;
  };
  return get(CURLUPART_SCHEME, 0, out.scheme) && get(CURLUPART_HOST, 0, out.host) &&
         get(CURLUPART_PORT, CURLU_DEFAULT_PORT, out.port);
}

bool IsLoopback(const std::string& host) {
  in_addr v4;
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return host == "localhost" || host == "[::1]";
}

}  // namespace

Result<HttpReply> HttpGet(const std::string& url, const HttpOptions& options) {
  return Perform(url, nullptr, options);
}

Result<HttpReply> HttpPostJson(const std::string& url, std::string_view json_body,
                               const HttpOptions& options) {
  const std::string body(json_body);
  return Perform(url, &body, options);
}

UrlProblem CheckServerUrl(const std::string& url) {
  UrlParts p;
  // curl would guess "http://" for "example.com/x"; a server URL must say what it is.
  if (url.find("://") == std::string::npos || !Split(url, p)) return UrlProblem::kMalformed;
  if (p.scheme == "https") return UrlProblem::kNone;
  if (p.scheme != "http") return UrlProblem::kScheme;
  return IsLoopback(p.host) ? UrlProblem::kNone : UrlProblem::kInsecure;
}

std::string OriginOf(const std::string& url) {
  UrlParts p;
  if (url.find("://") == std::string::npos || !Split(url, p)) return "";
  return p.scheme + "://" + p.host + ":" + p.port;
}

}  // namespace secinfo::cli::authenticator
