// SPDX-License-Identifier: GPL-3.0-or-later
// How import_files uses what VectorSource and text_check offer: open options from the mapping
// profile and the import options, warnings for double-encoded text, warnings from opening a file,
// content hashes of file geodatabase folders.
#include "import_fixture.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cims::test {
namespace {

namespace fs = std::filesystem;
using importers::ImportOptions;
using importers::ImportReport;
using importers::MappingProfile;
using nlohmann::json;

bool run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; }

json hazard(const std::string& id, const std::string& name, double x)
{
    return feature({{"hazard_id", id}, {"status", "SHA"}, {"contam", "AP"}, {"recorded", "2020-01-15"}, {"name", name}},
                   square_geometry(x, 44.0));
}

class FormatWiring : public ImportFixture {
protected:
    std::string path(const std::string& name) const { return m_db.dir().file(name); }
    static std::vector<importers::Warning> warnings_with(const ImportReport& r, const std::string& part)
    {
        std::vector<importers::Warning> out;
        for (const auto& w : r.warnings)
            if (w.message.find(part) != std::string::npos) out.push_back(w);
        return out;
    }
};

TEST_F(FormatWiring, DoubleEncodedTextIsWarnedFeatureByFeature)
{
    std::vector<json> features;
    for (int i = 0; i < 5; ++i) {
        std::string id = "H";
        id += std::to_string(i);
        features.push_back(hazard(id, "GoraÅ¾de", 18.9 + 0.1 * i));
    }
    features.push_back(hazard("H9", "Goražde", 19.9));
    const ImportReport r = import(write("bih.geojson", collection(features)));
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 6);
    const auto flagged = warnings_with(r, "looks double-encoded");
    ASSERT_EQ(flagged.size(), 3u) << r.summary();
    EXPECT_EQ(flagged[0].fid, 0);
    EXPECT_NE(flagged[0].message.find("probably 'Goražde'"), std::string::npos) << flagged[0].message;
    const auto total = warnings_with(r, "5 values look double-encoded in all");
    ASSERT_EQ(total.size(), 1u) << r.summary();
    EXPECT_EQ(total[0].fid, -1);
}

TEST_F(FormatWiring, CsvCrsAndGeometryColumnsFromTheMapping)
{
    // A 1 km square in UTM 48N, in columns the mapping names.
    const std::string file = write("utm.csv", "ID,ST,CT,REC,OUTLINE\n"
                                              "H1,SHA,CMR,2020-01-15,\"POLYGON ((500000 1400000,501000 1400000,"
                                              "501000 1401000,500000 1401000,500000 1400000))\"\n");
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "ID", "status": "ST", "contam": "CT", "recorded": "REC"},
            "geometry": {"wkt": "OUTLINE"}, "crs": "EPSG:32648"})",
        "utm.json");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].crs, "WGS 84 / UTM zone 48N");
    EXPECT_NEAR(std::stod(column("SELECT remaining_m2 FROM hazards")), 1e6 / (0.9996 * 0.9996), 50.0);
    EXPECT_TRUE(warnings_with(r, "OGC:CRS84").empty()) << r.summary();
}

TEST_F(FormatWiring, TwoFileGeodatabasesAreTwoContents)
{
    REQUIRE_OGR2OGR();
    const std::string a = write("a.geojson", collection({hazard("H1", "a", 105.0)}));
    const std::string b = write("b.geojson", collection({hazard("H2", "b", 105.1)}));
    fs::create_directories(path("one"));
    fs::create_directories(path("two"));
    ASSERT_TRUE(run("ogr2ogr -f OpenFileGDB -nln hazards '" + path("one/export.gdb") + "' '" + a + "'"));
    ASSERT_TRUE(run("ogr2ogr -f OpenFileGDB -nln hazards '" + path("two/export.gdb") + "' '" + b + "'"));
    EXPECT_NE(importers::content_hash(path("one/export.gdb")), importers::content_hash(path("two/export.gdb")));
    EXPECT_EQ(import(path("one/export.gdb")).accepted, 1);
    const ImportReport r = import(path("two/export.gdb"));
    EXPECT_EQ(r.accepted, 1) << r.summary();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_FALSE(r.layers[0].already_imported);
}

TEST_F(FormatWiring, ArchiveLimitsFromTheImportOptions)
{
    write("h.geojson", collection({hazard("H1", "a", 105.0)}));
    write("readme.txt", "x");
    const std::string zip = path("h.zip");
    if (!run("command -v zip")) GTEST_SKIP() << "zip is not installed: cannot write the test archive";
    ASSERT_TRUE(run("cd '" + m_db.dir().path().string() + "' && zip -q h.zip h.geojson readme.txt"));
    ImportOptions options;
    options.archive.max_entries = 1;
    const auto refused = import(zip, options);
    EXPECT_FALSE(refused.written);
    ASSERT_EQ(refused.rejected.size(), 1u) << "the archive limit was not applied";
    EXPECT_NE(refused.rejected[0].reason.find("2 entries, more than the limit of 1"), std::string::npos)
        << refused.rejected[0].reason;
    EXPECT_EQ(import(zip).accepted, 1);
}

TEST_F(FormatWiring, WarningsFromOpeningAreKeptWhenTheLayerIsRefused)
{
    REQUIRE_OGR2OGR();
    const std::string src = write("h.geojson", collection({hazard("H1", "a", 105.0)}));
    ASSERT_TRUE(run("ogr2ogr -f 'ESRI Shapefile' '" + path("h.shp") + "' '" + src + "'"));
    fs::remove(path("h.shx"));
    fs::remove(path("h.prj"));
    const ImportReport r = import(path("h.shp"));
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].field, "crs");
    EXPECT_EQ(warnings_with(r, ".shx index is missing").size(), 1u) << r.summary();
}

} // namespace
} // namespace cims::test
