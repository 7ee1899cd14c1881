// Fuzzes RFC 6902 JSON Patch: the input's first line is the document, the rest the patch, both
// JSON, read as argus reads them. A patch that fails must leave the document exactly as it was
// (PATCH is atomic). A one-operation patch that applies is checked against Boost.JSON's own
// RFC 6901 pointers: what add, replace, copy and move put at `path` is there, and test changes
// nothing.
#include <boost/json.hpp>
#include <string>

#include "fuzz/fuzz_common.h"
#include "oauth2/json_parse.h"
#include "oauth2/json_patch.h"

namespace {
namespace json = boost::json;
using argus::fuzz::check;

const json::value* at(const json::value& document, json::string_view pointer) {
  boost::system::error_code ec;
  return document.find_pointer(pointer, ec);
}

// `op` applied to `before` gave `after`.
void check_applied(const json::value& before, const json::value& after, const json::object& op) {
  const json::value* kind = op.if_contains("op");
  if (kind == nullptr || !kind->is_string()) return;
  if (*kind == "test") return check(after == before, "test changes nothing");
  const json::value* path = op.if_contains("path");
  check(path != nullptr && path->is_string(), "an applied operation has a path");
  // "/-" names the end of an array: there is nothing at it to look up afterwards.
  if (path->get_string().ends_with("/-")) return;
  const json::value* target = at(after, path->get_string());
  if (*kind == "add" || *kind == "replace") {
    const json::value* value = op.if_contains("value");
    check(target != nullptr && value != nullptr && *target == *value, "the value is at path");
  }
  if (*kind == "copy" || *kind == "move") {
    const json::value* from = op.if_contains("from");
    const json::value* source =
        from != nullptr && from->is_string() ? at(before, from->get_string()) : nullptr;
    check(target != nullptr && source != nullptr && *target == *source, "from's value is at path");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  boost::system::error_code ec;
  json::value document = argus::oauth2::parse_json(in.substr(0, nl), ec);
  if (ec) return 0;
  const json::value patch = argus::oauth2::parse_json(in.substr(nl + 1), ec);
  if (ec) return 0;
  const json::value before = document;
  if (auto error = argus::oauth2::apply_json_patch(document, patch)) {
    check(!error->empty(), "a failure says why");
    check(document == before, "a failed patch changes nothing");
    return 0;
  }
  check(patch.is_array(), "only an array applies");
  const json::array& ops = patch.get_array();
  if (ops.empty()) check(document == before, "an empty patch changes nothing");
  if (ops.size() == 1) {
    check(ops[0].is_object(), "an operation is an object");
    check_applied(before, document, ops[0].get_object());
  }
  return 0;
}
