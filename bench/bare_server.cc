// The framework's limit: a RESTinio server that answers every request "ok", with nothing else.
// bench/run measures it beside /healthz so that secinfo's rate is read against what RESTinio
// itself does on the same machine, in the same run.
//
//   bench_bare_server PORT [THREADS]
//
// Listens on 127.0.0.1:PORT with THREADS io threads (default 1, as `secinfo serve` has) until
// SIGINT or SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <restinio/all.hpp>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_bare_server PORT [THREADS]\n");
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  auto handler = [](const restinio::request_handle_t& req) {
    return req->create_response()
        .append_header(restinio::http_field::content_type, "text/plain; charset=utf-8")
        .set_body("ok\n")
        .done();
  };
  try {
    if (threads <= 1) {
      restinio::run(
          restinio::on_this_thread<
              restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>>()
              .address("127.0.0.1")
              .port(port)
              .request_handler(handler));
    } else {
      restinio::run(
          restinio::on_thread_pool<
              restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>>(
              static_cast<std::size_t>(threads))
              .address("127.0.0.1")
              .port(port)
              .request_handler(handler));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bare_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
