// The incoming half of the test service: an HTTP/1.1 listener on 127.0.0.1 whose only route
// is POST /test.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "argus/trace/propagation.h"
#include "argus/trace/tracer.h"

namespace argus::tools::w3c_server {

struct ServiceContext {
  trace::Tracer& tracer;
  const trace::Propagator& propagator;
};

boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor,
                                         ServiceContext service);

}  // namespace argus::tools::w3c_server
