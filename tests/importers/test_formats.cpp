// SPDX-License-Identifier: GPL-3.0-or-later
// Formats operators send (issue 3, item 1) and zip safety (item 7): zipped and loose shapefiles,
// shapefiles without .shx, KML/KMZ, CSV with WKT or lon/lat columns, file geodatabases and
// GeoPackages with several layers, each written at test time with ogr2ogr from a GeoJSON literal
// and imported end to end; zip archives that are refused before GDAL reads them.
#include "import_fixture.hpp"

#include "gis/geometry.hpp"
#include "gis/vector_source.hpp"

#include <array>
#include <cmath>
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

std::string q(const std::string& path) { return "'" + path + "'"; }

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A zip archive written byte by byte (entries stored, not compressed), so that a test can give an
/// entry any name and declare any size: the archives an attacker would send.
class ZipWriter {
public:
    /// Adds an entry; `declared_size` replaces the real size in the headers (a lying archive).
    void add(const std::string& name, const std::string& data, std::optional<std::uint32_t> declared_size = {})
    {
        add_entry(name, data, data, 0, declared_size);
    }
    /// Adds a "deflate" entry (made of uncompressed deflate blocks), which zip readers inflate.
    void add_deflated(const std::string& name, const std::string& data, std::optional<std::uint32_t> declared_size = {})
    {
        std::string stream;
        for (std::size_t at = 0; at < data.size() || stream.empty(); at += 65535) {
            const std::size_t len = std::min<std::size_t>(65535, data.size() - at);
            stream += char(at + len >= data.size() ? 1 : 0); // BFINAL on the last block, BTYPE 00
            put16(stream, std::uint16_t(len));
            put16(stream, std::uint16_t(~len));
            stream += data.substr(at, len);
        }
        add_entry(name, data, stream, 8, declared_size);
    }

private:
    void add_entry(const std::string& name, const std::string& data, const std::string& stored, std::uint16_t method,
                   std::optional<std::uint32_t> declared_size)
    {
        const std::uint32_t crc = crc32(data);
        const std::uint32_t size = declared_size.value_or(std::uint32_t(data.size()));
        const std::uint32_t offset = std::uint32_t(m_body.size());
        put32(m_body, 0x04034b50);
        put16(m_body, 20);
        put16(m_body, 0x0800); // names in UTF-8
        put16(m_body, method);
        put16(m_body, 0);
        put16(m_body, 0x21); // 1980-01-01
        put32(m_body, crc);
        put32(m_body, std::uint32_t(stored.size()));
        put32(m_body, size);
        put16(m_body, std::uint16_t(name.size()));
        put16(m_body, 0);
        m_body += name;
        m_body += stored;
        put32(m_directory, 0x02014b50);
        put16(m_directory, 20);
        put16(m_directory, 20);
        put16(m_directory, 0x0800);
        put16(m_directory, method);
        put16(m_directory, 0);
        put16(m_directory, 0x21);
        put32(m_directory, crc);
        put32(m_directory, std::uint32_t(stored.size()));
        put32(m_directory, size);
        put16(m_directory, std::uint16_t(name.size()));
        put16(m_directory, 0);
        put16(m_directory, 0);
        put16(m_directory, 0);
        put16(m_directory, 0);
        put32(m_directory, 0);
        put32(m_directory, offset);
        m_directory += name;
        ++m_entries;
    }

public:
    /// Adds a file from disk under `name`.
    void add_file(const std::string& name, const std::string& path) { add(name, read_file(path)); }

    std::string bytes() const
    {
        std::string out = m_body + m_directory;
        put32(out, 0x06054b50);
        put16(out, 0);
        put16(out, 0);
        put16(out, std::uint16_t(m_entries));
        put16(out, std::uint16_t(m_entries));
        put32(out, std::uint32_t(m_directory.size()));
        put32(out, std::uint32_t(m_body.size()));
        put16(out, 0);
        return out;
    }
    void write(const std::string& path) const { std::ofstream(path, std::ios::binary) << bytes(); }

private:
    static void put16(std::string& s, std::uint16_t v)
    {
        s += char(v & 0xFF);
        s += char(v >> 8);
    }
    static void put32(std::string& s, std::uint32_t v)
    {
        put16(s, std::uint16_t(v & 0xFFFF));
        put16(s, std::uint16_t(v >> 16));
    }
    static std::uint32_t crc32(const std::string& data)
    {
        std::uint32_t c = 0xFFFFFFFF;
        for (unsigned char b : data) {
            c ^= b;
            for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
        return ~c;
    }
    std::string m_body, m_directory;
    std::size_t m_entries = 0;
};

/// The message of the std::runtime_error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f)
{
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Names in four scripts, as operators in Laos, Cambodia, Iraq and Ukraine write them.
const char* const lao_name = "ບ້ານນາໄຊ";
const char* const cyrillic_name = "Харківська область";

json hazard(const std::string& id, const std::string& status, const std::string& contam, const std::string& recorded,
            const std::string& name, double x)
{
    return feature({{"hazard_id", id}, {"status", status}, {"contam", contam}, {"recorded", recorded}, {"name", name}},
                   square_geometry(x, 12.0));
}

/// Two hazardous areas, H1 and H2, 0.01° squares at 12°N.
std::string hazards_geojson()
{
    return collection({hazard("H1", "SHA", "CMR", "2020-01-15", lao_name, 105.0),
                       hazard("H2", "CHA", "AP,AV", "2021-03-01", cyrillic_name, 105.1)});
}

/// A clearance of the western half of H1.
std::string clearance_geojson()
{
    return collection({feature({{"activity_id", "A1"}, {"hazard_id", "H1"}, {"method", "CLEARANCE"},
                                {"start_date", "2022-05-01"}, {"end_date", "2022-06-01"}, {"org", "HALO"}},
                               {{"type", "Polygon"},
                                {"coordinates",
                                 {{{105.0, 12.0}, {105.005, 12.0}, {105.005, 12.01}, {105.0, 12.01}, {105.0, 12.0}}}}})});
}

/// Geodesic area of a 0.01° square at (x, 12°N), as cims measures it.
double square_area(double x)
{
    const std::string wkt = "POLYGON ((" + std::to_string(x) + " 12, " + std::to_string(x + 0.01) + " 12, " +
                            std::to_string(x + 0.01) + " 12.01, " + std::to_string(x) + " 12.01, " +
                            std::to_string(x) + " 12))";
    return gis::Geometry::from_wkt(wkt).area_m2();
}

class Formats : public ImportFixture {
protected:
    std::string path(const std::string& name) const { return m_db.dir().file(name); }

    /// Writes the GeoJSON literal and converts it with ogr2ogr to `out` with the extra arguments.
    void convert(const std::string& geojson_text, const std::string& out, const std::string& args,
                 const std::string& source_name = "src.geojson")
    {
        const std::string src = write(source_name, geojson_text);
        ASSERT_TRUE(ogr2ogr(args + " " + q(out) + " " + q(src)));
    }

    /// The two hazards are in the database with their geodesic areas and names.
    void expect_two_hazards(const ImportReport& r)
    {
        ASSERT_TRUE(r.written) << r.summary();
        EXPECT_EQ(r.accepted, 2) << r.summary();
        EXPECT_TRUE(r.rejected.empty()) << r.summary();
        EXPECT_EQ(column("SELECT hazard_id || ':' || status FROM hazards ORDER BY hazard_id"), "H1:SHA,H2:CHA");
        const double h1 = std::stod(column("SELECT remaining_m2 FROM hazards WHERE hazard_id = 'H1'"));
        const double h2 = std::stod(column("SELECT remaining_m2 FROM hazards WHERE hazard_id = 'H2'"));
        EXPECT_NEAR(h1, square_area(105.0), std::max(1.0, 0.0005 * h1));
        EXPECT_NEAR(h2, square_area(105.1), std::max(1.0, 0.0005 * h2));
    }

    void expect_names_intact()
    {
        EXPECT_EQ(column("SELECT name FROM hazards WHERE hazard_id = 'H1'"), lao_name);
        EXPECT_EQ(column("SELECT name FROM hazards WHERE hazard_id = 'H2'"), cyrillic_name);
    }

    static bool any_warning(const ImportReport& r, const std::string& part)
    {
        for (const auto& w : r.warnings)
            if (contains(w.message, part)) return true;
        return false;
    }

    /// A shapefile of the two hazards in folder `dir` (created), with a .cpg saying UTF-8.
    std::string hazards_shapefile(const std::string& dir, const std::string& name = "hazards")
    {
        fs::create_directories(path(dir));
        const std::string shp = path(dir + "/" + name + ".shp");
        convert(hazards_geojson(), shp, "-f 'ESRI Shapefile' -lco ENCODING=UTF-8 -nln " + name,
                "src-" + name + ".geojson");
        return shp;
    }
};

// --- zipped shapefiles ----------------------------------------------------------------------------

TEST_F(Formats, ZippedShapefileInAFolderIsImported)
{
    REQUIRE_OGR2OGR();
    const std::string shp = hazards_shapefile("export");
    ZipWriter zip;
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
        zip.add_file(std::string("Export 2024/hazards") + ext, path(std::string("export/hazards") + ext));
    const std::string file = path("hazards.zip");
    zip.write(file);

    gis::VectorSource source(file);
    EXPECT_EQ(source.driver(), "ESRI Shapefile");
    EXPECT_EQ(source.opened_path(), "/vsizip/{" + file + "}/Export 2024/hazards.shp");
    ASSERT_EQ(source.layers().size(), 1u);
    EXPECT_EQ(source.layers()[0].name, "hazards");
    EXPECT_EQ(source.layers()[0].crs_definition, "EPSG:4326");

    const ImportReport r = import(file);
    expect_two_hazards(r);
    expect_names_intact();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].file, file);
}

TEST_F(Formats, ZipWithSeveralShapefilesInOneFolderGivesOneLayerEach)
{
    REQUIRE_OGR2OGR();
    hazards_shapefile("parts");
    convert(collection({hazard("H3", "SHA", "ERW", "2022-02-02", "Ban Phon", 105.2),
                        hazard("H4", "SHA", "ERW", "2022-02-02", "Ban Na", 105.3)}),
            path("parts/more.shp"), "-f 'ESRI Shapefile' -nln more", "more.geojson");
    ZipWriter zip;
    for (const char* stem : {"hazards", "more"})
        for (const char* ext : {".shp", ".shx", ".dbf", ".prj"}) zip.add_file(std::string(stem) + ext, path(std::string("parts/") + stem + ext));
    const std::string file = path("both.zip");
    zip.write(file);

    gis::VectorSource source(file);
    EXPECT_EQ(source.opened_path(), "/vsizip/{" + file + "}");
    EXPECT_EQ(source.layers().size(), 2u);
    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 4) << r.summary();
    EXPECT_EQ(r.layers.size(), 2u) << r.summary();
}

TEST_F(Formats, ZipWithSeveralDatasetsIsRefusedWithTheirNames)
{
    ZipWriter zip;
    zip.add("a/hazards.geojson", hazards_geojson());
    zip.add("b/more.geojson", hazards_geojson());
    const std::string file = path("two.zip");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "several datasets")) << what;
    EXPECT_TRUE(contains(what, "a/hazards.geojson")) << what;
    EXPECT_TRUE(contains(what, "b/more.geojson")) << what;
}

TEST_F(Formats, ZipWithNothingReadableIsRefused)
{
    ZipWriter zip;
    zip.add("readme.txt", "hazards are in the other mail");
    zip.add("__MACOSX/._hazards.geojson", "resource fork");
    const std::string file = path("nothing.zip");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "no vector data")) << what;
    EXPECT_TRUE(contains(what, "readme.txt")) << what;
}

TEST_F(Formats, ZippedShapefileWithoutShxIsRefusedWithTheFix)
{
    REQUIRE_OGR2OGR();
    hazards_shapefile("noshx");
    ZipWriter zip;
    for (const char* ext : {".shp", ".dbf", ".prj"}) zip.add_file(std::string("hazards") + ext, path(std::string("noshx/hazards") + ext));
    const std::string file = path("noshx.zip");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, "hazards.shp")) << what;
    EXPECT_TRUE(contains(what, "no .shx")) << what;
}

TEST_F(Formats, GeoJsonInAZipIsImported)
{
    ZipWriter zip;
    zip.add("hazards.geojson", hazards_geojson());
    const std::string file = path("geojson.zip");
    zip.write(file);
    expect_two_hazards(import(file));
    expect_names_intact();
}

// --- zip safety: refused before GDAL opens anything -----------------------------------------------

TEST_F(Formats, ZipEntryWithParentComponentIsRefused)
{
    for (const char* evil : {"../../etc/cron.d/cims", "data/../../escape.txt", "..\\windows\\escape.txt"}) {
        ZipWriter zip;
        zip.add("hazards.geojson", hazards_geojson());
        zip.add(evil, "x");
        const std::string file = path("slip.zip");
        zip.write(file);
        const std::string what = error_of([&] { gis::VectorSource s(file); });
        EXPECT_TRUE(contains(what, "zip archive '" + file + "'")) << what;
        EXPECT_TRUE(contains(what, "\"..\" path component")) << what;
        EXPECT_TRUE(contains(what, evil)) << what;
    }
}

TEST_F(Formats, ZipEntryWithAbsolutePathIsRefused)
{
    for (const char* evil : {"/etc/passwd", "\\\\server\\share\\x.txt", "C:\\Windows\\x.txt", "c:/x.txt"}) {
        ZipWriter zip;
        zip.add("hazards.geojson", hazards_geojson());
        zip.add(evil, "x");
        const std::string file = path("abs.zip");
        zip.write(file);
        const std::string what = error_of([&] { gis::VectorSource s(file); });
        EXPECT_TRUE(contains(what, "absolute path")) << evil << ": " << what;
        EXPECT_TRUE(contains(what, file)) << what;
    }
}

TEST_F(Formats, NamesThatOnlyLookLikeTraversalAreAccepted)
{
    ZipWriter zip;
    zip.add("..hazards../hazards..v2.geojson", hazards_geojson());
    const std::string file = path("dots.zip");
    zip.write(file);
    EXPECT_NO_THROW(gis::check_zip_archive(file, {}));
}

TEST_F(Formats, RefusedArchiveLeavesTheDatabaseUnchanged)
{
    ASSERT_TRUE(import(one_hazard_file()).written);
    const std::string before = dump();
    ZipWriter zip;
    zip.add("hazards.geojson", hazards_geojson());
    zip.add("../escape.txt", "x");
    const std::string file = path("slip.zip");
    zip.write(file);
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u);
    const std::string what = r.rejected[0].reason;
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_EQ(dump(), before);
}

TEST_F(Formats, ZipWithTooManyEntriesIsRefused)
{
    ZipWriter zip;
    zip.add("hazards.geojson", hazards_geojson());
    for (int i = 0; i < 10'000; ++i) zip.add("filler/" + std::to_string(i) + ".txt", "");
    const std::string file = path("many.zip");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "10001 entries, more than the limit of 10000")) << what;

    // The limit is the caller's: a smaller one refuses a small archive, a larger one lets this through.
    gis::OpenOptions strict;
    strict.archive.max_entries = 1;
    ZipWriter two;
    two.add("hazards.geojson", hazards_geojson());
    two.add("readme.txt", "");
    two.write(path("two.zip"));
    EXPECT_TRUE(contains(error_of([&] { gis::VectorSource s(path("two.zip"), strict); }), "2 entries")) << what;
    EXPECT_EQ(gis::check_zip_archive(file, gis::ArchiveLimits{20'000, 1ull << 30}).size(), 10'001u);
}

TEST_F(Formats, ZipThatExpandsBeyondTheLimitIsRefused)
{
    // Two entries that declare 3 GiB each: 6 GiB > the default 4 GiB, refused from the directory alone.
    ZipWriter zip;
    zip.add("hazards.geojson", hazards_geojson());
    zip.add("bomb1.bin", "0", 3u << 30);
    zip.add("bomb2.bin", "0", 3u << 30);
    const std::string file = path("bomb.zip");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "expands to more than 4.0 GiB")) << what;

    // A configurable limit, exact at the boundary.
    ZipWriter small;
    const std::string data = hazards_geojson();
    small.add("hazards.geojson", data);
    small.write(path("small.zip"));
    gis::ArchiveLimits limits;
    limits.max_uncompressed_bytes = data.size();
    EXPECT_NO_THROW(gis::check_zip_archive(path("small.zip"), limits));
    limits.max_uncompressed_bytes = data.size() - 1;
    EXPECT_TRUE(contains(error_of([&] { gis::check_zip_archive(path("small.zip"), limits); }), "expands to more than"));
}

TEST_F(Formats, ZipEntryThatExpandsBeyondItsDeclaredSizeIsRefused)
{
    // The directory declares 100 bytes; the deflate stream holds 200,000. GDAL would inflate it all.
    const std::string big(200'000, ' ');
    ZipWriter honest;
    honest.add_deflated("hazards.geojson", hazards_geojson() + big);
    honest.write(path("honest.zip"));
    expect_two_hazards(import(path("honest.zip")));

    ZipWriter lying;
    lying.add_deflated("hazards.geojson", hazards_geojson() + big, 100);
    const std::string file = path("lying.zip");
    lying.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "'hazards.geojson' holds more data than the 100 bytes it declares")) << what;

    // Without the verifying read, only the directory is checked (and GDAL would read it all).
    gis::ArchiveLimits directory_only;
    directory_only.verify_sizes = false;
    EXPECT_NO_THROW(gis::check_zip_archive(file, directory_only));
}

TEST_F(Formats, DamagedZipIsRefusedClearly)
{
    const std::string bytes = [&] {
        ZipWriter zip;
        zip.add("hazards.geojson", hazards_geojson());
        return zip.bytes();
    }();
    const std::string file = write("cut.zip", bytes.substr(0, bytes.size() / 2));
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "damaged")) << what;
}

// --- loose shapefiles -----------------------------------------------------------------------------

TEST_F(Formats, ShapefileWithoutShxIsOpenedWithAWarningAndItsFolderUntouched)
{
    REQUIRE_OGR2OGR();
    const std::string shp = hazards_shapefile("loose");
    fs::remove(path("loose/hazards.shx"));
    const auto listing = [&] {
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(path("loose"))) names.insert(e.path().filename().string());
        return names;
    };
    const auto before = listing();

    const ImportReport r = import(shp);
    expect_two_hazards(r);
    expect_names_intact();
    EXPECT_TRUE(any_warning(r, ".shx index is missing")) << r.summary();
    EXPECT_EQ(listing(), before) << "GDAL wrote the rebuilt index beside the operator's file";
}

TEST_F(Formats, RealShapefilesWithoutShx)
{
    const std::string dir = std::string(CIMS_SHARED_DATA_DIR) + "/fixtures/from-shapefile-rs";
    if (!fs::exists(dir + "/multi_polygon.shp"))
        GTEST_SKIP() << "real data not found at " << dir << " (../shared/data beside the project): test skipped";
    for (const char* name : {"multi_polygon", "linez", "pointz", "polygonm", "multipointz", "multipatch"}) {
        ASSERT_FALSE(fs::exists(dir + "/" + name + ".shx")) << name;
        {
            gis::VectorSource source(dir + "/" + name + ".shp");
            ASSERT_EQ(source.layers().size(), 1u) << name;
            std::int64_t features = 0, with_geometry = 0;
            source.read(source.layers()[0].name, [&](gis::SourceFeature&& f) {
                ++features;
                with_geometry += !f.wkb.empty();
            });
            EXPECT_GT(features, 0) << name;
            EXPECT_EQ(with_geometry, features) << name;
            bool warned = false;
            for (const auto& w : source.take_warnings()) warned = warned || contains(w, ".shx index is missing");
            EXPECT_TRUE(warned) << name;
        }
        EXPECT_FALSE(fs::exists(dir + "/" + name + ".shx")) << "an index was written into the shared data: " << name;
    }
}

TEST_F(Formats, ShapefileWithoutDbfIsReadWithAWarning)
{
    REQUIRE_OGR2OGR();
    const std::string shp = hazards_shapefile("nodbf");
    fs::remove(path("nodbf/hazards.dbf"));
    fs::remove(path("nodbf/hazards.cpg"));
    gis::VectorSource source(shp);
    ASSERT_EQ(source.layers().size(), 1u);
    EXPECT_TRUE(source.layers()[0].field_names.empty());
    bool warned = false;
    for (const auto& w : source.take_warnings()) warned = warned || contains(w, "no .dbf");
    EXPECT_TRUE(warned);
}

// --- KML and KMZ ----------------------------------------------------------------------------------

TEST_F(Formats, KmlIsImported)
{
    REQUIRE_OGR2OGR();
    // DATE_AS_STRING: GDAL's KML writer leaves Date fields out of the schema it writes.
    convert(hazards_geojson(), path("hazards.kml"), "-f LIBKML -nln hazards -oo DATE_AS_STRING=YES");
    const ImportReport r = import(path("hazards.kml"));
    expect_two_hazards(r);
    expect_names_intact(); // the KML <name>
}

TEST_F(Formats, KmzIsImported)
{
    REQUIRE_OGR2OGR();
    convert(hazards_geojson(), path("hazards.kmz"), "-f LIBKML -nln hazards -oo DATE_AS_STRING=YES");
    ASSERT_TRUE(gis::is_zip_archive(path("hazards.kmz")));
    const ImportReport r = import(path("hazards.kmz"));
    expect_two_hazards(r);
    expect_names_intact();
}

TEST_F(Formats, KmzIsCheckedLikeAnyArchive)
{
    ZipWriter zip;
    zip.add("doc.kml", "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document/></kml>");
    zip.add("../../.bashrc", "x");
    const std::string file = path("evil.kmz");
    zip.write(file);
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "\"..\" path component")) << what;
}

/// What a handheld GPS exports: waypoints named by the team, with altitude, in a folder.
const char* const gps_kml = R"(<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document><name>GPS export</name>
<Folder><name>Waypoints</name>
<Placemark><name>EOD-0412</name><description>UXO 82mm mortar, destroyed in situ</description>
  <Point><coordinates>106.3471,15.1102,182.4</coordinates></Point></Placemark>
<Placemark><name>EOD-0413</name><description>BLU-26 submunition</description>
  <Point><coordinates>106.3502,15.1125,179.9</coordinates></Point></Placemark>
</Folder>
</Document></kml>)";

TEST_F(Formats, GpsUnitKmlOfSpotTasksIsImportedThroughAMapping)
{
    const std::string file = write("gps.kml", gps_kml);
    ImportOptions options;
    options.mapping = MappingProfile::parse(R"({"kind": "activities", "fields": {"activity_id": "Name"},
        "constants": {"method": "EOD", "end_date": "2023-05-02", "org": "UXO Lao"}})",
                                            "gps.json");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 2) << r.summary();
    EXPECT_EQ(column("SELECT activity_id FROM activities ORDER BY activity_id"), "EOD-0412,EOD-0413");
}

// --- CSV ------------------------------------------------------------------------------------------

const char* const hazards_wkt_csv =
    "hazard_id,status,contam,recorded,name,WKT\n"
    "H1,SHA,CMR,2020-01-15,\"Ban Na Xay, north field\",\"POLYGON ((105 12,105.01 12,105.01 12.01,105 12.01,105 12))\"\n"
    "H2,CHA,\"AP,AV\",2021-03-01,,\"POLYGON ((105.1 12,105.11 12,105.11 12.01,105.1 12.01,105.1 12))\"\n";

TEST_F(Formats, CsvWithAWktColumnIsImportedAsWgs84)
{
    const std::string file = write("hazards.csv", hazards_wkt_csv);
    gis::VectorSource source(file);
    ASSERT_EQ(source.layers().size(), 1u);
    EXPECT_EQ(source.layers()[0].crs_definition, "OGC:CRS84");
    EXPECT_TRUE(source.layers()[0].crs_assumed);

    const ImportReport r = import(file);
    expect_two_hazards(r);
    EXPECT_EQ(column("SELECT name FROM hazards WHERE hazard_id = 'H1'"), "Ban Na Xay, north field"); // quoted comma
    EXPECT_EQ(column("SELECT contamination FROM hazards WHERE hazard_id = 'H2'"), "AP,AV"); // quoted list
    EXPECT_TRUE(any_warning(r, "OGC:CRS84")) << r.summary();
}

TEST_F(Formats, CsvWithConventionalGeometryColumnNames)
{
    std::string text = hazards_wkt_csv;
    text.replace(text.find(",WKT\n"), 5, ",Geometry\n");
    expect_two_hazards(import(write("geometry.csv", text)));
}

TEST_F(Formats, CsvWithLongitudeLatitudeColumnsForSpotTasks)
{
    const std::string file = write("eod.csv", "activity_id,method,end_date,Longitude,Latitude,other_erw\n"
                                              "E1,EOD,2023-04-02,106.3471,15.1102,1\n"
                                              "E2,EOD,2023-04-03,106.3502,15.1125,3\n");
    gis::VectorSource source(file);
    ASSERT_EQ(source.layers().size(), 1u);
    std::vector<std::string> wkb;
    source.read(source.layers()[0].name, [&](gis::SourceFeature&& f) { wkb.push_back(f.wkb); });
    ASSERT_EQ(wkb.size(), 2u);
    EXPECT_EQ(gis::Geometry::from_wkb(wkb[0]).to_wkt(4), "POINT (106.3471 15.1102)");

    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 2) << r.summary();
    EXPECT_EQ(count("SELECT count(*) FROM activities WHERE method = 'EOD'"), 2);
}

TEST_F(Formats, CsvWithXyColumns)
{
    const std::string file = write("xy.csv", "activity_id,method,end_date,X,Y\nE1,EOD,2023-04-02,106.3471,15.1102\n");
    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1) << r.summary();
}

TEST_F(Formats, CsvPrefersItsWktColumnToACentroid)
{
    // Polygons with their centroids beside: the polygon is what a hazardous area needs.
    const std::string file = write("both.csv", "hazard_id,status,contam,recorded,lon,lat,wkt_geom\n"
                                               "H1,SHA,CMR,2020-01-15,105.005,12.005,\"POLYGON ((105 12,105.01 12,"
                                               "105.01 12.01,105 12.01,105 12))\"\n");
    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_NEAR(std::stod(column("SELECT remaining_m2 FROM hazards")), square_area(105.0), 1.0);
}

TEST_F(Formats, CsvColumnsNamedInTheMapping)
{
    const std::string points = write("gps.csv", "TASK,TYPE,DONE,GPS_E,GPS_N,WKT\n"
                                                "E1,EOD,2023-04-02,106.3471,15.1102,\n"
                                                "E2,EOD,2023-04-03,106.3502,15.1125,\n");
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "activities", "fields": {"activity_id": "TASK", "method": "TYPE", "end_date": "DONE"},
            "geometry": {"lon": "GPS_E", "lat": "GPS_N"}})",
        "gps.json");
    gis::OpenOptions open;
    open.csv_geometry = options.mapping->geometry;
    gis::VectorSource source(points, open);
    std::vector<std::string> wkt;
    source.read(source.layers()[0].name,
                [&](gis::SourceFeature&& f) { wkt.push_back(gis::Geometry::from_wkb(f.wkb).to_wkt(4)); });
    EXPECT_EQ(wkt, (std::vector<std::string>{"POINT (106.3471 15.1102)", "POINT (106.3502 15.1125)"}));

    const std::string polygons = write("footprints.csv", "ID,ST,CT,REC,FOOTPRINT\n"
                                                         "H1,SHA,CMR,2020-01-15,\"POLYGON ((105 12,105.01 12,105.01 "
                                                         "12.01,105 12.01,105 12))\"\n");
    gis::OpenOptions by_wkt;
    by_wkt.csv_geometry.wkt = "FOOTPRINT";
    gis::VectorSource footprints(polygons, by_wkt);
    std::string wkb;
    footprints.read(footprints.layers()[0].name, [&](gis::SourceFeature&& f) { wkb = f.wkb; });
    EXPECT_NEAR(gis::Geometry::from_wkb(wkb).area_m2(), square_area(105.0), 1.0);
}

TEST_F(Formats, CsvMappingThatNamesAMissingColumnIsRefusedWithTheColumns)
{
    const std::string file = write("gps.csv", "TASK,GPS_E,GPS_N\nE1,106.3,15.1\n");
    gis::OpenOptions open;
    open.csv_geometry.lon = "EASTING";
    open.csv_geometry.lat = "GPS_N";
    const std::string what = error_of([&] { gis::VectorSource s(file, open); });
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "EASTING")) << what;
    EXPECT_TRUE(contains(what, "columns: TASK, GPS_E, GPS_N")) << what;
    EXPECT_TRUE(contains(what, "mapping profile")) << what;

    gis::OpenOptions wkt;
    wkt.csv_geometry.wkt = "SHAPE";
    const std::string what2 = error_of([&] { gis::VectorSource s(file, wkt); });
    EXPECT_TRUE(contains(what2, "no column 'SHAPE'")) << what2;
}

TEST_F(Formats, CsvWithoutGeometryIsRefusedWithTheWaysToFixIt)
{
    const std::string file = write("table.csv", "hazard_id,status,contam,recorded,easting_utm,northing_utm\n"
                                                "H1,SHA,CMR,2020-01-15,500000,1400000\n");
    const auto r = import(file);
    ASSERT_EQ(r.rejected.size(), 1u);
    const std::string what = r.rejected[0].reason;
    EXPECT_TRUE(contains(what, file)) << what;
    EXPECT_TRUE(contains(what, "no geometry column")) << what;
    EXPECT_TRUE(contains(what, "easting_utm")) << what;
    EXPECT_TRUE(contains(what, "\"geometry\": {\"lon\"")) << what;
}

TEST_F(Formats, CsvCrsFromTheCallerOrFromAPrj)
{
    const std::string file = write("utm.csv", "activity_id,method,end_date,x,y\nE1,EOD,2023-04-02,500000,1400000\n");
    gis::OpenOptions open;
    open.csv_crs = "EPSG:32648";
    {
        gis::VectorSource source(file, open);
        EXPECT_EQ(source.layers()[0].crs_definition, "EPSG:32648");
        EXPECT_TRUE(source.layers()[0].crs_assumed);
        for (const auto& w : source.take_warnings()) EXPECT_FALSE(contains(w, "CRS84")) << w;
    }
    // GDAL reads a .prj beside a CSV: then nothing is assumed.
    REQUIRE_OGR2OGR();
    convert(collection({feature({{"id", 1}}, point_geometry(500000, 1400000))}), path("prj.shp"),
            "-f 'ESRI Shapefile' -a_srs EPSG:32648", "prj.geojson");
    fs::copy_file(path("prj.prj"), path("utm.prj"));
    gis::VectorSource source(file);
    EXPECT_EQ(source.layers()[0].crs_definition, "EPSG:32648");
    EXPECT_FALSE(source.layers()[0].crs_assumed);
}

// --- file geodatabases and GeoPackages --------------------------------------------------------------

TEST_F(Formats, FileGeodatabaseIsImported)
{
    REQUIRE_OGR2OGR();
    const std::string gdb = path("IMSMA_export.gdb");
    convert(hazards_geojson(), gdb, "-f OpenFileGDB -nln hazards");
    convert(clearance_geojson(), gdb, "-f OpenFileGDB -update -nln clearance", "c.geojson");
    gis::VectorSource source(gdb);
    EXPECT_EQ(source.driver(), "OpenFileGDB");
    EXPECT_EQ(source.layers().size(), 2u);

    const ImportReport r = import(gdb);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 3) << r.summary();
    expect_names_intact();
    EXPECT_EQ(column("SELECT recorded_on FROM hazards ORDER BY hazard_id"), "2020-01-15,2021-03-01");
}

TEST_F(Formats, ZippedFileGeodatabaseIsImported)
{
    REQUIRE_OGR2OGR();
    const std::string gdb = path("export.gdb");
    convert(hazards_geojson(), gdb, "-f OpenFileGDB -nln hazards");
    ZipWriter zip;
    for (const auto& e : fs::directory_iterator(gdb))
        zip.add_file("export.gdb/" + e.path().filename().string(), e.path().string());
    const std::string file = path("export.gdb.zip");
    zip.write(file);
    gis::VectorSource source(file);
    EXPECT_EQ(source.driver(), "OpenFileGDB");
    EXPECT_EQ(source.opened_path(), "/vsizip/{" + file + "}/export.gdb");
    expect_two_hazards(import(file));
}

TEST_F(Formats, GeoPackageWithSeveralLayers)
{
    REQUIRE_OGR2OGR();
    const std::string gpkg = path("operator.gpkg");
    convert(hazards_geojson(), gpkg, "-f GPKG -nln hazards");
    convert(clearance_geojson(), gpkg, "-f GPKG -update -nln clearance", "c.geojson");
    convert(collection({feature({{"road", "RN13"}, {"surface", "paved"}},
                                {{"type", "LineString"}, {"coordinates", {{105.0, 12.0}, {105.2, 12.1}}}})}),
            gpkg, "-f GPKG -update -nln roads", "r.geojson");

    // Every layer whose fields fit a kind; the others are skipped with a warning.
    const ImportReport r = import(gpkg);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 3) << r.summary();
    EXPECT_EQ(r.layers.size(), 2u) << r.summary();
    bool skipped = false;
    for (const auto& w : r.warnings) skipped = skipped || (w.layer == "roads" && contains(w.message, "skipped"));
    EXPECT_TRUE(skipped) << r.summary();
    expect_names_intact();
}

TEST_F(Formats, GeoPackageLayerChosenByName)
{
    REQUIRE_OGR2OGR();
    const std::string gpkg = path("operator.gpkg");
    convert(hazards_geojson(), gpkg, "-f GPKG -nln hazards");
    convert(clearance_geojson(), gpkg, "-f GPKG -update -nln clearance", "c.geojson");
    ImportOptions options;
    options.layer = "hazards";
    const ImportReport r = import(gpkg, options);
    expect_two_hazards(r);
    EXPECT_EQ(count("SELECT count(*) FROM activities"), 0);
}

// --- the API --------------------------------------------------------------------------------------

TEST_F(Formats, EncodingOverrideOnAUtf8OnlyFormatIsIgnoredWithAWarning)
{
    const std::string file = write("hazards.geojson", hazards_geojson());
    gis::OpenOptions open;
    open.encoding = "CP1252";
    gis::VectorSource source(file, open);
    bool warned = false;
    for (const auto& w : source.take_warnings()) warned = warned || contains(w, "'CP1252' was not applied");
    EXPECT_TRUE(warned);
    std::string name;
    source.read(source.layers()[0].name, [&](gis::SourceFeature&& f) {
        if (name.empty()) name = f.fields.at("name").value_or("");
    });
    EXPECT_EQ(name, lao_name);
}

TEST_F(Formats, MissingFileIsRefusedNamingIt)
{
    const std::string file = path("nowhere.zip");
    const std::string what = error_of([&] { gis::VectorSource s(file); });
    EXPECT_TRUE(contains(what, file)) << what;
}

} // namespace
} // namespace cims::test
