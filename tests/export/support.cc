// Exporter test support; see support.h.
#include "export/support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace argus::trace::testing {

namespace {
constexpr std::int64_t kT0 = 1'700'000'000'123'456'789;

int listen_on(std::uint16_t port, int type) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  if (type == SOCK_STREAM) ::listen(fd, 64);
  return fd;
}

std::uint16_t port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

void send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}
}  // namespace

SpanLimits test_limits() {
  return SpanLimits{};
}

std::vector<const SpanData*> SpanSet::view() const {
  std::vector<const SpanData*> v;
  for (const auto& s : spans) v.push_back(s.get());
  return v;
}

SpanData& SpanSet::add(std::string name) {
  spans.push_back(std::make_unique<SpanData>());
  auto& s = *spans.back();
  s.name = std::move(name);
  s.resource = &resource;
  s.scope = &scope;
  s.context.trace_id = TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  s.context.span_id = SpanId::from_hex("b7ad6b7169203331");
  s.context.flags = TraceFlags::kSampled | TraceFlags::kRandom;
  s.start_unix_ns = kT0;
  s.end_unix_ns = kT0 + 1'234'567;
  return s;
}

void fill_nominal(SpanData& s) {
  auto lim = test_limits();
  s.attributes.set("http.request.method", "GET", lim, 128);
  s.attributes.set("url.path", "/oauth2/token", lim, 128);
  s.attributes.set("http.response.status_code", 200, lim, 128);
  s.attributes.set("http.request.body.size", std::int64_t{1234}, lim, 128);
  s.attributes.set("argus.cache_hit", true, lim, 128);
  s.attributes.set("argus.ratio", 0.25, lim, 128);
  KeyValue ev[] = {{"exception.type", "std::runtime_error"}};
  s.add_event("exception", s.start_unix_ns + 1000, ev, lim);
}

SpanSet make_span_set() {
  SpanSet set;
  set.resource = Resource::create({"Argus-Test", "9.9.9", "ci", "testhost", {{"team", "trace"}}});
  set.other_resource = Resource::create({"other-svc", "", "", "otherhost", {}});
  auto lim = test_limits();

  auto& root = set.add("GET /oauth2/token");
  root.kind = SpanKind::kServer;
  root.parent_span_id = SpanId::from_hex("00f067aa0ba902b7");
  root.parent_is_remote = true;
  root.context.trace_state = "vendor=abc";
  root.status.code = StatusCode::kOk;
  fill_nominal(root);
  root.attributes.set("network.peer.address", "10.1.2.3", lim, 128);
  root.attributes.set("network.peer.port", 50123, lim, 128);

  auto& child = set.add("db.query");
  child.kind = SpanKind::kClient;
  child.context.span_id = SpanId::from_hex("1111111111111111");
  child.parent_span_id = root.context.span_id;
  child.status = {StatusCode::kError, "connection \"reset\"\n by peer"};
  std::int64_t ints[] = {1, -2, INT64_MAX};
  double dbls[] = {1.5, -0.0};
  bool bools[] = {true, false};
  std::string_view strs[] = {"a", "ü\"b"};
  child.attributes.set("ints", std::span<const std::int64_t>(ints), lim, 128);
  child.attributes.set("doubles", std::span<const double>(dbls), lim, 128);
  child.attributes.set("bools", std::span<const bool>(bools), lim, 128);
  child.attributes.set("strings", std::span<const std::string_view>(strs), lim, 128);
  child.attributes.set("min", INT64_MIN, lim, 128);
  child.attributes.set("peer.service", "Postgres", lim, 128);
  child.attributes.set("network.peer.address", "::1", lim, 128);
  KeyValue link_attrs[] = {{"link.kind", "batch"}};
  SpanContext linked;
  linked.trace_id = TraceId::from_hex("11112222333344445555666677778888");
  linked.span_id = SpanId::from_hex("9999aaaabbbbcccc");
  linked.flags = TraceFlags::kSampled;
  linked.remote = true;
  child.add_link(linked, link_attrs, lim);
  KeyValue ev1[] = {{"k", 1}, {"s", "v"}};
  child.add_event("retry", child.start_unix_ns + 10, ev1, lim);
  child.add_event("done", child.start_unix_ns + 20, {}, lim);

  auto& producer = set.add("Publish");
  producer.kind = SpanKind::kProducer;
  producer.context.span_id = SpanId::from_hex("2222222222222222");
  producer.parent_span_id = root.context.span_id;
  producer.scope = &set.other_scope;
  producer.context.debug = true;
  producer.end_unix_ns = producer.start_unix_ns + 10;  // under a microsecond

  auto& other = set.add("elsewhere");
  other.kind = SpanKind::kConsumer;
  other.resource = &set.other_resource;
  other.context.trace_id = TraceId::from_hex("ffffffffffffffff0000000000000001");
  other.context.span_id = SpanId::from_hex("3333333333333333");

  auto& shared = set.add("joined");
  shared.kind = SpanKind::kServer;
  shared.context.span_id = SpanId::from_hex("4444444444444444");
  shared.parent_span_id = shared.context.span_id;
  shared.parent_is_remote = true;
  return set;
}

std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  // One directory per test process, removed when the process exits.
  struct TempDir {
    std::string path;
    explicit TempDir(const char* dir)
        : path(std::string(dir && *dir ? dir : "/tmp") + "/argus-export-XXXXXX") {
      if (!mkdtemp(path.data())) std::abort();
    }
    ~TempDir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const TempDir base(dir);
  return base.path + "/" + name;
}

void write_file(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
}

NodeResult run_node(const std::string& script, const std::vector<std::string>& args) {
  static int counter = 0;
  std::string err_file = temp_path("node-stderr-" + std::to_string(++counter));
  std::string cmd = std::string("NODE_PATH='") + ARGUS_INTEROP_DIR + "/node_modules' " +
                    ARGUS_NODE + " --no-deprecation " + ARGUS_INTEROP_DIR + "/export/" + script;
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>" + err_file;
  FILE* p = popen(cmd.c_str(), "r");
  NodeResult r;
  if (!p) {
    r.error = "popen failed";
    return r;
  }
  std::string out;
  std::array<char, 65536> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  if (status != 0) {
    std::ifstream in(err_file);
    std::stringstream ss;
    ss << in.rdbuf();
    r.error = "node " + script + " failed: " + ss.str();
    return r;
  }
  boost::system::error_code ec;
  r.value = boost::json::parse(out, ec);
  if (ec) r.error = "decoder printed invalid JSON: " + out.substr(0, 200);
  return r;
}

std::string hex(const TraceId& id) {
  return id.to_hex();
}
std::string hex(SpanId id) {
  return id.to_hex();
}

FakeCollector::FakeCollector(std::uint16_t port) {
  listen_fd_ = listen_on(port, SOCK_STREAM);
  if (listen_fd_ < 0) std::abort();
  port_ = port_of(listen_fd_);
  if (pipe(wake_) != 0) std::abort();
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeCollector::~FakeCollector() {
  if (write(wake_[1], "x", 1) != 1) std::abort();
  acceptor_.join();
  {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

std::string FakeCollector::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FakeCollector::push(Reply r) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(r));
}

void FakeCollector::set_default(Reply r) {
  std::lock_guard lock(mu_);
  default_ = std::move(r);
}

bool FakeCollector::wait_requests(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<HttpRequestRecord> FakeCollector::requests() {
  std::lock_guard lock(mu_);
  return requests_;
}

int FakeCollector::connections() {
  std::lock_guard lock(mu_);
  return connections_;
}

Reply FakeCollector::next_reply() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) return default_;
  Reply r = std::move(queue_.front());
  queue_.pop_front();
  return r;
}

bool FakeCollector::wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
  int n = ::poll(p, 2, static_cast<int>(timeout.count()));
  return n > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !(p[1].revents & POLLIN);
}

void FakeCollector::accept_loop() {
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0 || (p[1].revents & POLLIN)) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mu_);
    ++connections_;
    fds_.push_back(fd);
    threads_.emplace_back([this, fd] {
      serve(fd);
      ::shutdown(fd, SHUT_RDWR);  // the client sees the close; the fd is closed at destruction
    });
  }
}

void FakeCollector::serve(int fd) {
  std::string buf;
  char chunk[65536];
  for (;;) {
    // Read one request: headers, then Content-Length bytes of body.
    std::size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!wait_readable(fd, std::chrono::minutes(5))) return;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    HttpRequestRecord req;
    std::istringstream head(buf.substr(0, header_end));
    std::string line;
    std::getline(head, line);
    std::istringstream first(line);
    first >> req.method >> req.target;
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string k = line.substr(0, colon);
      for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      req.headers[k] = v;
    }
    std::size_t length =
        req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
    buf.erase(0, header_end + 4);
    while (buf.size() < length) {
      if (!wait_readable(fd, std::chrono::minutes(5))) return;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    req.body = buf.substr(0, length);
    buf.erase(0, length);
    Reply r = next_reply();
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(req));
    }
    cv_.notify_all();
    using K = Reply::Kind;
    switch (r.kind) {
      case K::kBlackHole:
        while (wait_readable(fd, std::chrono::minutes(5))) {
          if (::recv(fd, chunk, sizeof chunk, 0) <= 0) return;
        }
        return;
      case K::kClose:
        return;
      case K::kGarbage:
        send_all(fd, "\x01\x02 this is not HTTP\r\n\r\n");
        return;
      case K::kTruncated:
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a bit");
        return;
      case K::kHuge: {
        std::string big(4 * 1024 * 1024, 'x');
        send_all(fd,
                 "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n");
        send_all(fd, big);
        continue;
      }
      case K::kRespond:
        break;
    }
    if (r.delay.count() > 0 && wait_readable(wake_[0], r.delay)) return;
    std::string resp = "HTTP/1.1 " + std::to_string(r.status) +
                       " X\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
    for (const auto& [k, v] : r.headers) resp += k + ": " + v + "\r\n";
    resp += "\r\n" + r.body;
    send_all(fd, resp);
  }
}

UdpReceiver::UdpReceiver() {
  fd_ = listen_on(0, SOCK_DGRAM);
  if (fd_ < 0) std::abort();
  int size = 8 << 20;
  setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  port_ = port_of(fd_);
}

UdpReceiver::~UdpReceiver() {
  ::close(fd_);
}

std::vector<std::string> UdpReceiver::receive(std::size_t n, std::chrono::milliseconds timeout) {
  std::vector<std::string> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<char> buf(70000);
  while (out.size() < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t got = ::recv(fd_, buf.data(), buf.size(), 0);
    if (got < 0) break;
    out.emplace_back(buf.data(), static_cast<std::size_t>(got));
  }
  return out;
}

std::vector<std::string> UdpReceiver::drain() {
  std::vector<std::string> out;
  std::vector<char> buf(70000);
  for (;;) {
    ssize_t got = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (got < 0) return out;
    out.emplace_back(buf.data(), static_cast<std::size_t>(got));
  }
}

}  // namespace argus::trace::testing
