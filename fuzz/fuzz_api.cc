// Fuzzes the service's HTTP API: the input is parsed as pipelined HTTP/1.1 requests with the
// server's header and body limits, and each request goes through the public or admin router to
// its handler, on a fresh in-memory store holding two clients and one access token. Checks the
// issue's promises for bad input: no 5xx, every error a JSON object with an `error` string, no
// bcrypt hash in any response, and a request that failed left the store as it was.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "http/router.h"
#include "oauth2/api.h"
#include "store/store.h"

namespace {
namespace bhttp = boost::beast::http;
namespace store = argus::store;
using argus::fuzz::check;
using argus::http::Request;
using argus::http::Response;
using argus::http::RouteMatch;
using argus::http::Router;

// Seeds in fuzz/corpus/fuzz_api use these credentials and the token fixed_token() makes.
constexpr std::string_view kSystemSecret = "fuzz-system-secret-0123456789";
constexpr std::string_view kBasicId = "fuzz-basic";
constexpr std::string_view kPostId = "fuzz-post";
constexpr std::string_view kClientSecret = "fuzz-client-secret-0123456789";
constexpr std::string_view kTokenKey = "fuzz-token-key";
constexpr std::size_t kHeaderLimit = 8 * 1024;  // the server's defaults
constexpr std::size_t kBodyLimit = 1024 * 1024;
constexpr int kMaxRequests = 4;

// A token the codec accepts, made without randomness so that seeds can carry it: the codec
// checks only that the part after the dot is the HMAC of the part before it.
std::string fixed_token() {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSystemSecret.data(), static_cast<int>(kSystemSecret.size()),
       reinterpret_cast<const unsigned char*>(kTokenKey.data()), kTokenKey.size(), mac, &len);
  return "ory_at_" + std::string(kTokenKey) + "." + argus::oauth2::base64url_encode(mac, len);
}

store::Client seeded_client(std::string_view id, std::string_view method, const std::string& hash) {
  store::Client c;
  c.client_id = id;
  c.client_name = "fuzz";
  c.client_secret_hash = hash;
  c.grant_types = {"client_credentials"};
  c.response_types = {"code"};
  c.scope = "read write";
  c.audience = {"https://api.example"};
  c.token_endpoint_auth_method = method;
  return c;
}

// What a failed request must leave alone.
struct Snapshot {
  std::vector<store::Client> clients;
  std::optional<store::AccessToken> token;
  bool operator==(const Snapshot&) const = default;
};

class Fixture {
 public:
  Fixture()
      : api_{nullptr,
             argus::oauth2::BcryptHasher(argus::oauth2::BcryptHasher::kMinCost, nullptr),
             *argus::oauth2::TokenCodec::create({std::string(kSystemSecret)}),
             std::chrono::seconds(3600),
             "http://localhost:4444/",
             {}} {
    hash_ = *api_.hasher.hash(kClientSecret, {});
    api_.dummy_hash = hash_;
    token_signature_ = *api_.codec.verify(fixed_token());
    argus::oauth2::add_token_routes(public_, api_);
    argus::oauth2::add_metadata_routes(public_, api_);
    argus::oauth2::add_health_routes(public_, api_);
    argus::oauth2::add_client_routes(admin_, api_, "/admin");
    argus::oauth2::add_client_routes(admin_, api_, "");
    argus::oauth2::add_token_admin_routes(admin_, api_);
    argus::oauth2::add_health_routes(admin_, api_);
    argus::oauth2::add_version_route(admin_);
  }

  // A fresh store per input, so that every input replays the same way.
  void reset() {
    store::StoreOptions options;
    options.migrate_on_open = true;
    store_ = std::move(*store::open_store("memory", options));
    api_.store = store_.get();
    check(store_->create_client(seeded_client(kBasicId, "client_secret_basic", hash_)).has_value(),
          "seed a basic client");
    check(store_->create_client(seeded_client(kPostId, "client_secret_post", hash_)).has_value(),
          "seed a post client");
    store::AccessToken token;
    token.signature = token_signature_;
    token.client_id = kBasicId;
    token.scope = "read";
    token.issued_at = store::unix_now();
    token.expires_at = token.issued_at + 3600;
    check(store_->insert_token(token).has_value(), "seed a token");
  }

  Snapshot snapshot() {
    Snapshot s;
    store::PageRequest page;
    page.page_size = store::PageRequest::kMaxSize;
    auto listed = store_->list_clients({}, page);
    check(listed.has_value(), "list clients");
    s.clients = std::move(listed->clients);
    if (auto token = store_->get_token(token_signature_)) s.token = std::move(*token);
    return s;
  }

  Response handle(const argus::http::BeastRequest& raw) {
    std::string_view target(raw.target().data(), raw.target().size());
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    if (path.empty() || path.front() != '/') return error(400);
    RouteMatch match = public_.match(raw.method(), path);
    if (match.kind == RouteMatch::Kind::kNotFound) match = admin_.match(raw.method(), path);
    if (match.kind != RouteMatch::Kind::kFound) return error(404);
    Request request{raw,         path, query,  match.route->pattern, std::move(match.params),
                    "127.0.0.1", {},   nullptr};
    return match.route->handler(request);  // an exception escapes: the server would answer 500
  }

 private:
  static Response error(unsigned status) { return argus::http::json_error(status, "x", "x"); }

  argus::oauth2::ApiContext api_;
  std::string hash_;
  std::string token_signature_;
  Router public_, admin_;
  std::unique_ptr<store::Store> store_;
};

void check_response(const Response& r) {
  check(r.status >= 200 && r.status < 500, "no 5xx and no informational status");
  check(r.body.find("$2b$") == std::string::npos, "no bcrypt hash in a response");
  if (r.status == 204) return check(r.body.empty(), "204 has no body");
  if (r.body.empty()) return check(r.status < 400, "an error has a body");  // 200 to a revocation
  if (!r.content_type.empty() && r.content_type.find("json") == std::string::npos) return;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(r.body, ec);
  check(!ec, "a JSON response parses");
  if (r.status < 400) return;
  const boost::json::object* object = body.if_object();
  check(object != nullptr && object->contains("error") && object->at("error").is_string(),
        "an error is a JSON object with an error string");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  fixture.reset();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequests && !in.empty(); ++i) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    parser.eager(true);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    // Malformed or over the limits: the server answers 400, 413 or 431 and closes. Incomplete:
    // the server waits for more until its read timeout.
    if (ec || !parser.is_done()) break;
    in.remove_prefix(used);
    const Snapshot before = fixture.snapshot();
    const Response response = fixture.handle(parser.get());
    check_response(response);
    if (response.status >= 400)
      check(fixture.snapshot() == before, "a failed request wrote nothing");
  }
  return 0;
}
