// SPDX-License-Identifier: GPL-3.0-or-later
// GDAL as a real client of `cims serve` on loopback: ogrinfo lists the collections, and ogr2ogr
// pulls every hazardous area across many pages, authenticated by an API key, with the count and
// the areas of the database.
#include "gis/geometry.hpp"
#include "samples_db.hpp"
#include "schema/database.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>

namespace cims::test {
namespace {

using nlohmann::json;

/// Runs a shell command; its standard output (standard error goes to `err_file`) and exit code.
std::pair<int, std::string> shell(const std::string& cmd)
{
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return {-1, ""};
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class OgcGdal : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (shell("ogr2ogr --version 2>/dev/null").first != 0) GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed";
        m_db = m_dir.file("samples.db");
        build_samples_db(m_db);
        const std::string log = m_db + ".log";
        ASSERT_EQ(shell("echo a-long-password-1 | " + std::string(CIMS_BINARY) + " users add " + m_db +
                        " --org Authority --role viewer --name gdal-client >>" + log + " 2>&1")
                      .first,
                  0)
            << "see " << log;
        const auto key = shell(std::string(CIMS_BINARY) + " users api-key " + m_db + " --name gdal-client 2>>" + log);
        ASSERT_EQ(key.first, 0) << "see " << log;
        m_key = key.second.substr(0, key.second.find('\n'));
        ASSERT_FALSE(m_key.empty());
    }

    std::string gdal_env() const
    {
        return "GDAL_HTTP_HEADERS='Authorization: Bearer " + m_key + "' ";
    }

    double db_double(const std::string& sql)
    {
        schema::Database db(m_db, schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        EXPECT_TRUE(st.step());
        return st.column_double(0);
    }

    TempDir m_dir;
    std::string m_db, m_key;
};

TEST_F(OgcGdal, OgrinfoListsTheCollectionsAndOgr2ogrPullsEveryHazardAcrossPages)
{
    ServeProcess server(m_db, "");
    ASSERT_FALSE(server.url().empty()) << "cims serve did not start; see " << m_db << ".serve.log";

    // Without the key: 401, GDAL cannot open it.
    EXPECT_NE(shell("ogrinfo -ro -so OAPIF:" + server.url() + " 2>&1").first, 0);

    const auto info = shell(gdal_env() + "ogrinfo -ro -so OAPIF:" + server.url() + " 2>&1");
    ASSERT_EQ(info.first, 0) << info.second;
    for (const char* layer : {"1: hazards", "2: activities", "3: releases", "4: regions"})
        EXPECT_NE(info.second.find(layer), std::string::npos) << layer << " missing in:\n" << info.second;

    // A page of 7 forces ~24 requests through the next links.
    const std::string out = m_dir.file("hazards.geojson");
    const auto pulled = shell(gdal_env() + "ogr2ogr -f GeoJSON " + out + " OAPIF:" + server.url() +
                              " hazards -oo PAGE_SIZE=7 2>&1");
    ASSERT_EQ(pulled.first, 0) << pulled.second;
    std::ifstream in(out);
    const json fc = json::parse(in);
    const double count = db_double("SELECT count(*) FROM hazards WHERE remaining IS NOT NULL");
    ASSERT_GT(count, 7 * 3);
    EXPECT_EQ(fc["features"].size(), std::size_t(count));
    double attribute_sum = 0, measured_sum = 0;
    std::set<std::string> ids;
    for (const auto& f : fc["features"]) {
        ids.insert(f["properties"]["hazard_id"].get<std::string>());
        attribute_sum += f["properties"]["remaining_m2"].get<double>();
        measured_sum += gis::Geometry::from_wkt(polygon_wkt(f["geometry"])).area_m2();
    }
    EXPECT_EQ(ids.size(), std::size_t(count));
    const double db_sum = db_double("SELECT sum(remaining_m2) FROM hazards");
    EXPECT_NEAR(attribute_sum, db_sum, std::max(1.0, db_sum * 1e-9));
    // The geometries GDAL received measure what the ledger measured (design.md §2 tolerance).
    EXPECT_NEAR(measured_sum, db_sum, std::max(1.0, db_sum * 5e-4));

    // The server answered the pages (its log lists each request with its offset).
    const std::string text = server.log();
    const std::string last_page = fmt::format("/collections/hazards/items?limit=7&offset={}", (int(count) - 1) / 7 * 7);
    EXPECT_NE(text.find(last_page), std::string::npos) << last_page;
}

TEST_F(OgcGdal, PublicReadNeedsNoKey)
{
    ServeProcess server(m_db, "--public-read");
    ASSERT_FALSE(server.url().empty());
    const std::string out = m_dir.file("regions.geojson");
    const auto pulled = shell("ogr2ogr -f GeoJSON " + out + " OAPIF:" + server.url() + " regions 2>&1");
    ASSERT_EQ(pulled.first, 0) << pulled.second;
    std::ifstream in(out);
    EXPECT_EQ(json::parse(in)["features"].size(), std::size_t(db_double("SELECT count(*) FROM regions")));
}

} // namespace
} // namespace cims::test
