// The outgoing half of the test service: POST a JSON body to a harness URL with the trace
// context of a client span injected.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "argus/trace/propagation.h"

namespace argus::tools::w3c_server {

// Returns an empty string on success, else what went wrong (bad URL, connect, timeout...).
boost::asio::awaitable<std::string> post_json(std::string url, std::string body,
                                              trace::SpanContext context,
                                              const trace::Propagator& propagator);

}  // namespace argus::tools::w3c_server
