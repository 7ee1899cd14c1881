// The storage conformance suite: the same tests against memory, an SQLite file, PostgreSQL and
// MariaDB.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "store/store_fixture.h"

namespace argus::store::testing {
namespace {

std::vector<std::string> ids(const ClientPage& page) {
  std::vector<std::string> out;
  for (const auto& c : page.clients) out.push_back(c.client_id);
  return out;
}

std::vector<std::string> all_ids(Store& store, const ClientFilter& filter = {}) {
  std::vector<std::string> out;
  PageRequest page;
  for (int i = 0; i < 100; ++i) {  // bounded: a broken token chain must not loop forever
    auto r = store.list_clients(filter, page);
    EXPECT_TRUE(r) << r.error().message;
    if (!r) break;
    for (auto& id : ids(*r)) out.push_back(id);
    if (r->next_page_token.empty()) break;
    page.page_token = r->next_page_token;
  }
  return out;
}

TEST_P(StoreTest, PingSucceeds) {
  EXPECT_TRUE(store_->ping());
}

TEST_P(StoreTest, CreateThenGetReturnsEveryField) {
  auto client = sample_client("client-a");
  auto created = store_->create_client(client);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, client);
  auto got = store_->get_client("client-a");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, client);
}

TEST_P(StoreTest, CreateFillsMissingTimestamps) {
  auto client = sample_client("client-t");
  client.created_at = 0;
  client.updated_at = 0;
  auto before = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto created = store_->create_client(client);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GE(created->created_at, before);
  EXPECT_EQ(created->updated_at, created->created_at);
  auto got = store_->get_client("client-t");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->created_at, created->created_at);
}

TEST_P(StoreTest, EmptyListsAndFieldsRoundTrip) {
  Client client;
  client.client_id = "bare";
  client.metadata = "{}";
  ASSERT_TRUE(store_->create_client(client));
  auto got = store_->get_client("bare");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->client_id, "bare");
  EXPECT_TRUE(got->grant_types.empty());
  EXPECT_TRUE(got->audience.empty());
  EXPECT_EQ(got->client_secret_hash, "");
}

TEST_P(StoreTest, DuplicateClientIdIsConflictAndKeepsTheOriginal) {
  auto original = sample_client("dup");
  ASSERT_TRUE(store_->create_client(original));
  auto second = sample_client("dup");
  second.client_name = "impostor";
  second.client_secret_hash = "other-hash";
  auto r = store_->create_client(second);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::conflict);
  auto got = store_->get_client("dup");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, original);
}

TEST_P(StoreTest, UnknownClientIsNotFound) {
  auto r = store_->get_client("nobody");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::not_found);
}

TEST_P(StoreTest, UpdateReplacesTheWholeRecordButCreatedAt) {
  auto client = sample_client("upd");
  ASSERT_TRUE(store_->create_client(client));
  Client changed;
  changed.client_id = "upd";
  changed.client_name = "renamed";
  changed.scope = "read";
  changed.grant_types = {"client_credentials", "refresh_token"};
  changed.metadata = R"({"x":[1,2]})";
  changed.created_at = 42;  // ignored: creation time is kept
  changed.updated_at = 1800000000;
  auto updated = store_->update_client(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  changed.created_at = client.created_at;
  EXPECT_EQ(*updated, changed);
  auto got = store_->get_client("upd");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, changed);
}

TEST_P(StoreTest, UpdateWithIdenticalValuesStillFindsTheRow) {
  auto client = sample_client("same");
  ASSERT_TRUE(store_->create_client(client));
  auto updated = store_->update_client(client);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(*updated, client);
}

TEST_P(StoreTest, UpdateUnknownIsNotFound) {
  auto r = store_->update_client(sample_client("ghost"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::not_found);
  EXPECT_FALSE(store_->get_client("ghost"));
}

TEST_P(StoreTest, DeleteRemovesTheClientAndItsTokens) {
  ASSERT_TRUE(store_->create_client(sample_client("del")));
  ASSERT_TRUE(store_->create_client(sample_client("keep")));
  ASSERT_TRUE(store_->insert_token(sample_token("sig-del", "del")));
  ASSERT_TRUE(store_->insert_token(sample_token("sig-keep", "keep")));
  ASSERT_TRUE(store_->delete_client("del"));
  EXPECT_EQ(store_->get_client("del").error().code, Error::Code::not_found);
  EXPECT_EQ(store_->get_token("sig-del").error().code, Error::Code::not_found);
  EXPECT_TRUE(store_->get_client("keep"));
  EXPECT_TRUE(store_->get_token("sig-keep"));
  auto again = store_->delete_client("del");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Error::Code::not_found);
}

// delete_client deletes tokens first; when the client turns out absent the transaction must roll
// back, leaving the (orphan) tokens in place: no half-done write.
TEST_P(StoreTest, FailedDeleteRollsBackItsFirstStatement) {
  ASSERT_TRUE(store_->insert_token(sample_token("orphan-sig", "no-such-client")));
  auto r = store_->delete_client("no-such-client");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::not_found);
  EXPECT_TRUE(store_->get_token("orphan-sig"));
}

TEST_P(StoreTest, ListPaginatesInBytewiseIdOrder) {
  std::vector<std::string> created = {"b", "a", "B", "c-1", "c-10", "c-2", "Z"};
  for (const auto& id : created) ASSERT_TRUE(store_->create_client(sample_client(id)));
  std::sort(created.begin(), created.end());  // bytewise: uppercase before lowercase
  PageRequest page;
  page.page_size = 3;
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 10; ++i) {
    auto r = store_->list_clients({}, page);
    ASSERT_TRUE(r) << r.error().message;
    pages.push_back(ids(*r));
    if (r->next_page_token.empty()) break;
    page.page_token = r->next_page_token;
  }
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0], (std::vector<std::string>{created[0], created[1], created[2]}));
  EXPECT_EQ(pages[1], (std::vector<std::string>{created[3], created[4], created[5]}));
  EXPECT_EQ(pages[2], (std::vector<std::string>{created[6]}));
}

TEST_P(StoreTest, ListOfExactlyOnePageHasNoNextToken) {
  for (const auto& id : {"p1", "p2"}) ASSERT_TRUE(store_->create_client(sample_client(id)));
  PageRequest page;
  page.page_size = 2;
  auto r = store_->list_clients({}, page);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->clients.size(), 2u);
  EXPECT_TRUE(r->next_page_token.empty());
}

TEST_P(StoreTest, ListFiltersByNameAndOwner) {
  auto a = sample_client("f-a");
  a.owner = "alice";
  a.client_name = "shared";
  auto b = sample_client("f-b");
  b.owner = "bob";
  b.client_name = "shared";
  auto c = sample_client("f-c");
  c.owner = "alice";
  c.client_name = "solo";
  for (const auto& x : {a, b, c}) ASSERT_TRUE(store_->create_client(x));
  EXPECT_EQ(all_ids(*store_, {.client_name = "", .owner = "alice"}),
            (std::vector<std::string>{"f-a", "f-c"}));
  EXPECT_EQ(all_ids(*store_, {.client_name = "shared", .owner = ""}),
            (std::vector<std::string>{"f-a", "f-b"}));
  EXPECT_EQ(all_ids(*store_, {.client_name = "shared", .owner = "alice"}),
            (std::vector<std::string>{"f-a"}));
  EXPECT_EQ(all_ids(*store_, {.client_name = "SHARED", .owner = ""}), std::vector<std::string>{});
  EXPECT_EQ(all_ids(*store_).size(), 3u);
}

TEST_P(StoreTest, MalformedPageTokenIsInvalid) {
  for (const char* token : {"garbage", "k1.zz", "k1.abc", "k1.4"}) {
    PageRequest page;
    page.page_token = token;
    auto r = store_->list_clients({}, page);
    ASSERT_FALSE(r) << token;
    EXPECT_EQ(r.error().code, Error::Code::invalid) << token;
  }
}

TEST_P(StoreTest, SqlInjectionInIdsIsStoredVerbatim) {
  const std::vector<std::string> nasty = {
      "x'; DROP TABLE oauth2_clients; --",
      "\" OR 1=1 --",
      "' OR '1'='1",
      "%_\\",
      "a\\'b",
      "$1",
      "?",
      "); DELETE FROM oauth2_access_tokens; (",
  };
  for (const auto& id : nasty) {
    auto r = store_->create_client(sample_client(id));
    ASSERT_TRUE(r) << id << ": " << r.error().message;
  }
  for (const auto& id : nasty) {
    auto got = store_->get_client(id);
    ASSERT_TRUE(got) << id;
    EXPECT_EQ(got->client_id, id);
  }
  auto sorted = nasty;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(all_ids(*store_), sorted);
  EXPECT_EQ(store_->get_client("anything' OR '1'='1").error().code, Error::Code::not_found);
  EXPECT_EQ(all_ids(*store_, {.client_name = "' OR '1'='1", .owner = ""}).size(), 0u);
  ASSERT_TRUE(store_->delete_client("' OR '1'='1"));
  EXPECT_EQ(all_ids(*store_).size(), nasty.size() - 1);
}

TEST_P(StoreTest, IdsAreCaseSensitiveAndUnicode) {
  for (const char* id :
       {"Client", "client", "CLIENT", "клиент", "客户", "emoji-\xF0\x9F\x98\x80"}) {
    auto r = store_->create_client(sample_client(id));
    ASSERT_TRUE(r) << id << ": " << r.error().message;
    auto got = store_->get_client(id);
    ASSERT_TRUE(got) << id;
    EXPECT_EQ(got->client_id, id);
  }
  EXPECT_EQ(all_ids(*store_).size(), 6u);
}

TEST_P(StoreTest, BadFieldsAreInvalidAndWriteNothing) {
  struct Case {
    std::string what;
    Client client;
  };
  std::vector<Case> cases;
  cases.push_back({"empty id", sample_client("")});
  cases.push_back({"long id", sample_client(std::string(256, 'x'))});
  cases.push_back({"NUL in id", sample_client(std::string("a\0b", 3))});
  cases.push_back({"bad UTF-8 id", sample_client("bad\xC3\x28")});
  auto name = sample_client("ok-id");
  name.client_name = "overlong \xC0\xAF";
  cases.push_back({"overlong UTF-8 name", name});
  auto list = sample_client("ok-id2");
  list.redirect_uris = {"https://x", std::string("nul\0", 4)};
  cases.push_back({"NUL in list", list});
  for (const auto& c : cases) {
    auto r = store_->create_client(c.client);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code, Error::Code::invalid) << c.what;
  }
  EXPECT_EQ(all_ids(*store_).size(), 0u);
  EXPECT_TRUE(store_->create_client(sample_client(std::string(255, 'x'))));
}

TEST_P(StoreTest, TokensRoundTripAndRevokeOnlyByTheirOwner) {
  auto token = sample_token("sig-1", "owner-client");
  ASSERT_TRUE(store_->insert_token(token));
  auto got = store_->get_token("sig-1");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, token);

  auto other = store_->revoke_token("sig-1", "other-client");
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, RevokeOutcome::kNotOwner);
  EXPECT_FALSE(store_->get_token("sig-1")->revoked);

  auto mine = store_->revoke_token("sig-1", "owner-client");
  ASSERT_TRUE(mine);
  EXPECT_EQ(*mine, RevokeOutcome::kRevoked);
  EXPECT_TRUE(store_->get_token("sig-1")->revoked);
  EXPECT_EQ(*store_->revoke_token("sig-1", "owner-client"), RevokeOutcome::kRevoked);
  EXPECT_EQ(*store_->revoke_token("sig-unknown", "owner-client"), RevokeOutcome::kNotFound);
  EXPECT_EQ(store_->get_token("sig-unknown").error().code, Error::Code::not_found);
}

TEST_P(StoreTest, DuplicateTokenSignatureIsConflict) {
  ASSERT_TRUE(store_->insert_token(sample_token("sig-d", "c1")));
  auto r = store_->insert_token(sample_token("sig-d", "c2"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::conflict);
  EXPECT_EQ(store_->get_token("sig-d")->client_id, "c1");
}

TEST_P(StoreTest, DeleteClientTokensRemovesOnlyThatClientsTokens) {
  ASSERT_TRUE(store_->create_client(sample_client("leaky")));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->insert_token(sample_token("leaky-" + std::to_string(i), "leaky")));
  ASSERT_TRUE(store_->insert_token(sample_token("other-0", "other")));
  auto removed = store_->delete_client_tokens("leaky");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 3);
  EXPECT_EQ(store_->get_token("leaky-1").error().code, Error::Code::not_found);
  EXPECT_TRUE(store_->get_token("other-0"));
  EXPECT_TRUE(store_->get_client("leaky"));  // the client stays
  EXPECT_EQ(*store_->delete_client_tokens("leaky"), 0);
  EXPECT_EQ(*store_->delete_client_tokens("no-such-client' OR '1'='1"), 0);
  EXPECT_TRUE(store_->get_token("other-0"));
}

TEST_P(StoreTest, DeleteExpiredTokensRemovesExactlyTheExpired) {
  for (int i = 0; i < 5; ++i) {
    auto t = sample_token("exp-" + std::to_string(i), "c");
    t.expires_at = 1000 + i;  // 1000..1004
    ASSERT_TRUE(store_->insert_token(t));
  }
  auto removed = store_->delete_expired_tokens(1003);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 3);
  EXPECT_FALSE(store_->get_token("exp-2"));
  EXPECT_TRUE(store_->get_token("exp-3"));
  EXPECT_EQ(*store_->delete_expired_tokens(1003), 0);
}

TEST_P(StoreTest, MigrationsAreVersionedAndIdempotent) {
  auto again = store_->migrate();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
  if (GetParam() == Backend::kMemory) return;  // a new memory store is a new database
  auto via_cli = migrate(db_->dsn());
  ASSERT_TRUE(via_cli) << via_cli.error().message;
  EXPECT_EQ(*via_cli, 0);
}

TEST_P(StoreTest, ConcurrentCallsShareThePool) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "conc-" + std::to_string(t) + "-" + std::to_string(i);
        if (!store_->create_client(sample_client(id))) ++failures;
        if (!store_->get_client(id)) ++failures;
        if (!store_->insert_token(sample_token("tok-" + id, id))) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(all_ids(*store_).size(), static_cast<std::size_t>(kThreads * kPerThread));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(all_backends()),
                         [](const auto& info) { return name(info.param); });

}  // namespace
}  // namespace argus::store::testing
