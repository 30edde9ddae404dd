// SPDX-License-Identifier: GPL-3.0-or-later
// ImportFixture: a fresh database, GeoJSON literals written to a temporary folder, and a canonical
// row-level dump of the cims tables to prove that a refused import changed nothing.
#pragma once

#include "importers/importer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

namespace cims::test {

/// A GeoJSON square polygon of `side` degrees with its south-west corner at (x, y).
inline nlohmann::json square_geometry(double x, double y, double side = 0.01)
{
    return {{"type", "Polygon"},
            {"coordinates", {{{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}, {x, y}}}}};
}

inline nlohmann::json point_geometry(double x, double y)
{
    return {{"type", "Point"}, {"coordinates", {x, y}}};
}

inline nlohmann::json feature(nlohmann::json properties, nlohmann::json geometry)
{
    return {{"type", "Feature"}, {"properties", std::move(properties)}, {"geometry", std::move(geometry)}};
}

/// A FeatureCollection without feature ids: GDAL numbers the features 0, 1, 2 … in file order.
inline std::string collection(const std::vector<nlohmann::json>& features)
{
    nlohmann::json fc = {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
    for (const auto& f : features) fc["features"].push_back(f);
    return fc.dump(1);
}

/// Today's date in UTC, shifted by `days`, as YYYY-MM-DD (the importer's "future" is after today, UTC).
inline std::string utc_date(int days = 0)
{
    const std::time_t t = std::time(nullptr) + std::time_t(days) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

/// Every row of every cims table, in rowid order, each value through SQLite's quote(): equal dumps
/// mean equal content. (The .db file's bytes are no proof under WAL; rows are.)
inline std::string canonical_dump(const std::string& db_path)
{
    schema::Database db(db_path, schema::Database::Mode::open_existing);
    std::ostringstream out;
    for (const char* table : {"settings", "imports", "regions", "hazards", "activities", "people_counts",
                              "ledger_events", "ledger_effects", "release_credits", "stratum_totals", "education"}) {
        std::string columns;
        auto info = db.prepare(std::string("PRAGMA table_info(") + table + ")");
        while (info.step()) {
            if (!columns.empty()) columns += " || '|' || ";
            columns += "quote(\"" + info.column_text(1) + "\")";
        }
        out << "== " << table << "\n";
        auto rows = db.prepare("SELECT " + columns + " FROM " + table + " ORDER BY rowid");
        while (rows.step()) out << rows.column_text(0) << "\n";
    }
    return out.str();
}

/// Whether GDAL's ogr2ogr is on the PATH (scripts/install-deps.sh installs gdal-bin).
inline bool have_ogr2ogr()
{
    return std::system("command -v ogr2ogr >/dev/null 2>&1") == 0;
}

#define REQUIRE_OGR2OGR()                                                                                          \
    if (!::cims::test::have_ogr2ogr()) GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed: cannot write the test file"

/// Runs ogr2ogr with already-quoted arguments; fails with its output.
inline ::testing::AssertionResult ogr2ogr(const std::string& args)
{
    const std::string cmd = "ogr2ogr " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return ::testing::AssertionFailure() << "cannot run " << cmd;
    std::string out;
    std::array<char, 512> buf{};
    while (fgets(buf.data(), int(buf.size()), p)) out += buf.data();
    if (pclose(p) != 0) return ::testing::AssertionFailure() << cmd << "\n" << out;
    return ::testing::AssertionSuccess();
}

class ImportFixture : public ::testing::Test {
protected:
    ImportFixture() : m_store(m_db.store()) {}

    std::string write(const std::string& name, const std::string& text) const { return m_db.dir().write(name, text); }

    importers::ImportReport import(const std::vector<std::string>& files, importers::ImportOptions options = {})
    {
        return importers::import_files(*m_store, files, options);
    }
    importers::ImportReport import(const std::string& file, importers::ImportOptions options = {})
    {
        return import(std::vector<std::string>{file}, std::move(options));
    }

    std::string dump() const { return canonical_dump(m_db.path()); }

    std::int64_t count(const std::string& sql) const
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        return st.step() ? st.column_int(0) : -1;
    }
    /// The rows of a one-column query joined by ",".
    std::string column(const std::string& sql) const
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        std::string out;
        for (bool first = true; st.step(); first = false) {
            if (!first) out += ',';
            out += st.is_null(0) ? std::string("NULL") : st.column_text(0);
        }
        return out;
    }

    /// A hazard layer with one valid SHA area H1 recorded on 2020-01-15.
    std::string one_hazard_file(const std::string& name = "hazards.geojson")
    {
        return write(name, collection({feature({{"hazard_id", "H1"}, {"status", "SHA"}, {"contam", "CMR"},
                                                {"recorded", "2020-01-15"}},
                                               square_geometry(105.0, 12.0))}));
    }

    static std::string report_text(const importers::ImportReport& r) { return r.summary(); }

    TempDb m_db;
    std::unique_ptr<core::LedgerStore> m_store;
};

} // namespace cims::test
