#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <restinio/all.hpp>
#include <thread>

#include "core/metrics.h"
#include "http/deferred.h"
#include "http/forwarded.h"
#include "http/request_log.h"
#include "http/url.h"
#include "http/worker_pool.h"

namespace secinfo::http {
namespace {

namespace asio = restinio::asio_ns;

// Sends RESTinio's own log lines to spdlog's default logger. RESTinio builds a message only when
// asked, so disabled levels cost nothing. Its "errors" are faults of one connection (a malformed
// request, a reset socket), not of the server, hence logged as warnings.
class SpdlogLogger {
 public:
  template <typename Builder>
  void trace(Builder&& builder) const {
    Log(spdlog::level::trace, builder);
  }
  template <typename Builder>
  void info(Builder&& builder) const {
    Log(spdlog::level::debug, builder);
  }
  template <typename Builder>
  void warn(Builder&& builder) const {
    Log(spdlog::level::info, builder);
  }
  template <typename Builder>
  void error(Builder&& builder) const {
    Log(spdlog::level::warn, builder);
  }

 private:
  template <typename Builder>
  static void Log(spdlog::level::level_enum level, Builder& builder) {
    spdlog::logger* logger = spdlog::default_logger_raw();
    if (logger->should_log(level)) logger->log(level, "restinio: {}", builder());
  }
};

// The default strand type is a real asio strand, needed because responses are written from worker
// threads and io_threads may be more than one.
using Traits = restinio::traits_t<restinio::asio_timer_manager_t, SpdlogLogger>;
using HttpServer = restinio::http_server_t<Traits>;

// Limits on the request head. Exceeding one makes RESTinio drop the connection.
constexpr size_t kMaxUrlBytes = size_t{8} * 1024;
constexpr size_t kMaxFieldNameBytes = 256;
constexpr size_t kMaxFieldValueBytes = size_t{16} * 1024;
constexpr size_t kMaxFieldCount = 100;

const char* ReasonPhrase(int status) {
  static constexpr std::pair<int, const char*> kPhrases[] = {
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {409, "Conflict"},
      {410, "Gone"},
      {413, "Content Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  for (const auto& [code, phrase] : kPhrases) {
    if (code == status) return phrase;
  }
  return "Status";  // clients ignore the phrase; any token will do
}

bool IsFormContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  return EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

std::string Describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  void Wait();
  uint16_t port() const { return bound_port_.load(); }

 private:
  // Counts one accepted request until its response is written or abandoned: the last copy is
  // destroyed when RESTinio drops the write callback, whatever happened to the connection. It also
  // carries what the request log and the metrics say of the request.
  class Ticket {
   public:
    explicit Ticket(Impl& impl) : id(impl.next_request_id_.fetch_add(1)), impl_(impl) {
      std::lock_guard lock(impl_.flight_mu_);
      ++impl_.in_flight_;
    }
    ~Ticket() {
      std::lock_guard lock(impl_.flight_mu_);
      if (--impl_.in_flight_ == 0) impl_.drained_.notify_all();
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

    const std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now();
    const uint64_t id;  // the request id's sequence number
    // Set on the worker once the handler returned, before the response can be sent.
    std::string_view route;
    std::string tenant;

   private:
    Impl& impl_;
  };
  using TicketPtr = std::shared_ptr<Ticket>;

  // Runs on an io thread: must not block.
  restinio::request_handling_status_t OnRequest(const restinio::request_handle_t& req);
  // Runs on a worker thread.
  void Serve(const restinio::request_handle_t& req, TicketPtr ticket);
  // Remembers a response still awaited after its handler returned, so that Stop() can answer it.
  void Park(const std::shared_ptr<DeferredResponse>& deferral);
  // Answers every awaited response 503 (the server is stopping).
  void AnswerParked();
  Request ToRequest(const restinio::request_t& req) const;
  // True for the requests options_.inline_paths names: served on the io thread.
  bool ServedInline(const restinio::request_t& req) const;
  // Never throws: a response that cannot be sent is logged.
  void Send(const restinio::request_handle_t& req, Response response, bool close,
            TicketPtr ticket) noexcept;
  void RunIo();
  // Counts the exchange in the metrics and writes its line to the request log.
  void Record(const restinio::request_t& req, const Ticket& ticket, int status) const;
  // Stops the io threads and destroys everything Start() built. REQUIRES: lifecycle_mu_ held.
  void TearDown();

  const ServerOptions options_;
  const Handler handler_;

  // Responses not yet written. Declared before the io_context so that it outlives the handlers the
  // io_context destroys (their tickets decrement it).
  std::mutex flight_mu_;
  std::condition_variable drained_;  // signalled when in_flight_ drops to 0
  int64_t in_flight_ = 0;            // guarded by flight_mu_

  // Responses still awaited after their handler returned (Request::Defer).
  std::mutex parked_mu_;
  std::vector<std::weak_ptr<DeferredResponse>> parked_;  // guarded by parked_mu_

  // Serialises Start, Stop and Wait. Everything below is built by Start and destroyed by Stop
  // under it; io threads and workers only read it between the two.
  std::mutex lifecycle_mu_;
  std::condition_variable stopped_;  // signalled when running_ becomes false
  bool running_ = false;             // guarded by lifecycle_mu_
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> bound_port_{0};
  std::atomic<uint64_t> next_request_id_{1};
  const std::string request_id_prefix_ = NewRequestIdPrefix();
  TrustedProxies trusted_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<asio::io_context> io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<HttpServer> http_;
  std::vector<std::thread> io_threads_;
};

Status Server::Impl::Start() {
  std::lock_guard lock(lifecycle_mu_);
  if (running_) return Status::FailedPrecondition("server already running");
  if (options_.io_threads < 1 || options_.worker_threads < 1) {
    return Status::InvalidArgument("io_threads and worker_threads must be at least 1");
  }
  if (options_.max_queued_requests < 1) {
    return Status::InvalidArgument("max_queued_requests must be at least 1");
  }
  Result<TrustedProxies> trusted = TrustedProxies::Parse(options_.trusted_proxies);
  if (!trusted.ok()) return trusted.status();
  trusted_ = *trusted;
  asio::error_code ec;
  asio::ip::address address = asio::ip::make_address(
      options_.address == "localhost" ? std::string("127.0.0.1") : options_.address, ec);
  if (ec) {
    return Status::InvalidArgument("listen address is not an IP address: " + options_.address);
  }

  stopping_ = false;
  pool_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.max_queued_requests);
  io_ = std::make_unique<asio::io_context>(options_.io_threads);
  work_.emplace(asio::make_work_guard(*io_));

  restinio::server_settings_t<Traits> settings;
  settings.address(address)
      .port(options_.port)
      .request_handler([this](const restinio::request_handle_t& req) { return OnRequest(req); })
      .handle_request_timeout(options_.request_timeout)
      .incoming_http_msg_limits(
          restinio::incoming_http_msg_limits_t{}
              .max_url_size(kMaxUrlBytes)
              .max_field_name_size(kMaxFieldNameBytes)
              .max_field_value_size(kMaxFieldValueBytes)
              .max_field_count(kMaxFieldCount)
              .max_body_size(std::max(options_.max_read_body_bytes, options_.max_body_bytes)))
      .acceptor_post_bind_hook([this](asio::ip::tcp::acceptor& acceptor) {
        bound_port_ = acceptor.local_endpoint().port();
      });
  http_ = std::make_unique<HttpServer>(restinio::external_io_context(*io_), std::move(settings));
  for (int i = 0; i < options_.io_threads; ++i) io_threads_.emplace_back([this] { RunIo(); });

  // "" on success, else why not. Shared with the callbacks: the io thread may still be inside
  // set_value() when get() returns here.
  auto opened = std::make_shared<std::promise<std::string>>();
  std::future<std::string> open_result = opened->get_future();
  http_->open_async(
      [opened] { opened->set_value(""); },
      [opened](const std::exception_ptr& error) { opened->set_value(Describe(error)); });
  std::string error = open_result.get();
  if (!error.empty()) {
    TearDown();
    return Status::Unavailable("cannot listen on " + options_.address + " port " +
                               std::to_string(options_.port) + ": " + error);
  }
  running_ = true;
  std::string host = address.to_string();
  spdlog::info("listening on http://{}:{}", address.is_v6() ? "[" + host + "]" : host, port());
  return Status::Ok();
}

void Server::Impl::Stop() {
  std::lock_guard lock(lifecycle_mu_);
  if (!running_) return;
  // From here on, requests on connections that are still open get 503 and the connection closes.
  stopping_ = true;

  auto closed = std::make_shared<std::promise<void>>();
  std::future<void> close_result = closed->get_future();
  http_->close_async([closed] { closed->set_value(); },
                     [closed](const std::exception_ptr& error) {
                       spdlog::warn("closing the listening socket failed: {}", Describe(error));
                       closed->set_value();
                     });
  close_result.wait();

  pool_->Shutdown();  // every queued request gets its handler run and its response sent
  AnswerParked();     // nobody will be there to answer them later
  {
    std::unique_lock flight(flight_mu_);
    if (!drained_.wait_for(flight, options_.drain_timeout, [this] { return in_flight_ == 0; })) {
      spdlog::warn("stopping with {} responses not yet written", in_flight_);
    }
  }
  TearDown();
  running_ = false;
  stopped_.notify_all();
}

void Server::Impl::Wait() {
  std::unique_lock lock(lifecycle_mu_);
  stopped_.wait(lock, [this] { return !running_; });
}

void Server::Impl::TearDown() {
  work_.reset();
  io_->stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
  http_.reset();
  // Destroys the handlers still queued, and with them the connections they hold.
  io_.reset();
  pool_.reset();
}

void Server::Impl::RunIo() {
  // RESTinio catches what its own handlers throw; this is the last line of defence, so that a
  // bug there costs one connection, not the process.
  while (true) {
    try {
      io_->run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("io thread caught: {}", e.what());
    } catch (...) {
      spdlog::error("io thread caught a non-standard exception");
    }
  }
}

restinio::request_handling_status_t Server::Impl::OnRequest(const restinio::request_handle_t& req) {
  auto ticket = std::make_shared<Ticket>(*this);
  if (stopping_) {
    Send(req, Response::Text("Server is shutting down", 503), /*close=*/true, std::move(ticket));
  } else if (req->body().size() > options_.max_body_bytes) {
    Send(req, Response::Text("Request body too large", 413), /*close=*/false, std::move(ticket));
  } else if (ServedInline(*req)) {
    Serve(req, std::move(ticket));
  } else if (!pool_->TrySubmit([this, req, ticket] { Serve(req, ticket); })) {
    Response busy = Response::Text("Server busy", 503);
    busy.SetHeader("Retry-After", "1");
    Send(req, std::move(busy), /*close=*/false, std::move(ticket));
  }
  return restinio::request_accepted();
}

void Server::Impl::Serve(const restinio::request_handle_t& req, TicketPtr ticket) {
  Ticket& ticket_ref = *ticket;
  // Every response goes out through this handle, whether the handler answers by returning or
  // later, from another thread (Request::Defer).
  auto deferral = std::make_shared<DeferredResponse>(
      [this, req, ticket = std::move(ticket)](Response response) mutable {
        Send(req, std::move(response), /*close=*/false, std::move(ticket));
      });
  Response response;
  bool deferred = false;
  try {
    Request request = ToRequest(*req);
    request.id = FormatRequestId(request_id_prefix_, ticket_ref.id);
    request.deferral = deferral;
    response = handler_(request);
    deferred = request.deferred;
    ticket_ref.route = request.route;
    ticket_ref.tenant = std::move(request.tenant);
  } catch (const std::exception& e) {
    // The query is left out of the log: it may carry tokens.
    spdlog::error("{} {}: handler threw: {}", req->header().method().c_str(), req->header().path(),
                  e.what());
    response = Response::Text("Internal error", 500);
  } catch (...) {
    spdlog::error("{} {}: handler threw a non-standard exception", req->header().method().c_str(),
                  req->header().path());
    response = Response::Text("Internal error", 500);
  }
  if (!deferred) deferral->Complete(std::move(response));
  deferral->HandlerReturned();
  if (!deferral->completed()) Park(deferral);
}

void Server::Impl::Park(const std::shared_ptr<DeferredResponse>& deferral) {
  std::lock_guard lock(parked_mu_);
  // Forget the answered ones first, so that the list stays as long as the responses awaited.
  std::erase_if(parked_, [](const std::weak_ptr<DeferredResponse>& w) {
    auto d = w.lock();
    return d == nullptr || d->completed();
  });
  parked_.push_back(deferral);
}

void Server::Impl::AnswerParked() {
  std::vector<std::weak_ptr<DeferredResponse>> parked;
  {
    std::lock_guard lock(parked_mu_);
    parked.swap(parked_);
  }
  for (const auto& w : parked) {
    if (auto d = w.lock()) d->Complete(Response::Text("Server is shutting down", 503));
  }
}

Request Server::Impl::ToRequest(const restinio::request_t& req) const {
  Request r;
  const auto& head = req.header();
  r.method = head.method().c_str();
  r.target = head.request_target();
  TargetParts parts = SplitTarget(r.target);
  r.path = UrlDecode(parts.path, /*plus_as_space=*/false);
  r.query = ParseUrlEncoded(parts.query);
  head.for_each_field([&r](const restinio::http_header_field_t& field) {
    std::string name = ToLower(field.name());
    auto [it, inserted] = r.headers.emplace(name, field.value());
    if (!inserted) it->second += (name == "cookie" ? "; " : ", ") + field.value();
  });
  r.cookies = ParseCookies(r.Header("cookie"), &r.repeated_cookies);
  r.body = req.body();
  if (IsFormContentType(r.Header("content-type"))) r.form = ParseUrlEncoded(r.body);
  ClientInfo client =
      ResolveClient(req.remote_endpoint().address().to_string(), r.Header("x-forwarded-for"),
                    r.Header("x-forwarded-proto"), trusted_);
  r.remote_ip = std::move(client.ip);
  r.secure = client.secure;
  return r;
}

void Server::Impl::Send(const restinio::request_handle_t& req, Response response, bool close,
                        TicketPtr ticket) noexcept {
  try {
    if (response.status < 100 || response.status > 599) {
      spdlog::error("handler returned HTTP status {}; sending 500", response.status);
      response = Response::Text("Internal error", 500);
    }
    const bool head = req->header().method() == restinio::http_method_head();
    auto builder =
        req->create_response<restinio::user_controlled_output_t>(restinio::http_status_line_t(
            restinio::http_status_code_t(response.status), ReasonPhrase(response.status)));
    size_t length = response.body.size();
    for (auto& [name, value] : response.headers) {
      if (EqualsIgnoreCase(name, "content-length")) {
        // Only a HEAD response may announce a body it does not carry.
        if (head) std::from_chars(value.data(), value.data() + value.size(), length);
        continue;
      }
      // RESTinio owns the framing.
      if (EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "transfer-encoding")) {
        continue;
      }
      if (!IsSafeHeader(name, value)) {
        spdlog::error(
            "dropping response header '{}': not a token or a control character in its value", name);
        continue;
      }
      builder.append_header(std::move(name), std::move(value));
    }
    builder.append_header("X-Request-Id", FormatRequestId(request_id_prefix_, ticket->id));
    builder.set_content_length(length);
    if (!head && !response.body.empty()) builder.set_body(std::move(response.body));
    if (close) builder.connection_close();
    Record(*req, *ticket, response.status);
    // The callback owns the ticket: RESTinio destroys it once the write ends, however it ends.
    builder.done([ticket = std::move(ticket)](const asio::error_code&) {});
  } catch (const std::exception& e) {
    spdlog::error("cannot send a response: {}", e.what());
  }
}

bool Server::Impl::ServedInline(const restinio::request_t& req) const {
  const auto method = req.header().method();
  if (method != restinio::http_method_get() && method != restinio::http_method_head()) {
    return false;
  }
  const std::string_view target = req.header().request_target();
  for (const std::string& path : options_.inline_paths) {
    if (target == path) return true;
  }
  return false;
}

void Server::Impl::Record(const restinio::request_t& req, const Ticket& ticket, int status) const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ticket.arrived).count();
  const std::string_view route = ticket.route.empty() ? "unmatched" : ticket.route;
  const std::string_view method = MetricMethod(req.header().method().c_str());
  char status_text[4];
  std::to_chars(status_text, status_text + 3, status);
  status_text[3] = 0;
  metrics::HttpRequests().Add({route, method, std::string_view(status_text, 3)});
  metrics::HttpRequestSeconds().Observe({route}, seconds);
  const std::string id = FormatRequestId(request_id_prefix_, ticket.id);
  RequestLine line;
  line.id = id;
  line.method = method;
  line.route = route;
  line.status = status;
  line.millis = seconds * 1000;
  line.tenant = ticket.tenant;
  const std::string_view target = req.header().request_target();
  for (const std::string& path : options_.probe_paths) line.probe = line.probe || target == path;
  LogRequest(line);
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }
uint16_t Server::port() const { return impl_->port(); }

}  // namespace secinfo::http
