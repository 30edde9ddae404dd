// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger benchmark (design.md §8): generates N hazardous areas and M release events, times a full
// ledger rebuild, a back-dated event and the annual report, and prints them against the targets.
// Not a test: run it by hand, `build/bench_ledger [--hazards N] [--releases M] [--keep DB]`.
#include "core/annual_figures.hpp"
#include "core/ledger_writer.hpp"
#include "schema/database.hpp"
#include "schema/migrator.hpp"

#include <fmt/format.h>

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

} // namespace

int main(int argc, char** argv)
{
    long hazards = 200000, releases = 1000000;
    std::string keep;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--hazards")) hazards = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--releases")) releases = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--keep")) keep = argv[i + 1];
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

    t = Clock::now();
    const auto figures = core::compute_annual_figures(*store, 2024, 1);
    const double report_s = seconds_since(t);

    fmt::print("\n{:<44} {:>12} {:>14}\n", "measure", "measured", "target (§8)");
    fmt::print("{:<44} {:>10.1f} s {:>14}\n", fmt::format("full rebuild: {} areas, {} releases", replayed, release_count),
               rebuild_s, "< 60 s");
    fmt::print("{:<44} {:>10.0f} /s\n", "  release events per second", double(release_count) / rebuild_s);
    fmt::print("{:<44} {:>10.3f} s {:>14}\n", fmt::format("back-dated event ({} areas replayed)", applied.areas_replayed),
               backdated_s, "touched only");
    fmt::print("{:<44} {:>10.3f} s {:>14}\n", "annual report (2024, CMR)", report_s, "< 1 s");
    fmt::print("{:<44} {:>10} MB\n", "peak RSS", peak_rss_kb() / 1024);
    fmt::print("balance {} (max error {:.4f} m²), remaining SHA {} / CHA {}\n", figures.national.balance_ok ? "ok" : "FAILED",
               figures.national.balance_max_error_m2, figures.national.remaining_count_sha,
               figures.national.remaining_count_cha);
    if (keep.empty())
        for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
    return figures.national.balance_ok ? 0 : 1;
}
