// A native loopback HTTP/1.1 server for the service bench (scripts/bench.d/service.sh), so the
// bench measures argus rather than its helpers. Two modes:
//   http_sink PORT         an OTLP/HTTP sink: reads each request and its Content-Length body,
//                          answers 200 with an empty body (keep-alive).
//   http_sink --json PORT  a zero-work server: answers every request with a fixed ~400-byte JSON
//                          body, the load generator's own ceiling on this machine.
// One thread, non-blocking sockets, level-triggered epoll; it listens on 127.0.0.1 only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

constexpr std::size_t kMaxHeader = 64 * 1024;

// Shaped like a get-client response, so the ceiling row compares like with like.
constexpr std::string_view kJsonBody =
    R"({"client_id":"bench-client","client_name":"","redirect_uris":[],"grant_types":)"
    R"(["client_credentials"],"response_types":["code"],"scope":"read","audience":[],)"
    R"("owner":"","policy_uri":"","allowed_cors_origins":[],"tos_uri":"","client_uri":"",)"
    R"("logo_uri":"","contacts":[],"client_secret_expires_at":0,"token_endpoint_auth_method":)"
    R"("client_secret_basic","created_at":"2026-01-01T00:00:00Z","metadata":{}})";

struct Connection {
  std::string head;           // a request header split across reads, kept until it ends
  std::size_t body_left = 0;  // bytes of the current request's body not yet received
  std::string out;            // response bytes not yet written
  bool polling_out = false;   // EPOLLOUT registered: only while `out` is pending
};

bool iequals_prefix(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// The Content-Length of the header block `head` (without the final blank line); 0 if absent,
// -1 if malformed.
long long content_length(std::string_view head) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos) {
    std::string_view line = head.substr(pos + 2);
    std::size_t end = line.find("\r\n");
    line = line.substr(0, end);
    if (iequals_prefix(line, "content-length:")) {
      std::string_view v = line.substr(15);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      long long n = -1;
      auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      return r.ec == std::errc() && n >= 0 ? n : -1;
    }
    pos = end == std::string_view::npos ? end : pos + 2 + end;
  }
  return 0;
}

std::string make_response(bool json) {
  if (!json) return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(kJsonBody.size()) + "\r\n\r\n" + std::string(kJsonBody);
}

// The end of a header block that starts in `c.head` (if any) and continues in `data`: sets
// `head` to the block without its blank line and returns how many bytes of `data` it used,
// or npos when the block goes on past `data` (then kept in `c.head`).
std::size_t find_head(Connection& c, std::string_view data, std::string_view& head) {
  std::size_t kept = c.head.size();
  if (kept == 0) {
    std::size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      c.head.append(data.substr(0, kMaxHeader + 4));
      return std::string_view::npos;
    }
    head = data.substr(0, end);
    return end + 4;
  }
  c.head.append(data.substr(0, kMaxHeader + 4));  // a header split across reads: rare
  std::size_t end = c.head.find("\r\n\r\n", kept >= 3 ? kept - 3 : 0);
  if (end == std::string::npos) return std::string_view::npos;
  head = std::string_view(c.head).substr(0, end);
  return end + 4 - kept;
}

// Frames the requests in newly received bytes, answering each one whose body has arrived.
// Bodies are only counted, never copied. False if the stream is not HTTP we can frame.
bool consume(Connection& c, std::string_view data, const std::string& response) {
  while (!data.empty()) {
    if (c.body_left > 0) {
      std::size_t skip = std::min(c.body_left, data.size());
      c.body_left -= skip;
      data.remove_prefix(skip);
      if (c.body_left == 0) c.out += response;
      continue;
    }
    std::string_view head;
    std::size_t used = find_head(c, data, head);
    if (used == std::string_view::npos) return c.head.size() <= kMaxHeader;
    long long body = content_length(head);
    if (body < 0) return false;
    c.head.clear();
    data.remove_prefix(used);
    c.body_left = static_cast<std::size_t>(body);
    if (body == 0) c.out += response;
  }
  return true;
}

// Writes what the socket takes; false on a write error.
bool flush(int fd, Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

int listen_on(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void accept_all(int listener, int ep, std::unordered_map<int, Connection>& conns) {
  for (;;) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
      ::close(fd);
      continue;
    }
    conns.emplace(fd, Connection{});
  }
}

// Reads, answers and writes for one readable or writable connection; false to close it.
bool serve(int fd, int ep, Connection& c, const std::string& response) {
  static char buf[256 * 1024];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (!consume(c, std::string_view(buf, static_cast<std::size_t>(n)), response)) return false;
      if (static_cast<std::size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) return false;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno != EINTR) return false;
  }
  if (!flush(fd, c)) return false;
  if (c.polling_out == !c.out.empty()) return true;  // one system call fewer per request
  c.polling_out = !c.out.empty();
  epoll_event ev{};
  ev.events = c.polling_out ? EPOLLIN | EPOLLOUT : EPOLLIN;
  ev.data.fd = fd;
  return ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool json = argc == 3 && std::string_view(argv[1]) == "--json";
  if (argc != (json ? 3 : 2)) {
    std::fprintf(stderr, "usage: http_sink [--json] PORT\n");
    return 2;
  }
  int port = std::atoi(argv[argc - 1]);
  ::signal(SIGPIPE, SIG_IGN);
  int listener = listen_on(port);
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (listener < 0 || ep < 0) {
    std::perror("http_sink: listen");
    return 1;
  }
  epoll_event lev{};
  lev.events = EPOLLIN;
  lev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
  const std::string response = make_response(json);
  std::unordered_map<int, Connection> conns;
  epoll_event events[256];
  for (;;) {
    int n = ::epoll_wait(ep, events, 256, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        accept_all(listener, ep, conns);
        continue;
      }
      auto it = conns.find(fd);
      if (it == conns.end()) continue;
      if (!serve(fd, ep, it->second, response)) {
        ::close(fd);
        conns.erase(it);
      }
    }
  }
}
