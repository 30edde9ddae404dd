// SPDX-License-Identifier: GPL-3.0-or-later
// cims export on the data samples: every format read back through GDAL (gis::VectorSource) gives the
// areas `cims report action24` reports for the same date; the files open in ogrinfo without a
// warning; GeoJSON is RFC 7946.
#include "test_support.hpp"

#include "gis/geometry.hpp"
#include "gis/vector_source.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <sys/wait.h>

namespace cims::test {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
    int code;
    std::string out;
    std::string err;
};

/// Runs a shell command with stdout captured and stderr kept apart.
CommandResult run(const std::string& cmd, const TempDir& dir)
{
    const std::string err_file = dir.file("stderr.txt");
    FILE* pipe = popen((cmd + " 2>" + err_file).c_str(), "r");
    if (!pipe) return {-1, "", ""};
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    std::ifstream in(err_file);
    std::stringstream err;
    err << in.rdbuf();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err.str()};
}

CommandResult cims(const std::string& args, const TempDir& dir)
{
    return run(std::string(CIMS_BINARY) + " " + args, dir);
}

std::string samples(const std::string& name)
{
    return std::string(CIMS_SAMPLES_DIR) + "/" + name;
}

/// design.md §2: within 0.05 % or 1 m², whichever is larger.
::testing::AssertionResult near_area(double actual, double expected)
{
    const double tolerance = std::max(1.0, 0.0005 * std::abs(expected));
    if (std::abs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << actual << " m² differs from " << expected << " m² by more than "
                                         << tolerance << " m²";
}

/// One layer read back: every feature's fields and geodesic area.
struct ReadFeature {
    std::map<std::string, std::optional<std::string>> fields;
    double area_m2 = 0;
    gis::Envelope box;
};
struct ReadLayer {
    std::vector<std::string> field_names;
    std::string crs;
    std::vector<ReadFeature> features;
};

std::map<std::string, ReadLayer> read_back(const std::vector<std::string>& files)
{
    std::map<std::string, ReadLayer> out;
    for (const std::string& file : files) {
        gis::VectorSource source(file);
        for (const gis::SourceLayer& l : source.layers()) {
            ReadLayer& layer = out[l.name];
            layer.field_names = l.field_names;
            layer.crs = l.crs_definition;
            source.read(l.name, [&](gis::SourceFeature&& f) {
                ReadFeature r;
                r.fields = std::move(f.fields);
                EXPECT_FALSE(f.wkb.empty()) << file << " [" << l.name << "] feature " << f.fid << " has no geometry";
                if (!f.wkb.empty()) {
                    const gis::Geometry g = gis::Geometry::from_wkb(f.wkb);
                    r.area_m2 = g.area_m2();
                    r.box = g.envelope();
                }
                layer.features.push_back(std::move(r));
            });
        }
    }
    return out;
}

std::string text(const ReadFeature& f, const std::string& field)
{
    const auto it = f.fields.find(field);
    return it == f.fields.end() || !it->second ? std::string() : *it->second;
}

class CliExport : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir();
        s_db = s_dir->file("samples.db");
        const TempDir& d = *s_dir;
        ASSERT_EQ(cims("init " + s_db + " --country VLL", d).code, 0);
        ASSERT_EQ(cims("regions " + s_db + " " + samples("regions.geojson") + " --code-field code --name-field name", d).code, 0);
        for (const char* f : {"hazards_2020_2022.gpkg", "hazards_2023_2024.geojson", "activities.geojson"})
            ASSERT_EQ(cims("import " + s_db + " " + samples(f), d).code, 0) << f;
        ASSERT_EQ(cims("import " + s_db + " " + samples("operator_clearance_utm.shp") + " --mapping " +
                           samples("operator_clearance_utm.mapping.json"),
                       d)
                      .code,
                  0);
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }

    /// Exports as of `at` and returns the files written (as the command lists them).
    std::vector<std::string> export_at(const std::string& at, const std::string& format, const std::string& out)
    {
        const CommandResult r = cims("export " + s_db + " --at " + at + " --format " + format + " --out " + out, m_dir);
        EXPECT_EQ(r.code, 0) << r.out << r.err;
        std::vector<std::string> files;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("  ", 0) == 0) files.push_back(line.substr(2));
        return files;
    }

    nlohmann::json report(int year)
    {
        const CommandResult r = cims("report action24 " + s_db + " --year " + std::to_string(year) + " --format json", m_dir);
        EXPECT_EQ(r.code, 0) << r.err;
        return nlohmann::json::parse(r.out);
    }

    /// The exported areas equal the report's figures for the year of `at` (contamination CMR).
    void expect_figures(const std::map<std::string, ReadLayer>& layers, int year, const std::string& what)
    {
        SCOPED_TRACE(what);
        const nlohmann::json national = report(year)["national"];
        ASSERT_TRUE(layers.count("remaining_areas"));
        ASSERT_TRUE(layers.count("released_parts"));
        ASSERT_TRUE(layers.count("regions"));
        std::map<std::string, double> area;
        std::map<std::string, int> open;
        for (const ReadFeature& f : layers.at("remaining_areas").features) {
            // Each feature's stated area is its geometry's (within the coordinates' rounding).
            EXPECT_TRUE(near_area(f.area_m2, std::stod(text(f, "remain_m2")))) << text(f, "hazard_id");
            EXPECT_EQ(text(f, "as_of"), std::to_string(year) + "-12-31");
            if (text(f, "contam").find("CMR") == std::string::npos) continue;
            area[text(f, "status")] += f.area_m2;
            if (f.area_m2 >= 1.0) ++open[text(f, "status")];
        }
        for (const char* status : {"SHA", "CHA"}) {
            EXPECT_TRUE(near_area(area[status], national["remaining"][status]["area_m2"].get<double>())) << status;
            EXPECT_EQ(open[status], national["remaining"][status]["count"].get<int>()) << status;
        }
        std::map<std::string, double> released;
        for (const ReadFeature& f : layers.at("released_parts").features) {
            EXPECT_TRUE(near_area(f.area_m2, std::stod(text(f, "credit_m2"))))
                << text(f, "activity") << " on " << text(f, "hazard_id");
            EXPECT_LE(text(f, "date"), std::to_string(year) + "-12-31");
            if (text(f, "year") != std::to_string(year) || text(f, "contam").find("CMR") == std::string::npos) continue;
            released[text(f, "kind")] += f.area_m2;
        }
        for (const char* kind : {"cancelled", "reduced", "cleared"})
            EXPECT_TRUE(near_area(released[kind], national["released"][std::string(kind) + "_m2"].get<double>())) << kind;
        EXPECT_EQ(layers.at("regions").features.size(), 4u);
    }

    TempDir m_dir;
    static TempDir* s_dir;
    static std::string s_db;
};

TempDir* CliExport::s_dir = nullptr;
std::string CliExport::s_db;

TEST_F(CliExport, GeoPackageRoundTripsToTheReportedFigures)
{
    for (int year : {2021, 2024}) {
        const std::string out = m_dir.file("export-" + std::to_string(year) + ".gpkg");
        const auto files = export_at(std::to_string(year) + "-12-31", "gpkg", out);
        ASSERT_EQ(files, std::vector<std::string>{out});
        expect_figures(read_back(files), year, "gpkg " + std::to_string(year));
    }
}

TEST_F(CliExport, ShapefilesRoundTripWithShortFieldNamesPrjAndUtf8Cpg)
{
    const std::string out = m_dir.file("shp");
    const auto files = export_at("2023-12-31", "shp", out);
    ASSERT_EQ(files.size(), 3u);
    const auto layers = read_back(files);
    expect_figures(layers, 2023, "shp");
    for (const auto& [name, layer] : layers) {
        EXPECT_EQ(layer.crs, "EPSG:4326") << name;
        for (const std::string& field : layer.field_names) EXPECT_LE(field.size(), 10u) << name << "." << field;
        std::ifstream cpg(out + "/" + name + ".cpg");
        std::string encoding;
        std::getline(cpg, encoding);
        EXPECT_EQ(encoding, "UTF-8") << name;
        EXPECT_TRUE(fs::exists(out + "/" + name + ".prj")) << name;
    }
    // UTF-8 text survives: region VL-01 is "Nörthmark" in the samples.
    bool found = false;
    for (const ReadFeature& f : layers.at("regions").features) found = found || text(f, "name") == "Nörthmark";
    EXPECT_TRUE(found);
}

TEST_F(CliExport, ShapefilesInAZipArchiveRoundTrip)
{
    const std::string out = m_dir.file("velland.zip");
    const auto files = export_at("2024-12-31", "shp", out);
    ASSERT_EQ(files, std::vector<std::string>{out});
    // GDAL opens the archive's shapefiles as the layers of one dataset, each with its sidecars.
    const auto layers = read_back(files);
    expect_figures(layers, 2024, "shp in zip");
    for (const auto& [name, layer] : layers) EXPECT_EQ(layer.crs, "EPSG:4326") << name;
    const CommandResult list = run("unzip -Z1 '" + out + "'", m_dir);
    if (list.code == 0)
        for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
            EXPECT_NE(list.out.find(std::string("released_parts") + ext), std::string::npos) << list.out;
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir.path()), fs::directory_iterator()),
              std::ptrdiff_t(2)); // the archive and stderr.txt: nothing left beside it
}

TEST_F(CliExport, GeoJsonIsRfc7946AndRoundTrips)
{
    const std::string out = m_dir.file("geojson");
    const auto files = export_at("2022-12-31", "geojson", out);
    ASSERT_EQ(files.size(), 3u);
    expect_figures(read_back(files), 2022, "geojson");
    for (const std::string& file : files) {
        std::ifstream in(file);
        const nlohmann::json fc = nlohmann::json::parse(in);
        EXPECT_FALSE(fc.contains("crs")) << file; // RFC 7946 §4: no crs member
        // Longitude first: Velland lies at 102–104° E, 17–19° N.
        std::size_t positions = 0;
        std::function<void(const nlohmann::json&)> visit = [&](const nlohmann::json& c) {
            if (c.is_array() && !c.empty() && c[0].is_number()) {
                EXPECT_GE(c[0].get<double>(), 101.9);
                EXPECT_LE(c[0].get<double>(), 104.1);
                EXPECT_GE(c[1].get<double>(), 16.9);
                EXPECT_LE(c[1].get<double>(), 19.1);
                ++positions;
                return;
            }
            for (const auto& x : c) visit(x);
        };
        for (const auto& f : fc["features"]) visit(f["geometry"]["coordinates"]);
        EXPECT_GT(positions, 0u) << file;
    }
}

TEST_F(CliExport, EveryFormatOpensInOgrinfoWithoutAWarning)
{
    if (std::system("command -v ogrinfo >/dev/null 2>&1") != 0) GTEST_SKIP() << "ogrinfo (gdal-bin) is not installed";
    std::vector<std::string> opened = {m_dir.file("o.gpkg"), m_dir.file("o_shp")};
    export_at("2024-12-31", "gpkg", opened[0]);
    export_at("2024-12-31", "shp", opened[1]);
    export_at("2024-12-31", "shp", m_dir.file("o_shp.zip"));
    opened.push_back("/vsizip/" + m_dir.file("o_shp.zip"));
    for (const std::string& f : export_at("2024-12-31", "geojson", m_dir.file("o_geojson"))) opened.push_back(f);
    for (const std::string& path : opened) {
        const CommandResult r = run("ogrinfo -al -so '" + path + "'", m_dir);
        EXPECT_EQ(r.code, 0) << path;
        EXPECT_EQ(r.err, "") << path;
        EXPECT_NE(r.out.find("Feature Count"), std::string::npos) << path << "\n" << r.out;
    }
}

TEST_F(CliExport, ExistingOutputIsNeverOverwrittenAndABadDateIsAUsageError)
{
    const std::string out = m_dir.file("once.gpkg");
    export_at("2024-12-31", "gpkg", out);
    const auto size = fs::file_size(out);
    const CommandResult again = cims("export " + s_db + " --at 2024-12-31 --format gpkg --out " + out, m_dir);
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find(out), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    EXPECT_EQ(fs::file_size(out), size);

    const CommandResult bad = cims("export " + s_db + " --at 31/12/2024 --format gpkg --out " + m_dir.file("x.gpkg"), m_dir);
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("YYYY-MM-DD"), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(m_dir.file("x.gpkg")));
}

TEST_F(CliExport, ADatabaseWhosePartsPredateMigration0005AsksForARebuild)
{
    // A database migrated from 0004 keeps its credits without geometry until it is rebuilt.
    const std::string db = m_dir.file("old.db");
    fs::copy_file(s_db, db);
    {
        schema::Database d(db, schema::Database::Mode::open_existing);
        d.exec("UPDATE release_credits SET geom = NULL");
    }
    const CommandResult refused = cims("export " + db + " --at 2024-12-31 --format gpkg --out " + m_dir.file("a.gpkg"), m_dir);
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("cims rebuild"), std::string::npos) << refused.err;
    EXPECT_EQ(cims("rebuild " + db, m_dir).code, 0);
    const auto layers = read_back(export_at("2024-12-31", "gpkg", m_dir.file("b.gpkg")));
    // export_at used the suite's database: compare the rebuilt one's parts with it.
    const std::string rebuilt = m_dir.file("c.gpkg");
    EXPECT_EQ(cims("export " + db + " --at 2024-12-31 --format gpkg --out " + rebuilt, m_dir).code, 0);
    const auto again = read_back({rebuilt});
    ASSERT_EQ(again.at("released_parts").features.size(), layers.at("released_parts").features.size());
    double a = 0, b = 0;
    for (const auto& f : layers.at("released_parts").features) a += f.area_m2;
    for (const auto& f : again.at("released_parts").features) b += f.area_m2;
    EXPECT_TRUE(near_area(b, a));
}

TEST_F(CliExport, AReleaseOverLandAlreadyReleasedHasNoPart)
{
    const std::string db = m_dir.file("small.db");
    ASSERT_EQ(cims("init " + db, m_dir).code, 0);
    const std::string square = R"({"type": "Polygon", "coordinates": [[[105, 12], [105.01, 12], [105.01, 12.01], [105, 12.01], [105, 12]]]})";
    const std::string hazards = m_dir.write(
        "h.geojson", R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"hazard_id": "H1", )"
                     R"("status": "CHA", "contam": "CMR", "recorded": "2020-01-15"}, "geometry": )" + square + "}]}");
    // A1 clears H1; A2, later, clears it again: credited 0 m², nothing to map.
    const std::string activities = m_dir.write(
        "a.geojson", R"({"type": "FeatureCollection", "features": [)"
                     R"({"type": "Feature", "properties": {"activity_id": "A1", "hazard_id": "H1", "method": "CLEARANCE", )"
                     R"("end_date": "2021-03-01"}, "geometry": )" + square + "}, " +
                     R"({"type": "Feature", "properties": {"activity_id": "A2", "hazard_id": "H1", "method": "CLEARANCE", )"
                     R"("end_date": "2021-05-01"}, "geometry": )" + square + "}]}");
    ASSERT_EQ(cims("import " + db + " " + hazards, m_dir).code, 0);
    ASSERT_EQ(cims("import " + db + " " + activities, m_dir).code, 0);
    const std::string out = m_dir.file("small.gpkg");
    const CommandResult r = cims("export " + db + " --at 2021-12-31 --format gpkg --out " + out, m_dir);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto layers = read_back({out});
    ASSERT_EQ(layers.at("released_parts").features.size(), 1u);
    EXPECT_EQ(text(layers.at("released_parts").features[0], "activity"), "A1");
    EXPECT_TRUE(layers.at("remaining_areas").features.empty());
}

TEST_F(CliExport, BeforeAnyRecordingTheLayersAreEmptyButValid)
{
    const std::string out = m_dir.file("early.gpkg");
    const auto files = export_at("2019-06-30", "gpkg", out);
    const auto layers = read_back(files);
    ASSERT_TRUE(layers.count("remaining_areas"));
    EXPECT_TRUE(layers.at("remaining_areas").features.empty());
    EXPECT_TRUE(layers.at("released_parts").features.empty());
    EXPECT_EQ(layers.at("regions").features.size(), 4u);
}

} // namespace
} // namespace cims::test
