// The MariaDB/MySQL driver (libmariadb), for `mysql://` DSNs including Hydra's
// `mysql://user:pass@tcp(host:port)/db` form, with go-sql-driver's timeout, readTimeout and
// writeTimeout parameters. Server-side prepared statements, utf8mb4 with a binary collation (ids
// compare bytewise as on the other back ends), strict SQL mode.
#pragma once

#include <memory>

#include "store/driver.h"
#include "store/dsn.h"

namespace argus::store::mysql {

Result<std::unique_ptr<sql::Driver>> make_driver(const Dsn& dsn, const StoreOptions& options);

}  // namespace argus::store::mysql
