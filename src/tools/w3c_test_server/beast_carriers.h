// Carriers over Boost.Beast header fields, so the propagators read incoming requests and
// write outgoing ones directly.
#pragma once

#include <boost/beast/http/fields.hpp>

#include "argus/trace/propagation.h"

namespace argus::tools::w3c_server {

class BeastFieldsReader final : public trace::CarrierReader {
 public:
  explicit BeastFieldsReader(const boost::beast::http::fields& fields) : fields_(fields) {}
  std::size_t get_all(std::string_view name, std::string_view* out,
                      std::size_t max) const noexcept override;
  void for_each_prefixed(std::string_view prefix,
                         trace::HeaderVisitor& visitor) const noexcept override;

 private:
  const boost::beast::http::fields& fields_;
};

class BeastFieldsWriter final : public trace::CarrierWriter {
 public:
  explicit BeastFieldsWriter(boost::beast::http::fields& fields) : fields_(fields) {}
  void set(std::string_view name, std::string_view value) noexcept override;

 private:
  boost::beast::http::fields& fields_;
};

}  // namespace argus::tools::w3c_server
