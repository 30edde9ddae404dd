// SPDX-License-Identifier: GPL-3.0-or-later
// Article7Report: the Article 7 annex tables (domain.md) for a year and a contamination type: Form F
// (F-1 remaining, F-2 land release, F-3 changes to the baseline, F-R the reconciliation
// F-1(Y−1) + F-3 − F-2 = F-1(Y)) and Form G (risk education), per region and nationally, with the
// yearly series and region outlines the HTML charts draw. Built on compute_annual_figures: the
// figures are the ledger's, this file only arranges them.
#pragma once

#include "core/annual_figures.hpp"
#include "core/ledger_store.hpp"
#include "core/report_document.hpp"
#include "core/report_headings.hpp"

#include <string>
#include <vector>

namespace cims::core {

/// "CCM" for CMR (and every type other than AP), "APMBC" for AP: which convention the report serves.
std::string convention_of(ContamMask contamination);

/// National figures of one year, for the charts by year.
struct YearFigures {
    int year = 0;
    Figures national;
};

struct Article7Report {
    int year = 0;
    ContamMask contamination = 1;
    std::string convention;       // CCM | APMBC
    std::optional<int> admin_level; // of the loaded regions; none when no regions are loaded
    AnnualFigures current;        // the year
    AnnualFigures previous;       // the year before (F-1 of last year)
    std::vector<YearFigures> history; // national figures from the first year with an event to `year`
    std::vector<EducationTotal> education; // Form G, by region code then method
    std::vector<RegionOutline> outlines;   // for the map (HTML); empty when no regions are loaded

    /// Every stratum balances in the year (design.md §3) and therefore every F-R row holds.
    bool reconciles() const { return current.national.balance_ok; }
};

/// Reads the figures of `year` and of every earlier year from one read of the totals.
/// \param with_outlines also load the simplified region outlines (the HTML map needs them).
Article7Report build_article7_report(LedgerStore& store, int year, ContamMask contamination, bool with_outlines);

/// The tables F-1, F-2, F-3, F-R and G-1 with the headings' wording, areas in `unit`; and, when
/// `with_charts`, the SVG charts of the HTML report.
ReportDocument to_document(const Article7Report& report, const ReportHeadings& headings, AreaUnit unit,
                           bool with_charts);

} // namespace cims::core
