// SPDX-License-Identifier: GPL-3.0-or-later
// Text encodings (issue 3, item 2): a shapefile's .cpg and DBF language id are honoured, an override
// wins, CSV text is recoded, everything comes out as UTF-8; double-encoded text is recognised
// (importers/text_check); Lao, Khmer, Arabic and Cyrillic names survive a round trip byte for byte.
#include "import_fixture.hpp"

#include "gis/vector_source.hpp"
#include "importers/text_check.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

namespace cims::test {
namespace {

namespace fs = std::filesystem;
using importers::double_encoding_warning;
using importers::ImportOptions;
using importers::ImportReport;
using importers::looks_double_encoded;
using importers::MappingProfile;
using importers::undo_double_encoding;
using nlohmann::json;

const std::string shared_fixtures = std::string(CIMS_SHARED_DATA_DIR) + "/fixtures";

#define REQUIRE_SHARED_FILE(path)                                                                                  \
    if (!std::filesystem::exists(path))                                                                            \
    GTEST_SKIP() << "real data not found at " << (path)                                                            \
                 << " (../shared/data beside the project, absent on this machine): test skipped"

std::string q(const std::string& path) { return "'" + path + "'"; }

std::string hex(const std::string& s)
{
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

/// UTF-8 of one code point.
std::string utf8(char32_t cp)
{
    std::string out;
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
    return out;
}

/// What a tool does that reads UTF-8 bytes as CP1252 and writes the result as UTF-8 (bytes CP1252
/// leaves undefined come through as Latin-1 control characters, as Windows and iconv//TRANSLIT do).
std::string double_encode(const std::string& text)
{
    static const char32_t high[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                      0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    std::string out;
    for (unsigned char b : text) out += utf8(b >= 0x80 && b <= 0x9F ? high[b - 0x80] : char32_t(b));
    return out;
}

// --- looks_double_encoded -------------------------------------------------------------------------

/// Names from the countries cims serves, and words with the letters double encoding turns into
/// look-alikes.
const std::vector<std::string> real_names = {
    "Goražde",         "Nação",          "São Paulo",      "Kovačević",    "Đakovica",       "Mrkonjić Grad",
    "Šipovo",          "Žepče",          "Sítio Novo",     "Águas Compridas", "Bogotá",     "Şanlıurfa",
    "Żory",            "Москва",         "Харківська область", "بغداد",    "سنجار",          "ວຽງຈັນ",
    "ບ້ານນາໄຊ",        "ភ្នំពេញ",        "ភូមិត្រពាំងស្វាយ", "测试中文",    "Ελλάδα",         "Don’t step here",
    "Café – bar",      "Nº 5 “north”",   "Ærøskøbing",     "Þórshöfn",     "Straße",         "Hà Nội",
};

TEST(TextCheck, DoubleEncodedNamesAreRecognisedAndUndone)
{
    EXPECT_TRUE(looks_double_encoded("GoraÅ¾de"));
    EXPECT_TRUE(looks_double_encoded("NaÃ§Ã£o"));
    EXPECT_EQ(undo_double_encoding("GoraÅ¾de").value_or(""), "Goražde");
    EXPECT_EQ(undo_double_encoding("NaÃ§Ã£o").value_or(""), "Nação");
    for (const std::string& name : real_names) {
        const std::string garbled = double_encode(name);
        if (garbled == name) continue; // ASCII only
        EXPECT_TRUE(looks_double_encoded(garbled)) << name << " → " << garbled;
        EXPECT_EQ(undo_double_encoding(garbled).value_or("(none)"), name) << garbled;
    }
}

TEST(TextCheck, RealTextIsNotFlagged)
{
    for (const std::string& name : real_names) EXPECT_FALSE(looks_double_encoded(name)) << name;
    // "Ã", "Å", "Â" are real letters: before an ordinary letter, at the end, alone.
    for (const char* text : {"SÃO PAULO", "MARANHÃO", "JOÃO PESSOA", "ÅNGELHOLM", "Ångström", "Åland",
                                   "Ã", "Ãa", "Â", "ÂME", "CÂMARA", "ÇA VA", "Øresund", "ÄÖÜ", "Ñandú", "naïve",
                                   "Đà Nẵng", "Thừa Thiên–Huế", "25°C", "N° 5", "3ª", "Rua 1º de Maio"})
        EXPECT_FALSE(looks_double_encoded(text)) << text;
    // An accented capital before a symbol or closing quote: would decode to IPA, or is one word-final
    // capital before a closing quote.
    for (const char* text : {"«CAFÉ»", "CAFÉ’S", "L’ÉTÉ", "IRMÃ”", "“MANHÔ", "MANHÃ»", "FÊ»"})
        EXPECT_FALSE(looks_double_encoded(text)) << text;
    // Not text at all, or not UTF-8.
    for (const std::string& text : {std::string(), std::string("plain ascii 123"), std::string("\xC3"),
                                   std::string("\xC3\x28"), std::string("\xFF\xFE"), std::string("GoraÅ\xBE")})
        EXPECT_FALSE(looks_double_encoded(text)) << hex(text);
}

TEST(TextCheck, TwoWordFinalCapitalsBeforeClosingQuotesAreFlagged)
{
    // One is real text more often than not; two in one value are the signature of "Å»"/"Ã”" pairs.
    EXPECT_FALSE(looks_double_encoded("IRMÃ”"));
    EXPECT_TRUE(looks_double_encoded("IRMÃ” Ã»"));
}

TEST(TextCheck, UndoOnlyWhatIsSimplyDoubleEncoded)
{
    EXPECT_FALSE(undo_double_encoding("Goražde")); // ž is byte 0x9E alone: not UTF-8
    EXPECT_FALSE(undo_double_encoding("Москва"));  // no CP1252 byte for these
    EXPECT_FALSE(undo_double_encoding("plain"));   // nothing to undo
    // Twice double-encoded: undone one level at a time.
    const std::string twice = double_encode(double_encode("Goražde"));
    EXPECT_TRUE(looks_double_encoded(twice));
    EXPECT_EQ(undo_double_encoding(undo_double_encoding(twice).value_or("")).value_or(""), "Goražde");
}

TEST(TextCheck, WarningNamesTheFieldTheValueTheLikelyTextAndTheFix)
{
    const auto w = double_encoding_warning("name", "GoraÅ¾de");
    ASSERT_TRUE(w);
    EXPECT_NE(w->find("field 'name'"), std::string::npos) << *w;
    EXPECT_NE(w->find("'GoraÅ¾de'"), std::string::npos) << *w;
    EXPECT_NE(w->find("probably 'Goražde'"), std::string::npos) << *w;
    EXPECT_NE(w->find("--encoding UTF-8"), std::string::npos) << *w;
    EXPECT_FALSE(double_encoding_warning("name", "Goražde"));
}

// --- real shapefiles: .cpg, language id, override --------------------------------------------------

/// Every value of one field, in file order, and the warnings of the read.
struct FieldValues {
    std::vector<std::string> values;
    std::vector<std::string> warnings;
};

FieldValues read_field(const std::string& path, const std::string& field, gis::OpenOptions options = {})
{
    gis::VectorSource source(path, options);
    FieldValues out;
    source.read(source.layers().at(0).name, [&](gis::SourceFeature&& f) {
        const auto it = f.fields.find(field);
        out.values.push_back(it == f.fields.end() ? "(no field)" : it->second.value_or("(null)"));
    });
    out.warnings = source.take_warnings();
    return out;
}

bool has(const std::vector<std::string>& values, const std::string& v)
{
    return std::find(values.begin(), values.end(), v) != values.end();
}

TEST(RealEncodings, Cp1252FromTheLanguageIdWithoutCpg)
{
    const std::string shp = shared_fixtures + "/from-r-sf/olinda1.shp";
    REQUIRE_SHARED_FILE(shp);
    ASSERT_FALSE(fs::exists(shared_fixtures + "/from-r-sf/olinda1.cpg"));
    const FieldValues r = read_field(shp, "nm_bair");
    ASSERT_EQ(r.values.size(), 470u);
    EXPECT_TRUE(has(r.values, "Alto da Nação"));
    EXPECT_TRUE(has(r.values, "Sítio Novo"));
    EXPECT_TRUE(has(r.values, "Águas Compridas"));
    for (const auto& v : r.values) EXPECT_FALSE(looks_double_encoded(v)) << v;
    for (const auto& w : r.warnings) EXPECT_EQ(w.find("UTF-8"), std::string::npos) << w;
}

TEST(RealEncodings, OverrideWinsOverTheLanguageId)
{
    const std::string shp = shared_fixtures + "/from-r-sf/olinda1.shp";
    REQUIRE_SHARED_FILE(shp);
    gis::OpenOptions options;
    options.encoding = "CP850"; // wrong on purpose: the bytes E7 E3 are "þÒ" in CP850
    const FieldValues r = read_field(shp, "nm_bair", options);
    EXPECT_TRUE(has(r.values, "Alto da NaþÒo"));
    EXPECT_FALSE(has(r.values, "Alto da Nação"));
}

TEST(RealEncodings, GbkFromANumericCpg)
{
    const std::string shp = shared_fixtures + "/from-shapefile-rs/file_cp936.shp";
    REQUIRE_SHARED_FILE(shp);
    const FieldValues r = read_field(shp, "test");
    EXPECT_EQ(r.values, std::vector<std::string>{"测试中文"});
}

TEST(RealEncodings, ArabicFromCp1256Cpg)
{
    const std::string shp = shared_fixtures + "/derived/irq_adm1_cp1256.shp";
    REQUIRE_SHARED_FILE(shp);
    const FieldValues with_cpg = read_field(shp, "adm1_ar");
    ASSERT_EQ(with_cpg.values.size(), 18u);
    EXPECT_TRUE(has(with_cpg.values, "البصرة"));
    EXPECT_TRUE(has(with_cpg.values, "الانبار"));

    // The same DBF without .cpg (language id 0): wrong until the override gives CP1256, then identical.
    const std::string nocpg = shared_fixtures + "/derived/irq_adm1_cp1256_nocpg.shp";
    REQUIRE_SHARED_FILE(nocpg);
    EXPECT_NE(read_field(nocpg, "adm1_ar").values, with_cpg.values);
    gis::OpenOptions options;
    options.encoding = "CP1256";
    EXPECT_EQ(read_field(nocpg, "adm1_ar", options).values, with_cpg.values);
    options.encoding = "1256"; // a code page number, as a .cpg may hold
    EXPECT_EQ(read_field(nocpg, "adm1_ar", options).values, with_cpg.values);
}

TEST(RealEncodings, UnknownEncodingIsRefusedWithExamples)
{
    const std::string shp = shared_fixtures + "/from-r-sf/olinda1.shp";
    REQUIRE_SHARED_FILE(shp);
    gis::OpenOptions options;
    options.encoding = "WINDOWS-9999";
    try {
        gis::VectorSource source(shp, options);
        FAIL() << "an unknown encoding was accepted";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'WINDOWS-9999'"), std::string::npos) << what;
        EXPECT_NE(what.find(shp), std::string::npos) << what;
        EXPECT_NE(what.find("CP1252"), std::string::npos) << what;
    }
}

class EncodingImport : public ImportFixture {
protected:
    std::string path(const std::string& name) const { return m_db.dir().file(name); }
};

TEST_F(EncodingImport, RealCp1252NamesEndToEnd)
{
    const std::string shp = shared_fixtures + "/from-r-sf/olinda1.shp";
    REQUIRE_SHARED_FILE(shp);
    ImportOptions options;
    options.partial = true;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "@fid", "name": "NM_BAIR"}, "id_prefix": "OL-",
            "constants": {"status": "SHA", "contam": "ERW", "recorded": "2019-12-31"}})",
        "olinda.json");
    const ImportReport r = import(shp, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_GT(r.accepted, 400) << r.summary();
    EXPECT_EQ(count("SELECT count(*) FROM hazards WHERE name = 'Alto da Nação'"), 5);
    EXPECT_EQ(count("SELECT count(*) FROM hazards WHERE name LIKE '%Ã%'"), 0);
}

// --- CSV text -------------------------------------------------------------------------------------

TEST_F(EncodingImport, Cp1252CsvWithTheOverride)
{
    // "Região,nome" / "Nação" in CP1252 bytes, as Excel saves a CSV on a Portuguese Windows.
    const std::string file = write("cp1252.csv", "id,Regi\xE3o,WKT\n1,Na\xE7\xE3o,POINT (1 2)\n");
    gis::OpenOptions options;
    options.encoding = "CP1252";
    gis::VectorSource source(file, options);
    EXPECT_EQ(source.layers()[0].field_names[1], "Região");
    std::string value;
    source.read(source.layers()[0].name, [&](gis::SourceFeature&& f) { value = f.fields.at("região").value_or(""); });
    EXPECT_EQ(value, "Nação");
}

TEST_F(EncodingImport, CsvThatIsNotUtf8IsReadAsCp1252WithAWarning)
{
    const std::string file = write("cp1252.csv", "id,name,WKT\n1,Na\xE7\xE3o,POINT (1 2)\n2,Olinda,POINT (1 2)\n");
    const FieldValues r = read_field(file, "name");
    EXPECT_EQ(r.values, (std::vector<std::string>{"Nação", "Olinda"}));
    bool warned = false;
    for (const auto& w : r.warnings) warned = warned || w.find("1 text value(s) were not valid UTF-8") == 0;
    EXPECT_TRUE(warned);
}

TEST_F(EncodingImport, Utf8CsvIsUntouched)
{
    const std::string file = write("utf8.csv", "id,name,WKT\n1,ບ້ານນາໄຊ,POINT (1 2)\n");
    gis::OpenOptions options;
    options.encoding = "UTF-8";
    EXPECT_EQ(read_field(file, "name", options).values, std::vector<std::string>{"ບ້ານນາໄຊ"});
    EXPECT_EQ(read_field(file, "name").values, std::vector<std::string>{"ບ້ານນາໄຊ"});
}

// --- shapefiles that declare the wrong encoding, or cut characters ---------------------------------

TEST_F(EncodingImport, Utf8DbfDeclaredCp1252LooksDoubleEncodedUntilOverridden)
{
    REQUIRE_OGR2OGR();
    const std::string src =
        write("src.geojson", collection({feature({{"name", "Goražde"}}, point_geometry(18.98, 43.67))}));
    const std::string shp = path("bih.shp");
    ASSERT_TRUE(ogr2ogr("-f 'ESRI Shapefile' -lco ENCODING=UTF-8 " + q(shp) + " " + q(src)));
    std::ofstream(path("bih.cpg"), std::ios::trunc) << "1252"; // what a careless export writes

    const FieldValues wrong = read_field(shp, "name");
    EXPECT_EQ(wrong.values, std::vector<std::string>{"GoraÅ¾de"});
    EXPECT_TRUE(looks_double_encoded(wrong.values[0]));

    gis::OpenOptions options;
    options.encoding = "UTF-8";
    EXPECT_EQ(read_field(shp, "name", options).values, std::vector<std::string>{"Goražde"});
}

TEST_F(EncodingImport, CharacterCutByTheFieldWidthIsDroppedWithAWarning)
{
    REQUIRE_OGR2OGR();
    const std::string src = write("src.geojson", collection({feature({{"name", "ສສ"}}, point_geometry(102.6, 17.97))}));
    const std::string shp = path("cut.shp");
    ASSERT_TRUE(ogr2ogr("-f 'ESRI Shapefile' -lco ENCODING=UTF-8 " + q(shp) + " " + q(src)));
    // Cut the last character in half, as a tool that truncates bytes to the field width does.
    std::string dbf;
    {
        std::ifstream in(path("cut.dbf"), std::ios::binary);
        dbf.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string lao = "ສສ";
    const auto at = dbf.find(lao);
    ASSERT_NE(at, std::string::npos);
    dbf[at + lao.size() - 1] = ' ';
    std::ofstream(path("cut.dbf"), std::ios::binary | std::ios::trunc) << dbf;

    const FieldValues r = read_field(shp, "name");
    EXPECT_EQ(r.values, std::vector<std::string>{"ສ"});
    bool warned = false;
    for (const auto& w : r.warnings) warned = warned || w.find("cut in half") != std::string::npos;
    EXPECT_TRUE(warned);
}

// --- round trips ----------------------------------------------------------------------------------

/// Hazardous areas named in Lao, Khmer, Arabic and Cyrillic.
const std::vector<std::pair<std::string, std::string>> round_trip_names = {
    {"LA-1", "ບ້ານນາໄຊ"}, {"KH-1", "ភូមិត្រពាំងស្វាយ"}, {"IQ-1", "سنجار"}, {"UA-1", "Харківська область"}};

std::string named_hazards()
{
    std::vector<json> features;
    double x = 102.0;
    for (const auto& [id, name] : round_trip_names) {
        features.push_back(feature({{"hazard_id", id}, {"status", "SHA"}, {"contam", "AP"}, {"recorded", "2020-01-15"},
                                    {"name", name}},
                                   square_geometry(x, 15.0)));
        x += 0.1;
    }
    return collection(features);
}

class RoundTrip : public EncodingImport, public ::testing::WithParamInterface<const char*> {};

TEST_P(RoundTrip, NamesAreByteIdentical)
{
    const std::string format = GetParam();
    const std::string src = write("named.geojson", named_hazards());
    std::string file = src;
    if (format == "shapefile") {
        REQUIRE_OGR2OGR();
        file = path("named.shp");
        ASSERT_TRUE(ogr2ogr("-f 'ESRI Shapefile' -lco ENCODING=UTF-8 " + q(file) + " " + q(src)));
        ASSERT_TRUE(fs::exists(path("named.cpg")));
    } else if (format == "gpkg") {
        REQUIRE_OGR2OGR();
        file = path("named.gpkg");
        ASSERT_TRUE(ogr2ogr("-f GPKG " + q(file) + " " + q(src)));
    } else if (format == "filegdb") {
        REQUIRE_OGR2OGR();
        file = path("named.gdb");
        ASSERT_TRUE(ogr2ogr("-f OpenFileGDB -nln named " + q(file) + " " + q(src)));
    } else if (format == "kml") {
        REQUIRE_OGR2OGR();
        file = path("named.kml");
        ASSERT_TRUE(ogr2ogr("-f LIBKML -oo DATE_AS_STRING=YES " + q(file) + " " + q(src)));
    }

    // Read back by VectorSource.
    std::vector<std::string> read;
    {
        gis::VectorSource source(file);
        source.read(source.layers().at(0).name, [&](gis::SourceFeature&& f) { read.push_back(f.fields.at("name").value_or("")); });
    }
    ASSERT_EQ(read.size(), round_trip_names.size());
    for (std::size_t i = 0; i < read.size(); ++i)
        EXPECT_EQ(hex(read[i]), hex(round_trip_names[i].second)) << format << ": " << read[i];

    // And stored by the importer.
    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    for (const auto& [id, name] : round_trip_names)
        EXPECT_EQ(hex(column("SELECT name FROM hazards WHERE hazard_id = '" + id + "'")), hex(name)) << format << " " << id;
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip, ::testing::Values("geojson", "shapefile", "gpkg", "filegdb", "kml"));

} // namespace
} // namespace cims::test
