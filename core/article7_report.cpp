// SPDX-License-Identifier: GPL-3.0-or-later
#include "article7_report.hpp"

#include "core/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace cims::core {

std::string convention_of(ContamMask contamination)
{
    return contamination == contamination_bit("AP") ? "APMBC" : "CCM";
}

Article7Report build_article7_report(LedgerStore& store, int year, ContamMask contamination, bool with_outlines)
{
    Article7Report r;
    r.year = year;
    r.contamination = contamination;
    r.convention = convention_of(contamination);
    // One read of the totals serves the year, the year before and the series by year.
    const auto totals = store.totals(year, contamination);
    const auto names = store.region_names();
    r.current = compute_annual_figures(totals, store.items_destroyed(year, contamination), names, year, contamination);
    r.previous = compute_annual_figures(totals, {}, names, year - 1, contamination); // F-R needs its areas only
    int first = year;
    for (const StratumTotal& t : totals) first = std::min(first, t.year);
    for (int y = first; y <= year; ++y) {
        if (y == year) r.history.push_back({y, r.current.national});
        else if (y == year - 1) r.history.push_back({y, r.previous.national});
        else r.history.push_back({y, compute_annual_figures(totals, {}, names, y, contamination).national});
    }
    r.education = store.education_totals(year);
    // The admin level is read with the outlines; the map needs their paths, the tables only the level.
    auto outlines = store.region_outlines(with_outlines ? 0.001 : 0.0);
    if (!outlines.empty()) r.admin_level = outlines.front().level;
    if (with_outlines) r.outlines = std::move(outlines);
    return r;
}

namespace {

/// The text a region row starts with: its code and name, or what "" stands for.
std::vector<Cell> region_cells(const std::string& code, const std::string& name, bool only_region,
                               const ReportHeadings& h)
{
    if (!code.empty()) return {code, name};
    return {std::string(), h.label(only_region ? "no_regions" : "outside_regions")};
}

std::vector<Cell> total_cells(const ReportHeadings& h)
{
    return {std::string(), h.label("national_total")};
}

Column col(const ReportHeadings& h, const HeadingVars& vars, const std::string& key, ColumnKind kind)
{
    return Column{key, h.column(key, vars), kind};
}

template <class... T> void append(std::vector<Cell>& row, T... cells)
{
    (row.emplace_back(cells), ...);
}

double released(const Figures& f)
{
    return f.cancelled_m2 + f.reduced_m2 + f.cleared_m2;
}

double total_remaining(const Figures& f)
{
    return f.remaining_m2.SHA + f.remaining_m2.CHA;
}

double baseline_change(const Figures& f)
{
    return f.added_m2.SHA + f.added_m2.CHA + f.moved_in_m2.SHA + f.moved_in_m2.CHA - f.moved_out_m2.SHA -
           f.moved_out_m2.CHA + f.corrections_m2.SHA + f.corrections_m2.CHA;
}

/// An area as text in the document's unit, with its unit: "12345.67 m²", "0.012346 km²".
std::string area_text(double m2, AreaUnit unit, bool sign)
{
    const double v = area_in(m2, unit);
    const int decimals = unit == AreaUnit::km2 ? 6 : 2;
    return (sign && v > 0 ? "+" : "") + fmt::format("{:.{}f} {}", v, decimals, unit_label(unit));
}

/// The F-3 explanation: what changed the baseline of a region, in the headings' words, from the
/// same figures as the row (an area under half the last printed digit is no change).
std::string explain(const Figures& f, const ReportHeadings& h, AreaUnit unit)
{
    const double shown = unit == AreaUnit::km2 ? 0.5 : 0.005;
    std::vector<std::string> parts;
    for (const Status s : {Status::SHA, Status::CHA}) {
        const std::string status = s == Status::SHA ? "SHA" : "CHA";
        const std::int64_t count = s == Status::SHA ? f.added_count_sha : f.added_count_cha;
        if (count > 0 || std::fabs(f.added_m2[s]) >= shown)
            parts.push_back(h.label("explain_new", {{"count", std::to_string(count)}, {"status", status},
                                                    {"area", area_text(f.added_m2[s], unit, false)}}));
    }
    for (const Status s : {Status::SHA, Status::CHA}) {
        const std::string status = s == Status::SHA ? "SHA" : "CHA";
        if (std::fabs(f.moved_in_m2[s]) >= shown)
            parts.push_back(h.label("explain_moved_in", {{"status", status}, {"area", area_text(f.moved_in_m2[s], unit, false)}}));
        if (std::fabs(f.moved_out_m2[s]) >= shown)
            parts.push_back(h.label("explain_moved_out", {{"status", status}, {"area", area_text(f.moved_out_m2[s], unit, false)}}));
        if (std::fabs(f.corrections_m2[s]) >= shown)
            parts.push_back(h.label("explain_correction", {{"status", status}, {"area", area_text(f.corrections_m2[s], unit, true)}}));
    }
    if (parts.empty()) return h.label("explain_none");
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : h.label("explain_separator")) + p;
    return out;
}

} // namespace

ReportDocument to_document(const Article7Report& r, const ReportHeadings& h, AreaUnit unit, bool with_charts)
{
    const HeadingVars vars = {{"year", std::to_string(r.year)},
                              {"previous_year", std::to_string(r.year - 1)},
                              {"unit", unit_label(unit)}};
    auto a = [unit](double m2) { return Cell(area_in(m2, unit)); };
    const std::string& conv = r.convention;
    const bool only_region = r.current.regions.size() == 1 && r.current.regions.front().code.empty();
    const auto region_key_columns = [&] {
        return std::vector<Column>{col(h, vars, "region_code", ColumnKind::text), col(h, vars, "region_name", ColumnKind::text)};
    };

    ReportDocument doc;
    doc.report = "article7";
    doc.unit = unit;
    doc.title = h.convention(conv, "title", vars);
    doc.meta = {{"year", std::int64_t(r.year)},
                {"contamination", format_contamination(r.contamination)},
                {"convention", conv},
                {"as_of", fmt::format("{:04d}-12-31", r.year)},
                {"admin_level", r.admin_level ? Cell(std::int64_t(*r.admin_level)) : Cell()}};
    doc.facts = {{h.label("year"), std::to_string(r.year)},
                 {h.label("contamination"), h.convention(conv, "contamination", vars)},
                 {h.label("as_of"), fmt::format("{:04d}-12-31", r.year)},
                 {h.label("unit"), unit_label(unit)}};
    if (r.admin_level) doc.facts.emplace_back(h.label("admin_level"), std::to_string(*r.admin_level));
    doc.checks_ok = r.reconciles();
    doc.facts.emplace_back(h.label("checks"), h.label(doc.checks_ok ? "check_holds" : "check_failed"));

    std::map<std::string, const Figures*> previous;
    for (const RegionFigures& p : r.previous.regions) previous[p.code] = &p.figures;
    const Figures none;
    auto previous_of = [&](const std::string& code) -> const Figures& {
        const auto it = previous.find(code);
        return it == previous.end() ? none : *it->second;
    };

    // F-1 remaining at 31 December
    Table f1{"F-1", h.table(conv, "F-1", vars), region_key_columns(), {}, {}, {}};
    for (const char* k : {"sha_count", "sha_area", "cha_count", "cha_area", "total_count", "total_area"})
        f1.columns.push_back(col(h, vars, k, std::string(k).ends_with("count") ? ColumnKind::count : ColumnKind::area));
    auto f1_row = [&](std::vector<Cell> row, const Figures& f) {
        append(row, Cell(f.remaining_count_sha), a(f.remaining_m2.SHA), Cell(f.remaining_count_cha), a(f.remaining_m2.CHA),
               Cell(f.remaining_count_sha + f.remaining_count_cha), a(total_remaining(f)));
        return row;
    };
    // F-2 land release
    Table f2{"F-2", h.table(conv, "F-2", vars), region_key_columns(), {}, {}, {}};
    for (const char* k : {"cancelled_area", "reduced_area", "cleared_area", "released_area"})
        f2.columns.push_back(col(h, vars, k, ColumnKind::area));
    for (const char* k : {"closed_count", "submunitions", "ap_mines", "av_mines", "other_erw"})
        f2.columns.push_back(col(h, vars, k, ColumnKind::count));
    auto f2_row = [&](std::vector<Cell> row, const Figures& f) {
        append(row, a(f.cancelled_m2), a(f.reduced_m2), a(f.cleared_m2), a(released(f)), Cell(f.closed_count),
               Cell(f.items.submunitions), Cell(f.items.ap_mines), Cell(f.items.av_mines), Cell(f.items.other_erw));
        return row;
    };
    // F-3 changes to the baseline
    Table f3{"F-3", h.table(conv, "F-3", vars), region_key_columns(), {}, {}, {}};
    for (const char* k : {"new_sha_count", "new_sha_area", "new_cha_count", "new_cha_area", "moved_in_sha_area",
                          "moved_out_sha_area", "moved_in_cha_area", "moved_out_cha_area", "corrections_sha_area",
                          "corrections_cha_area", "baseline_change_area"})
        f3.columns.push_back(col(h, vars, k, std::string(k).ends_with("count") ? ColumnKind::count : ColumnKind::area));
    f3.columns.push_back(col(h, vars, "explanation", ColumnKind::text));
    auto f3_row = [&](std::vector<Cell> row, const Figures& f) {
        append(row, Cell(f.added_count_sha), a(f.added_m2.SHA), Cell(f.added_count_cha), a(f.added_m2.CHA),
               a(f.moved_in_m2.SHA), a(f.moved_out_m2.SHA), a(f.moved_in_m2.CHA), a(f.moved_out_m2.CHA),
               a(f.corrections_m2.SHA), a(f.corrections_m2.CHA), a(baseline_change(f)), Cell(explain(f, h, unit)));
        return row;
    };
    // F-R reconciliation: F-1(Y−1) + F-3 − F-2 = F-1(Y)
    Table fr{"F-R", h.table(conv, "F-R", vars), region_key_columns(), {}, {}, {}};
    for (const char* k : {"remaining_previous_area", "baseline_change_area", "released_area", "remaining_computed_area",
                          "remaining_area", "difference_area"})
        fr.columns.push_back(col(h, vars, k, ColumnKind::area));
    fr.columns.push_back(col(h, vars, "check", ColumnKind::text));
    auto fr_row = [&](std::vector<Cell> row, const Figures& prev, const Figures& f) {
        const double computed = total_remaining(prev) + baseline_change(f) - released(f);
        append(row, a(total_remaining(prev)), a(baseline_change(f)), a(released(f)), a(computed), a(total_remaining(f)),
               a(total_remaining(f) - computed), Cell(h.label(f.balance_ok ? "check_holds" : "check_failed")));
        return row;
    };
    fr.note = fmt::format("The check holds when every stratum (region × SHA/CHA) balances within {} m² (design.md §3); "
                          "largest gap {:.4f} m².",
                          balance_tolerance_m2, r.current.national.balance_max_error_m2);

    for (const RegionFigures& reg : r.current.regions) {
        const auto key = region_cells(reg.code, reg.name, only_region, h);
        f1.rows.push_back(f1_row(key, reg.figures));
        f2.rows.push_back(f2_row(key, reg.figures));
        f3.rows.push_back(f3_row(key, reg.figures));
        fr.rows.push_back(fr_row(key, previous_of(reg.code), reg.figures));
    }
    f1.total = f1_row(total_cells(h), r.current.national);
    f2.total = f2_row(total_cells(h), r.current.national);
    f3.total = f3_row(total_cells(h), r.current.national);
    fr.total = fr_row(total_cells(h), r.previous.national, r.current.national);

    // G-1 risk education
    Table g1{"G-1", h.table(conv, "G-1", vars), region_key_columns(), {}, {}, {}};
    g1.columns.push_back(col(h, vars, "method", ColumnKind::text));
    for (const char* k : {"sessions", "girls", "boys", "women", "men", "beneficiaries", "disabled"})
        g1.columns.push_back(col(h, vars, k, ColumnKind::count));
    std::map<std::string, std::string> names;
    for (const RegionFigures& reg : r.current.regions) names[reg.code] = reg.name;
    EducationTotal national;
    auto g_row = [&](std::vector<Cell> row, const EducationTotal& e) {
        append(row, Cell(e.sessions), Cell(e.girls), Cell(e.boys), Cell(e.women), Cell(e.men),
               Cell(e.girls + e.boys + e.women + e.men), Cell(e.disabled));
        return row;
    };
    for (const EducationTotal& e : r.education) {
        const auto it = names.find(e.region);
        auto row = region_cells(e.region, it == names.end() ? std::string() : it->second, only_region, h);
        row.emplace_back(e.method);
        g1.rows.push_back(g_row(std::move(row), e));
        national.sessions += e.sessions;
        national.girls += e.girls;
        national.boys += e.boys;
        national.women += e.women;
        national.men += e.men;
        national.disabled += e.disabled;
    }
    auto g_total = total_cells(h);
    g_total.emplace_back(std::string());
    g1.total = g_row(std::move(g_total), national);

    doc.tables = {std::move(f1), std::move(f2), std::move(f3), std::move(fr), std::move(g1)};

    if (with_charts && !r.history.empty()) {
        YearChart remaining{r.history.front().year, r.history.back().year, {}, {}, {}, {}, unit_label(unit)};
        YearChart release = remaining;
        ChartSeries sha{"SHA", "#fdae6b", {}}, cha{"CHA", "#d94801", {}};
        ChartSeries cancelled{h.label("cancelled"), "#c6dbef", {}}, reduced{h.label("reduced"), "#6baed6", {}},
            cleared{h.label("cleared"), "#08519c", {}};
        for (const YearFigures& y : r.history) {
            sha.values.push_back(area_in(y.national.remaining_m2.SHA, unit));
            cha.values.push_back(area_in(y.national.remaining_m2.CHA, unit));
            cancelled.values.push_back(area_in(y.national.cancelled_m2, unit));
            reduced.values.push_back(area_in(y.national.reduced_m2, unit));
            cleared.values.push_back(area_in(y.national.cleared_m2, unit));
        }
        remaining.bars = {sha, cha};
        release.bars = {cancelled, reduced, cleared};
        doc.charts.push_back({h.label("chart_remaining", vars), to_svg(remaining)});
        doc.charts.push_back({h.label("chart_release", vars), to_svg(release)});
        std::map<std::string, double> by_region;
        for (const RegionFigures& reg : r.current.regions) by_region[reg.code] = area_in(total_remaining(reg.figures), unit);
        const std::string map = choropleth_svg(r.outlines, by_region, unit_label(unit));
        doc.charts.push_back({h.label("chart_map", vars), map.empty() ? "<p>" + xml_escape(h.label("no_regions_map")) + "</p>" : map});
    }
    return doc;
}

} // namespace cims::core
