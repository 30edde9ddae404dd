// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger benchmark (design.md §8): generates N hazardous areas and M release events, times a full
// ledger rebuild, a back-dated event and the reports (Action 24, Article 7 in every format, the
// completion forecast), and prints them against the targets.
// Not a test: run it by hand, `build/bench_ledger [--hazards N] [--releases M] [--keep DB]`, or
// `build/bench_ledger --reuse DB` to time only the reports on a database kept earlier.
#include "core/annual_figures.hpp"
#include "core/article7_report.hpp"
#include "core/completion_forecast.hpp"
#include "core/report_formats.hpp"
#include "core/ledger_writer.hpp"
#include "schema/database.hpp"
#include "schema/migrator.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

namespace {

using namespace cims;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// A 12-vertex star-shaped polygon of radius about r degrees around (cx, cy).
std::string star(std::mt19937_64& rng, double cx, double cy, double r, int vertices = 12)
{
    std::uniform_real_distribution<double> jitter(0.7, 1.0);
    std::string wkt = "POLYGON((";
    std::string first;
    for (int i = 0; i < vertices; ++i) {
        const double a = 2 * M_PI * i / vertices;
        const double k = jitter(rng) * r;
        const std::string pt = fmt::format("{:.9f} {:.9f}", cx + k * std::cos(a), cy + k * std::sin(a));
        if (i == 0) first = pt;
        wkt += pt + ",";
    }
    return wkt + first + "))";
}

long peak_rss_kb()
{
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
    std::fclose(f);
    return kb;
}

/// Times every report of year 2024 (CMR) and prints each against the 1 s target of design.md §8;
/// returns whether the balance holds.
bool time_reports(core::LedgerStore& store)
{
    auto t = Clock::now();
    const auto figures = core::compute_annual_figures(store, 2024, 1);
    const double action24_s = seconds_since(t);
    fmt::print("{:<44} {:>10.3f} s {:>14}\n", "annual report: action24 (2024, CMR)", action24_s, "< 1 s");

    const auto headings = core::ReportHeadings::load();
    const std::string xlsx = (std::filesystem::temp_directory_path() / "cims-bench-article7.xlsx").string();
    // Each format from the database: build the model, then write it.
    auto article7 = [&](const char* format) {
        const auto start = Clock::now();
        const bool html = !std::strcmp(format, "html");
        const auto report = core::build_article7_report(store, 2024, 1, html);
        const auto doc = core::to_document(report, headings, core::AreaUnit::m2, html);
        std::size_t bytes = 0;
        if (!std::strcmp(format, "json")) bytes = core::to_json(doc).dump(2).size();
        else if (!std::strcmp(format, "csv")) bytes = core::to_csv(doc).size();
        else if (html) bytes = core::to_html(doc).size();
        else {
            core::write_xlsx(doc, xlsx);
            bytes = std::filesystem::file_size(xlsx);
        }
        fmt::print("{:<44} {:>10.3f} s {:>14}  ({} bytes)\n", fmt::format("article7 --format {}", format),
                   seconds_since(start), "< 1 s", bytes);
    };
    for (const char* format : {"json", "csv", "xlsx", "html"}) article7(format);
    std::filesystem::remove(xlsx);
    for (const char* format : {"json", "html"}) {
        const auto start = Clock::now();
        const auto forecast = core::build_completion_forecast(store, 2024, 3, 1, core::Date{"2026-08-01"});
        const auto doc = core::to_document(forecast, headings, core::AreaUnit::m2, !std::strcmp(format, "html"));
        const std::size_t bytes = !std::strcmp(format, "html") ? core::to_html(doc).size() : core::to_json(doc).dump(2).size();
        fmt::print("{:<44} {:>10.3f} s {:>14}  ({} bytes)\n", fmt::format("forecast --format {}", format),
                   seconds_since(start), "< 1 s", bytes);
    }
    fmt::print("balance {} (max error {:.4f} m²), remaining SHA {} / CHA {}\n", figures.national.balance_ok ? "ok" : "FAILED",
               figures.national.balance_max_error_m2, figures.national.remaining_count_sha,
               figures.national.remaining_count_cha);
    return figures.national.balance_ok;
}

} // namespace

int main(int argc, char** argv)
{
    long hazards = 200000, releases = 1000000;
    std::string keep, reuse;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--hazards")) hazards = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--releases")) releases = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--keep")) keep = argv[i + 1];
        else if (!std::strcmp(argv[i], "--reuse")) reuse = argv[i + 1];
    }
    if (!reuse.empty()) {
        auto store = core::open_spatialite_store(reuse);
        fmt::print("cims report benchmark on {}\n", reuse);
        return time_reports(*store) ? 0 : 1;
    }
    const std::string path = keep.empty() ? (std::filesystem::temp_directory_path() / "cims-bench-ledger.db").string() : keep;
    for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    {
        schema::Database db(path, schema::Database::Mode::create);
        schema::migrate(db);
    }
    auto store = core::open_spatialite_store(path);
    fmt::print("cims ledger benchmark: {} hazardous areas, {} release events, database {}\n", hazards, releases, path);

    // Facts only, no replay: the areas on a grid of 0.01°, releases of a third of an area's size
    // scattered over it (one in ten linked spatially), 2015–2024.
    auto t = Clock::now();
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const long side = long(std::ceil(std::sqrt(double(hazards))));
    store->begin();
    const std::int64_t import_id = store->add_import({"bench", "bench", std::string(64, '0'), "hazards", "bench", "", 0, 0});
    const char* methods[] = {"NTS", "TS", "CLEARANCE"};
    long release_count = 0;
    for (long h = 0; h < hazards; ++h) {
        const double cx = 100.0 + 0.01 * double(h % side), cy = 10.0 + 0.01 * double(h / side);
        core::HazardRecord r;
        r.hazard_id = fmt::format("H{:07d}", h);
        r.status = unit(rng) < 0.6 ? core::Status::SHA : core::Status::CHA;
        r.contam_mask = unit(rng) < 0.7 ? 1 : 2;
        r.recorded = core::Date{fmt::format("{}-01-01", 2015 + int(unit(rng) * 3))};
        r.geometry = gis::Geometry::from_wkt(star(rng, cx, cy, 0.003)).polygonal();
        store->insert_hazard(r, import_id);
        store->append_hazard_event({0, core::EventKind::recorded, r.hazard_id, "", r.status, r.recorded, r.geometry.clone()},
                                   import_id);
        const long per = releases / hazards + (h < releases % hazards ? 1 : 0);
        for (long k = 0; k < per; ++k) {
            core::ActivityRecord a;
            a.activity_id = fmt::format("A{:08d}", release_count++);
            a.hazard_id = unit(rng) < 0.1 ? "" : r.hazard_id;
            a.method = *core::parse_method(methods[std::size_t(unit(rng) * 3)]);
            a.end_date = core::Date{fmt::format("{}-{:02d}-15", 2018 + int(unit(rng) * 7), 1 + int(unit(rng) * 12))};
            a.items.submunitions = std::int64_t(unit(rng) * 5);
            a.geometry = gis::Geometry::from_wkt(star(rng, cx + (unit(rng) - 0.5) * 0.004, cy + (unit(rng) - 0.5) * 0.004,
                                                      0.0012, 8))
                             .polygonal();
            store->insert_activity(a, import_id, "");
            store->append_release_event(a.activity_id, a.hazard_id, a.end_date, import_id);
        }
    }
    store->commit();
    const double generate_s = seconds_since(t);
    fmt::print("generated and stored the facts in {:.1f} s\n", generate_s);

    t = Clock::now();
    store->begin();
    const std::size_t replayed = core::LedgerWriter(*store).rebuild();
    store->commit();
    const double rebuild_s = seconds_since(t);

    // A back-dated clearance on one area: only the areas it touches are replayed.
    t = Clock::now();
    store->begin();
    std::vector<core::HazardRecord> none;
    std::vector<core::ActivityRecord> late(1);
    late[0].activity_id = "A-backdated";
    late[0].hazard_id = "H0000000";
    late[0].method = core::Method::CLEARANCE;
    late[0].end_date = core::Date{"2018-02-01"};
    late[0].geometry = gis::Geometry::from_wkt(star(rng, 100.0, 10.0, 0.002)).polygonal();
    const auto applied = core::LedgerWriter(*store).apply(none, late, import_id);
    store->commit();
    const double backdated_s = seconds_since(t);


    fmt::print("\n{:<44} {:>12} {:>14}\n", "measure", "measured", "target (§8)");
    fmt::print("{:<44} {:>10.1f} s {:>14}\n", fmt::format("full rebuild: {} areas, {} releases", replayed, release_count),
               rebuild_s, "< 60 s");
    fmt::print("{:<44} {:>10.0f} /s\n", "  release events per second", double(release_count) / rebuild_s);
    fmt::print("{:<44} {:>10.3f} s {:>14}\n", fmt::format("back-dated event ({} areas replayed)", applied.areas_replayed),
               backdated_s, "touched only");
    const bool balance_ok = time_reports(*store);
    fmt::print("{:<44} {:>10} MB\n", "peak RSS", peak_rss_kb() / 1024);
    if (keep.empty())
        for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    return balance_ok ? 0 : 1;
}
