// SPDX-License-Identifier: GPL-3.0-or-later
// Database, Statement, Transaction: a SpatiaLite-enabled SQLite connection with RAII handles.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace cims::schema {

/// A SQLite call failed. Carries SQLite's extended result code; the message names the statement's
/// purpose, never a user-facing secret.
class StorageError : public std::runtime_error {
public:
    StorageError(const std::string& what, int code) : std::runtime_error(what), m_code(code) {}
    int code() const noexcept { return m_code; }

private:
    int m_code;
};

class Database;

/// A prepared statement; parameters are 1-based as in SQLite, columns 0-based.
class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    template <class T> Statement& bind(int index, const std::optional<T>& value)
    {
        return value ? bind(index, *value) : bind_null(index);
    }

    /// Advances to the next row: true while there is one.
    bool step();
    /// Runs a statement that returns no row (or whose rows are ignored).
    void run();
    /// Ready to run again with new bindings.
    void reset();

    bool is_null(int col) const;
    std::int64_t column_int(int col) const;
    double column_double(int col) const;
    std::string column_text(int col) const;
    std::string column_blob(int col) const;
    std::optional<std::string> column_optional_text(int col) const;

private:
    Database* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

/// One connection to a SpatiaLite database file. Owns the sqlite3 handle and SpatiaLite's
/// per-connection cache: the database closes first, then the cache is released.
/// Contract: one connection per thread.
class Database {
public:
    enum class Mode { create, open_existing };

    /// Opens (or creates) the file with WAL, synchronous=FULL, foreign keys on, a busy timeout.
    /// \throws StorageError naming the file.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) { return Statement(*this, sql); }
    std::int64_t last_insert_rowid() const;
    int changes() const;
    const std::string& path() const noexcept { return m_path; }
    /// The current SQLite error text, for messages.
    std::string error_message() const;

    sqlite3* handle() const noexcept { return m_db; }

private:
    std::string m_path;
    sqlite3* m_db = nullptr;
    void* m_spatialite_cache = nullptr;
};

/// Rolls back unless commit() was called. Nested use is not supported (SQLite has no nested BEGIN).
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace cims::schema
