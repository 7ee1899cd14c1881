// The request and response types handlers see. A Request is a view over the parsed Beast
// message plus what routing and tracing added (route parameters, the server span's context);
// a Response is a plain value the server serialises. Handlers run on the worker pool and hand
// the response back; they never touch the socket.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argus/trace/span_context.h"
#include "argus/trace/tracer.h"

namespace argus::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct Request {
  const BeastRequest& raw;
  std::string_view path;   // as received (percent-encoded), without the query
  std::string_view query;  // without the '?'
  std::string_view route;  // the matched pattern, e.g. "/admin/clients/{id}"
  std::vector<std::pair<std::string_view, std::string>> params;  // decoded route parameters
  std::string_view client_address;
  // The server span's context: the parent for every child span (bcrypt, SQL). Valid even when
  // the span is not recorded, so propagation downstream keeps working.
  argus::trace::SpanContext span_context;
  argus::trace::Span* span = nullptr;  // the server span, to add attributes from the handler

  std::string_view param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
  std::string_view header(std::string_view name) const noexcept {
    auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
    if (it == raw.end()) return {};
    return {it->value().data(), it->value().size()};
  }
};

struct Response {
  unsigned status = 200;
  std::string body;
  std::string content_type;  // empty: application/json (saves an allocation per response)
  std::vector<std::pair<std::string, std::string>> headers;

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// A JSON error body `{"error": ..., "error_description": ...}` (RFC 6749 names where they apply).
Response json_error(unsigned status, std::string_view error, std::string_view description);

}  // namespace argus::http
