// SPDX-License-Identifier: GPL-3.0-or-later
// MappingProfile (design.md §4): parsing, clear errors naming the key, field and value mapping,
// constants and "@fid" ids, end to end through import_files.
#include "import_fixture.hpp"

#include "importers/mapping_profile.hpp"

#include <stdexcept>

namespace cims::test {
namespace {

using importers::ImportOptions;
using importers::ImportReport;
using importers::MappingProfile;
using nlohmann::json;

/// The example of design.md §4, verbatim.
const char* design_example = R"({ "kind": "activities",
  "fields": { "activity_id": "TASK_NO", "hazard_id": "HAZ_REF", "method": "LR_TYPE",
              "end_date": "COMPL_DT", "submunitions": "BLU_DESTR" },
  "values": { "method": { "Cancellation": "NTS", "Reduction": "TS", "Clearance": "CLEARANCE" } },
  "date_format": "%d/%m/%Y",
  "crs": "EPSG:32648" })";

/// The message of the runtime_error that parsing `text` throws ("" when it does not throw).
std::string parse_error(const std::string& text)
{
    try {
        MappingProfile::parse(text, "operator.json");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(MappingProfileParse, DesignExample)
{
    const MappingProfile p = MappingProfile::parse(design_example, "design.md");
    EXPECT_EQ(p.kind, "activities");
    EXPECT_EQ(p.fields.size(), 5u);
    EXPECT_EQ(p.fields.at("activity_id"), "TASK_NO");
    EXPECT_EQ(p.fields.at("hazard_id"), "HAZ_REF");
    EXPECT_EQ(p.fields.at("method"), "LR_TYPE");
    EXPECT_EQ(p.fields.at("end_date"), "COMPL_DT");
    EXPECT_EQ(p.fields.at("submunitions"), "BLU_DESTR");
    ASSERT_EQ(p.values.size(), 1u);
    EXPECT_EQ(p.values.at("method").size(), 3u);
    EXPECT_EQ(p.values.at("method").at("Reduction"), "TS");
    EXPECT_EQ(p.date_format, "%d/%m/%Y");
    EXPECT_EQ(p.crs, "EPSG:32648");
    EXPECT_TRUE(p.constants.empty());
    EXPECT_EQ(p.id_prefix, "");
}

TEST(MappingProfileParse, EmptyObjectIsTheDefaultMapping)
{
    const MappingProfile p = MappingProfile::parse("{}", "empty.json");
    EXPECT_EQ(p.kind, "");
    EXPECT_TRUE(p.fields.empty());
    EXPECT_EQ(p.source_of("hazard_id"), "hazard_id");
}

TEST(MappingProfileParse, ConstantsAndIdPrefix)
{
    const MappingProfile p = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "@fid"}, "id_prefix": "KH-",
            "constants": {"status": "SHA", "contam": "AP,AV", "recorded": "2019-12-31", "declared_m2": 2500}})",
        "inline");
    EXPECT_EQ(p.fields.at("hazard_id"), "@fid");
    EXPECT_EQ(p.id_prefix, "KH-");
    EXPECT_EQ(p.constants.at("status"), "SHA");
    EXPECT_EQ(p.constants.at("contam"), "AP,AV");
    EXPECT_EQ(p.constants.at("recorded"), "2019-12-31");
    EXPECT_EQ(p.constants.at("declared_m2"), "2500"); // numbers are taken as their text
}

TEST(MappingProfileParse, UnknownKeyIsNamed)
{
    const std::string what = parse_error(R"({"kind": "hazards", "feilds": {}})");
    EXPECT_NE(what.find("'operator.json'"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown key \"feilds\""), std::string::npos) << what;
    EXPECT_NE(what.find("expected kind, fields, values, constants, date_format, crs or id_prefix"), std::string::npos)
        << what;
}

TEST(MappingProfileParse, WrongTypeOfTextKeyIsNamed)
{
    const std::string what = parse_error(R"({"crs": 32648})");
    EXPECT_NE(what.find("\"crs\" must be a string"), std::string::npos) << what;
    EXPECT_NE(what.find("'operator.json'"), std::string::npos) << what;
}

TEST(MappingProfileParse, FieldsMustBeAnObject)
{
    const std::string what = parse_error(R"({"fields": ["hazard_id", "HAZ_ID"]})");
    EXPECT_NE(what.find("\"fields\" must be an object"), std::string::npos) << what;
}

TEST(MappingProfileParse, FieldValueMustBeTextNamingTheField)
{
    const std::string what = parse_error(R"({"fields": {"hazard_id": ["HAZ_ID"]}})");
    EXPECT_NE(what.find("\"fields\".\"hazard_id\" must be a string or a number"), std::string::npos) << what;
}

TEST(MappingProfileParse, ValuesTableMustBeAnObjectNamingTheField)
{
    const std::string what = parse_error(R"({"values": {"method": "Clearance"}})");
    EXPECT_NE(what.find("\"values.method\" must be an object"), std::string::npos) << what;
    EXPECT_NE(parse_error(R"({"values": []})").find("\"values\" must be an object"), std::string::npos);
}

TEST(MappingProfileParse, ValuesEntryMustBeTextNamingIt)
{
    const std::string what = parse_error(R"({"values": {"status": {"Suspected": null}}})");
    EXPECT_NE(what.find("\"values.status\".\"Suspected\" must be a string or a number, not null"), std::string::npos)
        << what;
}

TEST(MappingProfileParse, ConstantsMustBeAnObject)
{
    EXPECT_NE(parse_error(R"({"constants": "SHA"})").find("\"constants\" must be an object"), std::string::npos);
}

TEST(MappingProfileParse, UnknownKindIsNamed)
{
    const std::string what = parse_error(R"({"kind": "regions"})");
    EXPECT_NE(what.find("\"kind\" is \"regions\"; expected \"hazards\", \"activities\" or \"education\""), std::string::npos)
        << what;
}

TEST(MappingProfileParse, BadJsonIsReportedWithItsOrigin)
{
    const std::string what = parse_error(R"({"kind": "hazards",)");
    EXPECT_NE(what.find("mapping profile 'operator.json' is not valid JSON"), std::string::npos) << what;
}

TEST(MappingProfileParse, TopLevelMustBeAnObject)
{
    EXPECT_NE(parse_error(R"(["kind"])").find("must be a JSON object"), std::string::npos);
}

TEST(MappingProfileLoad, MissingFileNamesThePath)
{
    const TempDir dir;
    try {
        MappingProfile::load(dir.file("absent.json"));
        FAIL() << "a missing profile was loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot read mapping profile '" + dir.file("absent.json") + "'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(MappingProfileLoad, ReadsAFile)
{
    const TempDir dir;
    const MappingProfile p = MappingProfile::load(dir.write("profile.json", design_example));
    EXPECT_EQ(p.kind, "activities");
    EXPECT_EQ(p.crs, "EPSG:32648");
}

TEST(MappingProfileLoad, ErrorsNameTheFile)
{
    const TempDir dir;
    const std::string path = dir.write("bad.json", R"({"colour": "red"})");
    try {
        MappingProfile::load(path);
        FAIL() << "a bad profile was loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("mapping profile '" + path + "': unknown key \"colour\""),
                  std::string::npos)
            << e.what();
    }
}

TEST(MappingProfileLookup, SourceOf)
{
    const MappingProfile p = MappingProfile::parse(design_example, "design.md");
    EXPECT_EQ(p.source_of("activity_id"), "TASK_NO");
    EXPECT_EQ(p.source_of("end_date"), "COMPL_DT");
    EXPECT_EQ(p.source_of("org"), "org"); // not mapped: the schema name itself
}

TEST(MappingProfileLookup, MapValue)
{
    const MappingProfile p = MappingProfile::parse(design_example, "design.md");
    EXPECT_EQ(p.map_value("method", "Clearance"), "CLEARANCE");
    EXPECT_EQ(p.map_value("method", "Cancellation"), "NTS");
    EXPECT_EQ(p.map_value("method", "EOD"), "EOD");             // not in the table: unchanged
    EXPECT_EQ(p.map_value("method", "clearance"), "clearance"); // exact match only
    EXPECT_EQ(p.map_value("status", "Clearance"), "Clearance"); // no table for the field
}

// --- end to end through import_files -------------------------------------------------------------

class MappingImport : public ImportFixture {};

TEST_F(MappingImport, OperatorFieldsValuesAndDateFormat)
{
    // An operator's hazard file with its own names and values.
    const std::string file = write(
        "operator.geojson",
        collection({feature({{"HAZ_NO", "KH-001"}, {"CONF", "Suspected"}, {"TYPE", "CMR"}, {"SURVEY_DT", "15/01/2020"}},
                            square_geometry(105, 12)),
                    feature({{"HAZ_NO", "KH-002"}, {"CONF", "Confirmed"}, {"TYPE", "AP, AV"}, {"SURVEY_DT", "03/02/2020"}},
                            square_geometry(105.1, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards",
            "fields": {"hazard_id": "HAZ_NO", "status": "CONF", "contam": "TYPE", "recorded": "SURVEY_DT"},
            "values": {"status": {"Suspected": "SHA", "Confirmed": "CHA"}},
            "date_format": "%d/%m/%Y"})",
        "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 2);
    EXPECT_EQ(column("SELECT hazard_id || ':' || status || ':' || contamination || ':' || recorded_on FROM hazards "
                     "ORDER BY hazard_id"),
              "KH-001:SHA:CMR:2020-01-15,KH-002:CHA:AP,AV:2020-02-03");
}

TEST_F(MappingImport, DesignExampleActivities)
{
    import(one_hazard_file());
    const std::string file = write(
        "tasks.geojson",
        collection({feature({{"TASK_NO", "T-1"}, {"HAZ_REF", "H1"}, {"LR_TYPE", "Clearance"}, {"COMPL_DT", "01/03/2021"},
                             {"BLU_DESTR", 12}},
                            square_geometry(105, 12, 0.005))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(design_example, "design.md");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1);
    EXPECT_EQ(column("SELECT activity_id || ':' || hazard_id || ':' || method || ':' || end_date || ':' || submunitions "
                     "FROM activities"),
              "T-1:H1:CLEARANCE:2021-03-01:12");
    // The file declares CRS84, so the profile's "crs" (EPSG:32648) is not used.
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].crs, "WGS 84");
}

TEST_F(MappingImport, ConstantsFillWhatTheFileLacks)
{
    const std::string file = write("bare.geojson", collection({feature({{"hazard_id", "H1"}}, square_geometry(105, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "constants": {"status": "SHA", "contam": "AP,AV", "recorded": "2019-12-31"}})", "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(column("SELECT hazard_id || ':' || status || ':' || contamination || ':' || recorded_on FROM hazards"),
                     "H1:SHA:AP,AV:2019-12-31");
}

TEST_F(MappingImport, FileValueWinsOverConstant)
{
    const std::string file = write(
        "mixed.geojson",
        collection({feature({{"hazard_id", "H1"}, {"status", "CHA"}}, square_geometry(105, 12)),
                    feature({{"hazard_id", "H2"}, {"status", ""}}, square_geometry(105.1, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "constants": {"status": "SHA", "contam": "CMR", "recorded": "2019-12-31"}})", "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    // A blank value counts as absent, so H2 takes the constant.
    EXPECT_EQ(column("SELECT hazard_id || ':' || status FROM hazards ORDER BY hazard_id"), "H1:CHA,H2:SHA");
}

TEST_F(MappingImport, FidWithIdPrefixGivesIds)
{
    // Real files often carry no national id: the feature's own id becomes it.
    const std::string file = write("noids.geojson",
                                   collection({feature({{"NAME", "Rice field"}}, square_geometry(105, 12)),
                                               feature({{"NAME", "School"}}, square_geometry(105.1, 12)),
                                               feature({{"NAME", "Bridge"}}, square_geometry(105.2, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "@fid", "name": "NAME"}, "id_prefix": "KH-HA-",
            "constants": {"status": "SHA", "contam": "CMR", "recorded": "2019-12-31"}})",
        "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 3);
    EXPECT_EQ(column("SELECT hazard_id || '=' || name FROM hazards ORDER BY hazard_id"),
              "KH-HA-0=Rice field,KH-HA-1=School,KH-HA-2=Bridge");
}

TEST_F(MappingImport, FidWithoutPrefixIsTheBareNumber)
{
    const std::string file = write("noids2.geojson",
                                   collection({feature(json::object(), square_geometry(105, 12)),
                                               feature(json::object(), square_geometry(105.1, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "@fid"},
            "constants": {"status": "SHA", "contam": "CMR", "recorded": "2019-12-31"}})",
        "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(column("SELECT hazard_id FROM hazards ORDER BY hazard_id"), "0,1");
}

TEST_F(MappingImport, FidIdsOfActivities)
{
    import(one_hazard_file());
    const std::string file = write("tasks-noids.geojson",
                                   collection({feature({{"hazard_id", "H1"}}, square_geometry(105, 12, 0.005)),
                                               feature({{"hazard_id", "H1"}}, square_geometry(105.005, 12, 0.005))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "activities", "fields": {"activity_id": "@fid"}, "id_prefix": "OP-2021-",
            "constants": {"method": "CLEARANCE", "end_date": "2021-06-30"}})",
        "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(column("SELECT activity_id FROM activities ORDER BY activity_id"), "OP-2021-0,OP-2021-1");
}

TEST_F(MappingImport, ProfileCrsIsIgnoredWhenTheFileDeclaresOne)
{
    // A GeoJSON (2008) "crs" member declares UTM 48N; the profile's wrong "crs" must not be used.
    json fc = json::parse(collection({feature(
        {{"hazard_id", "H1"}, {"status", "SHA"}, {"contam", "CMR"}, {"recorded", "2020-01-15"}},
        {{"type", "Polygon"},
         {"coordinates",
          {{{500000, 1400000}, {501000, 1400000}, {501000, 1401000}, {500000, 1401000}, {500000, 1400000}}}}})}));
    fc["crs"] = {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::32648"}}}};
    const std::string file = write("utm.geojson", fc.dump());
    ImportOptions options;
    options.mapping = MappingProfile::parse(R"({"crs": "EPSG:4326"})", "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].crs, "WGS 84 / UTM zone 48N");
    // 1 km square on the central meridian: 1,000,000 / 0.9996² = 1,000,800.5 m².
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT remaining_m2 FROM hazards WHERE hazard_id = 'H1'");
    ASSERT_TRUE(st.step());
    EXPECT_NEAR(st.column_double(0), 1000000.0 / (0.9996 * 0.9996), 1000800.5 * 0.0005);
}

TEST_F(MappingImport, MappedFieldMissingFromTheLayerIsRejected)
{
    const std::string file = write("h.geojson", collection({feature({{"hazard_id", "H1"}, {"status", "SHA"},
                                                                      {"contam", "CMR"}, {"recorded", "2020-01-15"}},
                                                                     square_geometry(105, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(R"({"kind": "hazards", "fields": {"status": "CONF"}})", "inline");
    const std::string before = dump();
    const ImportReport r = import(file, options);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, -1);
    EXPECT_EQ(r.rejected[0].field, "status");
    EXPECT_EQ(r.rejected[0].value, "CONF");
    EXPECT_NE(r.rejected[0].reason.find("maps status to 'CONF', which this layer does not have"), std::string::npos)
        << r.rejected[0].reason;
    EXPECT_EQ(dump(), before);
}

TEST_F(MappingImport, UnmappedValueIsRejectedWithTheProfileFix)
{
    const std::string file = write("o.geojson", collection({feature({{"HAZ_NO", "KH-001"}, {"CONF", "Probable"},
                                                                      {"TYPE", "CMR"}, {"SURVEY_DT", "15/01/2020"}},
                                                                     square_geometry(105, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards",
            "fields": {"hazard_id": "HAZ_NO", "status": "CONF", "contam": "TYPE", "recorded": "SURVEY_DT"},
            "values": {"status": {"Suspected": "SHA", "Confirmed": "CHA"}}, "date_format": "%d/%m/%Y"})",
        "inline");
    const ImportReport r = import(file, options);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].field, "status");
    EXPECT_EQ(r.rejected[0].value, "Probable");
    EXPECT_NE(r.rejected[0].fix.find("{\"status\": {\"Probable\": \"SHA\"}}"), std::string::npos) << r.rejected[0].fix;
}

TEST_F(MappingImport, DateNotInTheProfileFormatNamesTheFormat)
{
    const std::string file = write("d.geojson", collection({feature({{"hazard_id", "H1"}, {"status", "SHA"},
                                                                      {"contam", "CMR"}, {"recorded", "2020.01.15"}},
                                                                     square_geometry(105, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(R"({"date_format": "%d/%m/%Y"})", "inline");
    const ImportReport r = import(file, options);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].field, "recorded");
    EXPECT_EQ(r.rejected[0].value, "2020.01.15");
    EXPECT_EQ(r.rejected[0].reason, "not a date");
    EXPECT_NE(r.rejected[0].fix.find("'%d/%m/%Y'"), std::string::npos) << r.rejected[0].fix;
}

TEST_F(MappingImport, KindComesFromTheProfile)
{
    // Fields that would otherwise be inferred as nothing: the profile says hazards.
    const std::string file = write("k.geojson", collection({feature({{"ID", "H9"}}, square_geometry(105, 12))}));
    ImportOptions options;
    options.mapping = MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "ID"},
            "constants": {"status": "CHA", "contam": "ERW", "recorded": "2018-05-05"}})",
        "inline");
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].kind, "hazards");
    EXPECT_EQ(column("SELECT hazard_id || ':' || status || ':' || contamination FROM hazards"), "H9:CHA:ERW");
}

} // namespace cims::test
