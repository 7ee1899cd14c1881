// `argus janitor` as operators run it: purges expired tokens of an SQLite database (seeded
// through the store), honours --keep-if-younger, --batch-size and --limit, takes the DSN from
// the argument or the configuration (-e), rejects Hydra's invalid flag combinations with exit 2,
// and traces one span per batch with the SQL spans beneath.
#include <gtest/gtest.h>

#include <chrono>

#include "cli/process.h"
#include "config/test_files.h"

#if ARGUS_TEST_HAVE_STORE
#include "store/store.h"

namespace argus::testing {
namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class JanitorCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dsn_ = "sqlite://" + dir_.path() + "/j.db";
    store::StoreOptions options;
    options.migrate_on_open = true;
    auto opened = store::open_store(dsn_, options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  // Tokens "<prefix>-<i>": issued `issued_ago` seconds ago, expired `expired_ago` ago (negative:
  // still valid).
  void seed(const std::string& prefix, int count, std::int64_t issued_ago,
            std::int64_t expired_ago) {
    for (int i = 0; i < count; ++i) {
      store::AccessToken t;
      t.signature = prefix + "-" + std::to_string(i);
      t.client_id = "c";
      t.subject = "c";
      t.issued_at = now_s() - issued_ago;
      t.expires_at = now_s() - expired_ago;
      ASSERT_TRUE(store_->insert_token(t));
    }
  }

  int count(const std::string& prefix, int n) {
    int found = 0;
    for (int i = 0; i < n; ++i)
      found += store_->get_token(prefix + "-" + std::to_string(i)) ? 1 : 0;
    return found;
  }

  TempDir dir_;
  std::string dsn_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(JanitorCli, PurgesExpiredTokensKeepingYoungOnes) {
  seed("old", 5, 3 * 86400, 2 * 86400);
  seed("young", 2, 3600, 60);  // expired a minute ago, issued an hour ago
  seed("live", 2, 60, -3600);
  auto r = argus({"janitor", dsn_, "--tokens", "--keep-if-younger", "24h", "--batch-size", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted 5 expired access token(s) in 3 batch(es) from " + dsn_ + "\n");
  EXPECT_EQ(count("old", 5), 0);
  EXPECT_EQ(count("young", 2), 2);
  EXPECT_EQ(count("live", 2), 2);
  auto again = argus({"janitor", dsn_, "--tokens"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "Deleted 2 expired access token(s) in 1 batch(es) from " + dsn_ + "\n");
  EXPECT_EQ(count("young", 2), 0);
  EXPECT_EQ(count("live", 2), 2);
}

TEST_F(JanitorCli, LimitBoundsARun) {
  seed("old", 7, 7200, 3600);
  auto r = argus({"janitor", dsn_, "--tokens", "--batch-size", "3", "--limit", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted 4 expired access token(s) in 2 batch(es) from " + dsn_ + "\n");
  EXPECT_EQ(count("old", 7), 3);
}

TEST_F(JanitorCli, DsnFromTheEnvironmentWithReadFromEnv) {
  seed("old", 1, 7200, 3600);
  auto r = argus({"janitor", "-e", "--tokens"}, {{"DSN", dsn_}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Deleted 1 expired access token(s) in 1 batch(es) from " + dsn_ + "\n");
  auto implicit = argus({"janitor", "--read-from-env"}, {{"DSN", dsn_}});
  EXPECT_EQ(implicit.exit_code, 0) << implicit.err;
}

TEST_F(JanitorCli, EachBatchIsTraced) {
  seed("old", 3, 7200, 3600);
  auto r = argus(
      {"janitor", dsn_, "--tokens", "--batch-size", "2", "--set", "tracing.provider=console"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t batches = 0;
  // The console tree prints each span name followed by two spaces.
  for (auto pos = r.out.find("janitor.batch  "); pos != std::string::npos;
       pos = r.out.find("janitor.batch  ", pos + 1))
    ++batches;
  EXPECT_EQ(batches, 2u) << r.out;
  EXPECT_NE(r.out.find("janitor.purge_tokens"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DELETE oauth2_access_tokens"), std::string::npos) << r.out;
}

TEST_F(JanitorCli, InvalidFlagsAreUsageErrors) {
  auto both = argus({"janitor", dsn_, "-e"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
  auto zero = argus({"janitor", dsn_, "--batch-size", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  auto bigger = argus({"janitor", dsn_, "--batch-size", "10", "--limit", "5"});
  EXPECT_EQ(bigger.exit_code, 2);
  EXPECT_NE(bigger.err.find("must not be greater"), std::string::npos) << bigger.err;
  auto duration = argus({"janitor", dsn_, "--keep-if-younger", "soon"});
  EXPECT_EQ(duration.exit_code, 2);
  EXPECT_NE(duration.err.find("--keep-if-younger soon"), std::string::npos) << duration.err;
  auto memory = argus({"janitor"});
  EXPECT_EQ(memory.exit_code, 2) << memory.err;
}

TEST_F(JanitorCli, UnreachableDatabaseIsARuntimeFailure) {
  auto r = argus({"janitor", "postgres://u:s3cr3t-pw@127.0.0.1:1/db?sslmode=disable"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << "the password never shows: " << r.err;
}

}  // namespace
}  // namespace argus::testing
#endif
