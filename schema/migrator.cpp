// SPDX-License-Identifier: GPL-3.0-or-later
#include "migrator.hpp"

#include <sqlite3.h>

#include <string>

namespace cims::schema {

int head_version()
{
    return migrations().empty() ? 0 : migrations().back().version;
}

int schema_version(Database& db)
{
    Statement st(db, "PRAGMA user_version");
    return st.step() ? int(st.column_int(0)) : 0;
}

namespace {
void refuse_newer(Database& db, int version)
{
    throw StorageError("database '" + db.path() + "' has schema version " + std::to_string(version) +
                           " whereas this cims knows versions up to " + std::to_string(head_version()) +
                           ". It was written by a newer cims: upgrade cims, never downgrade a database.",
                       SQLITE_MISMATCH);
}
} // namespace

int migrate(Database& db)
{
    const int current = schema_version(db);
    if (current > head_version()) refuse_newer(db, current);
    int applied = 0;
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        Transaction tx(db);
        try {
            db.exec(m.sql);
        } catch (const StorageError& e) {
            throw StorageError("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                                   ") failed: " + e.what(),
                               e.code());
        }
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        tx.commit();
        ++applied;
    }
    return applied;
}

void require_current(Database& db)
{
    const int version = schema_version(db);
    if (version > head_version()) refuse_newer(db, version);
    if (version == 0)
        throw StorageError("'" + db.path() + "' is not a cims database; create one with 'cims init " + db.path() + "'",
                           SQLITE_NOTADB);
    if (version < head_version()) migrate(db);
}

} // namespace cims::schema
