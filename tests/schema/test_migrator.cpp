// SPDX-License-Identifier: GPL-3.0-or-later
// The migrator and the connection settings (design.md §7, style.md §5): head version, idempotence,
// refusal of newer databases, PRAGMAs, the append-only ledger, and a golden schema dump.
#include "schema/database.hpp"
#include "schema/migrator.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using cims::schema::Database;
using cims::schema::StorageError;
using cims::test::TempDir;

/// A fresh, unmigrated database file.
class MigratorTest : public ::testing::Test {
protected:
    std::string path() const { return m_dir.file("fresh.db"); }
    TempDir m_dir;
};

std::string text_of(Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    return st.step() ? st.column_text(0) : std::string("<no row>");
}

std::int64_t int_of(Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    return st.step() ? st.column_int(0) : -1;
}

/// Inserts one hazardous area and its recorded event, as the ledger would.
void insert_one_event(Database& db)
{
    db.exec("INSERT INTO hazards (hazard_id, contamination, contam_mask) VALUES ('H1', 'CMR', 1)");
    db.exec("INSERT INTO ledger_events (kind, hazard_id, status, valid_date, recorded_at) "
            "VALUES ('recorded', 'H1', 'SHA', '2020-01-01', '2024-01-01T00:00:00Z')");
}

// The cims tables; their indexes and triggers follow them into the dump. SpatiaLite's metadata
// tables, its R-tree tables (idx_<table>_<column>*) and the triggers SpatiaLite generates for
// geometry columns (ggi_, ggu_, gii_, giu_, gid_, tmi_, tmu_, tmd_ prefixes: their text changes with
// SpatiaLite's version) are left out; the geometry columns themselves are listed from
// geometry_columns instead.
const char* const cims_tables = "'settings','imports','regions','hazards','activities','people_counts',"
                                "'ledger_events','ledger_effects','release_credits','stratum_totals','submissions',"
                                "'education'";

std::string schema_dump(Database& db)
{
    std::ostringstream out;
    auto st = db.prepare(std::string("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                     "WHERE name NOT LIKE 'sqlite_%' AND tbl_name IN (") +
                         cims_tables +
                         ") AND NOT (type = 'trigger' AND (name GLOB 'gg[iu]_*' OR name GLOB 'gi[iud]_*' "
                         "OR name GLOB 'tm[iud]_*')) ORDER BY type, name");
    while (st.step())
        out << "-- " << st.column_text(0) << " " << st.column_text(1) << " ON " << st.column_text(2) << "\n"
            << (st.is_null(3) ? std::string("(automatic)") : st.column_text(3)) << "\n\n";
    auto gc = db.prepare(std::string("SELECT f_table_name, f_geometry_column, geometry_type, coord_dimension, srid, "
                                     "spatial_index_enabled FROM geometry_columns WHERE f_table_name IN (") +
                         cims_tables + ") ORDER BY 1, 2");
    out << "-- geometry_columns: table, column, geometry_type, coord_dimension, srid, spatial_index_enabled\n";
    while (gc.step())
        out << gc.column_text(0) << " " << gc.column_text(1) << " " << gc.column_int(2) << " " << gc.column_int(3)
            << " " << gc.column_int(4) << " " << gc.column_int(5) << "\n";
    out << "-- user_version " << int_of(db, "PRAGMA user_version") << "\n";
    return out.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// A line diff (longest common subsequence) in unified style: "-" expected only, "+" actual only.
std::string line_diff(const std::string& expected, const std::string& actual)
{
    const auto a = lines_of(expected), b = lines_of(actual);
    std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (std::size_t i = a.size(); i-- > 0;)
        for (std::size_t j = b.size(); j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::ostringstream out;
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a[i] == b[j]) {
            ++i, ++j;
        } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out << "-" << a[i] << "   (golden, line " << i + 1 << ")\n";
            ++i;
        } else {
            out << "+" << b[j] << "   (actual, line " << j + 1 << ")\n";
            ++j;
        }
    }
    return out.str();
}

} // namespace

TEST(Migrations, AreNumberedFromOneWithoutGaps)
{
    const auto& all = cims::schema::migrations();
    ASSERT_FALSE(all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].version, int(i + 1)) << all[i].name;
        EXPECT_FALSE(all[i].sql.empty()) << all[i].name;
    }
    EXPECT_EQ(cims::schema::head_version(), all.back().version);
    EXPECT_EQ(all.front().name, "0001_init");
}

TEST_F(MigratorTest, EmptyDatabaseMigratesToHead)
{
    Database db(path(), Database::Mode::create);
    EXPECT_EQ(cims::schema::schema_version(db), 0);
    EXPECT_EQ(cims::schema::migrate(db), int(cims::schema::migrations().size()));
    EXPECT_EQ(cims::schema::schema_version(db), cims::schema::head_version());
    EXPECT_EQ(int_of(db, "PRAGMA user_version"), cims::schema::head_version());
}

TEST_F(MigratorTest, MigratingTwiceAppliesNothing)
{
    {
        Database db(path(), Database::Mode::create);
        cims::schema::migrate(db);
    }
    Database db(path(), Database::Mode::open_existing);
    EXPECT_EQ(cims::schema::migrate(db), 0);
    EXPECT_EQ(cims::schema::schema_version(db), cims::schema::head_version());
    EXPECT_NO_THROW(cims::schema::require_current(db));
}

TEST_F(MigratorTest, NewerDatabaseIsRefusedWithUpgradeAdvice)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    const int newer = cims::schema::head_version() + 1;
    db.exec("PRAGMA user_version = " + std::to_string(newer));
    try {
        cims::schema::migrate(db);
        FAIL() << "a database at version " << newer << " was migrated";
    } catch (const StorageError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("schema version " + std::to_string(newer)), std::string::npos) << what;
        EXPECT_NE(what.find("upgrade cims"), std::string::npos) << what;
        EXPECT_EQ(e.code(), SQLITE_MISMATCH);
    }
    EXPECT_EQ(cims::schema::schema_version(db), newer); // left as it was
    EXPECT_THROW(cims::schema::require_current(db), StorageError);
}

TEST_F(MigratorTest, UnmigratedFileIsNotACimsDatabase)
{
    Database db(path(), Database::Mode::create);
    try {
        cims::schema::require_current(db);
        FAIL() << "an empty file passed require_current";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("is not a cims database; create one with 'cims init"), std::string::npos)
            << e.what();
        EXPECT_EQ(e.code(), SQLITE_NOTADB);
    }
}

TEST_F(MigratorTest, MissingFileIsNotCreatedWhenOpeningExisting)
{
    EXPECT_THROW(Database(path(), Database::Mode::open_existing), StorageError);
    EXPECT_FALSE(std::filesystem::exists(path()));
}

TEST_F(MigratorTest, PragmasAreInForce)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    EXPECT_EQ(text_of(db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(int_of(db, "PRAGMA synchronous"), 2); // FULL
    EXPECT_EQ(int_of(db, "PRAGMA foreign_keys"), 1);
}

TEST_F(MigratorTest, PragmasAreInForceOnReopen)
{
    {
        Database db(path(), Database::Mode::create);
        cims::schema::migrate(db);
    }
    Database db(path(), Database::Mode::open_existing);
    EXPECT_EQ(text_of(db, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(int_of(db, "PRAGMA synchronous"), 2);
    EXPECT_EQ(int_of(db, "PRAGMA foreign_keys"), 1);
}

TEST_F(MigratorTest, SpatialiteIsLoaded)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    EXPECT_EQ(text_of(db, "SELECT AsText(GeomFromText('POINT(1 2)', 4326))"), "POINT(1 2)");
    EXPECT_EQ(int_of(db, "SELECT count(*) FROM spatial_ref_sys WHERE srid = 4326"), 1);
}

TEST_F(MigratorTest, LedgerEventsRejectUpdate)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    insert_one_event(db);
    try {
        db.exec("UPDATE ledger_events SET valid_date = '2021-01-01'");
        FAIL() << "a ledger event was updated";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("update on ledger_events violates constraint: the ledger is append-only"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(text_of(db, "SELECT valid_date FROM ledger_events"), "2020-01-01");
}

TEST_F(MigratorTest, LedgerEventsRejectDelete)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    insert_one_event(db);
    try {
        db.exec("DELETE FROM ledger_events");
        FAIL() << "a ledger event was deleted";
    } catch (const StorageError& e) {
        EXPECT_NE(std::string(e.what()).find("delete on ledger_events violates constraint: the ledger is append-only"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(int_of(db, "SELECT count(*) FROM ledger_events"), 1);
}

TEST_F(MigratorTest, LedgerEventsAcceptAppend)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    insert_one_event(db);
    db.exec("INSERT INTO ledger_events (kind, hazard_id, status, valid_date, recorded_at) "
            "VALUES ('status_changed', 'H1', 'CHA', '2021-01-01', '2024-01-01T00:00:00Z')");
    EXPECT_EQ(int_of(db, "SELECT count(*) FROM ledger_events"), 2);
}

TEST_F(MigratorTest, ForeignKeysAreEnforced)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    try {
        db.exec("INSERT INTO ledger_events (kind, hazard_id, status, valid_date, recorded_at) "
                "VALUES ('recorded', 'NO-SUCH-AREA', 'SHA', '2020-01-01', '2024-01-01T00:00:00Z')");
        FAIL() << "an event for an unknown hazardous area was accepted";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_FOREIGNKEY) << e.what();
    }
}

TEST_F(MigratorTest, EventDateMustBeIso)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    db.exec("INSERT INTO hazards (hazard_id, contamination, contam_mask) VALUES ('H1', 'CMR', 1)");
    try {
        db.exec("INSERT INTO ledger_events (kind, hazard_id, status, valid_date, recorded_at) "
                "VALUES ('recorded', 'H1', 'SHA', '01/02/2020', '2024-01-01T00:00:00Z')");
        FAIL() << "a non-ISO date was accepted";
    } catch (const StorageError& e) {
        EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_CHECK) << e.what();
        EXPECT_NE(std::string(e.what()).find("check_events_date"), std::string::npos) << e.what();
    }
}

TEST_F(MigratorTest, TransactionRollsBackUnlessCommitted)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    {
        cims::schema::Transaction tx(db);
        db.exec("INSERT INTO settings (key, value) VALUES ('country', 'KHM')");
    }
    EXPECT_EQ(int_of(db, "SELECT count(*) FROM settings"), 0);
    {
        cims::schema::Transaction tx(db);
        db.exec("INSERT INTO settings (key, value) VALUES ('country', 'KHM')");
        tx.commit();
    }
    EXPECT_EQ(text_of(db, "SELECT value FROM settings WHERE key = 'country'"), "KHM");
}

TEST_F(MigratorTest, SchemaMatchesGolden)
{
    Database db(path(), Database::Mode::create);
    cims::schema::migrate(db);
    const std::string actual = schema_dump(db);
    const std::string golden_path = std::string(CIMS_TEST_DATA_DIR) + "/schema_head.golden";

    if (const char* update = std::getenv("CIMS_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::ofstream(golden_path, std::ios::binary) << actual;
        GTEST_SKIP() << "wrote " << golden_path << " from the current build; review it with git diff";
    }
    std::ifstream in(golden_path, std::ios::binary);
    ASSERT_TRUE(in) << "missing " << golden_path
                    << "; create it with: CIMS_UPDATE_GOLDEN=1 build/tests/test_schema --gtest_filter='*SchemaMatchesGolden'";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_TRUE(expected.str() == actual)
        << "the schema after migrating to version " << cims::schema::head_version() << " differs from " << golden_path
        << ":\n"
        << line_diff(expected.str(), actual)
        << "If the change is intended (a new migration), regenerate the golden file with:\n"
           "  CIMS_UPDATE_GOLDEN=1 build/tests/test_schema --gtest_filter='*SchemaMatchesGolden'\n"
           "and review it with git diff. Never edit a merged migration: add schema/migrations/NNNN_*.sql.";
}

TEST_F(MigratorTest, FileThatIsNotSqliteIsRefusedNamingIt)
{
    // database.hpp: "\throws StorageError naming the file".
    {
        std::ofstream(path(), std::ios::binary) << std::string(4096, 'x');
    }
    try {
        Database db(path(), Database::Mode::open_existing);
        FAIL() << "a file of x's was opened as a database";
    } catch (const StorageError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(path()), std::string::npos) << what;
        EXPECT_NE(what.find("file is not a database"), std::string::npos) << what;
        EXPECT_EQ(e.code() & 0xff, SQLITE_NOTADB) << what;
    }
}
