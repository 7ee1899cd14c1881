// Resource detection: host.name from the kernel, process.pid from the OS, telemetry.sdk.* from
// the library itself.
#include "argus/trace/resource.h"

#include <unistd.h>

#include <climits>

namespace argus::trace {
namespace {

std::string detect_host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

void add(std::vector<Attribute>& attrs, std::string_view key, const AttributeView& value) {
  Attribute a;
  a.key = std::string(key);
  a.value.assign(value, 4096);
  attrs.push_back(std::move(a));
}

}  // namespace

Resource Resource::create(const Options& options) {
  Resource r;
  r.service_name_ = options.service_name.empty() ? "unknown_service" : options.service_name;
  r.host_name_ = options.host_name.empty() ? detect_host_name() : options.host_name;
  add(r.attributes_, "service.name", r.service_name_);
  if (!options.service_version.empty())
    add(r.attributes_, "service.version", options.service_version);
  if (!options.deployment_environment.empty()) {
    add(r.attributes_, "deployment.environment.name", options.deployment_environment);
  }
  add(r.attributes_, "host.name", r.host_name_);
  add(r.attributes_, "process.pid", static_cast<std::int64_t>(getpid()));
  add(r.attributes_, "telemetry.sdk.name", "argus");
  add(r.attributes_, "telemetry.sdk.language", "cpp");
  add(r.attributes_, "telemetry.sdk.version", "0.1.0");
  for (const auto& [key, value] : options.attributes) {
    bool taken = false;
    for (const auto& a : r.attributes_) taken |= a.key == key;
    if (key.empty() || taken) continue;  // built-ins win
    add(r.attributes_, key, value);
  }
  return r;
}

std::string_view Resource::find(std::string_view key) const noexcept {
  for (const auto& a : attributes_) {
    if (a.key == key && a.value.type() == AttributeType::kString) return a.value.as_string();
  }
  return {};
}

}  // namespace argus::trace
