// DSN parsing and open_store() failures that need no database server.
#include "store/dsn.h"

#include <gtest/gtest.h>

#include "store/store.h"

namespace argus::store {
namespace {

TEST(Dsn, Memory) {
  auto d = parse_dsn("memory");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, Dsn::Kind::kMemory);
}

TEST(Dsn, SqliteAbsoluteAndRelative) {
  auto abs = parse_dsn("sqlite:///var/lib/argus/db.sqlite?_fk=true");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->kind, Dsn::Kind::kSqlite);
  EXPECT_EQ(abs->path, "/var/lib/argus/db.sqlite");
  EXPECT_EQ(abs->params.at("_fk"), "true");
  auto rel = parse_dsn("sqlite://file.db?mode=rwc");
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->path, "file.db");
  auto spaced = parse_dsn("sqlite:///tmp/a%20b.db");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->path, "/tmp/a b.db");
}

TEST(Dsn, Postgres) {
  for (const char* scheme : {"postgres", "postgresql"}) {
    auto d = parse_dsn(std::string(scheme) +
                       "://us%40er:p%2Fa%3Ass@db.example:6543/hydra?sslmode=disable&max_conns=5");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->kind, Dsn::Kind::kPostgres);
    EXPECT_EQ(d->user, "us@er");
    EXPECT_EQ(d->password, "p/a:ss");
    EXPECT_EQ(d->host, "db.example");
    EXPECT_EQ(d->port, 6543);
    EXPECT_EQ(d->database, "hydra");
    EXPECT_EQ(d->params.at("sslmode"), "disable");
    EXPECT_EQ(d->params.at("max_conns"), "5");
  }
}

TEST(Dsn, PostgresWithoutPortOrUserAndIpv6) {
  auto d = parse_dsn("postgres://localhost/db");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 0);
  EXPECT_EQ(d->user, "");
  auto v6 = parse_dsn("postgres://u:p@[::1]:5433/db");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5433);
}

TEST(Dsn, MysqlPlainAndHydraTcpForm) {
  auto plain = parse_dsn("mysql://root:secret@127.0.0.1:3306/hydra");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->kind, Dsn::Kind::kMysql);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 3306);
  auto hydra = parse_dsn("mysql://root:secret@tcp(mysqld:3307)/hydra?max_conns=20&parseTime=true");
  ASSERT_TRUE(hydra) << hydra.error().message;
  EXPECT_EQ(hydra->user, "root");
  EXPECT_EQ(hydra->password, "secret");
  EXPECT_EQ(hydra->host, "mysqld");
  EXPECT_EQ(hydra->port, 3307);
  EXPECT_EQ(hydra->database, "hydra");
  EXPECT_EQ(hydra->params.at("parseTime"), "true");
}

TEST(Dsn, MalformedIsInvalidAndNeverEchoesThePassword) {
  for (const char* bad : {"", "bogus", "oracle://u:hunter2@h/db", "postgres://u:hunter2@h",
                          "postgres://u:hunter2@h:99999/db", "postgres://u:hunter2@h:x/db",
                          "postgres://u:hunter2@:5432/db", "mysql://u:hunter2@tcp(h:1/db",
                          "mysql://u:hunter2@unix(/tmp/s)/db", "postgres://u:hunter2@h:5432/",
                          "postgres://u:hunter2@[::1/db", "sqlite://", "postgres://u:hunt%zz@h/db",
                          "postgres://u:hunter2@h/db?=x"}) {
    auto d = parse_dsn(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, Error::Code::invalid) << bad;
    EXPECT_EQ(d.error().message.find("hunter2"), std::string::npos) << d.error().message;
    EXPECT_TRUE(d.error().message.starts_with("dsn: ")) << d.error().message;
  }
}

TEST(OpenStore, RejectsBadPoolSize) {
  for (const char* dsn : {"sqlite:///tmp/x.db?max_conns=0", "sqlite:///tmp/x.db?max_conns=2000",
                          "sqlite:///tmp/x.db?max_conns=abc"}) {
    auto store = open_store(dsn);
    ASSERT_FALSE(store) << dsn;
    EXPECT_EQ(store.error().code, Error::Code::invalid) << dsn;
  }
}

// Nothing listens on port 1: the first call fails at once with `unavailable`, not a hang or a
// crash, and the password does not leak into the message.
TEST(OpenStore, UnreachableServersAreUnavailable) {
  for (const char* dsn : {"postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable",
                          "mysql://u:hunter2@tcp(127.0.0.1:1)/db"}) {
    auto store = open_store(dsn);
    ASSERT_TRUE(store) << dsn;
    auto ping = (*store)->ping();
    ASSERT_FALSE(ping) << dsn;
    EXPECT_EQ(ping.error().code, Error::Code::unavailable) << dsn;
    EXPECT_EQ(ping.error().message.find("hunter2"), std::string::npos) << ping.error().message;
    auto get = (*store)->get_client("x");
    ASSERT_FALSE(get);
    EXPECT_EQ(get.error().code, Error::Code::unavailable);
    auto migrated = migrate(dsn);
    ASSERT_FALSE(migrated);
    EXPECT_EQ(migrated.error().code, Error::Code::unavailable);
  }
}

TEST(OpenStore, MemoryStoresAreIndependent) {
  StoreOptions options;
  options.migrate_on_open = true;
  auto a = open_store("memory", options);
  auto b = open_store("memory", options);
  ASSERT_TRUE(a && b);
  Client c;
  c.client_id = "only-in-a";
  ASSERT_TRUE((*a)->create_client(c));
  EXPECT_TRUE((*a)->get_client("only-in-a"));
  EXPECT_EQ((*b)->get_client("only-in-a").error().code, Error::Code::not_found);
}

TEST(OpenStore, UnmigratedDatabaseReportsAnErrorNotACrash) {
  auto store = open_store("memory");
  ASSERT_TRUE(store);
  auto r = (*store)->get_client("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Error::Code::internal);
}

}  // namespace
}  // namespace argus::store
