// SPDX-License-Identifier: GPL-3.0-or-later
// The vocabulary's parsers: what operators' files write for dates, statuses, methods and types.
#include "core/domain.hpp"

#include <gtest/gtest.h>

namespace cims::test {
namespace {

TEST(Domain, ContaminationListsInTheWaysFilesWriteThem)
{
    const core::ContamMask cmr_ap = core::contamination_bit("CMR") | core::contamination_bit("AP");
    for (const char* text : {"CMR,AP", "cmr, ap", "AP;CMR", "CMR AP", "CMR|AP", " CMR , AP "})
        EXPECT_EQ(core::parse_contamination(text), cmr_ap) << text;
    std::string bad;
    EXPECT_FALSE(core::parse_contamination("CMR, mines", &bad));
    EXPECT_EQ(bad, "MINES");
    EXPECT_FALSE(core::parse_contamination(" , ", &bad));
    EXPECT_EQ(core::format_contamination(cmr_ap), "CMR,AP");
}

TEST(Domain, DatesInIsoAndInGdalTextForm)
{
    EXPECT_EQ(core::parse_iso_date("2021-05-01")->iso, "2021-05-01");
    EXPECT_EQ(core::parse_iso_date("2021/05/01")->iso, "2021-05-01");
    EXPECT_EQ(core::parse_iso_date("2021-05-01T10:00:00Z")->iso, "2021-05-01");
    EXPECT_FALSE(core::parse_iso_date("2021-02-29"));
    EXPECT_TRUE(core::parse_iso_date("2020-02-29"));
    EXPECT_FALSE(core::parse_iso_date("2021-13-01"));
    EXPECT_FALSE(core::parse_iso_date("2021/05-01"));
    EXPECT_FALSE(core::parse_iso_date("01/05/2021"));
    EXPECT_EQ(core::parse_date("01/05/2021", "%d/%m/%Y")->iso, "2021-05-01");
    EXPECT_FALSE(core::parse_date("31/02/2021", "%d/%m/%Y"));
    EXPECT_FALSE(core::parse_date("01/05/2021 junk", "%d/%m/%Y"));
}

TEST(Domain, StatusAndMethodAreCaseInsensitive)
{
    EXPECT_EQ(core::parse_status(" cha "), core::Status::CHA);
    EXPECT_FALSE(core::parse_status("Suspected"));
    EXPECT_EQ(core::parse_method("Clearance"), core::Method::CLEARANCE);
    EXPECT_EQ(core::release_kind_of(core::Method::NTS), core::ReleaseKind::cancelled);
    EXPECT_EQ(core::release_kind_of(core::Method::TS), core::ReleaseKind::reduced);
    EXPECT_EQ(core::release_kind_of(core::Method::CLEARANCE), core::ReleaseKind::cleared);
    EXPECT_FALSE(core::release_kind_of(core::Method::EOD));
}

} // namespace
} // namespace cims::test
