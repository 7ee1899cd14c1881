// The seed page's example as tests: a duplicate POST /clients answers 409 and its trace has the
// top-level span (error=true, http.status_code=409), a dominant bcrypt.hash child with
// bcrypt.workfactor=10 and the SQL spans of the failed insert, all in one correctly nested
// trace; a client_credentials token request shows bcrypt.compare. Also: joining the caller's
// trace, an upstream B3 deny, the skipped health paths and the request log lines.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "service/api_helpers.h"

namespace argus::service_test {
namespace {
namespace json = boost::json;
using argus::trace::SpanData;
using argus::trace::SpanKind;
using boost::beast::http::verb;
using namespace std::chrono_literals;

TEST(ServiceTrace, SeedExampleDuplicateClientIs409WithItsTrace) {
  HarnessOptions options;
  options.bcrypt_cost = 10;
  START_HARNESS(h, options);
  std::string id = unique_id("seed");
  json::object body{{"client_id", id}, {"client_secret", "a-seed-secret-value"}};
  ASSERT_EQ(post_json(h->admin_port(), "/clients", body).status, 201u);
  auto dup = post_json(h->admin_port(), "/clients", body);
  ASSERT_EQ(dup.status, 409u);
  EXPECT_EQ(dup.json().at("error").as_string(), "conflict");

  auto spans = h->spans().spans();
  const SpanData* top = server_span(spans, "/clients", 409);
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->name, "/clients");
  EXPECT_EQ(top->kind, SpanKind::kServer);
  EXPECT_FALSE(top->parent_span_id.is_valid());
  EXPECT_EQ(str_attr(*top, "http.method"), "POST");
  ASSERT_NE(attr(*top, "error"), nullptr);
  EXPECT_TRUE(attr(*top, "error")->as_bool());
  EXPECT_EQ(str_attr(*top, "http.route"), "/clients");
  EXPECT_EQ(str_attr(*top, "server.address"), "127.0.0.1");
  EXPECT_EQ(int_attr(*top, "server.port"), h->admin_port());
  EXPECT_EQ(str_attr(*top, "client.address"), "127.0.0.1");
  EXPECT_EQ(str_attr(*top, "user_agent.original"), "argus-service-test");

  auto trace = in_trace(spans, top->context.trace_id);
  const SpanData* hash = nullptr;
  std::vector<const SpanData*> sql;
  for (auto* s : trace) {
    if (s->name == "bcrypt.hash") hash = s;
    if (!str_attr(*s, "db.system").empty()) sql.push_back(s);
  }
  ASSERT_NE(hash, nullptr);
  EXPECT_EQ(hash->parent_span_id, top->context.span_id);
  EXPECT_EQ(int_attr(*hash, "bcrypt.workfactor"), 10);
  EXPECT_GT(hash->duration_ns() * 2, top->duration_ns()) << "bcrypt should dominate the request";
  ASSERT_FALSE(sql.empty());
  bool failed_insert = false;
  for (auto* s : sql) {
    EXPECT_TRUE(descends_from(*s, *top, trace)) << s->name;
    EXPECT_GE(s->start_unix_ns, top->start_unix_ns);
    EXPECT_LE(s->end_unix_ns, top->end_unix_ns);
    if (s->status.code == argus::trace::StatusCode::kError) failed_insert = true;
  }
  EXPECT_TRUE(failed_insert) << "the failed INSERT must show as an errored SQL span";
  // The hash happens before the insert.
  for (auto* s : sql) {
    if (s->status.code == argus::trace::StatusCode::kError) {
      EXPECT_GE(s->start_unix_ns, hash->end_unix_ns);
    }
  }
}

TEST(ServiceTrace, ClientCredentialsTokenShowsBcryptCompare) {
  START_HARNESS(h);
  std::string id = unique_id("cc");
  std::string secret = "cc-secret-" + id;
  json::object body{{"client_id", id},
                    {"client_secret", secret},
                    {"grant_types", json::array{"client_credentials"}},
                    {"scope", "read write"}};
  ASSERT_EQ(post_json(h->admin_port(), "/admin/clients", body).status, 201u);
  auto token =
      post_form(h->public_port(), "/oauth2/token", "grant_type=client_credentials&scope=read",
                {{"Authorization", basic_auth(id, secret)}});
  ASSERT_EQ(token.status, 200u) << token.body;
  auto spans = h->spans().spans();
  const SpanData* top = server_span(spans, "/oauth2/token", 200);
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->name, "/oauth2/token");
  EXPECT_EQ(attr(*top, "error"), nullptr);
  auto trace = in_trace(spans, top->context.trace_id);
  const SpanData* compare = nullptr;
  std::size_t sql = 0;
  for (auto* s : trace) {
    if (s->name == "bcrypt.compare") compare = s;
    if (!str_attr(*s, "db.system").empty() && descends_from(*s, *top, trace)) ++sql;
  }
  ASSERT_NE(compare, nullptr);
  EXPECT_EQ(compare->parent_span_id, top->context.span_id);
  EXPECT_EQ(int_attr(*compare, "bcrypt.workfactor"), 4);
  EXPECT_GE(sql, 2u);  // the client lookup and the token insert
}

TEST(ServiceTrace, JoinsTheCallersTrace) {
  START_HARNESS(h);
  std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r = http_request(h->admin_port(), verb::get, "/admin/clients/" + unique_id("absent"), "",
                        {{"traceparent", traceparent}});
  EXPECT_EQ(r.status, 404u);
  auto spans = h->spans().spans();
  const SpanData* top = nullptr;
  for (const auto& s : spans)
    if (s.kind == SpanKind::kServer) top = &s;
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->context.trace_id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(top->parent_span_id.to_hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(top->parent_is_remote);
  EXPECT_TRUE(attr(*top, "error")->as_bool());
  EXPECT_EQ(int_attr(*top, "http.status_code"), 404);
}

TEST(ServiceTrace, B3DenyLeavesTheNewRootUnsampled) {
  START_HARNESS(h);
  std::string denied = "/admin/clients/" + unique_id("denied");
  std::string allowed = "/admin/clients/" + unique_id("allowed");
  std::string multi = "/admin/clients/" + unique_id("multi");
  EXPECT_EQ(http_request(h->admin_port(), verb::get, denied, "", {{"b3", "0"}}).status, 404u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, multi, "", {{"X-B3-Sampled", "0"}}).status,
            404u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, allowed).status, 404u);
  auto spans = h->spans().spans();
  EXPECT_EQ(server_span(spans, denied, 404), nullptr) << "b3: 0 must not sample a new root";
  EXPECT_EQ(server_span(spans, multi, 404), nullptr) << "X-B3-Sampled: 0 must not either";
  EXPECT_NE(server_span(spans, allowed, 404), nullptr);
  for (const auto& s : spans) {
    EXPECT_NE(str_attr(s, "url.path"), denied);
    EXPECT_NE(str_attr(s, "url.path"), multi);
  }
}

TEST(ServiceTrace, HealthPathsAreNotTracedByDefault) {
  START_HARNESS(h);
  EXPECT_EQ(http_request(h->public_port(), verb::get, "/health/alive").status, 200u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/health/ready").status, 200u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/nope").status, 404u);
  auto spans = h->spans().spans();
  for (const auto& s : spans)
    EXPECT_EQ(str_attr(s, "url.path").rfind("/health/", 0), std::string::npos);
  EXPECT_NE(server_span(spans, "/nope", 404), nullptr);
}

TEST(ServiceTrace, HealthPathsAreTracedWhenNotSkipped) {
  HarnessOptions options;
  options.skip_paths = {};
  START_HARNESS(h, options);
  EXPECT_EQ(http_request(h->public_port(), verb::get, "/health/alive").status, 200u);
  auto spans = h->spans().spans();
  EXPECT_NE(server_span(spans, "/health/alive", 200), nullptr);
}

TEST(ServiceTrace, SpanNamedAfterTheRouteWhenConfigured) {
  HarnessOptions options;
  options.span_name = "route";
  START_HARNESS(h, options);
  std::string id = unique_id("route");
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/admin/clients/" + id).status, 404u);
  auto spans = h->spans().spans();
  auto* top = server_span(spans, "/admin/clients/" + id, 404);
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->name, "/admin/clients/{id}");
}

TEST(ServiceLogs, TextRequestLinesCarryTraceAndSpanIds) {
  START_HARNESS(h);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/admin/clients?page_size=1").status, 200u);
  auto spans = h->spans().spans();
  auto* top = server_span(spans, "/admin/clients", 200);
  ASSERT_NE(top, nullptr);
  h->stop_and_join();
  std::string logs = h->logs();
  EXPECT_NE(logs.find("GET /admin/clients 200"), std::string::npos) << logs;
  EXPECT_NE(logs.find("trace_id=" + top->context.trace_id.to_hex()), std::string::npos) << logs;
  EXPECT_NE(logs.find("span_id=" + top->context.span_id.to_hex()), std::string::npos) << logs;
}

TEST(ServiceLogs, JsonRequestLinesAreJsonWithTraceIds) {
  HarnessOptions options;
  options.log_format = "json";
  START_HARNESS(h, options);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/admin/clients/none-such").status, 404u);
  auto spans = h->spans().spans();
  auto* top = server_span(spans, "/admin/clients/none-such", 404);
  ASSERT_NE(top, nullptr);
  h->stop_and_join();
  std::string logs = h->logs();
  bool found = false;
  std::size_t pos = 0;
  while (pos < logs.size()) {
    auto end = logs.find('\n', pos);
    std::string line = logs.substr(pos, end - pos);
    pos = end == std::string::npos ? logs.size() : end + 1;
    if (line.empty()) continue;
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    auto& o = v.as_object();
    EXPECT_TRUE(o.contains("time") && o.contains("level")) << line;
    if (o.contains("trace_id") && o.at("url.path").as_string() == "/admin/clients/none-such") {
      found = true;
      EXPECT_EQ(o.at("trace_id").as_string(), top->context.trace_id.to_hex());
      EXPECT_EQ(o.at("span_id").as_string(), top->context.span_id.to_hex());
      EXPECT_EQ(o.at("http.status_code").as_int64(), 404);
    }
  }
  EXPECT_TRUE(found) << logs;
}

}  // namespace
}  // namespace argus::service_test
