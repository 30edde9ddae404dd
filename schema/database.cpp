// SPDX-License-Identifier: GPL-3.0-or-later
#include "database.hpp"

// sqlite3.h first: spatialite.h uses its types without including it.
#include <sqlite3.h>
#include <spatialite.h>

#include <filesystem>

namespace cims::schema {

namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what, int rc)
{
    const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw StorageError(what + ": " + (msg ? msg : "unknown SQLite error"), rc);
}
} // namespace

Statement::Statement(Database& db, std::string_view sql) : m_db(&db)
{
    const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), int(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        fail(db.handle(), "preparing SQL [" + std::string(sql.substr(0, 120)) + "]", rc);
    }
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& o) noexcept : m_db(o.m_db), m_stmt(o.m_stmt)
{
    o.m_stmt = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value)
{
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK) fail(m_db->handle(), "binding parameter " + std::to_string(index), rc);
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK) fail(m_db->handle(), "binding parameter " + std::to_string(index), rc);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    const int rc = sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) fail(m_db->handle(), "binding parameter " + std::to_string(index), rc);
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes)
{
    const int rc = sqlite3_bind_blob(m_stmt, index, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) fail(m_db->handle(), "binding parameter " + std::to_string(index), rc);
    return *this;
}

Statement& Statement::bind_null(int index)
{
    const int rc = sqlite3_bind_null(m_stmt, index);
    if (rc != SQLITE_OK) fail(m_db->handle(), "binding parameter " + std::to_string(index), rc);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(m_stmt) ? std::string(sqlite3_sql(m_stmt)).substr(0, 120) : "";
    fail(m_db->handle(), "running SQL [" + sql + "]", rc);
}

void Statement::run()
{
    while (step()) {
    }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}

double Statement::column_double(int col) const
{
    return sqlite3_column_double(m_stmt, col);
}

std::string Statement::column_text(int col) const
{
    const auto* p = sqlite3_column_text(m_stmt, col);
    return p ? std::string(reinterpret_cast<const char*>(p), std::size_t(sqlite3_column_bytes(m_stmt, col)))
             : std::string();
}

std::string Statement::column_blob(int col) const
{
    const void* p = sqlite3_column_blob(m_stmt, col);
    return p ? std::string(static_cast<const char*>(p), std::size_t(sqlite3_column_bytes(m_stmt, col)))
             : std::string();
}

std::optional<std::string> Statement::column_optional_text(int col) const
{
    if (is_null(col)) return std::nullopt;
    return column_text(col);
}

Database::Database(const std::string& path, Mode mode) : m_path(path)
{
    if (mode == Mode::open_existing && !std::filesystem::exists(path))
        throw StorageError("database '" + path + "' does not exist; create it with 'cims init " + path + "'",
                           SQLITE_CANTOPEN);
    const int flags = SQLITE_OPEN_READWRITE | (mode == Mode::create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        // As SQLiteCpp does: release the handle before reporting, since open may allocate one on failure.
        const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StorageError("cannot open database '" + path + "': " + msg, rc);
    }
    sqlite3_extended_result_codes(m_db, 1);
    m_spatialite_cache = spatialite_alloc_connection();
    spatialite_init_ex(m_db, m_spatialite_cache, 0);
    sqlite3_busy_timeout(m_db, 30000);
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA foreign_keys=ON");
        // A 64 MiB page cache: large enough for reports and rebuilds, small enough that an import's
        // memory stays bounded.
        exec("PRAGMA cache_size=-65536");
    } catch (const StorageError& e) {
        // The destructor does not run for a constructor that throws: release both handles here.
        sqlite3_close_v2(m_db);
        spatialite_cleanup_ex(m_spatialite_cache);
        throw StorageError("cannot open database '" + path + "': " + e.what() +
                               " (is it a cims database? create one with 'cims init')",
                           e.code());
    }
}

Database::~Database()
{
    sqlite3_close_v2(m_db);
    if (m_spatialite_cache) spatialite_cleanup_ex(m_spatialite_cache);
}

void Database::exec(std::string_view sql)
{
    char* err = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw StorageError("running SQL [" + text.substr(0, 120) + "]: " + msg, rc);
    }
}

std::int64_t Database::last_insert_rowid() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

std::string Database::error_message() const
{
    return sqlite3_errmsg(m_db);
}

Transaction::Transaction(Database& db) : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) { // destructors never throw; SQLite already rolled back on most errors
        }
    }
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace cims::schema
