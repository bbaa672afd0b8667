#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/metrics.h"
#include "http/deferred.h"
#include "http/router.h"
#include "http/url.h"

namespace secinfo::http {
namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

// A free loopback port: bound by the kernel, then released for the server to take.
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }
  std::vector<std::string> All(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers) {
      if (n == name) out.push_back(v);
    }
    return out;
  }
};

// A minimal HTTP/1.1 client over a blocking POSIX socket, so the server is tested as a browser
// would meet it: raw bytes in, raw bytes out.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{.tv_sec = 10, .tv_usec = 0};  // a hung server fails the test, not the run
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool Send(std::string_view raw) {
    while (!raw.empty()) {
      ssize_t n = send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      raw.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response; nullopt when the server closed the connection (or timed out) first.
  std::optional<Reply> Read(bool head_request = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    Reply reply;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string line = head.substr(start, line_end - start);
      size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      reply.headers.emplace_back(ToLower(line.substr(0, colon)), value);
    }
    size_t length = head_request ? 0 : std::stoul("0" + reply.Header("content-length"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  // True when the server closes the connection without sending anything more.
  bool ClosedByServer() { return buffer_.empty() && !Fill() && buffer_.empty(); }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

Reply Fetch(uint16_t port, std::string_view raw, bool head_request = false) {
  Client client(port);
  EXPECT_TRUE(client.connected());
  EXPECT_TRUE(client.Send(raw));
  std::optional<Reply> reply = client.Read(head_request);
  EXPECT_TRUE(reply.has_value()) << "no response to: " << raw;
  return reply.value_or(Reply{});
}

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" +
         std::string(extra_headers) + "\r\n";
}

std::string PostForm(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    released_ = release_.get_future().share();
    router_.Get("/echo/:word", [](Request& r) {
      return Response::Text(
          "method=" + r.method + "\npath=" + r.path + "\nword=" + r.Param("word") +
          "\ntarget=" + r.target + "\nq=" + r.Query("q") + "\nip=" + r.remote_ip +
          "\nsecure=" + (r.secure ? "1" : "0") + "\nsid=" + r.Cookie("sid") +
          "\nlang=" + r.Cookie("lang") + "\nx-test=" + r.Header("X-Test") +
          "\nrepeated=" + (r.repeated_cookies.empty() ? "" : r.repeated_cookies[0]));
    });
    router_.Post("/form", [this](Request& r) {
      ++form_calls_;
      Response response = Response::Text("name=" + r.Form("name") + "\nphone=" + r.Form("phone"));
      response.AddCookie({.name = "sid", .value = "s3cr3t", .max_age_seconds = 3600});
      response.AddCookie({.name = "lang", .value = "fr", .http_only = false});
      return response;
    });
    router_.Get("/boom", [](Request&) -> Response { throw std::runtime_error("kaboom"); });
    router_.Get("/block", [this](Request&) {
      entered_.set_value();
      released_.wait();
      return Response::Text("unblocked");
    });
    router_.Get("/fast", [](Request&) { return Response::Text("fast"); });
    // Answered later from another thread; X-Edited shows that a layer around the handler still
    // gets to change the response.
    router_.Get("/later", [this](Request& r) {
      std::shared_ptr<DeferredResponse> later = r.Defer();
      later->Edit([](Response& out) { out.SetHeader("X-Edited", "yes"); });
      std::lock_guard lock(later_mu_);
      later_.push_back(std::move(later));
      return Response::Text("ignored", 500);
    });
    router_.Get("/inject", [](Request&) {
      Response r = Response::Text("ok");
      r.SetHeader("X-Evil", "a\r\nSet-Cookie: pwned=1");
      r.SetHeader("X-Fine", "yes");
      return r;
    });
    router_.Get("/control", [](Request&) {
      Response r = Response::Redirect("/\t/evil.example");
      r.SetHeader("X-Escape", "\x1b]8;;https://evil.example\x1b\\");
      r.SetHeader("X-Delete", "a\x7f");
      r.SetHeader("X-Fine", "yes");
      return r;
    });
    options_.port = FreePort();
    options_.worker_threads = 2;
    options_.max_body_bytes = 1024;
    options_.max_read_body_bytes = size_t{8} * 1024;
  }

  void TearDown() override {
    if (!release_set_) release_.set_value();
    if (server_) server_->Stop();
  }

  void StartServer() {
    server_ =
        std::make_unique<Server>(options_, [this](Request& r) { return router_.Dispatch(r); });
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Release() {
    release_set_ = true;
    release_.set_value();
  }

  uint16_t port() const { return server_->port(); }

  // The deferred responses of /later, once `count` have been parked (empty after 10 s).
  std::vector<std::shared_ptr<DeferredResponse>> Parked(size_t count) {
    auto deadline = steady_clock::now() + 10s;
    while (steady_clock::now() < deadline) {
      {
        std::lock_guard lock(later_mu_);
        if (later_.size() >= count) return later_;
      }
      std::this_thread::sleep_for(1ms);
    }
    return {};
  }

  Router router_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  std::atomic<int> form_calls_{0};
  std::mutex later_mu_;
  std::vector<std::shared_ptr<DeferredResponse>> later_;  // guarded by later_mu_
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_;
  bool release_set_ = false;
};

TEST_F(ServerTest, GetWithQueryAndCookies) {
  StartServer();
  EXPECT_EQ(port(), options_.port);
  Reply r = Fetch(port(), Get("/echo/caf%C3%A9?q=a+b%26c%3D%C3%A9&x=1",
                              "Cookie: sid=abc; lang=fr\r\nX-Test: yes\r\n"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.Header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.body,
            "method=GET\npath=/echo/café\nword=café\ntarget=/echo/caf%C3%A9?q=a+b%26c%3D%C3%A9&x=1"
            "\nq=a b&c=é\nip=127.0.0.1\nsecure=0\nsid=abc\nlang=fr\nx-test=yes\nrepeated=");
}

TEST_F(ServerTest, RepeatedCookieNamesReachTheHandler) {
  StartServer();
  // Two Cookie fields are joined: a name repeated across them counts too.
  Reply r = Fetch(port(), Get("/echo/x", "Cookie: sid=abc; lang=fr\r\nCookie: sid=tossed\r\n"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\nsid=abc\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\nrepeated=sid"), std::string::npos) << r.body;
}

TEST_F(ServerTest, PostFormWithUtf8SetsTwoCookies) {
  StartServer();
  Reply r = Fetch(port(), PostForm("/form", "name=Ana%C3%AFs+L%C3%A9a&phone=%2B33+4+25+55+51+23"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "name=Anaïs Léa\nphone=+33 4 25 55 51 23");
  EXPECT_EQ(r.All("set-cookie"),
            (std::vector<std::string>{"sid=s3cr3t; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax",
                                      "lang=fr; Path=/; SameSite=Lax"}));
}

TEST_F(ServerTest, OversizedBodyIs413WithoutCallingTheHandler) {
  StartServer();
  Reply r = Fetch(port(), PostForm("/form", "name=" + std::string(2000, 'a')));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(form_calls_, 0);
  // A body at the limit is still served.
  r = Fetch(port(), PostForm("/form", "name=" + std::string(1024 - 5, 'a')));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(form_calls_, 1);
}

TEST_F(ServerTest, HugeBodyIsRefusedBeforeReading) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.connected());
  client.Send(
      "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 100000000\r\n\r\nname=");
  EXPECT_FALSE(client.Read().has_value());
  EXPECT_EQ(form_calls_, 0);
  EXPECT_EQ(Fetch(port(), Get("/fast")).status, 200);
}

TEST_F(ServerTest, ThrowingHandlerGives500AndServerCarriesOn) {
  StartServer();
  Reply r = Fetch(port(), Get("/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "Internal error");
  r = Fetch(port(), Get("/fast"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fast");
}

TEST_F(ServerTest, MalformedRequestClosesConnectionAndServerCarriesOn) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.connected());
  client.Send("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_EQ(Fetch(port(), Get("/fast")).status, 200);
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowed) {
  StartServer();
  EXPECT_EQ(Fetch(port(), Get("/nope")).status, 404);
  Reply r = Fetch(port(), PostForm("/fast", "a=1"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadHasLengthButNoBodyAndKeepAliveWorks) {
  StartServer();
  Client client(port());
  ASSERT_TRUE(client.connected());
  client.Send("HEAD /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<Reply> head = client.Read(/*head_request=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "4");
  // Had the server sent a body, it would be read here in place of the next status line.
  client.Send(Get("/echo/two"));
  std::optional<Reply> next = client.Read();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  EXPECT_NE(next->body.find("word=two"), std::string::npos);
}

TEST_F(ServerTest, HeadersWithLineBreaksAreDropped) {
  StartServer();
  Reply r = Fetch(port(), Get("/inject"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("x-evil"), "");
  EXPECT_TRUE(r.All("set-cookie").empty());
  EXPECT_EQ(r.Header("x-fine"), "yes");
}

TEST_F(ServerTest, HeadersWithAnyControlCharacterAreDropped) {
  StartServer();
  Reply r = Fetch(port(), Get("/control"));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("location"), "");
  EXPECT_EQ(r.Header("x-escape"), "");
  EXPECT_EQ(r.Header("x-delete"), "");
  EXPECT_EQ(r.Header("x-fine"), "yes");
}

TEST_F(ServerTest, BlockedHandlerDoesNotStopOtherRequests) {
  StartServer();
  std::future<Reply> slow =
      std::async(std::launch::async, [this] { return Fetch(port(), Get("/block")); });
  ASSERT_EQ(entered_.get_future().wait_for(10s), std::future_status::ready);
  Reply fast = Fetch(port(), Get("/fast"));
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);
  Release();
  Reply unblocked = slow.get();
  EXPECT_EQ(unblocked.status, 200);
  EXPECT_EQ(unblocked.body, "unblocked");
}

TEST_F(ServerTest, DeferredResponsesHoldNoWorker) {
  options_.worker_threads = 1;
  StartServer();
  // Four times as many waiting requests as workers.
  std::vector<std::future<Reply>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(
        std::async(std::launch::async, [this] { return Fetch(port(), Get("/later")); }));
  }
  std::vector<std::shared_ptr<DeferredResponse>> parked = Parked(4);
  ASSERT_EQ(parked.size(), 4u);
  auto start = steady_clock::now();
  Reply fast = Fetch(port(), Get("/fast"));
  EXPECT_EQ(fast.status, 200);
  EXPECT_LT(steady_clock::now() - start, 1s);
  for (auto& w : waiting) EXPECT_EQ(w.wait_for(0s), std::future_status::timeout);

  std::thread answerer([&] {
    for (size_t i = 0; i < parked.size(); ++i) {
      EXPECT_TRUE(parked[i]->Complete(Response::Text("answer " + std::to_string(i))));
    }
  });
  answerer.join();
  std::set<std::string> bodies;
  for (auto& w : waiting) {
    Reply r = w.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("x-edited"), "yes");
    bodies.insert(r.body);
  }
  EXPECT_EQ(bodies, (std::set<std::string>{"answer 0", "answer 1", "answer 2", "answer 3"}));
  EXPECT_FALSE(parked[0]->Complete(Response::Text("twice")));
}

TEST_F(ServerTest, StopAnswersAwaitedResponses503) {
  StartServer();
  std::future<Reply> waiting =
      std::async(std::launch::async, [this] { return Fetch(port(), Get("/later")); });
  std::vector<std::shared_ptr<DeferredResponse>> parked = Parked(1);
  ASSERT_EQ(parked.size(), 1u);
  auto start = steady_clock::now();
  server_->Stop();
  EXPECT_LT(steady_clock::now() - start, 2s) << "Stop() did not wait for the drain timeout";
  Reply r = waiting.get();
  EXPECT_EQ(r.status, 503);
  // Too late: the server answered already; nothing is sent and nothing breaks.
  EXPECT_FALSE(parked[0]->Complete(Response::Text("late")));
}

TEST_F(ServerTest, FullQueueIs503) {
  options_.worker_threads = 1;
  options_.max_queued_requests = 1;
  StartServer();
  std::future<Reply> slow =
      std::async(std::launch::async, [this] { return Fetch(port(), Get("/block")); });
  ASSERT_EQ(entered_.get_future().wait_for(10s), std::future_status::ready);
  // The only worker is busy: one of these waits in the queue, the other two are turned away.
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<pollfd> fds;
  clients.reserve(3);
  fds.reserve(3);
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<Client>(port()));
    ASSERT_TRUE(clients.back()->Send(Get("/fast")));
    fds.push_back({.fd = clients.back()->fd(), .events = POLLIN, .revents = 0});
  }
  int answered = 0;
  auto deadline = steady_clock::now() + 10s;
  while (answered < 2 && steady_clock::now() < deadline) {
    poll(fds.data(), fds.size(), 100);
    answered = 0;
    for (const pollfd& p : fds) answered += (p.revents & POLLIN) != 0;
  }
  ASSERT_EQ(answered, 2);
  Client* queued = nullptr;
  for (size_t i = 0; i < fds.size(); ++i) {
    if ((fds[i].revents & POLLIN) == 0) {
      queued = clients[i].get();
      continue;
    }
    std::optional<Reply> busy = clients[i]->Read();
    ASSERT_TRUE(busy.has_value());
    EXPECT_EQ(busy->status, 503);
    EXPECT_EQ(busy->Header("retry-after"), "1");
  }
  ASSERT_NE(queued, nullptr);
  Release();
  EXPECT_EQ(slow.get().status, 200);
  std::optional<Reply> served = queued->Read();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
}

TEST_F(ServerTest, SeveralIoThreadsServeManyClients) {
  options_.io_threads = 3;
  options_.worker_threads = 4;
  StartServer();
  std::vector<std::future<int>> results;
  results.reserve(8);
  for (int t = 0; t < 8; ++t) {
    results.push_back(std::async(std::launch::async, [this, t] {
      Client client(port());
      int ok = 0;
      for (int i = 0; i < 25; ++i) {
        std::string word = std::to_string(t) + "-" + std::to_string(i);
        client.Send(Get("/echo/" + word));
        std::optional<Reply> r = client.Read();
        ok += r && r->status == 200 && r->body.find("word=" + word + "\n") != std::string::npos;
      }
      return ok;
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), 25);
}

TEST_F(ServerTest, StopLetsInFlightRequestFinish) {
  StartServer();
  std::future<Reply> slow =
      std::async(std::launch::async, [this] { return Fetch(port(), Get("/block")); });
  ASSERT_EQ(entered_.get_future().wait_for(10s), std::future_status::ready);
  std::thread stopper([this] { server_->Stop(); });
  // Once new connections are refused, Stop() is under way and waiting for /block.
  auto deadline = steady_clock::now() + 10s;
  while (Client(port()).connected() && steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_FALSE(Client(port()).connected());
  Release();
  stopper.join();
  Reply r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "unblocked");
}

TEST_F(ServerTest, StopReturnsPromptlyWithIdleConnectionsAndWaitReturns) {
  StartServer();
  Client idle(port());
  ASSERT_TRUE(idle.connected());
  idle.Send(Get("/fast"));
  ASSERT_TRUE(idle.Read().has_value());  // keep-alive: the connection stays open

  std::thread waiter([this] { server_->Wait(); });
  auto start = steady_clock::now();
  server_->Stop();
  EXPECT_LT(steady_clock::now() - start, 2s);
  waiter.join();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_FALSE(Client(port()).connected());
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, RestartsAfterStop) {
  StartServer();
  server_->Stop();
  ASSERT_TRUE(server_->Start().ok());
  EXPECT_EQ(Fetch(port(), Get("/fast")).status, 200);
  EXPECT_EQ(server_->Start().code(), Status::Code::kFailedPrecondition);
}

TEST_F(ServerTest, PortZeroPicksAFreePort) {
  options_.port = 0;
  StartServer();
  EXPECT_NE(port(), 0);
  EXPECT_EQ(Fetch(port(), Get("/fast")).status, 200);
}

TEST_F(ServerTest, TakenPortIsUnavailable) {
  StartServer();
  Server second(options_, [](Request&) { return Response::Text("second"); });
  Status s = second.Start();
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_NE(s.message().find("in use"), std::string::npos) << s.message();
  EXPECT_EQ(Fetch(port(), Get("/fast")).body, "fast");
}

TEST_F(ServerTest, BadOptionsAreInvalidArgument) {
  ServerOptions bad = options_;
  bad.trusted_proxies = {"proxy.example"};
  EXPECT_EQ(Server(bad, nullptr).Start().code(), Status::Code::kInvalidArgument);
  bad = options_;
  bad.address = "example.org";
  EXPECT_EQ(Server(bad, nullptr).Start().code(), Status::Code::kInvalidArgument);
  bad = options_;
  bad.worker_threads = 0;
  EXPECT_EQ(Server(bad, nullptr).Start().code(), Status::Code::kInvalidArgument);
}

TEST_F(ServerTest, ForwardedHeadersIgnoredFromUntrustedPeer) {
  StartServer();
  Reply r = Fetch(port(), Get("/echo/x",
                              "X-Forwarded-For: 198.51.100.7\r\n"
                              "X-Forwarded-Proto: https\r\n"));
  EXPECT_NE(r.body.find("ip=127.0.0.1\nsecure=0"), std::string::npos) << r.body;
}

TEST_F(ServerTest, ForwardedHeadersHonouredFromTrustedProxy) {
  options_.trusted_proxies = {"127.0.0.0/8"};
  StartServer();
  Reply r = Fetch(port(), Get("/echo/x",
                              "X-Forwarded-For: 198.51.100.7\r\n"
                              "X-Forwarded-Proto: https\r\n"));
  EXPECT_NE(r.body.find("ip=198.51.100.7\nsecure=1"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace secinfo::http

namespace secinfo::http {
namespace {

TEST_F(ServerTest, InlinePathIsAnsweredWhileEveryWorkerIsBusy) {
  options_.worker_threads = 1;
  options_.inline_paths = {"/fast"};
  StartServer();
  Client blocked(port());
  ASSERT_TRUE(blocked.Send(Get("/block")));
  entered_.get_future().wait();  // the only worker is held
  Reply fast = Fetch(port(), Get("/fast"));
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(fast.body, "fast");
  Release();
  EXPECT_EQ(blocked.Read()->body, "unblocked");
}

TEST_F(ServerTest, EveryResponseIsCountedByRouteAndCarriesARequestId) {
  StartServer();
  const int64_t echoed = metrics::HttpRequests().Value({"/echo/:word", "GET", "200"});
  const int64_t unmatched = metrics::HttpRequests().Value({"unmatched", "GET", "404"});
  const int64_t timed = metrics::HttpRequestSeconds().Value({"/echo/:word"});
  Reply first = Fetch(port(), Get("/echo/a"));
  Reply second = Fetch(port(), Get("/echo/b"));
  Reply missing = Fetch(port(), Get("/nowhere"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(metrics::HttpRequests().Value({"/echo/:word", "GET", "200"}), echoed + 2);
  EXPECT_EQ(metrics::HttpRequests().Value({"unmatched", "GET", "404"}), unmatched + 1);
  EXPECT_EQ(metrics::HttpRequestSeconds().Value({"/echo/:word"}), timed + 2);
  EXPECT_EQ(first.Header("x-request-id").size(), std::string("5f3a9c1e-0000002a").size());
  EXPECT_NE(first.Header("x-request-id"), second.Header("x-request-id"));
}

}  // namespace
}  // namespace secinfo::http
