// Shared helpers for the API tests: admin/public calls and trace inspection.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "argus/trace/trace.h"
#include "service/harness.h"
#include "service/http_client.h"

namespace argus::service_test {

inline HttpResult post_json(std::uint16_t port, const std::string& target,
                            const boost::json::value& body, Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return http_request(port, boost::beast::http::verb::post, target, boost::json::serialize(body),
                      headers);
}

inline HttpResult post_form(std::uint16_t port, const std::string& target, const std::string& body,
                            Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return http_request(port, boost::beast::http::verb::post, target, body, headers);
}

inline const argus::trace::AttributeValue* attr(const argus::trace::SpanData& s,
                                                std::string_view key) {
  return s.attributes.find(key);
}

inline std::string str_attr(const argus::trace::SpanData& s, std::string_view key) {
  auto* v = attr(s, key);
  return v && v->type() == argus::trace::AttributeType::kString ? std::string(v->as_string()) : "";
}

inline std::int64_t int_attr(const argus::trace::SpanData& s, std::string_view key) {
  auto* v = attr(s, key);
  return v && v->type() == argus::trace::AttributeType::kInt ? v->as_int() : -1;
}

// The server span of the last request with this path and status, or null.
inline const argus::trace::SpanData* server_span(const std::vector<argus::trace::SpanData>& spans,
                                                 std::string_view path, std::int64_t status) {
  const argus::trace::SpanData* found = nullptr;
  for (const auto& s : spans)
    if (s.kind == argus::trace::SpanKind::kServer && str_attr(s, "url.path") == path &&
        int_attr(s, "http.status_code") == status)
      found = &s;
  return found;
}

inline std::vector<const argus::trace::SpanData*> in_trace(
    const std::vector<argus::trace::SpanData>& spans, const argus::trace::TraceId& id) {
  std::vector<const argus::trace::SpanData*> out;
  for (const auto& s : spans)
    if (s.context.trace_id == id) out.push_back(&s);
  return out;
}

// Whether `s` descends from `ancestor` through spans of `trace`.
inline bool descends_from(const argus::trace::SpanData& s, const argus::trace::SpanData& ancestor,
                          const std::vector<const argus::trace::SpanData*>& trace) {
  argus::trace::SpanId parent = s.parent_span_id;
  for (std::size_t depth = 0; depth < trace.size() && parent.is_valid(); ++depth) {
    if (parent == ancestor.context.span_id) return true;
    const argus::trace::SpanData* next = nullptr;
    for (auto* t : trace)
      if (t->context.span_id == parent) next = t;
    if (!next) return false;
    parent = next->parent_span_id;
  }
  return false;
}

}  // namespace argus::service_test
