#include "store/postgres/bounded_io.h"

#include <poll.h>

#include <cerrno>

namespace argus::store::postgres {
namespace {

enum class Wait { kReady, kTimedOut, kFailed };

// Waits until the connection's socket is ready for `events`, bounded by the deadline.
Wait wait_for(PGconn* conn, short events, Deadline deadline) {
  for (;;) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Wait::kTimedOut;
    pollfd pfd{PQsocket(conn), events, 0};
    if (pfd.fd < 0) return Wait::kFailed;
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready > 0) return Wait::kReady;
    if (ready < 0 && errno != EINTR) return Wait::kFailed;
  }
}

// Sends what libpq has queued. While the socket is full it also reads, as libpq's own flush
// does, so a server blocked on sending to us cannot deadlock with us.
Wait flush(PGconn* conn, Deadline deadline) {
  for (;;) {
    int pending = PQflush(conn);
    if (pending == 0) return Wait::kReady;
    if (pending < 0) return Wait::kFailed;
    Wait w = wait_for(conn, POLLIN | POLLOUT, deadline);
    if (w != Wait::kReady) return w;
    if (PQconsumeInput(conn) == 0) return Wait::kFailed;
  }
}

// Reads until PQgetResult would not block.
Wait read_until_result(PGconn* conn, Deadline deadline) {
  while (PQisBusy(conn)) {
    Wait w = wait_for(conn, POLLIN, deadline);
    if (w != Wait::kReady) return w;
    if (PQconsumeInput(conn) == 0) return Wait::kFailed;
  }
  return Wait::kReady;
}

bool is_error(const PGresult* result) {
  auto status = PQresultStatus(result);
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
}

// Keeps what PQexec would return: the last result, except that an error is never replaced.
void keep(Reply& reply, PGresult* next) {
  if (reply.result != nullptr && is_error(reply.result)) {
    PQclear(next);
    return;
  }
  PQclear(reply.result);
  reply.result = next;
}

}  // namespace

bool finish_connect(PGconn* conn, Deadline deadline) {
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  for (;;) {
    if (status == PGRES_POLLING_OK) return true;
    if (status == PGRES_POLLING_FAILED) return false;
    short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (wait_for(conn, events, deadline) != Wait::kReady) return false;
    status = PQconnectPoll(conn);
  }
}

Reply await_reply(PGconn* conn, Deadline deadline) {
  Reply reply;
  Wait w = flush(conn, deadline);
  while (w == Wait::kReady) {
    w = read_until_result(conn, deadline);
    if (w != Wait::kReady) break;
    PGresult* next = PQgetResult(conn);
    if (next == nullptr) return reply;  // every result read
    keep(reply, next);
  }
  PQclear(reply.result);
  reply.result = nullptr;
  reply.timed_out = w == Wait::kTimedOut;
  return reply;
}

}  // namespace argus::store::postgres
