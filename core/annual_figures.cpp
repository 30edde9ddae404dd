// SPDX-License-Identifier: GPL-3.0-or-later
#include "annual_figures.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace cims::core {

namespace {

/// Sums of one stratum (region × status) for the report year.
struct Stratum {
    double remaining_prev = 0, remaining_end = 0;
    std::int64_t open_end = 0, added_open = 0;
    double added = 0, moved_in = 0, moved_out = 0, corrections = 0;
    double cancelled = 0, reduced = 0, cleared = 0;
    std::int64_t closed = 0;

    double balance_error() const
    {
        const double expected =
            remaining_prev + added + moved_in - moved_out + corrections - cancelled - reduced - cleared;
        return std::fabs(remaining_end - expected);
    }
};

void add_stratum(Figures& f, Status s, const Stratum& st)
{
    (s == Status::SHA ? f.remaining_count_sha : f.remaining_count_cha) += st.open_end;
    (s == Status::SHA ? f.added_count_sha : f.added_count_cha) += st.added_open;
    f.remaining_m2[s] += st.remaining_end;
    f.added_m2[s] += st.added;
    f.moved_in_m2[s] += st.moved_in;
    f.moved_out_m2[s] += st.moved_out;
    f.corrections_m2[s] += st.corrections;
    f.cancelled_m2 += st.cancelled;
    f.reduced_m2 += st.reduced;
    f.cleared_m2 += st.cleared;
    f.closed_count += st.closed;
    const double error = st.balance_error();
    f.balance_max_error_m2 = std::max(f.balance_max_error_m2, error);
    if (!(error <= balance_tolerance_m2)) f.balance_ok = false; // NaN fails too
}

void add_items(ItemsDestroyed& to, const ItemsDestroyed& from)
{
    to.submunitions += from.submunitions;
    to.ap_mines += from.ap_mines;
    to.av_mines += from.av_mines;
    to.other_erw += from.other_erw;
}

/// Areas are reported to the centimetre: finer digits are arithmetic noise.
double m2(double v)
{
    const double r = std::round(v * 100.0) / 100.0;
    return r == 0 ? 0.0 : r; // no "-0"
}

} // namespace

AnnualFigures compute_annual_figures(LedgerStore& store, int year, ContamMask contamination)
{
    return compute_annual_figures(store.totals(year, contamination), store.items_destroyed(year, contamination),
                                  store.region_names(), year, contamination);
}

AnnualFigures compute_annual_figures(const std::vector<StratumTotal>& totals, const std::vector<RegionItems>& items,
                                     const std::map<std::string, std::string>& names, int year,
                                     ContamMask contamination)
{
    std::map<std::pair<std::string, Status>, Stratum> strata;
    for (const StratumTotal& t : totals) {
        if (t.year > year) continue;
        Stratum& s = strata[{t.region, t.status}];
        s.remaining_end += t.remaining_m2;
        s.open_end += t.open_delta;
        if (t.year < year) s.remaining_prev += t.remaining_m2;
        if (t.year != year) continue;
        s.closed += t.closed;
        switch (t.kind) {
        case Effect::Kind::added:
            s.added += t.area_m2;
            s.added_open += t.open_delta; // the recording's +1 is booked on its added flow
            break;
        case Effect::Kind::moved_in: s.moved_in += t.area_m2; break;
        case Effect::Kind::moved_out: s.moved_out += t.area_m2; break;
        case Effect::Kind::correction: s.corrections += t.area_m2; break;
        case Effect::Kind::cancelled: s.cancelled += t.area_m2; break;
        case Effect::Kind::reduced: s.reduced += t.area_m2; break;
        case Effect::Kind::cleared: s.cleared += t.area_m2; break;
        }
    }

    AnnualFigures out;
    out.year = year;
    out.contamination = contamination;
    std::set<std::string> codes;
    for (const auto& [code, name] : names) codes.insert(code);
    for (const auto& [key, s] : strata) codes.insert(key.first);
    for (const RegionItems& i : items) codes.insert(i.region);
    if (codes.empty()) codes.insert(""); // no regions loaded: everything is national ("")

    std::map<std::string, Figures> by_region;
    for (const auto& code : codes) by_region[code];
    for (const auto& [key, s] : strata) {
        add_stratum(by_region[key.first], key.second, s);
        add_stratum(out.national, key.second, s);
    }
    for (const RegionItems& i : items) {
        add_items(by_region[i.region].items, i.items);
        add_items(out.national.items, i.items);
    }
    for (auto& [code, f] : by_region) {
        const auto it = names.find(code);
        out.regions.push_back(RegionFigures{code, it == names.end() ? std::string() : it->second, f});
    }
    return out;
}

namespace {
nlohmann::json figures_json(const Figures& f)
{
    using nlohmann::json;
    auto by_status = [](const ByStatus& b) { return json{{"SHA", m2(b.SHA)}, {"CHA", m2(b.CHA)}}; };
    return json{
        {"remaining",
         {{"SHA", {{"count", f.remaining_count_sha}, {"area_m2", m2(f.remaining_m2.SHA)}}},
          {"CHA", {{"count", f.remaining_count_cha}, {"area_m2", m2(f.remaining_m2.CHA)}}}}},
        {"released",
         {{"cancelled_m2", m2(f.cancelled_m2)},
          {"reduced_m2", m2(f.reduced_m2)},
          {"cleared_m2", m2(f.cleared_m2)},
          {"closed_count", f.closed_count}}},
        {"added_m2", by_status(f.added_m2)},
        {"moved_in_m2", by_status(f.moved_in_m2)},
        {"moved_out_m2", by_status(f.moved_out_m2)},
        {"corrections_m2", by_status(f.corrections_m2)},
        {"items_destroyed",
         {{"submunitions", f.items.submunitions},
          {"ap_mines", f.items.ap_mines},
          {"av_mines", f.items.av_mines},
          {"other_erw", f.items.other_erw}}},
        {"balance", {{"ok", f.balance_ok}, {"max_error_m2", std::round(f.balance_max_error_m2 * 1e4) / 1e4}}}};
}
} // namespace

nlohmann::json to_json(const AnnualFigures& a)
{
    nlohmann::json regions = nlohmann::json::array();
    for (const RegionFigures& r : a.regions) {
        nlohmann::json j = {{"code", r.code}, {"name", r.name}};
        j.update(figures_json(r.figures));
        regions.push_back(std::move(j));
    }
    return nlohmann::json{{"report", "action24"},
                          {"year", a.year},
                          {"contamination", format_contamination(a.contamination)},
                          {"as_of", fmt::format("{:04d}-12-31", a.year)},
                          {"national", figures_json(a.national)},
                          {"regions", std::move(regions)}};
}

namespace {
std::string csv_field(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csv_row(const std::string& scope, const std::string& code, const std::string& name, const Figures& f)
{
    return fmt::format("{},{},{},{},{:.2f},{},{:.2f},{:.2f},{:.2f},{:.2f},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},"
                       "{:.2f},{:.2f},{},{},{},{},{},{:.4f}\n",
                       scope, csv_field(code), csv_field(name), f.remaining_count_sha, m2(f.remaining_m2.SHA),
                       f.remaining_count_cha, m2(f.remaining_m2.CHA), m2(f.cancelled_m2), m2(f.reduced_m2),
                       m2(f.cleared_m2), f.closed_count, m2(f.added_m2.SHA), m2(f.added_m2.CHA),
                       m2(f.moved_in_m2.SHA), m2(f.moved_in_m2.CHA), m2(f.moved_out_m2.SHA), m2(f.moved_out_m2.CHA),
                       m2(f.corrections_m2.SHA), m2(f.corrections_m2.CHA), f.items.submunitions, f.items.ap_mines,
                       f.items.av_mines, f.items.other_erw, f.balance_ok ? "true" : "false", f.balance_max_error_m2);
}
} // namespace

std::string to_csv(const AnnualFigures& a)
{
    std::string out =
        "scope,region_code,region_name,remaining_sha_count,remaining_sha_m2,remaining_cha_count,remaining_cha_m2,"
        "cancelled_m2,reduced_m2,cleared_m2,closed_count,added_sha_m2,added_cha_m2,moved_in_sha_m2,moved_in_cha_m2,"
        "moved_out_sha_m2,moved_out_cha_m2,corrections_sha_m2,corrections_cha_m2,submunitions,ap_mines,av_mines,"
        "other_erw,balance_ok,balance_max_error_m2\n";
    out += csv_row("national", "", "", a.national);
    for (const RegionFigures& r : a.regions) out += csv_row("region", r.code, r.name, r.figures);
    return out;
}

std::string to_table(const AnnualFigures& a)
{
    std::ostringstream out;
    out << fmt::format("Action 24 figures for {} ({} contamination), as of {}-12-31\n", a.year,
                       format_contamination(a.contamination), a.year);
    out << fmt::format("{:<24} {:>5} {:>14} {:>5} {:>14} {:>13} {:>13} {:>13} {:>6} {:>8} {:>7}\n", "region", "SHA",
                       "SHA m²", "CHA", "CHA m²", "cancelled m²", "reduced m²", "cleared m²", "closed",
                       "submun.", "balance");
    auto row = [&](const std::string& label, const Figures& f) {
        out << fmt::format("{:<24} {:>5} {:>14.0f} {:>5} {:>14.0f} {:>13.0f} {:>13.0f} {:>13.0f} {:>6} {:>8} {:>7}\n",
                           label.substr(0, 24), f.remaining_count_sha, f.remaining_m2.SHA, f.remaining_count_cha,
                           f.remaining_m2.CHA, f.cancelled_m2, f.reduced_m2, f.cleared_m2, f.closed_count,
                           f.items.submunitions, f.balance_ok ? "ok" : "FAILED");
    };
    for (const RegionFigures& r : a.regions)
        row(r.code.empty() ? std::string(a.regions.size() == 1 ? "(no regions loaded)" : "(outside every region)")
                           : r.code + " " + r.name,
            r.figures);
    row("NATIONAL", a.national);
    return out.str();
}

} // namespace cims::core
