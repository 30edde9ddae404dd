// SPDX-License-Identifier: GPL-3.0-or-later
#include "completion_forecast.hpp"

#include "core/article7_report.hpp"
#include "core/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cims::core {

namespace {

/// The end of `d` as a decimal year: 2026-12-31 → 2027.0, 2026-01-01 → 2026 + 1/365.
double end_of_day_as_year(const Date& d)
{
    const int y = d.year(), m = std::stoi(d.iso.substr(5, 2)), day = std::stoi(d.iso.substr(8, 2));
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    static constexpr int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const int day_of_year = before[m - 1] + day + (leap && m > 2 ? 1 : 0);
    return y + double(day_of_year) / (leap ? 366 : 365);
}

double total_released(const Figures& f)
{
    return f.cancelled_m2 + f.reduced_m2 + f.cleared_m2;
}

double total_remaining(const Figures& f)
{
    return f.remaining_m2.SHA + f.remaining_m2.CHA;
}

ForecastRow project(std::string code, std::string name, double remaining, double window_released, int year, int years)
{
    ForecastRow r{std::move(code), std::move(name), remaining, window_released, window_released / years, {}, false};
    if (remaining < closed_below_m2) r.complete = true;
    else if (r.rate_m2_per_year > 0) r.completion_at = year + 1 + remaining / r.rate_m2_per_year;
    return r;
}

} // namespace

std::optional<int> ForecastRow::completion_year() const
{
    if (!completion_at) return std::nullopt;
    // Done at the instant t: within the year that ends at ceil(t) (1 January of Y+1 is the end of Y).
    return int(std::ceil(*completion_at)) - 1;
}

bool ForecastRow::on_track(const Date& deadline) const
{
    if (complete) return true;
    return completion_at && *completion_at <= end_of_day_as_year(deadline);
}

CompletionForecast build_completion_forecast(LedgerStore& store, int year, int years, ContamMask contamination,
                                             std::optional<Date> deadline)
{
    if (years < 1) throw std::invalid_argument(fmt::format("the release rate needs a window of at least one year, not {}", years));
    CompletionForecast f;
    f.year = year;
    f.years = years;
    f.contamination = contamination;
    f.convention = convention_of(contamination);
    f.deadline = std::move(deadline);
    const auto totals = store.totals(year, contamination);
    const auto names = store.region_names();
    const AnnualFigures end = compute_annual_figures(totals, {}, names, year, contamination);
    std::map<std::string, double> window;
    double national_window = 0;
    for (int y = year - years + 1; y <= year; ++y) {
        const AnnualFigures a = y == year ? end : compute_annual_figures(totals, {}, names, y, contamination);
        for (const RegionFigures& r : a.regions) window[r.code] += total_released(r.figures);
        national_window += total_released(a.national);
    }
    f.national = project("", "", total_remaining(end.national), national_window, year, years);
    for (const RegionFigures& r : end.regions)
        f.regions.push_back(project(r.code, r.name, total_remaining(r.figures), window[r.code], year, years));
    int first = year;
    for (const StratumTotal& t : totals) first = std::min(first, t.year);
    for (int y = first; y <= year; ++y)
        f.national_remaining.emplace_back(
            y, y == year ? total_remaining(end.national)
                         : total_remaining(compute_annual_figures(totals, {}, names, y, contamination).national));
    return f;
}

ReportDocument to_document(const CompletionForecast& f, const ReportHeadings& h, AreaUnit unit, bool with_charts)
{
    const std::string deadline = f.deadline ? f.deadline->iso : h.label("no_deadline");
    const HeadingVars vars = {{"year", std::to_string(f.year)},
                              {"previous_year", std::to_string(f.year - 1)},
                              {"first_year", std::to_string(f.year - f.years + 1)},
                              {"years", std::to_string(f.years)},
                              {"deadline", deadline},
                              {"unit", unit_label(unit)}};
    ReportDocument doc;
    doc.report = "forecast";
    doc.unit = unit;
    doc.title = h.convention(f.convention, "forecast_title", vars);
    doc.meta = {{"year", std::int64_t(f.year)},
                {"years", std::int64_t(f.years)},
                {"contamination", format_contamination(f.contamination)},
                {"convention", f.convention},
                {"as_of", fmt::format("{:04d}-12-31", f.year)},
                {"deadline", f.deadline ? Cell(f.deadline->iso) : Cell()}};
    doc.facts = {{h.label("year"), std::to_string(f.year)},
                 {h.label("contamination"), h.convention(f.convention, "contamination", vars)},
                 {h.label("as_of"), fmt::format("{:04d}-12-31", f.year)},
                 {h.label("rate_years"), fmt::format("{}–{}", f.year - f.years + 1, f.year)},
                 {h.label("article4_deadline"), deadline},
                 {h.label("unit"), unit_label(unit)}};

    auto status = [&](const ForecastRow& r) {
        if (r.complete) return h.label("complete");
        if (!r.completion_at) return h.label(f.deadline ? "no_completion" : "no_completion_no_deadline");
        if (!f.deadline) return h.label("no_deadline");
        return h.label(r.on_track(*f.deadline) ? "on_track" : "not_on_track");
    };
    Table t{"FC-1", h.table(f.convention, "FC-1", vars), {}, {}, {}, {}};
    const std::pair<const char*, ColumnKind> columns[] = {
        {"region_code", ColumnKind::text},   {"region_name", ColumnKind::text},
        {"remaining_area", ColumnKind::area}, {"window_released_area", ColumnKind::area},
        {"rate_area", ColumnKind::number},   {"completion_year", ColumnKind::year},
        {"deadline", ColumnKind::text},      {"forecast_status", ColumnKind::text}};
    for (const auto& [key, kind] : columns) t.columns.push_back(Column{key, h.column(key, vars), kind});
    const bool only_region = f.regions.size() == 1 && f.regions.front().code.empty();
    auto row = [&](Cell code, Cell name, const ForecastRow& r) {
        const auto year = r.completion_year();
        return std::vector<Cell>{std::move(code),
                                 std::move(name),
                                 area_in(r.remaining_m2, unit),
                                 area_in(r.window_released_m2, unit),
                                 area_in(r.rate_m2_per_year, unit),
                                 year ? Cell(std::int64_t(*year)) : Cell(),
                                 f.deadline ? Cell(f.deadline->iso) : Cell(),
                                 status(r)};
    };
    for (const ForecastRow& r : f.regions)
        t.rows.push_back(row(r.code, r.code.empty() ? h.label(only_region ? "no_regions" : "outside_regions") : r.name, r));
    t.total = row(std::string(), h.label("national_total"), f.national);
    t.note = fmt::format("Rate = land released (cancelled + reduced + cleared) in {}–{} divided by {}; completion = "
                         "remaining at 31 December {} divided by the rate.",
                         f.year - f.years + 1, f.year, f.years, f.year);
    doc.tables.push_back(std::move(t));

    if (with_charts && !f.national_remaining.empty()) {
        const int first = f.national_remaining.front().first;
        int last = f.year;
        if (const auto y = f.national.completion_year()) last = std::max(last, *y);
        if (f.deadline) last = std::max(last, f.deadline->year());
        last = std::min(last, f.year + 30); // a projection beyond 30 years is drawn to its edge
        YearChart c{first, last, {}, {}, {}, {}, unit_label(unit)};
        ChartSeries remaining{"SHA + CHA", "#d94801", {}};
        for (const auto& [y, m2] : f.national_remaining) remaining.values.push_back(area_in(m2, unit));
        c.bars = {remaining};
        if (f.national.rate_m2_per_year > 0 && !f.national.complete) {
            c.line = ChartSeries{h.label("projection"), "#08519c", {}};
            const double rate = f.national.rate_m2_per_year, at_end = f.national.remaining_m2;
            const double years_needed = at_end / rate;
            const double end_x = std::min(double(last), f.year + years_needed);
            c.line_points = {{double(f.year), area_in(at_end, unit)},
                             {end_x, area_in(std::max(0.0, at_end - rate * (end_x - f.year)), unit)}};
        }
        if (f.deadline) c.marker = std::make_pair(f.deadline->year(), f.deadline->iso);
        doc.charts.push_back({h.label("chart_forecast", vars), to_svg(c)});
    }
    return doc;
}

} // namespace cims::core
