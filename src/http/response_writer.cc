#include "http/response_writer.h"

#include <boost/beast/http/status.hpp>
#include <charconv>

namespace argus::http::detail {
namespace {

bool header_safe(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  if (!header_safe(name) || !header_safe(value)) return;
  out.append(name).append(": ").append(value).append("\r\n");
}

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

// 1xx, 204 and 304 carry no body and no Content-Length.
bool has_no_payload(unsigned status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace

void serialize_response(const Response& response, unsigned version, bool keep_alive,
                        std::string& out) {
  namespace bhttp = boost::beast::http;
  out.clear();
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, response.status);
  auto reason = bhttp::obsolete_reason(bhttp::int_to_status(response.status));
  out.append(" ").append(reason.data(), reason.size()).append("\r\nServer: argus\r\n");
  if (!response.body.empty()) {
    append_header(out, "Content-Type",
                  response.content_type.empty() ? "application/json" : response.content_type);
  }
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  bool payload = !has_no_payload(response.status);
  if (payload) {
    out.append("Content-Length: ");
    append_number(out, response.body.size());
    out.append("\r\n");
  }
  if (version >= 11 && !keep_alive) out.append("Connection: close\r\n");
  if (version < 11 && keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  if (payload) out.append(response.body);
}

}  // namespace argus::http::detail
