// SPDX-License-Identifier: GPL-3.0-or-later
// GeoJsonWriter: the exact text written for each WKB geometry type, both byte orders, Z and M,
// escaping, and the errors for bytes that are not WKB.
#include "server/geojson_writer.hpp"

#include "gis/geometry.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <random>
#include <cstring>
#include <limits>

namespace cims::server {
namespace {

std::string write_geometry(std::string_view wkb)
{
    std::string out;
    GeoJsonWriter(out).geometry(wkb);
    return out;
}

std::string from_wkt(const char* wkt)
{
    return write_geometry(gis::Geometry::from_wkt(wkt).to_wkb());
}

/// Hand-written WKB in either byte order.
class Wkb {
public:
    explicit Wkb(bool little) : m_little(little) {}
    Wkb& header(std::uint32_t type)
    {
        m_bytes.push_back(m_little ? 1 : 0);
        return u32(type);
    }
    Wkb& u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i) put(std::uint8_t(v >> (m_little ? 8 * i : 8 * (3 - i))));
        return *this;
    }
    Wkb& f64(double d)
    {
        const auto v = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) put(std::uint8_t(v >> (m_little ? 8 * i : 8 * (7 - i))));
        return *this;
    }
    const std::string& bytes() const { return m_bytes; }

private:
    void put(std::uint8_t b) { m_bytes.push_back(char(b)); }
    bool m_little;
    std::string m_bytes;
};

TEST(GeoJsonWriter, EveryGeometryTypeFromGeos)
{
    EXPECT_EQ(from_wkt("POINT (1.5 -2.25)"), R"({"type":"Point","coordinates":[1.5,-2.25]})");
    EXPECT_EQ(from_wkt("LINESTRING (0 0, 1 1, 2 0.5)"), R"({"type":"LineString","coordinates":[[0,0],[1,1],[2,0.5]]})");
    EXPECT_EQ(from_wkt("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 1 1))"),
              R"({"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[1,1]]]})");
    EXPECT_EQ(from_wkt("MULTIPOINT ((1 2), (3 4))"), R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})");
    EXPECT_EQ(from_wkt("MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))"),
              R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]})");
    EXPECT_EQ(from_wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))"),
              R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})");
    EXPECT_EQ(from_wkt("GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1), GEOMETRYCOLLECTION (POINT (3 4)))"),
              R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},)"
              R"({"type":"LineString","coordinates":[[0,0],[1,1]]},)"
              R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[3,4]}]}]})");
    EXPECT_EQ(from_wkt("MULTIPOLYGON EMPTY"), R"({"type":"MultiPolygon","coordinates":[]})");
}

TEST(GeoJsonWriter, BothByteOrdersGiveTheSameText)
{
    for (bool little : {true, false}) {
        Wkb w(little);
        w.header(3).u32(1).u32(4).f64(10).f64(20).f64(11).f64(20).f64(11).f64(21).f64(10).f64(20);
        EXPECT_EQ(write_geometry(w.bytes()), R"({"type":"Polygon","coordinates":[[[10,20],[11,20],[11,21],[10,20]]]})")
            << (little ? "little endian" : "big endian");
        Wkb m(little); // a multipolygon whose parts use the other byte order
        m.header(6).u32(1);
        Wkb part(!little);
        part.header(3).u32(1).u32(4).f64(0).f64(0).f64(1).f64(0).f64(1).f64(1).f64(0).f64(0);
        EXPECT_EQ(write_geometry(m.bytes() + part.bytes()),
                  R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]})");
    }
}

TEST(GeoJsonWriter, ZIsWrittenAndMDropped)
{
    Wkb iso_z(true);
    iso_z.header(1001).f64(1).f64(2).f64(3);
    EXPECT_EQ(write_geometry(iso_z.bytes()), R"({"type":"Point","coordinates":[1,2,3]})");
    Wkb iso_m(true);
    iso_m.header(2002).u32(2).f64(1).f64(2).f64(99).f64(3).f64(4).f64(99);
    EXPECT_EQ(write_geometry(iso_m.bytes()), R"({"type":"LineString","coordinates":[[1,2],[3,4]]})");
    Wkb iso_zm(false);
    iso_zm.header(3001).f64(1).f64(2).f64(3).f64(99);
    EXPECT_EQ(write_geometry(iso_zm.bytes()), R"({"type":"Point","coordinates":[1,2,3]})");
    Wkb ewkb(true); // PostGIS EWKB: Z flag and an SRID
    ewkb.header(0x80000001u | 0x20000000u).u32(4326).f64(5).f64(6).f64(7);
    EXPECT_EQ(write_geometry(ewkb.bytes()), R"({"type":"Point","coordinates":[5,6,7]})");
}

TEST(GeoJsonWriter, ShortestRoundTripNumbers)
{
    const double x = 0.1 + 0.2; // 0.30000000000000004
    const double y = 45.123456789012345;
    Wkb w(true);
    w.header(1).f64(x).f64(y);
    const std::string text = write_geometry(w.bytes());
    EXPECT_EQ(text, R"({"type":"Point","coordinates":[0.30000000000000004,45.123456789012344]})");
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["coordinates"][0].get<double>(), x);
    EXPECT_EQ(j["coordinates"][1].get<double>(), y);
}

TEST(GeoJsonWriter, NumbersAreTheTextFmtWrites)
{
    // The writer's fast path for stored coordinates must give fmt's shortest text, digit for digit.
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lon(-180, 180), small(-0.01, 0.01), big(-2e6, 2e6);
    std::uniform_int_distribution<int> decimals(0, 12);
    for (int i = 0; i < 200000; ++i) {
        double v = i % 3 == 0 ? lon(rng) : i % 3 == 1 ? small(rng) : big(rng);
        if (i % 2 == 0) { // as stored: rounded to a few decimals
            const double scale = std::pow(10.0, decimals(rng));
            v = std::round(v * scale) / scale;
        }
        std::string out;
        GeoJsonWriter(out).number(v);
        ASSERT_EQ(out, fmt::format("{}", v)) << "value " << fmt::format("{:.17g}", v);
    }
    for (double v : {0.0, -0.0, 1.0, -1.0, 0.001, 999999.999999999, 1e6, 1e-4, 123.4560001})
        EXPECT_EQ([&] { std::string o; GeoJsonWriter(o).number(v); return o; }(), fmt::format("{}", v));
}

TEST(GeoJsonWriter, EmptyPointAndNullGeometry)
{
    Wkb w(false);
    w.header(1).f64(std::numeric_limits<double>::quiet_NaN()).f64(std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(write_geometry(w.bytes()), R"({"type":"Point","coordinates":[]})");
    EXPECT_EQ(write_geometry(""), "null");
}

TEST(GeoJsonWriter, InvalidWkbIsAnError)
{
    const std::string polygon = gis::Geometry::from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0))").to_wkb();
    EXPECT_THROW(write_geometry(polygon.substr(0, polygon.size() - 3)), WkbError); // truncated
    EXPECT_THROW(write_geometry(polygon + "x"), WkbError);                          // trailing bytes
    EXPECT_THROW(write_geometry(std::string("\x02\x01\x00\x00\x00", 5)), WkbError); // byte order 2
    Wkb unknown(true);
    unknown.header(17).f64(0);
    EXPECT_THROW(write_geometry(unknown.bytes()), WkbError);
    Wkb huge(true); // a count far beyond the bytes present must fail, not allocate or loop
    huge.header(2).u32(0xffffffffu).f64(0).f64(0);
    EXPECT_THROW(write_geometry(huge.bytes()), WkbError);
    Wkb wrong_part(true); // a multipolygon holding a point
    wrong_part.header(6).u32(1).header(1).f64(0).f64(0);
    EXPECT_THROW(write_geometry(wrong_part.bytes()), WkbError);
    Wkb infinite(true);
    infinite.header(1).f64(std::numeric_limits<double>::infinity()).f64(0);
    EXPECT_THROW(write_geometry(infinite.bytes()), WkbError);
    try {
        write_geometry(polygon.substr(0, 20));
        FAIL() << "a truncated polygon was accepted";
    } catch (const WkbError& e) {
        EXPECT_NE(std::string(e.what()).find("at byte"), std::string::npos) << e.what();
    }
}

TEST(GeoJsonWriter, FeatureWithEscapedProperties)
{
    core::Feature f;
    f.id = "HA \"7\"";
    f.geometry_wkb = gis::Geometry::from_wkt("POINT (1 2)").to_wkb();
    f.properties = {{"name", std::string("Line\nbreak \\ tab\t \x01 é")},
                    {"count", std::int64_t(-3)},
                    {"area_m2", 1234.5},
                    {"closed_on", std::monostate{}},
                    {"bad", std::string("a\xff" "b")}};
    std::string out;
    GeoJsonWriter(out).feature(f, R"("links":[])");
    EXPECT_EQ(out, R"({"type":"Feature","id":"HA \"7\"","geometry":{"type":"Point","coordinates":[1,2]},)"
                   R"("properties":{"name":"Line\nbreak \\ tab\t \u0001 é","count":-3,"area_m2":1234.5,)"
                   R"("closed_on":null,"bad":"a\ufffdb"},"links":[]})");
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["properties"]["name"], "Line\nbreak \\ tab\t \x01 é");
}

} // namespace
} // namespace cims::server
