// Beast header carriers: names compare case-insensitively, values are views into the fields.
#include "beast_carriers.h"

namespace argus::tools::w3c_server {

namespace {
std::string_view view(boost::beast::string_view s) {
  return {s.data(), s.size()};
}
}  // namespace

std::size_t BeastFieldsReader::get_all(std::string_view name, std::string_view* out,
                                       std::size_t max) const noexcept {
  std::size_t count = 0;
  for (const auto& field : fields_) {
    if (!trace::carrier_detail::equals_lower(view(field.name_string()), name)) continue;
    if (count < max) out[count] = view(field.value());
    ++count;
  }
  return count;
}

void BeastFieldsReader::for_each_prefixed(std::string_view prefix,
                                          trace::HeaderVisitor& visitor) const noexcept {
  for (const auto& field : fields_) {
    const std::string_view name = view(field.name_string());
    if (trace::carrier_detail::starts_with_lower(name, prefix))
      visitor.visit(name, view(field.value()));
  }
}

void BeastFieldsWriter::set(std::string_view name, std::string_view value) noexcept {
  try {
    fields_.set(boost::beast::string_view(name.data(), name.size()),
                boost::beast::string_view(value.data(), value.size()));
  } catch (...) {  // out of memory or an invalid field: the header is not written
  }
}

}  // namespace argus::tools::w3c_server
