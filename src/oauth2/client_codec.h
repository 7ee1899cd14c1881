// Hydra's client JSON <-> store::Client. Parsing is strict: the body must be a JSON object,
// every field has one type, unknown fields are rejected, and each error names the field (400
// invalid_client_metadata). `null` means "not given", as in Hydra's Go decoder. Read-only fields
// (created_at, updated_at) are accepted and ignored so a GET body can be PUT back unchanged.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/model.h"

namespace argus::oauth2 {

struct ClientInput {
  argus::store::Client client;
  std::optional<std::string> secret;  // plain text, only between parsing and hashing
  bool has_client_id = false;
};

struct ParseError {
  std::string error;        // "invalid_request" (not JSON) or "invalid_client_metadata"
  std::string description;  // names the field; never echoes a secret
};

// Parses and validates; fills defaults (grant types, response types, auth method).
std::variant<ClientInput, ParseError> parse_client(std::string_view body);
std::variant<ClientInput, ParseError> client_from_json(const boost::json::value& value);

// The client as Hydra shows it; `secret` only when it was just set or generated. The text form
// is appended straight to a response body; the object form is for JSON Patch.
void append_client_json(std::string& out, const argus::store::Client& client,
                        const std::optional<std::string>& secret = std::nullopt);
boost::json::object client_to_json(const argus::store::Client& client,
                                   const std::optional<std::string>& secret = std::nullopt);

// A new client_id: a random UUID v4.
std::string new_client_id();

}  // namespace argus::oauth2
