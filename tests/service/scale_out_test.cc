// Argus keeps no state of its own: instances that share a database and `secrets.system` are
// interchangeable behind a load balancer. Two real services on one database (SQLite file,
// PostgreSQL, MariaDB; a memory database belongs to one process) must see each other's clients,
// accept each other's tokens and honour each other's revocations, and an instance with another
// system secret must accept none of those tokens.
#include <gtest/gtest.h>

#include "service/api_helpers.h"

namespace argus::service_test {
namespace {
using boost::beast::http::verb;

// A second service on the first one's database; null (and the test failed) if it cannot start.
std::unique_ptr<Harness> second_instance(const Harness& first, HarnessOptions options = {}) {
  options.dsn = first.dsn();
  return Harness::start(options);
}

class ScaleOut : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Harness::backend_name() == "memory") GTEST_SKIP() << "a memory database is per process";
  }
};

TEST_F(ScaleOut, InstancesOnOneDatabaseShareClientsTokensAndRevocations) {
  START_HARNESS(a);
  auto b = second_instance(*a);
  ASSERT_NE(b, nullptr);

  TestClient c = make_client(*a, {{"client_name", "shared"}, {"scope", "read"}});
  auto seen = http_request(b->admin_port(), verb::get, "/admin/clients/" + c.id);
  ASSERT_EQ(seen.status, 200u) << seen.body;
  EXPECT_EQ(seen.json().at("client_name").as_string(), "shared");

  // A token issued by one instance is active on the other; revoked on the other, it is
  // inactive on the first.
  std::string token = get_token(*a, c);
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(introspect(*b, token).at("active").as_bool());
  auto revoked = post_form(b->public_port(), "/oauth2/revoke", "token=" + form_encode(token),
                           {{"Authorization", basic_auth(c.id, c.secret)}});
  EXPECT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_FALSE(introspect(*a, token).at("active").as_bool());

  // Writes through either instance are read through the other.
  auto patched = http_request(b->admin_port(), verb::patch, "/admin/clients/" + c.id,
                              R"([{"op":"replace","path":"/client_name","value":"renamed"}])",
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_EQ(http_request(a->admin_port(), verb::get, "/admin/clients/" + c.id)
                .json()
                .at("client_name")
                .as_string(),
            "renamed");
  EXPECT_EQ(http_request(a->admin_port(), verb::delete_, "/admin/clients/" + c.id).status, 204u);
  EXPECT_EQ(http_request(b->admin_port(), verb::get, "/admin/clients/" + c.id).status, 404u);
}

TEST_F(ScaleOut, AnInstanceWithAnotherSystemSecretAcceptsNoneOfTheTokens) {
  START_HARNESS(a);
  HarnessOptions other;
  other.secrets = {"another-system-secret-32-chars!!"};
  auto b = second_instance(*a, other);
  ASSERT_NE(b, nullptr);
  TestClient c = make_client(*a);
  std::string token = get_token(*a, c);
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(introspect(*a, token).at("active").as_bool());
  EXPECT_FALSE(introspect(*b, token).at("active").as_bool());
  // Clients live in the database, not under the secret: b still authenticates the client.
  EXPECT_FALSE(get_token(*b, c).empty());
}

}  // namespace
}  // namespace argus::service_test
