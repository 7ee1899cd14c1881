// Shared helpers for the API tests: admin/public calls, test clients and tokens, and trace
// inspection.
#pragma once

#include <gtest/gtest.h>

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

// A client with the client-credentials grant (plus `extra` fields), its secret remembered.
struct TestClient {
  std::string id;
  std::string secret;
};

inline TestClient make_client(Harness& h, boost::json::object extra = {}) {
  TestClient c{unique_id("client"), ""};
  c.secret = "s3cret-" + c.id;
  remember_secret(c.secret);
  extra["client_id"] = c.id;
  extra["client_secret"] = c.secret;
  if (!extra.contains("grant_types"))
    extra["grant_types"] = boost::json::array{"client_credentials"};
  auto r = post_json(h.admin_port(), "/admin/clients", extra);
  EXPECT_EQ(r.status, 201u) << r.body;
  return c;
}

inline std::string get_token(Harness& h, const TestClient& c, const std::string& extra = "") {
  auto r = post_form(h.public_port(), "/oauth2/token", "grant_type=client_credentials" + extra,
                     {{"Authorization", basic_auth(c.id, c.secret)}});
  EXPECT_EQ(r.status, 200u) << r.body;
  remember_secret(basic_auth(c.id, c.secret).substr(6));
  if (r.status != 200) return "";
  std::string token(r.json().at("access_token").as_string());
  remember_secret(token);
  return token;
}

inline boost::json::object introspect(Harness& h, const std::string& token,
                                      const std::string& extra = "") {
  auto r =
      post_form(h.admin_port(), "/admin/oauth2/introspect", "token=" + form_encode(token) + extra);
  EXPECT_EQ(r.status, 200u) << r.body;
  auto v = r.json();
  return v.is_object() ? v.as_object() : boost::json::object();
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
