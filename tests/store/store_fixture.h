// The fixture every back-end test shares: a fresh database for the parameter's back end, a store
// opened on it with migrations applied, and a tracer whose spans land in an in-memory exporter.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "argus/trace/in_memory_exporter.h"
#include "argus/trace/processor.h"
#include "argus/trace/sampler.h"
#include "argus/trace/tracer.h"
#include "store/backends.h"
#include "store/store.h"

namespace argus::store::testing {

inline std::unique_ptr<trace::TracerProvider> make_provider(
    std::shared_ptr<trace::InMemoryExporter::Storage>& spans) {
  auto exporter = std::make_unique<trace::InMemoryExporter>();
  spans = exporter->storage();
  trace::TracerProviderOptions options;
  options.sampler = trace::make_always_on_sampler();
  options.processor = std::make_unique<trace::SimpleSpanProcessor>(std::move(exporter));
  auto provider = trace::TracerProvider::create(std::move(options));
  return provider ? std::move(*provider) : nullptr;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    auto created = TestDatabase::create(GetParam(), why);
    if (!created) {
      if (servers_required()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    db_.emplace(std::move(*created));
    provider_ = make_provider(spans_);
    ASSERT_NE(provider_, nullptr);
    StoreOptions options;
    options.tracer = &provider_->tracer("argus.store.test");
    options.migrate_on_open = true;
    auto store = open_store(db_->dsn(), options);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    if (provider_) provider_->shutdown();
    db_.reset();
  }

  trace::Tracer& tracer() { return provider_->tracer("argus.store.test"); }

  std::optional<TestDatabase> db_;
  std::shared_ptr<trace::InMemoryExporter::Storage> spans_;
  std::unique_ptr<trace::TracerProvider> provider_;
  std::unique_ptr<Store> store_;
};

inline Client sample_client(const std::string& id) {
  Client c;
  c.client_id = id;
  c.client_name = "name of " + id;
  c.client_secret_hash = "$2b$10$abcdefghijklmnopqrstuuJ0123456789abcdefghijklmnopqrs";
  c.grant_types = {"client_credentials"};
  c.response_types = {"token"};
  c.scope = "read write";
  c.audience = {"https://api.example.com", "urn:other"};
  c.owner = "owner-1";
  c.redirect_uris = {"https://app.example.com/cb"};
  c.token_endpoint_auth_method = "client_secret_basic";
  c.contacts = {"ops@example.com"};
  c.client_uri = "https://app.example.com";
  c.logo_uri = "https://app.example.com/logo.png";
  c.policy_uri = "https://app.example.com/policy";
  c.tos_uri = "https://app.example.com/tos";
  c.metadata = R"({"tier":"gold","n":1})";
  c.created_at = 1700000000;
  c.updated_at = 1700000001;
  c.client_secret_expires_at = 0;
  return c;
}

inline AccessToken sample_token(const std::string& signature, const std::string& client_id) {
  AccessToken t;
  t.signature = signature;
  t.client_id = client_id;
  t.subject = client_id;
  t.scope = "read";
  t.audience = {"https://api.example.com"};
  t.issued_at = 1700000000;
  t.expires_at = 1700003600;
  return t;
}

}  // namespace argus::store::testing
