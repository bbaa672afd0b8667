#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/message.h"

namespace secinfo::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // listen address (IPv4 or IPv6 literal, or "localhost")
  uint16_t port = 8080;               // 0 picks a free port; see Server::port()
  int io_threads = 1;                 // RESTinio/asio threads: accept, parse, write; never block
  int worker_threads = 4;             // handlers run here: they may block (SQLite, Argon2id)
  size_t max_queued_requests = 1024;  // requests waiting for a worker; more are answered 503
  size_t max_body_bytes = 64 * 1024;  // larger bodies are answered 413 without calling the handler
  // Bodies above this are not even read: RESTinio drops the connection without a response. It
  // must be at least max_body_bytes, so that moderately large bodies still get a readable 413.
  size_t max_read_body_bytes = 1024 * 1024;
  std::vector<std::string> trusted_proxies;  // addresses or CIDRs allowed to set X-Forwarded-*
  // A response not sent within this time (queueing included) makes RESTinio close the connection.
  std::chrono::milliseconds request_timeout{30'000};
  // How long Stop() waits for responses already produced to be written before closing sockets.
  std::chrono::milliseconds drain_timeout{5'000};
  // GET and HEAD requests for exactly these targets are served on the io thread, skipping the
  // worker queue: only for handlers that answer at once and never block (/healthz), so that a
  // load balancer's probe is answered even while every worker is busy.
  std::vector<std::string> inline_paths;
  // Requests for these targets (health checks, metric scrapes) are logged at debug when they
  // succeed: they arrive every few seconds, forever.
  std::vector<std::string> probe_paths;
};

// An HTTP/1.1 server. RESTinio accepts and parses on io threads, then every request is handed to
// a fixed pool of worker threads that build a Request, call the Handler and send the Response.
//
// - A handler that throws yields a plain 500 "Internal error" and an error log line; the server
//   carries on.
// - A request whose body exceeds max_body_bytes gets 413; one arriving when the worker queue is
//   full gets 503, both without calling the handler.
// - HEAD responses carry no body; their Content-Length is the response's "Content-Length"
//   header when the handler (e.g. Router) set one, else the body's size.
// - Malformed requests: RESTinio closes the connection without answering.
// - A handler may answer later, from any thread (Request::Defer): it then holds no worker while
//   it waits. Responses still awaited when the server stops are answered 503.
// - Every response carries an X-Request-Id (also in Request::id), is counted in the metrics
//   (core/metrics.h: by route, method and status, with its latency) and logged in one line
//   (http/request_log.h).
//
// Thread-safe: Start, Stop and Wait may be called from any thread, but Stop and the destructor
// must not be called from a handler (they wait for handlers to finish).
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // Stop()

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and returns once listening. InvalidArgument for bad options; Unavailable, with the
  // reason, when the address cannot be bound (port taken, address not local);
  // FailedPrecondition when already running. A stopped server may be started again.
  Status Start();

  // Stops accepting connections, answers requests arriving on open connections with 503, lets
  // requests already accepted finish and be written (up to drain_timeout), then closes every
  // connection and joins all threads. Returns at once when not running.
  void Stop();

  // Blocks until Stop() has completed (e.g. when called from a signal-handling thread). Returns at
  // once when not running.
  void Wait();

  // The port actually bound (useful with port 0). REQUIRES: Start() succeeded.
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace secinfo::http
