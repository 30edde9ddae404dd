// SPDX-License-Identifier: GPL-3.0-or-later
// Import benchmark (design.md §8, issue 3 item 9): generates N hazardous-area polygons (12–20
// vertices, interchange fields) as a shapefile and as a GeoPackage with GDAL, then in the same run
// times `cims import` and `ogr2ogr -f SQLite -dsco SPATIALITE=YES` on each file, as child processes,
// and prints features/s, the ratio and each child's peak RSS against the targets.
// Not a test: run it by hand,
//   build/bench_import [--features N] [--cims PATH] [--crs utm|wgs84] [--format shp|gpkg|both]
//                      [--dir DIR] [--ogr2ogr PATH] [--keep]
#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// Generation

struct Options {
    long features = 1000000;
    std::string cims;
    std::string ogr2ogr = "ogr2ogr";
    std::string crs = "utm"; // utm: EPSG:32648 (cims reprojects); wgs84: EPSG:4326
    std::string format = "both";
    std::string dir;
    bool keep = false;
};

/// A grid of non-overlapping star-shaped polygons over Laos: one per cell, 12–20 vertices, radius
/// 35–100 % of the largest that fits the cell. Valid by construction (angles strictly increase).
class PolygonGenerator {
public:
    PolygonGenerator(long count, bool utm) : m_utm(utm), m_rng(42)
    {
        m_side = long(std::ceil(std::sqrt(double(count))));
        if (utm) { // UTM 48N, x 200–800 km, y 1,550–2,450 km
            m_x0 = 200000, m_y0 = 1550000, m_dx = 600000.0 / double(m_side), m_dy = 900000.0 / double(m_side);
        } else { // lon 100.5–106.5, lat 14–22.5
            m_x0 = 100.5, m_y0 = 14.0, m_dx = 6.0 / double(m_side), m_dy = 8.5 / double(m_side);
        }
    }

    void fill(long i, OGRLinearRing& ring)
    {
        std::uniform_int_distribution<int> vertices(12, 20);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        const double cx = m_x0 + (double(i % m_side) + 0.5) * m_dx;
        const double cy = m_y0 + (double(i / m_side) + 0.5) * m_dy;
        const double r = 0.45 * std::min(m_dx, m_dy) * (0.35 + 0.65 * unit(m_rng));
        const int n = vertices(m_rng);
        ring.setNumPoints(n + 1, FALSE);
        const double phase = unit(m_rng) * 2 * M_PI;
        for (int k = 0; k < n; ++k) {
            const double a = phase + 2 * M_PI * (double(k) + 0.8 * unit(m_rng)) / n;
            const double rr = r * (0.6 + 0.4 * unit(m_rng));
            ring.setPoint(k, cx + rr * std::cos(a), cy + rr * std::sin(a));
        }
        ring.setPoint(n, ring.getX(0), ring.getY(0));
    }

    std::mt19937_64& rng() { return m_rng; }

private:
    bool m_utm;
    std::mt19937_64 m_rng;
    long m_side = 1;
    double m_x0 = 0, m_y0 = 0, m_dx = 0, m_dy = 0;
};

/// Writes the polygons with the interchange hazard fields (design.md §4) through GDAL.
void generate(const std::string& driver_name, const std::string& path, const Options& o)
{
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (!driver) throw std::runtime_error("GDAL has no " + driver_name + " driver");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw std::runtime_error("cannot create " + path + ": " + CPLGetLastErrorMsg());
    OGRSpatialReference srs;
    srs.importFromEPSG(o.crs == "utm" ? 32648 : 4326);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = ds->CreateLayer("hazards", &srs, wkbPolygon, nullptr);
    if (!layer) throw std::runtime_error("cannot create the layer in " + path + ": " + CPLGetLastErrorMsg());
    auto add_field = [&](const char* name, OGRFieldType type, int width = 0) {
        OGRFieldDefn f(name, type);
        if (width) f.SetWidth(width);
        if (layer->CreateField(&f) != OGRERR_NONE) throw std::runtime_error(std::string("cannot create field ") + name);
    };
    add_field("hazard_id", OFTString, 16);
    add_field("status", OFTString, 3);
    add_field("contam", OFTString, 16);
    add_field("recorded", OFTDate);
    add_field("name", OFTString, 32);
    // No declared_m2: a shapefile truncates field names to 10 characters ("declared_m"), so the two
    // files would differ; both carry the same fields.

    PolygonGenerator gen(o.features, o.crs == "utm");
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const char* contams[] = {"CMR", "CMR", "CMR,ERW", "AP", "AP,AV", "ERW"};
    OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    const bool transactions = ds->TestCapability(ODsCTransactions);
    if (transactions) ds->StartTransaction();
    for (long i = 0; i < o.features; ++i) {
        auto* polygon = new OGRPolygon();
        auto* ring = new OGRLinearRing();
        gen.fill(i, *ring);
        polygon->addRingDirectly(ring);
        feature->SetGeometryDirectly(polygon);
        feature->SetFID(OGRNullFID);
        feature->SetField(0, fmt::format("H{:08d}", i).c_str());
        feature->SetField(1, unit(gen.rng()) < 0.6 ? "SHA" : "CHA");
        feature->SetField(2, contams[std::size_t(unit(gen.rng()) * 6)]);
        feature->SetField(3, 2015 + int(unit(gen.rng()) * 9), 1 + int(unit(gen.rng()) * 12), 1 + int(unit(gen.rng()) * 28));
        feature->SetField(4, fmt::format("Area {}", i).c_str());
        if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
            throw std::runtime_error(fmt::format("cannot write feature {} to {}: {}", i, path, CPLGetLastErrorMsg()));
        if (transactions && (i + 1) % 100000 == 0) {
            ds->CommitTransaction();
            ds->StartTransaction();
        }
    }
    if (transactions) ds->CommitTransaction();
}

std::uintmax_t size_on_disk(const std::string& path)
{
    std::uintmax_t total = 0;
    const fs::path p(path);
    for (const auto& entry : fs::directory_iterator(p.parent_path()))
        if (entry.path().stem() == p.stem() && entry.is_regular_file()) total += entry.file_size();
    return total;
}

// ---------------------------------------------------------------------------------------------
// Children

struct Run {
    int exit_code = -1;
    double wall_s = 0;
    long peak_rss_kb = 0;
    double user_s = 0, sys_s = 0;
};

/// Runs argv as a child with stdout and stderr to `log`; wall time and the child's own rusage.
Run run_child(const std::vector<std::string>& argv, const std::string& log)
{
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const auto t = Clock::now();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(args[0], args.data());
        std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) < 0) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
    Run r;
    r.wall_s = seconds_since(t);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.peak_rss_kb = ru.ru_maxrss; // kilobytes on Linux
    r.user_s = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
    r.sys_s = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6;
    return r;
}

std::string tail(const std::string& path, std::size_t bytes = 2000)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    return s.size() > bytes ? "…" + s.substr(s.size() - bytes) : s;
}

void remove_db(const std::string& path)
{
    for (const char* ext : {"", "-wal", "-shm", "-journal"}) fs::remove(path + ext);
}

struct Outcome {
    std::string format;
    std::uintmax_t bytes = 0;
    Run cims, ogr;
    std::optional<long> cims_accepted;
};

/// The "accepted N" count of cims's terminal summary, if it printed one.
std::optional<long> accepted_from(const std::string& log)
{
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
        if (const auto p = line.find("accepted "); p != std::string::npos) return std::atol(line.c_str() + p + 9);
    return std::nullopt;
}

Outcome measure(const std::string& format, const std::string& input, const Options& o)
{
    Outcome out;
    out.format = format;
    out.bytes = size_on_disk(input);
    const std::string db = o.dir + "/cims-" + format + ".db";
    const std::string ogr_db = o.dir + "/ogr2ogr-" + format + ".sqlite";
    remove_db(db);
    remove_db(ogr_db);

    const Run init = run_child({o.cims, "init", db}, o.dir + "/cims-init.log");
    if (init.exit_code != 0) throw std::runtime_error("cims init failed:\n" + tail(o.dir + "/cims-init.log"));

    fmt::print("  {}: cims import …", format);
    std::fflush(stdout);
    const std::string cims_log = o.dir + "/cims-import-" + format + ".log";
    out.cims = run_child({o.cims, "import", db, input, "--kind", "hazards"}, cims_log);
    out.cims_accepted = accepted_from(cims_log);
    fmt::print(" {:.1f} s; ogr2ogr …", out.cims.wall_s);
    std::fflush(stdout);
    if (out.cims.exit_code != 0) fmt::print("\ncims import exited with {}:\n{}\n", out.cims.exit_code, tail(cims_log));

    const std::string ogr_log = o.dir + "/ogr2ogr-" + format + ".log";
    out.ogr = run_child({o.ogr2ogr, "-f", "SQLite", "-dsco", "SPATIALITE=YES", ogr_db, input}, ogr_log);
    fmt::print(" {:.1f} s\n", out.ogr.wall_s);
    if (out.ogr.exit_code != 0) fmt::print("ogr2ogr exited with {}:\n{}\n", out.ogr.exit_code, tail(ogr_log));
    if (!o.keep) {
        remove_db(db);
        remove_db(ogr_db);
    }
    return out;
}

std::string default_cims()
{
#ifdef CIMS_BINARY
    return CIMS_BINARY;
#else
    return "cims";
#endif
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    o.cims = default_cims();
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--features") o.features = std::atol(value().c_str());
        else if (a == "--cims") o.cims = value();
        else if (a == "--ogr2ogr") o.ogr2ogr = value();
        else if (a == "--crs") o.crs = value();
        else if (a == "--format") o.format = value();
        else if (a == "--dir") o.dir = value();
        else if (a == "--keep") o.keep = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--features N] [--cims PATH] [--crs utm|wgs84] [--format shp|gpkg|both] "
                         "[--dir DIR] [--ogr2ogr PATH] [--keep]\n",
                         argv[0]);
            return 2;
        }
    }
    if (o.features < 1 || (o.crs != "utm" && o.crs != "wgs84") ||
        (o.format != "shp" && o.format != "gpkg" && o.format != "both")) {
        std::fprintf(stderr, "--features must be positive, --crs utm or wgs84, --format shp, gpkg or both\n");
        return 2;
    }
    if (!fs::exists(o.cims)) {
        std::fprintf(stderr, "cims binary '%s' not found: build the cims target or give --cims PATH\n", o.cims.c_str());
        return 2;
    }
    const bool own_dir = o.dir.empty();
    if (own_dir) o.dir = (fs::temp_directory_path() / fmt::format("cims-bench-import-{}", getpid())).string();
    fs::create_directories(o.dir);
    GDALAllRegister();

    try {
        fmt::print("cims import benchmark: {} polygons of 12–20 vertices in {}, files and databases in {}\n", o.features,
                   o.crs == "utm" ? "EPSG:32648 (WGS 84 / UTM 48N)" : "EPSG:4326", o.dir);
        std::vector<std::pair<std::string, std::string>> inputs; // format, path
        if (o.format != "gpkg") inputs.emplace_back("shapefile", o.dir + "/hazards.shp");
        if (o.format != "shp") inputs.emplace_back("GeoPackage", o.dir + "/hazards.gpkg");
        for (const auto& [format, path] : inputs) {
            const auto t = Clock::now();
            generate(format == "shapefile" ? "ESRI Shapefile" : "GPKG", path, o);
            fmt::print("  generated the {} in {:.1f} s ({:.0f} MB)\n", format, seconds_since(t),
                       double(size_on_disk(path)) / 1e6);
        }
        std::vector<Outcome> outcomes;
        for (const auto& [format, path] : inputs) outcomes.push_back(measure(format, path, o));

        bool all_ok = true;
        fmt::print("\n{:<11} {:<9} {:>9} {:>12} {:>9} {:>9} {:>8}\n", "input", "tool", "wall s", "features/s",
                   "cpu s", "peak RSS", "exit");
        for (const Outcome& x : outcomes) {
            for (const auto& [tool, run] : {std::pair<const char*, const Run&>{"cims", x.cims}, {"ogr2ogr", x.ogr}})
                fmt::print("{:<11} {:<9} {:>9.2f} {:>12.0f} {:>9.2f} {:>6} MB {:>8}\n", x.format, tool, run.wall_s,
                           double(o.features) / run.wall_s, run.user_s + run.sys_s, run.peak_rss_kb / 1024,
                           run.exit_code);
        }
        fmt::print("\n{:<48} {:>14} {:>14} {}\n", "measure (design.md §8)", "measured", "target", "");
        for (const Outcome& x : outcomes) {
            const double fps = double(o.features) / x.cims.wall_s;
            const double ratio = x.ogr.wall_s / x.cims.wall_s;
            const long rss_mb = x.cims.peak_rss_kb / 1024;
            const bool imported = x.cims.exit_code == 0 && x.cims_accepted == o.features;
            const bool ok_fps = fps >= 50000, ok_ratio = ratio > 1.0, ok_rss = rss_mb < 300;
            all_ok = all_ok && imported && ok_fps && ok_ratio && ok_rss;
            fmt::print("{:<48} {:>14} {:>14} {}\n", x.format + ": features accepted by cims",
                       x.cims_accepted ? std::to_string(*x.cims_accepted) : "?", std::to_string(o.features),
                       imported ? "ok" : "FAILED");
            fmt::print("{:<48} {:>12.0f}/s {:>12}/s {}\n", x.format + ": cims import speed", fps, ">= 50000",
                       ok_fps ? "ok" : "MISSED");
            fmt::print("{:<48} {:>13.2f}x {:>13}x {}\n", x.format + ": speed vs ogr2ogr (ogr2ogr s / cims s)", ratio,
                       "> 1", ok_ratio ? "ok" : "MISSED");
            fmt::print("{:<48} {:>11} MB {:>11} MB {}\n", x.format + ": cims peak RSS", rss_mb, "< 300",
                       ok_rss ? "ok" : "MISSED");
            fmt::print("{:<48} {:>11} MB {:>14}\n", x.format + ": ogr2ogr peak RSS", x.ogr.peak_rss_kb / 1024, "(peer)");
        }
        if (!o.keep && own_dir) fs::remove_all(o.dir);
        else fmt::print("\nkept {}\n", o.dir);
        return all_ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_import: %s\n", e.what());
        return 1;
    }
}
