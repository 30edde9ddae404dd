// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the test suites: temporary databases and files.
#pragma once

#include "core/ledger_store.hpp"
#include "schema/database.hpp"
#include "schema/migrator.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

namespace cims::test {

/// A temporary folder removed at the end of the test (CIMS_KEEP_TEST_DB=1 keeps it).
class TempDir {
public:
    TempDir()
    {
        std::random_device rd;
        m_path = std::filesystem::temp_directory_path() / ("cims-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir()
    {
        if (!std::getenv("CIMS_KEEP_TEST_DB")) {
            std::error_code ec;
            std::filesystem::remove_all(m_path, ec);
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (m_path / name).string(); }
    /// Writes `text` to a file in the folder and returns its path.
    std::string write(const std::string& name, const std::string& text) const
    {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

/// A migrated cims database in a temporary folder.
class TempDb {
public:
    TempDb() : m_path(m_dir.file("test.db"))
    {
        schema::Database db(m_path, schema::Database::Mode::create);
        schema::migrate(db);
    }
    const std::string& path() const { return m_path; }
    std::unique_ptr<core::LedgerStore> store() const { return core::open_spatialite_store(m_path); }
    const TempDir& dir() const { return m_dir; }

private:
    TempDir m_dir;
    std::string m_path;
};

} // namespace cims::test
