// Waiting in the HTTP tests for a condition another thread brings about: polled with a short
// interval and bounded, so a feature that never delivers fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <thread>

namespace argus::http::testing {

template <class Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds budget = std::chrono::milliseconds(10000)) {
  for (auto end = std::chrono::steady_clock::now() + budget;
       std::chrono::steady_clock::now() < end;) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling interval, not sync
  }
  return condition();
}

}  // namespace argus::http::testing
