// Shared attribute sets: validated once when made, encoded once per set on first export.
#include "argus/trace/attribute_set.h"

#include <algorithm>
#include <limits>

#include "trace/core/span_rings.h"

namespace argus::trace {

Expected<std::unique_ptr<AttributeSet>> AttributeSet::create(std::span<const KeyValue> attributes) {
  std::unique_ptr<AttributeSet> set(new AttributeSet());
  set->items_.reserve(attributes.size());
  for (const KeyValue& kv : attributes) {
    const AttributeType type = kv.value.type();
    if (type != AttributeType::kBool && type != AttributeType::kInt &&
        type != AttributeType::kDouble && type != AttributeType::kString) {
      return Error{Error::Code::invalid_argument,
                   "attribute set: \"" + std::string(kv.key) + "\" is an array; sets hold scalars"};
    }
    if (kv.key.empty()) return Error{Error::Code::invalid_argument, "attribute set: empty key"};
    std::string key;
    assign_utf8(key, kv.key, kMaxAttributeKeyBytes);
    Attribute* slot = nullptr;
    for (Attribute& a : set->items_) {
      if (a.key == key) slot = &a;
    }
    if (slot == nullptr) {
      slot = &set->items_.emplace_back();
      slot->key = std::move(key);
    }
    slot->value.assign(kv.value, std::numeric_limits<std::size_t>::max());
  }
  // Views are taken once every string has its final place.
  for (const Attribute& a : set->items_) {
    set->key_filter_ |= filter_bit(a.key);
    const AttributeValue& v = a.value;
    switch (v.type()) {
      case AttributeType::kBool:
        set->views_.push_back({a.key, v.as_bool()});
        break;
      case AttributeType::kInt:
        set->views_.push_back({a.key, v.as_int()});
        break;
      case AttributeType::kDouble:
        set->views_.push_back({a.key, v.as_double()});
        break;
      default:
        set->views_.push_back({a.key, v.as_string()});
        set->longest_value_ = std::max(set->longest_value_, v.as_string().size());
        break;
    }
  }
  return set;
}

AttributeSet::~AttributeSet() {
  detail::detach_staged_spans(this);
  delete encoding_.load(std::memory_order_acquire);
}

bool AttributeSet::contains_slow(std::string_view key) const noexcept {
  for (const Attribute& a : items_) {
    if (same_text(a.key, key)) return true;
  }
  return false;
}

std::string_view AttributeSet::make_encoding(const void* format, EncodeFn encode) const {
  auto made = std::make_unique<Encoding>(Encoding{format, encode(*this)});
  const Encoding* current = nullptr;
  // Threads that encode at once: the first to publish wins, the others drop their copy.
  if (encoding_.compare_exchange_strong(current, made.get(), std::memory_order_acq_rel)) {
    current = made.release();
  }
  return current->format == format ? std::string_view(current->bytes) : std::string_view();
}

}  // namespace argus::trace
