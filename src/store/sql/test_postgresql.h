#pragma once

#include <string>

#include "core/result.h"

// The PostgreSQL 15 server of a test binary: started by scripts/test-postgresql on first use (as
// "nobody" when the tests run as root), on a free port of 127.0.0.1, and stopped by its PID when
// the tests end (a gtest Environment). Link test_postgresql.cc into the test executable itself.
namespace secinfo::store::test {

// A connection string for a new, empty database of the server, which starts if it has not yet.
// Unavailable (with the script's message) when the server cannot start. Thread-safe.
Result<std::string> NewPostgresqlDatabase();

// The connection string of the server's "postgres" database, for tests that administer it.
Result<std::string> PostgresqlAdminConnection();

}  // namespace secinfo::store::test
