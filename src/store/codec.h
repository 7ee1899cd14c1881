// Conversions between records and columns: list fields as JSON arrays of strings, opaque page
// tokens, and the input checks every driver shares so that all back ends accept and reject the
// same values (SQLite alone would take invalid UTF-8 or an over-long id).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace argus::store::codec {

inline constexpr std::size_t kMaxKeyBytes = 255;       // client_id, signature
inline constexpr std::size_t kMaxTextBytes = 1 << 20;  // any other text field

std::string encode_list(const std::vector<std::string>& items);
Result<std::vector<std::string>> decode_list(std::string_view json);

std::string encode_page_token(std::string_view last_client_id);
Result<std::string> decode_page_token(std::string_view token);

bool valid_utf8(std::string_view text) noexcept;
// A key: non-empty, at most kMaxKeyBytes, UTF-8 without NUL.
Result<void> check_key(std::string_view value, std::string_view field);
// Free text: at most kMaxTextBytes, UTF-8 without NUL.
Result<void> check_text(std::string_view value, std::string_view field);
Result<void> check_client(const Client& client);
Result<void> check_token(const AccessToken& token);

}  // namespace argus::store::codec
