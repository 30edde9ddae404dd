// SPDX-License-Identifier: GPL-3.0-or-later
// Migrator: brings a database to the schema version of this binary, one migration at a time.
#pragma once

#include "schema/database.hpp"

#include <string_view>
#include <vector>

namespace cims::schema {

/// One numbered migration from schema/migrations/NNNN_name.sql, compiled into the binary.
struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

/// Every migration this binary knows, in version order (generated from schema/migrations/).
const std::vector<Migration>& migrations();

/// The version a fully migrated database has: the highest migration number.
int head_version();

/// Reads PRAGMA user_version.
int schema_version(Database& db);

/// Applies each pending migration in its own transaction, which also sets user_version.
/// \throws StorageError with a fix-it message when the database is newer than this binary.
/// \returns the number of migrations applied.
int migrate(Database& db);

/// Refuses a database that is newer than this binary or not a cims database (version 0), and
/// migrates an older one to head_version().
void require_current(Database& db);

} // namespace cims::schema
