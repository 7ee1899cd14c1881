// The SQLite driver (sqlite3 C API), for `memory` and `sqlite://` DSNs. A `memory` store is a
// process-private in-memory database shared by its pool's connections (SQLite's memdb VFS),
// kept alive by an anchor connection for as long as the store exists.
#pragma once

#include <memory>

#include "store/driver.h"
#include "store/dsn.h"

namespace argus::store::sqlite {

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options);

}  // namespace argus::store::sqlite
