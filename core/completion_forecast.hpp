// SPDX-License-Identifier: GPL-3.0-or-later
// CompletionForecast (Lausanne Action Plan, Action 19): per region and nationally, the land release
// rate over the last N years, the area remaining at the end of the year and the year clearance
// would be completed at that rate, against the Article 4 deadline configured for the country.
#pragma once

#include "core/annual_figures.hpp"
#include "core/domain.hpp"
#include "core/ledger_store.hpp"
#include "core/report_document.hpp"
#include "core/report_headings.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cims::core {

/// Setting key of the Article 4 (APMBC: Article 5) completion deadline, "YYYY-MM-DD".
inline constexpr const char* article4_deadline_setting = "article4_deadline";

struct ForecastRow {
    std::string code, name;
    double remaining_m2 = 0;        // at 31 December of the year
    double window_released_m2 = 0;  // cancelled + reduced + cleared over the window
    double rate_m2_per_year = 0;    // window_released_m2 / years
    /// Decimal year at which the remaining area would be released (Y + 1 is 1 January of Y + 1);
    /// none when the remaining area is under 1 m² (complete) or the rate is zero (no completion).
    std::optional<double> completion_at;
    bool complete = false;

    /// The calendar year the completion falls in.
    std::optional<int> completion_year() const;
    /// Completion on or before the end of the deadline day; false without a projection.
    bool on_track(const Date& deadline) const;
};

struct CompletionForecast {
    int year = 0;
    int years = 3; // the window: year − years + 1 … year
    ContamMask contamination = 1;
    std::string convention;
    std::optional<Date> deadline;
    ForecastRow national;
    std::vector<ForecastRow> regions; // by code
    std::vector<std::pair<int, double>> national_remaining; // (year, m²) from the first year with an event
};

/// \param deadline the completion deadline, none when the country has not configured one.
CompletionForecast build_completion_forecast(LedgerStore& store, int year, int years, ContamMask contamination,
                                             std::optional<Date> deadline);

/// The table FC-1 and, when `with_charts`, the chart of remaining area with the projection.
ReportDocument to_document(const CompletionForecast& forecast, const ReportHeadings& headings, AreaUnit unit,
                           bool with_charts);

} // namespace cims::core
