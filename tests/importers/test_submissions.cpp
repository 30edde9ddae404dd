// SPDX-License-Identifier: GPL-3.0-or-later
// Staging and approval: a submission never touches national data until an analyst approves it,
// and the approval imports it in the same transaction that records who approved.
#include "import_fixture.hpp"

#include "importers/submissions.hpp"

#include <algorithm>

namespace cims::test {
namespace {

class Submissions : public ImportFixture {
protected:
    /// Every national table (the dump leaves out the submissions themselves).
    std::string national() const { return dump(); }

    importers::SubmissionRequest request(const std::string& file)
    {
        importers::SubmissionRequest r;
        r.files = {file};
        return r;
    }

    const core::Principal m_operator{1, "operator1", "Demining NGO", core::Role::operator_};
    const core::Principal m_analyst{2, "analyst1", "Authority", core::Role::analyst};
    const core::Principal m_analyst2{3, "analyst2", "Authority", core::Role::analyst};

    std::string two_hazards()
    {
        return write("two.geojson",
                     collection({feature({{"hazard_id", "H7"}, {"status", "SHA"}, {"contam", "AP"}, {"recorded", "2021-02-01"}},
                                         square_geometry(105.1, 12.0)),
                                 feature({{"hazard_id", "H8"}, {"status", "CHA"}, {"contam", "AP"}, {"recorded", "2021-02-01"}},
                                         square_geometry(105.2, 12.0))}));
    }
};

TEST_F(Submissions, StagingStoresTheFilesAndReportWithoutTouchingNationalData)
{
    ASSERT_TRUE(import(one_hazard_file()).written);
    const std::string before = national();
    const core::SubmissionRecord s = importers::stage(*m_store, m_operator, request(two_hazards()));
    EXPECT_EQ(s.status, "submitted");
    EXPECT_EQ(s.submitted_by, "operator1");
    EXPECT_EQ(s.organisation, "Demining NGO");
    ASSERT_EQ(s.file_names.size(), 1u);
    EXPECT_EQ(s.file_names[0], "two.geojson");
    const auto report = nlohmann::json::parse(s.report_json);
    EXPECT_EQ(report["accepted"], 2);
    EXPECT_EQ(report["layers"][0]["file"], "two.geojson"); // the sender's name, not a temporary path
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 1);
    EXPECT_EQ(national(), before);
}

TEST_F(Submissions, ApprovalImportsInOneTransactionAndRecordsWhoApproved)
{
    const auto s = importers::stage(*m_store, m_operator, request(two_hazards()));
    const importers::ImportReport report = importers::approve(*m_store, m_analyst, s.id);
    EXPECT_TRUE(report.written);
    EXPECT_EQ(report.accepted, 2);
    EXPECT_EQ(column("SELECT hazard_id FROM hazards ORDER BY 1"), "H7,H8");
    const auto after = m_store->submission(s.id);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, "approved");
    EXPECT_EQ(after->decided_by.value_or(""), "analyst1");
    EXPECT_TRUE(after->decided_at.has_value());
    EXPECT_EQ(nlohmann::json::parse(after->report_json)["written"], true);
    EXPECT_EQ(column("SELECT imported_by FROM imports"), "operator1");
    // Decided once only.
    EXPECT_THROW(importers::approve(*m_store, m_analyst2, s.id), importers::SubmissionStateError);
    EXPECT_THROW(importers::reject(*m_store, m_analyst2, s.id, "late"), importers::SubmissionStateError);
}

TEST_F(Submissions, AFileTheValidationRejectsIsStoredAsRejected)
{
    const std::string bad = write("bad.geojson", collection({feature({{"hazard_id", "H9"}, {"status", "Suspected"},
                                                                      {"contam", "CMR"}, {"recorded", "2021-02-01"}},
                                                                     square_geometry(105.3, 12.0))}));
    const auto s = importers::stage(*m_store, m_operator, request(bad));
    EXPECT_EQ(s.status, "rejected");
    EXPECT_EQ(s.decided_by.value_or(""), "validation");
    const auto report = nlohmann::json::parse(s.report_json);
    ASSERT_EQ(report["rejected"].size(), 1u);
    EXPECT_EQ(report["rejected"][0]["field"], "status");
    EXPECT_EQ(report["rejected"][0]["value"], "Suspected");
    EXPECT_THROW(importers::approve(*m_store, m_analyst, s.id), importers::SubmissionStateError);
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0);
}

TEST_F(Submissions, RejectionNeedsAReasonAndKeepsIt)
{
    const auto s = importers::stage(*m_store, m_operator, request(two_hazards()));
    EXPECT_THROW(importers::reject(*m_store, m_analyst, s.id, ""), importers::SubmissionStateError);
    importers::reject(*m_store, m_analyst, s.id, "H8 is outside the operator's task area; resubmit without it");
    const auto after = m_store->submission(s.id);
    EXPECT_EQ(after->status, "rejected");
    EXPECT_EQ(after->why.value_or(""), "H8 is outside the operator's task area; resubmit without it");
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0);
}

TEST_F(Submissions, ApprovalRefusedByTheLedgerNowLeavesEverythingAsItWas)
{
    const auto s = importers::stage(*m_store, m_operator, request(two_hazards()));
    // Meanwhile H7 is recorded by another file with another contamination: the staged record now
    // conflicts with national data.
    ASSERT_TRUE(import(write("h7.geojson", collection({feature({{"hazard_id", "H7"}, {"status", "SHA"}, {"contam", "CMR"},
                                                                 {"recorded", "2021-01-01"}},
                                                                square_geometry(105.1, 12.0))})))
                    .written);
    const std::string before = dump();
    const importers::ImportReport report = importers::approve(*m_store, m_analyst, s.id);
    EXPECT_FALSE(report.written);
    ASSERT_EQ(report.rejected.size(), 1u);
    EXPECT_EQ(report.rejected[0].field, "contam");
    EXPECT_EQ(dump(), before);
    EXPECT_EQ(m_store->submission(s.id)->status, "submitted");
}

TEST_F(Submissions, ShapefileSidecarsTravelWithTheSubmission)
{
    const std::string geojson = two_hazards();
    const std::string shp = m_db.dir().file("two.shp");
    const std::string cmd = "ogr2ogr -f 'ESRI Shapefile' " + shp + " " + geojson + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "ogr2ogr is not installed";
    const auto s = importers::stage(*m_store, m_operator, request(shp));
    EXPECT_EQ(s.status, "submitted");
    for (const char* name : {"two.shp", "two.dbf", "two.shx", "two.prj"})
        EXPECT_NE(std::find(s.file_names.begin(), s.file_names.end(), name), s.file_names.end()) << name;
    EXPECT_TRUE(importers::approve(*m_store, m_analyst, s.id).written);
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 2);
}

} // namespace
} // namespace cims::test
