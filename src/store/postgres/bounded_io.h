// Waiting on a PostgreSQL server with a deadline. libpq's blocking calls wait as long as the
// server's TCP stack acknowledges: a server that hangs mid-query would hold a worker thread
// indefinitely, and libpq's connect_timeout counts whole seconds. These helpers drive libpq's
// asynchronous API with poll() instead, so every wait ends by its deadline.
#pragma once

#include <libpq-fe.h>

#include <chrono>

namespace argus::store::postgres {

using Deadline = std::chrono::steady_clock::time_point;

// Drives a non-blocking connect (PQconnectStartParams) to completion. False on failure or when
// the deadline passes first.
bool finish_connect(PGconn* conn, Deadline deadline);

// The outcome of a query sent with a PQsend* call on a connection in non-blocking mode.
struct Reply {
  // The last result, or the first error among several; nullptr when none could be read. The
  // caller owns it (PQclear).
  PGresult* result = nullptr;
  bool timed_out = false;  // the server sent no complete reply in time; the connection is spent
};

// Flushes the query and reads all of its results, by the deadline.
Reply await_reply(PGconn* conn, Deadline deadline);

}  // namespace argus::store::postgres
