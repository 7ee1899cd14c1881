// The PostgreSQL driver (libpq), for `postgres://` and `postgresql://` DSNs. Statements are
// prepared once per connection and every reply is awaited by the DSN's read_timeout; a connection
// whose socket dies, or whose server stopped answering, is reported broken so the pool reconnects.
#pragma once

#include <memory>

#include "store/driver.h"
#include "store/dsn.h"

namespace argus::store::postgres {

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options);

}  // namespace argus::store::postgres
