// w3c-test-server PORT: serves the W3C Trace Context test protocol on 127.0.0.1:PORT until
// SIGTERM or SIGINT, then exits with status 0.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <iostream>
#include <string_view>

#include "argus/trace/propagation.h"
#include "argus/trace/tracer.h"
#include "server.h"

namespace asio = boost::asio;
namespace trace = argus::trace;

namespace {

bool parse_port(std::string_view s, unsigned short& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value > 65535) return false;
  port = static_cast<unsigned short>(value);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  if (argc != 2 || !parse_port(argv[1], port)) {
    std::cerr << "usage: w3c-test-server PORT   (listens on 127.0.0.1:PORT; 0 picks one)\n";
    return 2;
  }
  auto provider = trace::TracerProvider::create({});
  if (!provider) {
    std::cerr << "w3c-test-server: " << provider.error().message << "\n";
    return 1;
  }
  // Our own tracestate entry exercises the inject-side mutation rules.
  auto propagator = trace::make_trace_context_propagator(trace::TraceContextOptions{"argus"});
  if (!propagator) {
    std::cerr << "w3c-test-server: " << propagator.error().message << "\n";
    return 1;
  }
  try {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      io.stop();
    });
    argus::tools::w3c_server::ServiceContext service{(*provider)->tracer("w3c-test-server"),
                                                     **propagator};
    asio::co_spawn(io, argus::tools::w3c_server::accept_loop(acceptor, service), asio::detached);
    std::cout << "w3c-test-server listening on 127.0.0.1:" << acceptor.local_endpoint().port()
              << std::endl;
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "w3c-test-server: " << e.what() << "\n";
    return 1;
  }
  (*provider)->shutdown();
  return 0;
}
