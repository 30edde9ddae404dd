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
    // Migrations run with foreign keys off, so that a table can be rebuilt (sqlite.org
    // lang_altertable.html, the 12 steps: a CHECK cannot be altered otherwise); the pragma is a no-op
    // inside a transaction, so it is set around it, and foreign_key_check runs before each commit.
    struct ForeignKeysOff {
        Database& db;
        explicit ForeignKeysOff(Database& d) : db(d) { db.exec("PRAGMA foreign_keys=OFF"); }
        ~ForeignKeysOff()
        {
            try {
                db.exec("PRAGMA foreign_keys=ON");
            } catch (...) { // a destructor never throws; the connection then stays without checks
            }
        }
    } off(db);
    for (const Migration& m : migrations()) {
        if (m.version <= current) continue;
        Transaction tx(db);
        const std::string label = "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
        try {
            db.exec(m.sql);
        } catch (const StorageError& e) {
            throw StorageError(label + " failed: " + e.what(), e.code());
        }
        {
            Statement check(db, "PRAGMA foreign_key_check");
            if (check.step())
                throw StorageError(label + " left a row of '" + check.column_text(0) +
                                       "' without the row it refers to in '" + check.column_text(2) +
                                       "'; the migration is wrong, the database was left unchanged",
                                   SQLITE_CONSTRAINT_FOREIGNKEY);
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
