// Spans of the storage layer, on every back end: one client span per SQL interaction with
// OpenTelemetry's database attributes, parented correctly, and no argument value anywhere.
#include <string>
#include <vector>

#include "store/store_fixture.h"

namespace argus::store::testing {
namespace {

std::string attr_string(const trace::SpanData& span, std::string_view key) {
  const auto* v = span.attributes.find(key);
  return v != nullptr && v->type() == trace::AttributeType::kString ? std::string(v->as_string())
                                                                    : std::string();
}

std::vector<std::string> names(const std::vector<trace::SpanData>& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(s.name);
  return out;
}

// Every string the span carries: name, status, attribute values, event names and attributes.
void collect_strings(const trace::AttributeList& list, std::vector<std::string>& out) {
  for (const auto& a : list.items()) {
    out.push_back(a.key);
    if (a.value.type() == trace::AttributeType::kString) out.emplace_back(a.value.as_string());
    if (a.value.type() == trace::AttributeType::kStringArray) {
      for (const auto& s : a.value.string_array()) out.push_back(s);
    }
  }
}

std::vector<std::string> strings_of(const trace::SpanData& span) {
  std::vector<std::string> out = {span.name, span.status.message};
  collect_strings(span.attributes, out);
  for (const auto& e : span.events()) {
    out.push_back(e.name);
    collect_strings(e.attributes, out);
  }
  return out;
}

std::string expected_system(Backend b) {
  switch (b) {
    case Backend::kPostgres:
      return "postgresql";
    case Backend::kMariadb:
      return "mysql";
    default:
      return "sqlite";
  }
}

TEST_P(StoreTest, EverySqlInteractionIsAClientSpanUnderTheCurrentSpan) {
  spans_->clear();
  auto request_span = tracer().start_span("request");
  const auto request = request_span.context();
  {
    trace::Scope scope(request_span);
    ASSERT_TRUE(store_->create_client(sample_client("traced")));
  }
  request_span.end();
  auto spans = spans_->spans();
  EXPECT_EQ(names(spans), (std::vector<std::string>{"connection.acquire", "BEGIN",
                                                    "INSERT oauth2_clients", "COMMIT", "request"}));
  for (const auto& s : spans) {
    if (s.name == "request") continue;
    EXPECT_EQ(s.kind, trace::SpanKind::kClient) << s.name;
    EXPECT_EQ(s.context.trace_id, request.trace_id) << s.name;
    EXPECT_EQ(s.parent_span_id, request.span_id) << s.name;
    EXPECT_EQ(attr_string(s, "db.system"), expected_system(GetParam())) << s.name;
    EXPECT_FALSE(attr_string(s, "db.name").empty()) << s.name;
    if (GetParam() == Backend::kPostgres || GetParam() == Backend::kMariadb) {
      EXPECT_EQ(attr_string(s, "server.address"), "127.0.0.1") << s.name;
      ASSERT_NE(s.attributes.find("server.port"), nullptr) << s.name;
      EXPECT_GT(s.attributes.find("server.port")->as_int(), 0);
    }
  }
  const auto& insert = spans[2];
  auto statement = attr_string(insert, "db.statement");
  EXPECT_TRUE(statement.starts_with("INSERT INTO oauth2_clients (client_id")) << statement;
  EXPECT_NE(statement.find(GetParam() == Backend::kPostgres ? "$19" : "?"), std::string::npos);
  EXPECT_EQ(statement.find("traced"), std::string::npos);
  EXPECT_EQ(attr_string(insert, "db.operation"), "INSERT");
  EXPECT_EQ(attr_string(insert, "db.sql.table"), "oauth2_clients");
  ASSERT_NE(insert.attributes.find("db.rows_affected"), nullptr);
  EXPECT_EQ(insert.attributes.find("db.rows_affected")->as_int(), 1);
  EXPECT_EQ(insert.status.code, trace::StatusCode::kUnset);
}

TEST_P(StoreTest, FailedInsertShowsAnErrorSpanAndARollback) {
  ASSERT_TRUE(store_->create_client(sample_client("twice")));
  spans_->clear();
  auto r = store_->create_client(sample_client("twice"));
  ASSERT_FALSE(r);
  auto spans = spans_->spans();
  EXPECT_EQ(names(spans), (std::vector<std::string>{"connection.acquire", "BEGIN",
                                                    "INSERT oauth2_clients", "ROLLBACK"}));
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(spans[2].status.code, trace::StatusCode::kError);
  EXPECT_EQ(attr_string(spans[2], "error.type"), "conflict");
  EXPECT_EQ(spans[2].status.message.find("twice"), std::string::npos) << spans[2].status.message;
  EXPECT_EQ(spans[3].status.code, trace::StatusCode::kUnset);
}

TEST_P(StoreTest, AnExplicitParentWinsOverTheCurrentSpan) {
  auto request = tracer().start_span("request", {.root = true});
  auto other = tracer().start_span("unrelated", {.root = true});
  spans_->clear();
  {
    trace::Scope scope(other);
    CallContext ctx{&request.context()};
    ASSERT_EQ(store_->get_client("missing", ctx).error().code, Error::Code::not_found);
  }
  auto spans = spans_->spans();
  ASSERT_EQ(names(spans),
            (std::vector<std::string>{"connection.acquire", "SELECT oauth2_clients"}));
  ASSERT_NE(spans[1].attributes.find("db.response.returned_rows"), nullptr);
  EXPECT_EQ(spans[1].attributes.find("db.response.returned_rows")->as_int(), 0);
  EXPECT_EQ(spans[1].attributes.find("db.rows_affected"), nullptr);
  for (const auto& s : spans) {
    EXPECT_EQ(s.context.trace_id, request.context().trace_id);
    EXPECT_EQ(s.parent_span_id, request.context().span_id);
  }
}

TEST_P(StoreTest, NoArgumentValueEverAppearsInASpan) {
  const std::string secret_hash = "$2b$10$SECRETHASHvalue0123456789abcdefghijklmnopqrstuvwxy";
  const std::string signature = "SIGNATURE-secret-4f1c2b";
  const std::string subject = "SUBJECT-secret-77";
  const std::string id = "ID-secret-' OR 1=1 --";
  auto client = sample_client(id);
  client.client_secret_hash = secret_hash;
  client.client_name = "NAME-secret";
  client.owner = "OWNER-secret";
  client.metadata = R"({"METADATA-secret":true})";
  spans_->clear();
  ASSERT_TRUE(store_->create_client(client));
  ASSERT_FALSE(store_->create_client(client));  // conflict: error paths too
  ASSERT_TRUE(store_->get_client(id));
  ASSERT_TRUE(store_->list_clients({.client_name = "NAME-secret", .owner = "OWNER-secret"}, {}));
  client.client_secret_hash = secret_hash + "-2";
  ASSERT_TRUE(store_->update_client(client));
  auto token = sample_token(signature, id);
  token.subject = subject;
  ASSERT_TRUE(store_->insert_token(token));
  ASSERT_FALSE(store_->insert_token(token));
  ASSERT_TRUE(store_->get_token(signature));
  ASSERT_TRUE(store_->revoke_token(signature, "OTHER-secret-client"));
  ASSERT_TRUE(store_->revoke_token(signature, id));
  ASSERT_TRUE(store_->delete_client(id));
  auto spans = spans_->spans();
  EXPECT_GE(spans.size(), 30u);
  for (const auto& s : spans) {
    for (const auto& text : strings_of(s)) {
      for (const std::string& needle :
           {std::string("SECRETHASH"), signature, subject, std::string("ID-secret"),
            std::string("NAME-secret"), std::string("OWNER-secret"), std::string("METADATA-secret"),
            std::string("OTHER-secret")}) {
        EXPECT_EQ(text.find(needle), std::string::npos) << s.name << ": " << text;
      }
    }
  }
}

TEST_P(StoreTest, NoTracerMeansNoSpans) {
  StoreOptions options;  // tracer = nullptr
  auto store = open_store(db_->dsn(), options);
  ASSERT_TRUE(store);
  if (GetParam() == Backend::kMemory) {
    ASSERT_TRUE((*store)->migrate());
  }
  spans_->clear();
  ASSERT_TRUE((*store)->ping());
  EXPECT_EQ(spans_->size(), 0u);
}

}  // namespace
}  // namespace argus::store::testing
