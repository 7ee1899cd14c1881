// A loopback TCP endpoint for outage tests, in one of two modes: `silent` accepts connections and
// never answers (a black-holed database host: the TCP handshake succeeds, nothing follows), and
// `forward` relays each new connection to an upstream port (the database is reachable again).
// Connections accepted while silent stay silent. Relays can also be stalled, and resumed.
// Everything runs on threads owned by the proxy; the destructor stops and joins them (poll timeouts
// bound every wait).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace argus::store::testing {

class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 64) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  ~TcpProxy() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    std::vector<std::thread> relays;
    {
      std::lock_guard lock(mutex_);
      relays.swap(relays_);
    }
    for (auto& t : relays) t.join();
    std::lock_guard lock(mutex_);
    for (int fd : held_) ::close(fd);
    if (listener_ >= 0) ::close(listener_);
  }

  std::uint16_t port() const { return port_; }  // 0: the proxy could not listen
  void set_forwarding(bool forward) { forward_ = forward; }
  // While stalled, relays move no bytes either way: the server hangs mid-conversation.
  void set_stalled(bool stalled) { stalled_ = stalled; }
  int accepted() const { return accepted_; }

 private:
  static sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }

  void accept_loop() {
    while (!stop_) {
      pollfd pfd{listener_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepted_;
      std::lock_guard lock(mutex_);
      if (!forward_) {
        held_.push_back(fd);  // never read, never answered
        continue;
      }
      relays_.emplace_back([this, fd] { relay(fd); });
    }
  }

  void relay(int client) {
    int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(upstream_port_);
    if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(client);
      if (upstream >= 0) ::close(upstream);
      return;
    }
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    char buf[16384];
    bool open = true;
    while (open && !stop_) {
      if (stalled_) {
        ::poll(nullptr, 0, 20);
        continue;
      }
      if (::poll(fds, 2, 50) <= 0) continue;
      for (int i = 0; i < 2 && open; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          open = false;
          break;
        }
        for (ssize_t sent = 0; sent < n && open;) {
          ssize_t w =
              ::send(fds[1 - i].fd, buf + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
          if (w <= 0) open = false;
          sent += w > 0 ? w : 0;
        }
      }
    }
    ::close(client);
    ::close(upstream);
  }

  std::uint16_t upstream_port_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> forward_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<int> accepted_{0};
  std::mutex mutex_;
  std::vector<int> held_;
  std::vector<std::thread> relays_;
  std::thread accept_thread_;
};

}  // namespace argus::store::testing
