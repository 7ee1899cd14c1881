// A parsed configuration document (YAML or JSON) as a small tree whose scalars are already typed
// by YAML 1.2's core schema and whose nodes remember their line and column, so every error can
// point into the file.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace argus::config {

struct Tree;

struct TreeEntry;

struct Tree {
  enum class Kind { kNull, kScalar, kMap, kSeq };
  Kind kind = Kind::kNull;
  boost::json::value scalar;
  std::vector<TreeEntry> entries;  // kMap, in document order (repeated keys kept)
  std::vector<Tree> items;         // kSeq
  int line = 0;                    // 1-based; 0 when unknown (values from JSON text)
  int column = 0;

  // The JSON form (maps become objects; a repeated key keeps its last value).
  boost::json::value to_json() const;
  static Tree from_json(const boost::json::value& v);
};

struct TreeEntry {
  std::string key;
  int line = 0;
  int column = 0;
  Tree value;
};

struct ParseError {
  int line = 0;  // 1-based; 0 when not about a position
  int column = 0;
  std::string message;
};

// Parses YAML (or JSON, when `json` is true: checked strictly as JSON first) text.
std::optional<Tree> parse_document(std::string_view text, bool json, ParseError* error);

}  // namespace argus::config
