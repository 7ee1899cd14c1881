#include "oauth2/api.h"

namespace argus::oauth2 {

argus::store::CallContext call_context(const http::Request& request) {
  argus::store::CallContext ctx;
  if (request.span_context.is_valid()) ctx.parent = &request.span_context;
  return ctx;
}

std::variant<FormParams, http::Response> read_query(const http::Request& request) {
  auto query = parse_urlencoded(request.query);
  if (!query) return http::json_error(400, "invalid_request", "The query string is malformed.");
  if (auto dup = query->first_duplicate(); !dup.empty())
    return http::json_error(400, "invalid_request", "Query parameter '" + dup + "' is duplicated.");
  return std::move(*query);
}

http::Response store_error(const argus::store::Error& error) {
  using Code = argus::store::Error::Code;
  switch (error.code) {
    case Code::not_found:
      return http::json_error(404, "not_found", "Unable to locate the requested resource.");
    case Code::conflict:
      return http::json_error(409, "conflict",
                              "Unable to insert or update the resource because a resource with "
                              "that value exists already.");
    case Code::invalid:
      return http::json_error(400, "invalid_request", error.message);
    case Code::unavailable:
      return http::json_error(503, "temporarily_unavailable",
                              "The database is unavailable; retry later.");
    case Code::internal:
      break;
  }
  return http::json_error(500, "server_error", "The database failed to handle the request.");
}

}  // namespace argus::oauth2
