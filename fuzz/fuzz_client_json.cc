// Fuzzes Hydra's client JSON codec: the input is a request body for POST /admin/clients. An
// accepted body must survive the way back (shown as JSON and parsed again, it is the same
// client), and a rejected one must get a description naming what is wrong, never the secret.
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz/fuzz_common.h"
#include "oauth2/client_codec.h"
#include "oauth2/json_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::oauth2;
  using argus::fuzz::check;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_client(body);
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    check(error->error == "invalid_request" || error->error == "invalid_client_metadata",
          "an RFC 6749-style error name");
    check(!error->description.empty(), "a description");
    return 0;
  }
  const ClientInput& input = std::get<ClientInput>(parsed);
  std::string shown;
  append_client_json(shown, input.client);
  boost::system::error_code ec;
  const boost::json::value shown_value = parse_json(shown, ec);
  check(!ec && shown_value.is_object(), "a shown client is a JSON object");
  check(!shown_value.get_object().contains("client_secret"), "no secret unless asked for");
  auto again = parse_client(shown);
  const auto* back = std::get_if<ClientInput>(&again);
  check(back != nullptr, "a shown client parses");
  argus::store::Client expected = input.client;
  // Read-only fields are ignored on input: what was shown comes back without them.
  expected.created_at = expected.updated_at = 0;
  argus::store::Client got = back->client;
  got.created_at = got.updated_at = 0;
  check(got == expected, "a client survives being shown and parsed again");
  check(!back->secret, "a shown client carries no secret");
  return 0;
}
