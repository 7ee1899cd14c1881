// Resource: who produced the spans (service.name, service.version, deployment.environment.name,
// host.name, process.pid and any attributes the user adds). InstrumentationScope names the
// library or component that recorded a span. Both are fixed for a TracerProvider's lifetime.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/attribute.h"

namespace argus::trace {

class Resource {
 public:
  struct Options {
    std::string service_name = "unknown_service";
    std::string service_version;
    std::string deployment_environment;
    std::string host_name;                                        // detected when empty
    std::vector<std::pair<std::string, std::string>> attributes;  // user-set, string-valued
  };

  // Builds the resource, detecting host.name and process.pid.
  static Resource create(const Options& options);

  std::string_view service_name() const noexcept { return service_name_; }
  std::string_view host_name() const noexcept { return host_name_; }
  // Every attribute, including service.name and the detected ones, in a stable order.
  const std::vector<Attribute>& attributes() const noexcept { return attributes_; }
  // The string value of `key`, or empty.
  std::string_view find(std::string_view key) const noexcept;

 private:
  std::string service_name_;
  std::string host_name_;
  std::vector<Attribute> attributes_;
};

struct InstrumentationScope {
  std::string name;
  std::string version;
};

}  // namespace argus::trace
