// Fuzzes DSN parsing (every form Hydra accepts): the parser either yields a DSN or an `invalid`
// error naming the problem. A password must never come back out: not in a parse error, and not
// in the masked DSN that `argus config show` and the logs print. Searching the output for the
// password would flag coincidences ("u:***@" can spell a password), so the check compares the
// output with the output for another password instead.
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/values.h"
#include "fuzz/fuzz_common.h"
#include "store/dsn.h"

namespace {

// Where the userinfo password of "scheme://user:password@..." stands, when the text holds it
// just once; {0, 0} otherwise.
std::pair<std::size_t, std::size_t> password_range(std::string_view text) {
  const std::size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::size_t at =
      text.substr(0, text.find('?', scheme)).rfind('@');  // the query may hold '@'
  const std::size_t colon = text.find(':', scheme + 3);
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return {};
  const std::string_view password = text.substr(colon + 1, at - colon - 1);
  if (password.empty() || text.find(password) != text.rfind(password)) return {};
  return {colon + 1, password.size()};
}

// The text with the password's letters and digits replaced; what separates the DSN's parts
// and percent escapes stay, so the two texts parse alike. Empty when that changes nothing.
std::string with_other_password(const std::string& text, std::pair<std::size_t, std::size_t> at) {
  std::string other = text;
  bool changed = false;
  for (std::size_t i = at.first; i < at.first + at.second; ++i) {
    if (other[i] == '%') {
      i += 2;  // a percent escape stays as it is
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(other[i])) && other[i] != 'x') {
      other[i] = 'x';
      changed = true;
    }
  }
  return changed ? other : std::string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using argus::fuzz::check;
  using namespace argus::store;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto dsn = parse_dsn(text);
  // What is shown of a DSN must not depend on its password: for the same DSN with another
  // password, the error or the masked text reads the same.
  const std::string other = with_other_password(text, password_range(text));
  std::optional<Result<Dsn>> other_dsn;
  if (!other.empty()) other_dsn = parse_dsn(other);
  if (!dsn) {
    check(dsn.error().code == Error::Code::invalid, "a bad DSN is invalid, not a failure");
    check(!dsn.error().message.empty(), "the error says why");
    if (other_dsn && !*other_dsn) {
      check(dsn.error().message == other_dsn->error().message, "a parse error hides the password");
    }
    return 0;
  }
  if (other_dsn && *other_dsn && (*other_dsn)->password != dsn->password) {
    check(argus::config::mask_dsn(text) == argus::config::mask_dsn(other),
          "the masked DSN hides the password");
  }
  for (const char* key : {"connect_timeout", "timeout"}) {
    auto timeout = dsn_timeout(*dsn, key, std::chrono::milliseconds(1000));
    if (timeout) {
      check(timeout->count() > 0 && *timeout <= std::chrono::hours(1), "a timeout in range");
    }
  }
  return 0;
}
