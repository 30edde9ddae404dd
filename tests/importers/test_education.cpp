// SPDX-License-Identifier: GPL-3.0-or-later
// The education record kind (Article 7 Form G): risk education sessions located by a region code
// or a point/polygon, summed per home region and method by LedgerStore::education_totals.
#include "import_fixture.hpp"

#include "core/ledger_writer.hpp"
#include "importers/submissions.hpp"

#include <algorithm>

namespace cims::test {
namespace {

class Education : public ImportFixture {
protected:
    /// Two regions side by side: R1 west of 105.5°E, R2 east of it.
    void load_two_regions()
    {
        m_store->begin();
        std::vector<core::Region> regions;
        regions.push_back(core::Region{"R1", "West", gis::Geometry::from_wkt("POLYGON((104 11,105.5 11,105.5 13,104 13,104 11))")});
        regions.push_back(core::Region{"R2", "East", gis::Geometry::from_wkt("POLYGON((105.5 11,107 11,107 13,105.5 13,105.5 11))")});
        m_store->replace_regions(regions, 1);
        core::LedgerWriter(*m_store).rebuild();
        m_store->commit();
    }

    static const importers::Rejection* rejection_of(const importers::ImportReport& r, const std::string& field)
    {
        const auto it = std::find_if(r.rejected.begin(), r.rejected.end(),
                                     [&](const importers::Rejection& x) { return x.field == field; });
        return it == r.rejected.end() ? nullptr : &*it;
    }

    /// education_totals as "region/method:sessions,girls,boys,women,men,disabled" lines.
    std::string totals(int year)
    {
        std::string out;
        for (const core::EducationTotal& t : m_store->education_totals(year))
            out += t.region + "/" + t.method + ":" + std::to_string(t.sessions) + "," + std::to_string(t.girls) + "," +
                   std::to_string(t.boys) + "," + std::to_string(t.women) + "," + std::to_string(t.men) + "," +
                   std::to_string(t.disabled) + "\n";
        return out;
    }

    const std::string m_csv_header = "education_id,date,org,method,region,sessions,girls,boys,women,men,disabled\n";
};

TEST_F(Education, CsvWithRegionCodesAndNoGeometryIsImportedAndSummedPerRegionAndMethod)
{
    load_two_regions();
    const std::string file = write("re.csv", m_csv_header +
                                                 "E1,2023-03-01,NGO A,Interpersonal,R1,2,10,12,5,4,1\n"
                                                 "E2,2023-05-10,NGO A, INTERPERSONAL ,R1,,3,3,0,0,0\n"
                                                 "E3,2023-06-01,NGO B,mass_media,R2,1,0,0,100,90,7\n"
                                                 "E4,2024-01-02,NGO B,mass_media,R2,4,1,1,1,1,0\n");
    const auto r = import(file);
    ASSERT_TRUE(r.written) << report_text(r);
    EXPECT_EQ(r.accepted, 4);
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].kind, "education"); // inferred from education_id
    // Methods in lower case; an empty sessions field counts one session; 2024 is apart.
    EXPECT_EQ(totals(2023), "R1/interpersonal:3,13,15,5,4,1\n"
                            "R2/mass_media:1,0,0,100,90,7\n");
    EXPECT_EQ(totals(2024), "R2/mass_media:4,1,1,1,1,0\n");
    EXPECT_EQ(totals(2022), "");
    EXPECT_EQ(column("SELECT method FROM education ORDER BY education_id"),
              "interpersonal,interpersonal,mass_media,mass_media");
}

TEST_F(Education, PointsAndPolygonsAreLocatedInTheirHomeRegion)
{
    load_two_regions();
    const std::string file = write(
        "re.geojson",
        collection({feature({{"education_id", "P1"}, {"date", "2023-02-01"}, {"method", "training"}, {"women", 8}},
                            point_geometry(106.0, 12.0)),
                    // most of this square lies in R1
                    feature({{"education_id", "P2"}, {"date", "2023-02-02"}, {"method", "training"}, {"men", 3}},
                            square_geometry(105.45, 12.0, 0.06)),
                    // outside every region: national ""
                    feature({{"education_id", "P3"}, {"date", "2023-02-03"}, {"method", "training"}, {"boys", 2}},
                            point_geometry(110.0, 12.0)),
                    // a code wins over the location
                    feature({{"education_id", "P4"}, {"date", "2023-02-04"}, {"method", "training"}, {"region", "R1"},
                             {"girls", 1}},
                            point_geometry(106.0, 12.0))}));
    const auto r = import(file);
    ASSERT_TRUE(r.written) << report_text(r);
    EXPECT_EQ(totals(2023), "/training:1,0,2,0,0,0\n"
                            "R1/training:2,1,0,0,3,0\n"
                            "R2/training:1,0,0,8,0,0\n");
}

TEST_F(Education, RecordsImportedBeforeTheRegionsFindTheirRegionWhenRegionsAreLoaded)
{
    const std::string file = write("re.csv", m_csv_header + "E1,2023-03-01,NGO A,training,R2,1,1,0,0,0,0\n");
    ASSERT_TRUE(import(file).written);
    EXPECT_EQ(totals(2023), "/training:1,1,0,0,0,0\n"); // no regions: national
    load_two_regions();
    EXPECT_EQ(totals(2023), "R2/training:1,1,0,0,0,0\n");
}

TEST_F(Education, UnknownRegionCodeIsRejectedWithTheCodesToUseAndNothingIsWritten)
{
    load_two_regions();
    const std::string before = dump();
    const std::string file = write("re.csv", m_csv_header +
                                                 "E1,2023-03-01,NGO A,training,R1,1,1,0,0,0,0\n"
                                                 "E2,2023-03-01,NGO A,training,R9,1,1,0,0,0,0\n");
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u) << report_text(r);
    const importers::Rejection& x = r.rejected[0];
    EXPECT_EQ(x.file, file);
    EXPECT_EQ(x.layer, "re");
    EXPECT_EQ(x.fid, 2); // GDAL numbers CSV rows from 1
    EXPECT_EQ(x.field, "region");
    EXPECT_EQ(x.value, "R9");
    EXPECT_NE(x.fix.find("R1, R2"), std::string::npos) << x.fix;
    EXPECT_EQ(dump(), before);
    EXPECT_EQ(count("SELECT count(*) FROM education"), 0);
}

TEST_F(Education, BadValuesAreRejectedFieldByField)
{
    const std::string file = write("re.csv", m_csv_header +
                                                 "E1,2023-03-01,NGO A,training,,1,1,0,0,0,0\n"   // no region, no geometry
                                                 "E2,2023-03-01,NGO A,training,R1,0,1,0,0,0,0\n" // zero sessions
                                                 "E3,2023-03-01,NGO A,training,R1,1,-4,0,0,0,0\n"
                                                 "E4,2023-13-01,NGO A,training,R1,1,1,0,0,0,0\n"
                                                 "E5,2023-03-01,NGO A,,R1,1,1,0,0,0,0\n"
                                                 "E6,2023-03-01,NGO A,training,R1,1,1,0,0,0,0\n"
                                                 "E6,2023-03-02,NGO A,training,R1,1,1,0,0,0,0\n");
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 6u) << report_text(r);
    std::vector<std::pair<std::int64_t, std::string>> got;
    for (const auto& x : r.rejected) got.emplace_back(x.fid, x.field + "=" + x.value);
    const std::vector<std::pair<std::int64_t, std::string>> expected = {
        {1, "region="}, {2, "sessions=0"}, {3, "girls=-4"}, {4, "date=2023-13-01"}, {5, "method="}, {7, "education_id=E6"}};
    EXPECT_EQ(got, expected);
    for (const auto& x : r.rejected) EXPECT_FALSE(x.fix.empty()) << x.field;
    EXPECT_EQ(count("SELECT count(*) FROM education"), 0);
}

TEST_F(Education, ReImportOfTheSameIdIsNothingWhenIdenticalAndARejectionNamingTheIdWhenNot)
{
    const std::string first = write("a.csv", m_csv_header + "E1,2023-03-01,NGO A,training,R1,2,1,2,3,4,0\n");
    ASSERT_TRUE(import(first).written);
    // The same file again: already imported.
    const auto again = import(first);
    ASSERT_EQ(again.layers.size(), 1u);
    EXPECT_TRUE(again.layers[0].already_imported);
    // The same record in another file (method in other case): unchanged.
    const std::string same = write("b.csv", m_csv_header + "E1,2023-03-01,NGO A,Training,R1,2,1,2,3,4,0\n"
                                                           "E2,2023-03-02,NGO A,training,R1,1,0,0,0,0,0\n");
    const auto r = import(same);
    ASSERT_TRUE(r.written) << report_text(r);
    EXPECT_EQ(r.unchanged, 1);
    EXPECT_EQ(r.accepted, 1);
    // Different figures under a known id: refused, naming the id and what differs.
    const std::string before = dump();
    const std::string other = write("c.csv", m_csv_header + "E1,2023-03-01,NGO A,training,R1,2,1,2,3,5,0\n");
    const auto refused = import(other);
    EXPECT_FALSE(refused.written);
    ASSERT_EQ(refused.rejected.size(), 1u) << report_text(refused);
    EXPECT_EQ(refused.rejected[0].field, "education_id");
    EXPECT_EQ(refused.rejected[0].value, "E1");
    EXPECT_NE(refused.rejected[0].reason.find("E1"), std::string::npos);
    EXPECT_NE(refused.rejected[0].reason.find("men '4' recorded, '5' in this file"), std::string::npos)
        << refused.rejected[0].reason;
    EXPECT_EQ(dump(), before);
}

TEST_F(Education, MappingProfileAndExplicitKind)
{
    load_two_regions();
    const std::string file = write("op.csv", "REF,WHEN,HOW,PROV,F,M\n"
                                             "7,12/04/2023,Door to door,West,4,6\n");
    const auto mapping = importers::MappingProfile::parse(
        R"({"kind": "education",
            "fields": {"education_id": "@fid", "date": "WHEN", "method": "HOW", "region": "PROV",
                       "women": "F", "men": "M"},
            "values": {"region": {"West": "R1"}, "method": {"Door to door": "Interpersonal"}},
            "constants": {"org": "Velland Red Cross"},
            "id_prefix": "RC-", "date_format": "%d/%m/%Y"})",
        "test mapping");
    importers::ImportOptions options;
    options.mapping = mapping;
    const auto r = import(file, options);
    ASSERT_TRUE(r.written) << report_text(r);
    EXPECT_EQ(column("SELECT education_id || '|' || date || '|' || organisation || '|' || method || '|' || home_region "
                     "FROM education"),
              "RC-1|2023-04-12|Velland Red Cross|interpersonal|R1");

    // --kind education on a file whose fields would not tell.
    const std::string plain = write("plain.csv", "education_id,date,method,region\nX1,2023-01-01,radio,R2\n");
    importers::ImportOptions kind;
    kind.kind = "education";
    ASSERT_TRUE(import(plain, kind).written);
    EXPECT_EQ(totals(2023), "R1/interpersonal:1,0,0,4,6,0\nR2/radio:1,0,0,0,0,0\n");
}

TEST_F(Education, HazardsInACsvWithoutGeometryAreStillRefusedWithTheWaysToFixIt)
{
    const std::string file = write("h.csv", "hazard_id,status,contam,recorded,region\nH1,SHA,CMR,2020-01-15,R1\n");
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_NE(r.rejected[0].reason.find("no geometry column"), std::string::npos) << r.rejected[0].reason;
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0);
}

TEST_F(Education, StagedSubmissionIsImportedOnApproval)
{
    load_two_regions();
    const std::string file = write("re.csv", m_csv_header + "E1,2023-03-01,,training,R1,1,1,1,1,1,1\n");
    importers::SubmissionRequest request;
    request.files = {file};
    request.kind = "education";
    const core::Principal op{1, "operator1", "Demining NGO", core::Role::operator_};
    const core::Principal analyst{2, "analyst1", "Authority", core::Role::analyst};
    const auto s = importers::stage(*m_store, op, request);
    EXPECT_EQ(s.status, "submitted") << s.report_json;
    EXPECT_EQ(s.kind, "education");
    EXPECT_EQ(count("SELECT count(*) FROM education"), 0);
    const auto report = importers::approve(*m_store, analyst, s.id);
    EXPECT_TRUE(report.written);
    EXPECT_EQ(column("SELECT organisation || '|' || home_region FROM education"), "Demining NGO|R1");
    EXPECT_EQ(column("SELECT kind FROM imports"), "education");
}

} // namespace
} // namespace cims::test
