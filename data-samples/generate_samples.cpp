// SPDX-License-Identifier: GPL-3.0-or-later
// cims_sample_generator: writes the deterministic demo data set of the fictional country Velland.
//
// Usage: cims_sample_generator OUT_DIR
//
// The scenario is built in UTM zone 48N metres (EPSG:32648), where star-shaped polygons, half-plane
// cuts and margins are easy to reason about, and then written as the files operators send: lon/lat
// GeoPackage and GeoJSON in the interchange schema (design.md §4), and one operator's UTM shapefile
// with its own field names plus the mapping profile that adapts it. Every ledger rule of design.md §3
// is exercised: recorded, released (by id and spatially linked), status changed, derived.
//
// Determinism: the output depends only on this binary and the GDAL, PROJ and GEOS it runs with.
// Randomness comes from std::mt19937_64 (whose sequence the standard fixes) with our own mappings to
// doubles and integers; no clock is read; GDAL's "current date" for the GeoPackage and the DBF
// header date are pinned.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numbers>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

namespace {

namespace fs = std::filesystem;

constexpr double k_pi = std::numbers::pi;
constexpr std::uint64_t k_seed = 20241231;
constexpr const char* k_operator_org = "Terra Safe Velland";

// ------------------------------------------------------------------------------------------ random

/// Deterministic random source with our own uniform mappings (the standard distributions are
/// implementation-defined, so they could change the data with another standard library).
class Random {
public:
    explicit Random(std::uint64_t seed) : engine_(seed) {}

    /// Uniform in [0, 1): the top 53 bits of one draw.
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [lo, hi]; the modulo bias is negligible for our small ranges.
    int integer(int lo, int hi) { return lo + static_cast<int>(engine_() % static_cast<std::uint64_t>(hi - lo + 1)); }
    bool chance(double p) { return uniform() < p; }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(integer(0, static_cast<int>(items.size()) - 1))];
    }

private:
    std::mt19937_64 engine_;
};

// ------------------------------------------------------------------------------------------- dates

/// A calendar day counted from 2020-01-01 (day 0). The scenario spans 2020-01-01..2024-12-31.
using Day = int;

constexpr Day day_of(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return static_cast<Day>((sys_days{year{y} / month{m} / day{d}} - sys_days{year{2020} / January / 1}).count());
}

constexpr Day k_last_day = day_of(2024, 12, 31);
constexpr Day k_last_day_2022 = day_of(2022, 12, 31);
constexpr Day k_first_day_2023 = day_of(2023, 1, 1);

struct Ymd {
    int year;
    unsigned month;
    unsigned day;
};

Ymd ymd_of(Day d) {
    using namespace std::chrono;
    const year_month_day v{sys_days{year{2020} / January / 1} + days{d}};
    return {static_cast<int>(v.year()), static_cast<unsigned>(v.month()), static_cast<unsigned>(v.day())};
}

/// dd/mm/yyyy, as the operator's shapefile writes dates.
std::string operator_date(Day d) {
    const Ymd v = ymd_of(d);
    return fmt::format("{:02}/{:02}/{:04}", v.day, v.month, v.year);
}

// ---------------------------------------------------------------------------------------- geometry

struct Vec {
    double x = 0;
    double y = 0;
};
Vec operator+(Vec a, Vec b) { return {a.x + b.x, a.y + b.y}; }
Vec operator-(Vec a, Vec b) { return {a.x - b.x, a.y - b.y}; }
Vec operator*(double k, Vec a) { return {k * a.x, k * a.y}; }
double length(Vec a) { return std::hypot(a.x, a.y); }
Vec direction(double angle) { return {std::cos(angle), std::sin(angle)}; }

using GeomPtr = std::unique_ptr<OGRGeometry>;

/// A star-shaped polygon in UTM metres: vertices sorted by angle around `centre`, consecutive angular
/// gaps below 180°, so it is simple (never self-intersecting) and star-shaped about its centre. Scaling
/// it about the centre by s > 1 therefore yields a polygon containing it, with a radial margin of at
/// least (s - 1) * r_min: that is how activities "cover" a hazard with a known margin.
struct Star {
    Vec centre;
    std::vector<Vec> vertices;  // counter-clockwise, ring not closed
    double r_min = 0;           // smallest vertex distance from the centre
    double r_max = 0;           // largest vertex distance from the centre (bounding circle)
};

double shoelace_area(const std::vector<Vec>& ring) {
    double twice = 0;
    for (std::size_t i = 0; i < ring.size(); ++i) {
        const Vec a = ring[i];
        const Vec b = ring[(i + 1) % ring.size()];
        twice += a.x * b.y - b.x * a.y;
    }
    return twice / 2;
}

/// Random star polygon of `n` vertices and planar area `area_m2` around `centre`.
/// Angles are jittered in equal slots (gaps between 0.3 and 1.7 slots: below 123° for n >= 5) and
/// radii vary between 55 % and 100 %, which gives irregular but plausible field outlines.
Star make_star(Random& rng, Vec centre, double area_m2, int n) {
    std::vector<Vec> unit;
    unit.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double angle = (i + 0.7 * rng.uniform()) * 2 * k_pi / n;
        unit.push_back(rng.uniform(0.55, 1.0) * direction(angle));
    }
    const double radius = std::sqrt(area_m2 / shoelace_area(unit));
    Star star{centre, {}, radius, 0};
    for (const Vec u : unit) {
        star.vertices.push_back(centre + radius * u);
        star.r_min = std::min(star.r_min, radius * length(u));
        star.r_max = std::max(star.r_max, radius * length(u));
    }
    return star;
}

std::unique_ptr<OGRPolygon> polygon_of(const std::vector<Vec>& ring) {
    auto linear_ring = std::make_unique<OGRLinearRing>();
    for (const Vec p : ring) linear_ring->addPoint(p.x, p.y);
    linear_ring->closeRings();
    auto polygon = std::make_unique<OGRPolygon>();
    polygon->addRingDirectly(linear_ring.release());
    return polygon;
}

/// The star as a polygon, scaled about its centre by `scale`.
std::unique_ptr<OGRPolygon> polygon_of(const Star& star, double scale = 1.0) {
    std::vector<Vec> ring;
    for (const Vec p : star.vertices) ring.push_back(star.centre + scale * (p - star.centre));
    return polygon_of(ring);
}

/// Scale factor that grows (margin > 0) or shrinks (margin < 0) the star by at least |margin| metres
/// at every vertex. A 0.3 m margin is far above the 1 cm coordinate rounding of the output files, so
/// "complete" releases close their hazard (remaining < 1 m²) after the importers' reprojection.
double margin_scale(const Star& star, double margin_m) { return 1.0 + margin_m / star.r_min; }

double area_of(const OGRGeometry& g) {
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: return g.toPolygon()->get_Area();
    case wkbMultiPolygon: return g.toMultiPolygon()->get_Area();
    case wkbGeometryCollection: return g.toGeometryCollection()->get_Area();
    default: return 0;
    }
}

/// Keeps the polygonal parts of a GEOS result (dropping slivers under 1 m² and collapsed lines or
/// points) and returns a Polygon, a MultiPolygon, or nullptr when nothing is left. Takes ownership.
GeomPtr polygonal(OGRGeometry* raw) {
    const GeomPtr g(raw);
    if (!g) throw std::runtime_error("GEOS operation failed: " + std::string(CPLGetLastErrorMsg()));
    auto parts = std::make_unique<OGRMultiPolygon>();
    const auto collect = [&parts](const OGRGeometry& part, const auto& self) -> void {
        switch (wkbFlatten(part.getGeometryType())) {
        case wkbPolygon:
            if (part.toPolygon()->get_Area() >= 1.0) parts->addGeometry(&part);
            break;
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* child : *part.toGeometryCollection()) self(*child, self);
            break;
        default: break;
        }
    };
    collect(*g, collect);
    if (parts->getNumGeometries() == 0) return nullptr;
    if (parts->getNumGeometries() == 1) return GeomPtr(parts->getGeometryRef(0)->clone());
    return parts;
}

/// The half-plane {p : dot(p - c, direction(angle)) >= offset}, as a 20 km square (larger than any
/// hazard). `offset` is in metres from the star's centre, so small offsets cut near the middle.
struct Cut {
    double angle = 0;
    double offset = 0;
};

/// The other side of `cut`, widened by `overlap` metres so the two sides share a band of that width:
/// {p : dot(p - c, n) <= offset + overlap}.
Cut opposite(Cut cut, double overlap) { return {cut.angle + k_pi, -cut.offset - overlap}; }

std::unique_ptr<OGRPolygon> half_plane(Vec centre, Cut cut) {
    constexpr double extent = 10'000;
    const Vec n = direction(cut.angle);
    const Vec t{-n.y, n.x};
    const Vec base = centre + cut.offset * n;
    return polygon_of(
        {base - extent * t, base + extent * t, base + extent * t + 2 * extent * n, base - extent * t + 2 * extent * n});
}

/// The part of the star (scaled by `scale`) on the kept side of `cut`.
GeomPtr cut_part(const Star& star, double scale, Cut cut) {
    return polygonal(polygon_of(star, scale)->Intersection(half_plane(star.centre, cut).get()));
}

/// A rectangle of the given half sizes, centred on `centre`, its length along `angle`.
std::unique_ptr<OGRPolygon> rotated_rectangle(Vec centre, double angle, double half_length, double half_width) {
    const Vec u = direction(angle);
    const Vec v{-u.y, u.x};
    return polygon_of({centre - half_length * u - half_width * v, centre + half_length * u - half_width * v,
                       centre + half_length * u + half_width * v, centre - half_length * u + half_width * v});
}

/// Rounds every coordinate to 1/scale (scale 1e7: about 1 cm in degrees; 1e3: 1 mm in metres).
/// round(v * scale) / scale gives the double nearest to the decimal, so a text writer and a binary
/// writer store exactly the same value: a hazard re-imported from another file compares identical.
void round_coordinates(OGRGeometry& g, double scale) {
    const auto r = [scale](double v) { return std::round(v * scale) / scale; };
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPoint: {
        OGRPoint* p = g.toPoint();
        p->setX(r(p->getX()));
        p->setY(r(p->getY()));
        break;
    }
    case wkbPolygon:
        for (OGRLinearRing* ring : *g.toPolygon())
            for (int i = 0; i < ring->getNumPoints(); ++i) ring->setPoint(i, r(ring->getX(i)), r(ring->getY(i)));
        break;
    case wkbMultiPolygon:
        for (OGRPolygon* polygon : *g.toMultiPolygon()) round_coordinates(*polygon, scale);
        break;
    default: throw std::logic_error("round_coordinates: unexpected geometry type");
    }
}

/// Exterior rings counter-clockwise, holes clockwise (the RFC 7946 right-hand rule).
void orient_rings(OGRGeometry& g) {
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon: {
        OGRPolygon* polygon = g.toPolygon();
        if (polygon->getExteriorRing()->isClockwise()) polygon->getExteriorRing()->reversePoints();
        for (int i = 0; i < polygon->getNumInteriorRings(); ++i)
            if (!polygon->getInteriorRing(i)->isClockwise()) polygon->getInteriorRing(i)->reversePoints();
        break;
    }
    case wkbMultiPolygon:
        for (OGRPolygon* polygon : *g.toMultiPolygon()) orient_rings(*polygon);
        break;
    default: break;
    }
}

/// WGS 84 lon/lat (axis order lon, lat) and UTM 48N, with the transformations between them.
class Projection {
public:
    Projection() {
        if (wgs84_.importFromEPSG(4326) != OGRERR_NONE || utm_.importFromEPSG(32648) != OGRERR_NONE)
            throw std::runtime_error("cannot load EPSG:4326 / EPSG:32648 from PROJ's database");
        wgs84_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        utm_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        to_utm_.reset(OGRCreateCoordinateTransformation(&wgs84_, &utm_));
        to_lonlat_.reset(OGRCreateCoordinateTransformation(&utm_, &wgs84_));
        if (!to_utm_ || !to_lonlat_) throw std::runtime_error("cannot create the UTM 48N transformations");
    }

    const OGRSpatialReference& wgs84() const { return wgs84_; }

    Vec to_utm(Vec lonlat) const {
        if (!to_utm_->Transform(1, &lonlat.x, &lonlat.y)) throw std::runtime_error("lon/lat -> UTM failed");
        return lonlat;
    }

    /// A UTM geometry in lon/lat, rounded to 1e-7° and with RFC 7946 ring orientation.
    GeomPtr to_lonlat(const OGRGeometry& utm) const {
        GeomPtr g(utm.clone());
        if (g->transform(to_lonlat_.get()) != OGRERR_NONE) throw std::runtime_error("UTM -> lon/lat failed");
        round_coordinates(*g, 1e7);
        orient_rings(*g);
        return g;
    }

    /// A UTM geometry as the operator stores it: rounded to the millimetre.
    static GeomPtr operator_utm(const OGRGeometry& utm) {
        GeomPtr g(utm.clone());
        round_coordinates(*g, 1e3);
        return g;
    }

private:
    struct TransformDeleter {
        void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
    };
    OGRSpatialReference wgs84_;
    OGRSpatialReference utm_;
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> to_utm_;
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> to_lonlat_;
};

// ---------------------------------------------------------------------------------------- scenario

/// Velland's extent in lon/lat; hazard centres stay inside a smaller box so that every hazard lies
/// inside the country (outer borders are indented by at most 0.02°, hazards are below 0.005° wide).
constexpr double k_west = 102.0, k_east = 104.0, k_south = 17.0, k_north = 19.0;
constexpr double k_inner_margin = 0.08;

struct Region {
    std::string code;
    std::string name;
    std::unique_ptr<OGRPolygon> shape;  // lon/lat
};

enum class Status { sha, cha };
const char* status_name(Status s) { return s == Status::sha ? "SHA" : "CHA"; }

struct Hazard {
    std::string id;  // national id, assigned once the scenario is complete (in order of recording)
    Status status = Status::sha;
    std::string contam;
    Day recorded = 0;
    int parent = -1;  // index of the hazard this one was derived from
    std::string name;
    Star shape;  // UTM
    int declared_m2 = 0;
    std::optional<Day> changed_to_cha;  // re-imported with status CHA on that day
};

enum class Method { nts, ts, clearance, eod };
const char* method_name(Method m) {
    switch (m) {
    case Method::nts: return "NTS";
    case Method::ts: return "TS";
    case Method::clearance: return "CLEARANCE";
    case Method::eod: return "EOD";
    }
    return "";
}
/// The operator's own words for the land release kinds (mapped back by the mapping profile).
const char* operator_method_name(Method m) {
    switch (m) {
    case Method::nts: return "Cancellation";
    case Method::ts: return "Reduction";
    case Method::clearance: return "Clearance";
    case Method::eod: break;
    }
    throw std::logic_error("the operator's shapefile holds no EOD tasks");
}

struct Items {
    int submunitions = 0, ap_mines = 0, av_mines = 0, other_erw = 0;
};
struct People {
    int women = 0, men = 0, girls = 0, boys = 0, disabled = 0;
};
struct Span {
    Day start = 0;
    Day end = 0;
};

struct Activity {
    std::string id;                 // assigned once the scenario is complete (in order of start)
    int hazard = -1;                // index into Scenario::hazards, -1 for none
    bool spatially_linked = false;  // hazard_id written as "" (EOD without hazard: null)
    Method method = Method::nts;
    Span span;
    std::string org;
    Items items;
    People people;
    GeomPtr shape;  // UTM; a point for EOD
};

struct Scenario {
    std::vector<Region> regions;
    std::vector<Hazard> hazards;
    std::vector<Activity> activities;
    // Facts for the summary and the README.
    int straddling = 0;
    int derived = 0;
    int derived_sticking_out = 0;
    int linked_one = 0;  // spatially linked clearance intersecting one hazard
    int linked_two = 0;  // ... two hazards
    int overlapping_pairs = 0;
};

/// Builds the 2x2 admin-1 regions. The shared borders are jittered polylines through the country's
/// centre (103 E, 18 N) whose jitter tapers to zero near it, so they cross only there; the outer border
/// is indented a little. Every region uses the very same border vertices as its neighbours.
std::vector<Region> make_regions(Random& rng) {
    constexpr int half = 12;                // border segments on each side of the centre
    std::vector<Vec> vertical, horizontal;  // south -> north, west -> east
    for (int i = 0; i <= 2 * half; ++i) {
        const double taper = std::min(1.0, std::abs(i - half) / 3.0);
        vertical.push_back(
            {103.0 + rng.uniform(-0.035, 0.035) * taper, k_south + (k_north - k_south) * i / (2 * half)});
        horizontal.push_back({k_west + (k_east - k_west) * i / (2 * half), 18.0 + rng.uniform(-0.035, 0.035) * taper});
    }
    // Points strictly between a and b, pushed inwards by up to 0.02°.
    const auto outer = [&rng](Vec a, Vec b, Vec inward) {
        constexpr int n = 7;
        std::vector<Vec> points;
        for (int j = 1; j < n; ++j) points.push_back(a + (double(j) / n) * (b - a) + rng.uniform(0, 0.02) * inward);
        return points;
    };
    const Vec sw{k_west, k_south}, se{k_east, k_south}, ne{k_east, k_north}, nw{k_west, k_north};
    const Vec down{0, -1}, up{0, 1}, left{-1, 0}, right{1, 0};
    const auto append = [](std::vector<Vec>& ring, const std::vector<Vec>& points) {
        ring.insert(ring.end(), points.begin(), points.end());
    };
    const auto run = [](const std::vector<Vec>& line, int from, int to) {  // inclusive, either direction
        std::vector<Vec> points;
        for (int i = from;; i += (to >= from ? 1 : -1)) {
            points.push_back(line[static_cast<std::size_t>(i)]);
            if (i == to) break;
        }
        return points;
    };
    const int last = 2 * half;

    std::vector<Vec> north_west{nw};
    append(north_west, outer(nw, vertical[last], down));
    append(north_west, run(vertical, last, half));
    append(north_west, run(horizontal, half - 1, 0));
    append(north_west, outer(horizontal[0], nw, right));

    std::vector<Vec> north_east{vertical[last]};
    append(north_east, outer(vertical[last], ne, down));
    north_east.push_back(ne);
    append(north_east, outer(ne, horizontal[last], left));
    append(north_east, run(horizontal, last, half));
    append(north_east, run(vertical, half + 1, last - 1));

    std::vector<Vec> south_west{sw};
    append(south_west, outer(sw, horizontal[0], right));
    append(south_west, run(horizontal, 0, half));
    append(south_west, run(vertical, half - 1, 0));
    append(south_west, outer(vertical[0], sw, up));

    std::vector<Vec> south_east{vertical[0]};
    append(south_east, run(vertical, 1, half));
    append(south_east, run(horizontal, half + 1, last));
    append(south_east, outer(horizontal[last], se, left));
    south_east.push_back(se);
    append(south_east, outer(se, vertical[0], up));

    std::vector<Region> regions;
    const auto add = [&regions](const char* code, const char* name, const std::vector<Vec>& ring) {
        auto shape = polygon_of(ring);
        round_coordinates(*shape, 1e7);
        orient_rings(*shape);
        if (!shape->IsValid()) throw std::logic_error(fmt::format("region {} is not valid", code));
        regions.push_back({code, name, std::move(shape)});
    };
    add("VL-01", "Nörthmark", north_west);
    add("VL-02", "Kham Vell Highlands", north_east);
    add("VL-03", "Lower Vell", south_west);
    add("VL-04", "Saraban", south_east);
    return regions;
}

/// Builds the whole scenario: hazards placed in clusters (as strikes and minefields are), then a
/// land-release story per hazard. Draw order is fixed, so the scenario is too.
class ScenarioBuilder {
public:
    explicit ScenarioBuilder(const Projection& projection) : projection_(projection) {}

    Scenario build() {
        sc_.regions = make_regions(rng_);
        // Three clusters per quadrant, so that every region holds hazards of its own.
        for (int i = 0; i < 12; ++i) {
            const double west = i % 2 == 0 ? k_west : 103.0;
            const double south = (i / 2) % 2 == 0 ? k_south : 18.0;
            clusters_.push_back({rng_.uniform(west + 0.15, west + 0.85), rng_.uniform(south + 0.15, south + 0.85)});
        }

        place_straddling_hazards();
        std::vector<std::pair<int, int>> pairs;
        std::vector<int> singles;
        place_linked_hazards(pairs, singles);
        place_generic_hazards(300);

        // Stories, in placement order; derived children get theirs as they are made. The hazards kept
        // for spatially linked clearance get no other activity.
        std::vector<bool> kept_for_linking(sc_.hazards.size(), false);
        for (const auto& [a, b] : pairs) kept_for_linking[std::size_t(a)] = kept_for_linking[std::size_t(b)] = true;
        for (const int h : singles) kept_for_linking[std::size_t(h)] = true;
        for (std::size_t h = 0; h < kept_for_linking.size(); ++h)
            if (!kept_for_linking[h]) story(static_cast<int>(h));
        for (std::size_t i = 0; i < pairs.size(); ++i) linked_pair_story(pairs[i], i < 2);
        for (const int h : singles) linked_single_story(h);
        eod_tasks(55);

        assign_ids();
        count_straddling();
        return std::move(sc_);
    }

private:
    // ---------------------------------------------------------------------------- hazard placement

    double hazard_area() { return std::exp(rng_.uniform(std::log(2'000.0), std::log(300'000.0))); }

    Vec cluster_point() {
        const Vec c = rng_.pick(clusters_);
        const auto spread = [this] { return (rng_.uniform() + rng_.uniform() + rng_.uniform() - 1.5) * 0.12; };
        return {std::clamp(c.x + spread(), k_west + k_inner_margin, k_east - k_inner_margin),
                std::clamp(c.y + spread(), k_south + k_inner_margin, k_north - k_inner_margin)};
    }

    Star hazard_star(Vec centre_utm, double area) {
        const double size = std::log(area / 2'000.0) / std::log(150.0);  // 0..1 over the size range
        return make_star(rng_, centre_utm, area, rng_.integer(5, 12 + static_cast<int>(28 * size)));
    }

    /// Hazards keep at least 100 m (more for large ones) between bounding circles, so an activity that
    /// oversteps its hazard by a few percent does not reach a neighbour, except where wanted.
    bool clear_of_others(const Star& s, int except = -1) const {
        for (std::size_t i = 0; i < sc_.hazards.size(); ++i) {
            if (int(i) == except) continue;
            const Star& o = sc_.hazards[i].shape;
            if (length(o.centre - s.centre) < o.r_max + s.r_max + 100 + 0.2 * (o.r_max + s.r_max)) return false;
        }
        return true;
    }

    std::string contamination() {
        const double u = rng_.uniform();
        if (u < 0.50) return "CMR";
        if (u < 0.68) return "AP";
        if (u < 0.74) return "AP,AV";
        if (u < 0.78) return "AV";
        if (u < 0.88) return "CMR,ERW";
        if (u < 0.95) return "ERW";
        return "IED";
    }

    std::string place_name() {
        static const std::vector<std::string> first{"Na",  "Phon", "Kham",  "Sa",   "Vil", "Lo",
                                                    "Tha", "Don",  "Houay", "Nong", "Pak", "Sen"};
        static const std::vector<std::string> second{"kham",  "sai",   "bok", "lat", "vell",
                                                     "thong", "muang", "xay", "dam", "kok"};
        static const std::vector<std::string> feature{
            "rice fields", "ridge", "stream bank",  "orchard",        "school path",  "forest edge",
            "road cut",    "hill",  "market track", "temple grounds", "grazing land", "bridge approach"};
        const std::string village = "Ban " + rng_.pick(first) + rng_.pick(second);
        return village + " " + rng_.pick(feature);
    }

    int add_hazard(Status status, Day recorded, Star shape, std::string contam, std::string name, int parent = -1) {
        Hazard h;
        h.status = status;
        h.recorded = recorded;
        h.contam = std::move(contam);
        h.name = std::move(name);
        h.parent = parent;
        // Declared area: what the survey form said, 2-12 % off the true area, to the 100 m².
        const double off = rng_.uniform(0.02, 0.12) * (rng_.chance(0.5) ? 1 : -1);
        h.declared_m2 = static_cast<int>(std::lround(shoelace_area(shape.vertices) * (1 + off) / 100) * 100);
        h.shape = std::move(shape);
        sc_.hazards.push_back(std::move(h));
        return static_cast<int>(sc_.hazards.size()) - 1;
    }

    int add_base_hazard(Star shape, Day latest_recorded = k_last_day - 60) {
        const Status status = rng_.chance(0.25) ? Status::cha : Status::sha;
        const Day recorded = rng_.integer(0, latest_recorded);
        std::string contam = contamination();
        return add_hazard(status, recorded, std::move(shape), std::move(contam), place_name());
    }

    /// Six large hazards centred on vertices of the inner borders, away from the centre and the outer
    /// border: a border vertex is inside each hazard, so each one straddles two regions.
    void place_straddling_hazards() {
        for (const double t : {4.0 / 24, 9.0 / 24, 18.0 / 24}) {
            const Vec on_vertical{103.0, k_south + (k_north - k_south) * t};
            const Vec on_horizontal{k_west + (k_east - k_west) * t, 18.0};
            for (const Vec target : {on_vertical, on_horizontal}) {
                Star shape =
                    hazard_star(projection_.to_utm(nearest_border_vertex(target)), rng_.uniform(60'000, 250'000));
                if (clear_of_others(shape)) add_base_hazard(std::move(shape));
            }
        }
    }

    /// The vertex of any region ring nearest to `target` (lon/lat); border vertices are shared.
    Vec nearest_border_vertex(Vec target) const {
        Vec best{};
        double best_distance = 1e9;
        for (const Region& r : sc_.regions) {
            const OGRLinearRing* ring = r.shape->getExteriorRing();
            for (int i = 0; i < ring->getNumPoints(); ++i) {
                const Vec p{ring->getX(i), ring->getY(i)};
                if (length(p - target) < best_distance) {
                    best_distance = length(p - target);
                    best = p;
                }
            }
        }
        return best;
    }

    /// Hazards for spatially linked clearance: six pairs of CHAs 20-60 m apart (one clearance polygon
    /// will span the gap) and four single CHAs, all recorded by mid-2022 so the clearance comes later.
    void place_linked_hazards(std::vector<std::pair<int, int>>& pairs, std::vector<int>& singles) {
        const Day latest = day_of(2022, 6, 30);
        while (pairs.size() < 6) {
            Star a = hazard_star(projection_.to_utm(cluster_point()), rng_.uniform(15'000, 120'000));
            const double angle = rng_.uniform(0, 2 * k_pi);
            const double area_b = rng_.uniform(10'000, 80'000);
            Star b = hazard_star({0, 0}, area_b);  // made around the origin, moved once its size is known
            const Vec centre_b = a.centre + (a.r_max + rng_.uniform(20, 60) + b.r_max) * direction(angle);
            for (Vec& p : b.vertices) p = p + centre_b;
            b.centre = centre_b;
            if (!clear_of_others(a) || !clear_of_others(b)) continue;
            const int ia =
                add_hazard(Status::cha, rng_.integer(0, latest), std::move(a), contamination(), place_name());
            const int ib =
                add_hazard(Status::cha, rng_.integer(0, latest), std::move(b), contamination(), place_name());
            pairs.emplace_back(ia, ib);
        }
        while (singles.size() < 4) {
            Star s = hazard_star(projection_.to_utm(cluster_point()), rng_.uniform(8'000, 150'000));
            if (!clear_of_others(s)) continue;
            singles.push_back(
                add_hazard(Status::cha, rng_.integer(0, latest), std::move(s), contamination(), place_name()));
        }
    }

    void place_generic_hazards(std::size_t total) {
        while (sc_.hazards.size() < total) {
            Star s = hazard_star(projection_.to_utm(cluster_point()), hazard_area());
            if (clear_of_others(s)) add_base_hazard(std::move(s));
        }
    }

    // -------------------------------------------------------------------------------- activities

    /// A span starting 0..max_gap days after `earliest` and lasting min_len..max_len days; moved
    /// earlier when it would end after 2024-12-31, and nullopt when even that does not fit.
    std::optional<Span> schedule(Day earliest, int max_gap, int min_len, int max_len) {
        const Day start = earliest + rng_.integer(0, max_gap);
        const int duration = rng_.integer(min_len, max_len);
        if (start + duration <= k_last_day) return Span{start, start + duration};
        if (earliest + duration <= k_last_day) return Span{earliest, earliest + duration};
        return std::nullopt;
    }

    std::string organisation(Method m) {
        static const std::vector<std::string> survey{k_operator_org, "VMAC Survey Team", "Humanitarian Demining Group"};
        static const std::vector<std::string> clearance{k_operator_org, "Humanitarian Demining Group",
                                                        "Clear Ground International", "Velland Army Engineers"};
        static const std::vector<std::string> eod{"Velland Army Engineers", "Clear Ground International",
                                                  "Humanitarian Demining Group"};
        switch (m) {
        case Method::nts: return rng_.pick(survey);
        case Method::ts:
        case Method::clearance: return rng_.pick(clearance);
        case Method::eod: return rng_.pick(eod);
        }
        return {};
    }

    /// Items found on `area_m2` of land contaminated by `contam` (per hectare rates; TS samples the
    /// land, so it finds fewer). Clearance of CMR finds submunitions, of AP mines ap_mines, and so on.
    Items items_for(const std::string& contam, double area_m2, Method m) {
        Items items;
        if (m != Method::ts && m != Method::clearance) return items;
        const double ha = area_m2 / 10'000 * (m == Method::ts ? 0.25 : 1.0);
        const auto count = [&](double lo, double hi) {
            return static_cast<int>(std::lround(ha * rng_.uniform(lo, hi)));
        };
        const auto has = [&contam](const char* type) { return contam.find(type) != std::string::npos; };
        if (has("CMR")) {
            items.submunitions += count(2, 25);
            items.other_erw += count(0, 1.5);
        }
        if (has("AP")) items.ap_mines += count(1, 12);
        if (has("AV")) items.av_mines += count(0, 1.5);
        if (has("ERW")) items.other_erw += count(1, 8);
        if (has("IED")) items.other_erw += count(0.5, 3);
        return items;
    }

    People people_for(Method m) {
        People p;
        if (m == Method::nts)
            p = {rng_.integer(1, 25), rng_.integer(1, 30), rng_.integer(0, 8), rng_.integer(0, 10), 0};
        else if (m == Method::eod)
            p = {rng_.integer(0, 6), rng_.integer(0, 10), rng_.integer(0, 4), rng_.integer(0, 6), 0};
        else
            return p;
        p.disabled = rng_.integer(0, std::min(3, p.women + p.men + p.girls + p.boys));
        return p;
    }

    /// Adds an activity on hazard `h` (or none); items come from the hazard's contamination over the
    /// part of the hazard the polygon covers.
    Activity& add_activity(Method m, int h, Span span, GeomPtr shape) {
        if (!shape) throw std::logic_error("activity without geometry");
        Activity a;
        a.method = m;
        a.hazard = h;
        a.span = span;
        a.org = organisation(m);
        if (h >= 0 && m != Method::eod) {
            const GeomPtr covered = polygonal(shape->Intersection(polygon_of(sc_.hazards[std::size_t(h)].shape).get()));
            a.items = items_for(sc_.hazards[std::size_t(h)].contam, covered ? area_of(*covered) : 0.0, m);
        }
        a.people = people_for(m);
        a.shape = std::move(shape);
        sc_.activities.push_back(std::move(a));
        return sc_.activities.back();
    }

    const Star& star(int h) const { return sc_.hazards[std::size_t(h)].shape; }
    double cover(int h) const { return margin_scale(star(h), 0.3); }

    /// A cut leaving between lo and hi of the hazard on its kept side.
    Cut choose_cut(int h, double lo, double hi) {
        const auto whole = polygon_of(star(h));
        const double total = whole->get_Area();
        Cut cut;
        for (int attempt = 0; attempt < 50; ++attempt) {
            cut = {rng_.uniform(0, 2 * k_pi), rng_.uniform(-0.35, 0.35) * star(h).r_min};
            const GeomPtr part = cut_part(star(h), 1.0, cut);
            const double fraction = part ? area_of(*part) / total : 0.0;
            if (fraction >= lo && fraction <= hi) break;
        }
        return cut;
    }

    // Story of a base hazard: SHAs are surveyed (NTS), re-classified or left alone; CHAs are
    // technically surveyed and cleared.
    void story(int h) {
        if (sc_.hazards[std::size_t(h)].status == Status::cha)
            cha_story(h, sc_.hazards[std::size_t(h)].recorded);
        else
            sha_story(h);
    }

    void sha_story(int h) {
        const Day recorded = sc_.hazards[std::size_t(h)].recorded;
        if (recorded <= k_last_day_2022 && status_changes_ < 16 && rng_.chance(0.12)) {
            status_change_story(h);
            return;
        }
        const double u = rng_.uniform();
        if (u < 0.36) return;  // still suspected at the end of 2024
        if (u < 0.54) {
            if (auto span = schedule(recorded, 500, 1, 12))
                add_activity(Method::nts, h, *span, GeomPtr(polygon_of(star(h), cover(h)).release()));
            return;
        }
        if (u < 0.76) {  // partial cancellation, sometimes followed by a second NTS cancelling the rest
            const Cut cut = choose_cut(h, 0.25, 0.75);
            const auto span = schedule(recorded, 500, 1, 10);
            if (!span) return;
            add_activity(Method::nts, h, *span, cut_part(star(h), cover(h), cut));
            if (u < 0.60)
                if (auto rest = schedule(span->end + 1, 400, 1, 10))
                    add_activity(Method::nts, h, *rest, cut_part(star(h), cover(h), opposite(cut, 3)));
            return;
        }
        derive_story(h);
    }

    /// NTS finds evidence on part of an SHA: that part becomes a CHA child (parent_id = the SHA,
    /// recorded = the NTS end date) and the NTS cancels the rest. The NTS polygon covers the SHA with
    /// a 0.3 m margin minus the children shrunk by 0.3 m, so it overlaps each child's rim slightly:
    /// the ledger must not credit that rim (it left the SHA's remaining area with the derived event).
    void derive_story(int h) {
        const Hazard& parent = sc_.hazards[std::size_t(h)];
        const double parent_area = shoelace_area(parent.shape.vertices);
        const auto span = schedule(parent.recorded, 540, 2, 12);
        if (!span) return;
        if (parent_area < 8'000) {
            add_activity(Method::nts, h, *span, GeomPtr(polygon_of(star(h), cover(h)).release()));
            return;
        }
        const int wanted = (two_children_ < 1 && parent_area > 40'000) ? 2 : 1;
        const bool stick_out = wanted == 1 && sticking_out_ < 2 && parent_area > 20'000;
        std::vector<Star> children;
        const double first_angle = rng_.uniform(0, 2 * k_pi);
        for (int i = 0; i < wanted; ++i) {
            const auto placement =
                wanted == 1 ? ChildPlacement::centre : (i == 0 ? ChildPlacement::side : ChildPlacement::other_side);
            if (auto child = make_child(h, stick_out ? ChildPlacement::sticking_out : placement, first_angle, children))
                children.push_back(std::move(*child));
        }
        if (children.empty()) {
            add_activity(Method::nts, h, *span, GeomPtr(polygon_of(star(h), cover(h)).release()));
            return;
        }
        GeomPtr rest(polygon_of(star(h), cover(h)).release());
        for (const Star& child : children)
            rest = polygonal(rest->Difference(polygon_of(child, margin_scale(child, -0.3)).get()));
        add_activity(Method::nts, h, *span, std::move(rest));

        if (children.size() == 2) ++two_children_;
        if (stick_out) ++sticking_out_;
        for (std::size_t i = 0; i < children.size(); ++i) {
            const Hazard& p = sc_.hazards[std::size_t(h)];
            std::string name =
                p.name + (children.size() == 1 ? " (confirmed part)" : fmt::format(" (confirmed part {})", i + 1));
            const int child = add_hazard(Status::cha, span->end, std::move(children[i]), p.contam, std::move(name), h);
            ++sc_.derived;
            if (stick_out) ++sc_.derived_sticking_out;
            cha_story(child, span->end + 1);
        }
    }

    /// Where a derived CHA lies in its SHA: around the middle; on one side or the opposite side (two
    /// children of one SHA); or across the SHA's boundary.
    enum class ChildPlacement { centre, side, other_side, sticking_out };

    /// A CHA inside the SHA `h` with at least 1 m to spare or, sticking out, with 5-20 % of its area
    /// outside it. Sides are taken about `side_angle`. It keeps clear of `siblings` and other hazards.
    std::optional<Star> make_child(int h, ChildPlacement placement, double side_angle,
                                   const std::vector<Star>& siblings) {
        const Star& parent = star(h);
        const auto parent_polygon = polygon_of(parent);
        const double parent_area = parent_polygon->get_Area();
        const bool stick_out = placement == ChildPlacement::sticking_out;
        for (int attempt = 0; attempt < 80; ++attempt) {
            const double shrink = std::pow(0.85, attempt / 8);
            double angle = rng_.uniform(0, 2 * k_pi);
            double offset = rng_.uniform(0, 0.3);
            double fraction = rng_.uniform(0.15, 0.45);
            switch (placement) {
            case ChildPlacement::centre: break;
            case ChildPlacement::side:
            case ChildPlacement::other_side:
                angle = side_angle + (placement == ChildPlacement::side ? 0 : k_pi) + rng_.uniform(-0.3, 0.3);
                offset = rng_.uniform(0.45, 0.6);
                fraction = rng_.uniform(0.05, 0.12);
                break;
            case ChildPlacement::sticking_out:
                offset = rng_.uniform(0.7, 1.0);
                fraction = rng_.uniform(0.08, 0.2);
                break;
            }
            const double area = parent_area * shrink * fraction;
            Star child =
                make_star(rng_, parent.centre + (offset * parent.r_min) * direction(angle), area, rng_.integer(5, 16));
            const auto child_polygon = polygon_of(child);
            bool ok = clear_of_others(child, h);
            for (const Star& s : siblings) ok = ok && !polygon_of(s)->Intersects(child_polygon.get());
            if (!ok) continue;
            if (stick_out) {
                const GeomPtr inside = polygonal(child_polygon->Intersection(parent_polygon.get()));
                const double fraction = inside ? area_of(*inside) / child_polygon->get_Area() : 0.0;
                if (fraction >= 0.8 && fraction <= 0.95) return child;
            } else if (polygon_of(child, margin_scale(child, 1.0))->Within(parent_polygon.get())) {
                return child;
            }
        }
        return std::nullopt;
    }

    /// An SHA re-imported in 2023-2024 with status CHA and the same geometry (a status-changed event),
    /// sometimes after an NTS cancelled part of it; afterwards it is treated as a CHA.
    void status_change_story(int h) {
        const Day recorded = sc_.hazards[std::size_t(h)].recorded;
        const Day change = rng_.integer(std::max(recorded + 30, k_first_day_2023), day_of(2024, 10, 31));
        sc_.hazards[std::size_t(h)].changed_to_cha = change;
        ++status_changes_;
        if (rng_.chance(0.4)) {
            const Cut cut = choose_cut(h, 0.25, 0.6);
            const auto span = schedule(recorded, 300, 1, 10);
            if (span && span->end < change) {
                add_activity(Method::nts, h, *span, cut_part(star(h), cover(h), cut));
                if (rng_.chance(0.7))
                    if (auto rest = schedule(change, 200, 10, 120))
                        add_activity(Method::clearance, h, *rest, cut_part(star(h), cover(h), opposite(cut, 3)));
                return;
            }
        }
        cha_story(h, change);
    }

    /// TS and clearance on a CHA, from `earliest` on.
    void cha_story(int h, Day earliest) {
        const double u = rng_.uniform();
        if (u < 0.18) return;  // still confirmed at the end of 2024
        if (u < 0.26) {        // TS finds nothing anywhere: the whole CHA is reduced
            if (auto span = schedule(earliest, 400, 5, 40))
                add_activity(Method::ts, h, *span, GeomPtr(polygon_of(star(h), cover(h)).release()));
            return;
        }
        if (u < 0.51) {  // TS reduces part; usually clearance of the rest follows (5 m overlap on the cut)
            const Cut cut = choose_cut(h, 0.2, 0.7);
            const auto ts = schedule(earliest, 400, 5, 40);
            if (!ts) return;
            add_activity(Method::ts, h, *ts, cut_part(star(h), cover(h), cut));
            if (u >= 0.35)
                if (auto clearance = schedule(ts->end + 1, 200, 10, 150))
                    add_activity(Method::clearance, h, *clearance, cut_part(star(h), cover(h), opposite(cut, 5)));
            return;
        }
        if (u < 0.78) {  // complete clearance; sometimes the polygon oversteps the CHA by 4-12 %
            const double scale = u < 0.66 ? cover(h) : rng_.uniform(1.04, 1.12);
            if (auto span = schedule(earliest, 400, 10, 150))
                add_activity(Method::clearance, h, *span, GeomPtr(polygon_of(star(h), scale).release()));
            return;
        }
        if (u < 0.92) {  // partial clearance
            const Cut cut = choose_cut(h, 0.25, 0.75);
            if (auto span = schedule(earliest, 400, 10, 120))
                add_activity(Method::clearance, h, *span, cut_part(star(h), cover(h), cut));
            return;
        }
        overlapping_clearance(h, earliest);
    }

    /// Two clearance tasks on the same CHA whose polygons share a band 16-40 % of r_min wide; the band
    /// must be credited once. The first pair ends both tasks on the same day (ties go by activity id).
    void overlapping_clearance(int h, Day earliest) {
        const Cut cut = choose_cut(h, 0.35, 0.65);
        const double half_band = rng_.uniform(0.08, 0.2) * star(h).r_min;
        const auto first = schedule(earliest, 300, 10, 90);
        if (!first) return;
        Span second{first->start + rng_.integer(0, 20), 0};
        second.end =
            sc_.overlapping_pairs == 0 ? std::max(first->end, second.start) : second.start + rng_.integer(10, 90);
        if (second.end > k_last_day) return;
        add_activity(Method::clearance, h, *first, cut_part(star(h), cover(h), {cut.angle, cut.offset - half_band}));
        add_activity(Method::clearance, h, second, cut_part(star(h), cover(h), opposite(cut, half_band)));
        ++sc_.overlapping_pairs;
    }

    /// Hazards (by index) whose original polygon intersects `shape`.
    std::vector<int> intersected_hazards(const OGRGeometry& shape) const {
        std::vector<int> hits;
        for (std::size_t i = 0; i < sc_.hazards.size(); ++i)
            if (polygon_of(sc_.hazards[i].shape)->Intersects(&shape)) hits.push_back(int(i));
        return hits;
    }

    /// A clearance polygon without hazard_id (spatially linked), spanning the gap between two CHAs.
    /// For the first pairs, a second later task overlaps the first one's polygon: the ledger must link
    /// it against the hazards' remaining geometry at its date, not the original one.
    void linked_pair_story(std::pair<int, int> pair, bool second_task) {
        const Star& a = star(pair.first);
        const Star& b = star(pair.second);
        const Vec axis = b.centre - a.centre;
        const double angle = std::atan2(axis.y, axis.x);
        // Points at 0.4 r_min from each centre lie inside the hazard (see make_star), so the rectangle
        // between them crosses both boundaries.
        const Vec pa = a.centre + (0.4 * a.r_min / length(axis)) * axis;
        const Vec pb = b.centre - (0.4 * b.r_min / length(axis)) * axis;
        const double half_width = 0.35 * std::min(a.r_min, b.r_min);
        const Day earliest =
            std::max(sc_.hazards[std::size_t(pair.first)].recorded, sc_.hazards[std::size_t(pair.second)].recorded);
        const auto span = schedule(earliest + 1, 500, 10, 90);
        if (!span) return;
        add_linked(*span, rotated_rectangle(0.5 * (pa + pb), angle, 0.5 * length(pb - pa), half_width));
        if (second_task)
            if (auto later = schedule(span->end + 1, 200, 10, 60))
                add_linked(*later, rotated_rectangle(0.5 * (pa + pb) + (0.8 * half_width) * direction(angle + k_pi / 2),
                                                     angle, 0.5 * length(pb - pa), half_width));
    }

    /// A clearance polygon without hazard_id over the rim of one CHA (centred on one of its vertices).
    void linked_single_story(int h) {
        const Star& s = star(h);
        const Vec vertex = s.vertices[std::size_t(rng_.integer(0, int(s.vertices.size()) - 1))];
        const Vec outward = vertex - s.centre;
        const auto span = schedule(sc_.hazards[std::size_t(h)].recorded + 1, 600, 10, 90);
        if (!span) return;
        add_linked(*span, rotated_rectangle(vertex, std::atan2(outward.y, outward.x), 0.3 * s.r_min, 0.25 * s.r_max));
    }

    void add_linked(Span span, std::unique_ptr<OGRPolygon> shape) {
        const std::vector<int> hits = intersected_hazards(*shape);
        Items items;
        for (const int h : hits) {
            const GeomPtr covered = polygonal(shape->Intersection(polygon_of(star(h)).get()));
            const Items found =
                items_for(sc_.hazards[std::size_t(h)].contam, covered ? area_of(*covered) : 0.0, Method::clearance);
            items.submunitions += found.submunitions;
            items.ap_mines += found.ap_mines;
            items.av_mines += found.av_mines;
            items.other_erw += found.other_erw;
        }
        Activity& a = add_activity(Method::clearance, -1, span, GeomPtr(shape.release()));
        a.spatially_linked = true;
        a.items = items;
        // The operator's shapefile must show linked clearance too (its polygons often lack a reference).
        if ((sc_.linked_one + sc_.linked_two) % 4 == 1) a.org = k_operator_org;
        (hits.size() >= 2 ? sc_.linked_two : sc_.linked_one) += 1;
    }

    /// EOD spot tasks: points, mostly outside any hazard (call-outs); a few inside a CHA, referenced.
    void eod_tasks(int count) {
        std::vector<int> chas;
        for (std::size_t i = 0; i < sc_.hazards.size(); ++i)
            if (sc_.hazards[i].status == Status::cha && sc_.hazards[i].recorded < k_last_day - 10)
                chas.push_back(int(i));
        for (int i = 0; i < count; ++i) {
            int h = -1;
            Vec where;
            Day earliest = 0;
            if (i % 7 == 3) {  // inside a CHA: 0.3 r_min from the centre is inside (see make_star)
                h = rng_.pick(chas);
                where = star(h).centre + (rng_.uniform(0, 0.3) * star(h).r_min) * direction(rng_.uniform(0, 2 * k_pi));
                earliest = sc_.hazards[std::size_t(h)].recorded;
            } else {
                where = projection_.to_utm(cluster_point());
            }
            const auto span = schedule(earliest, k_last_day - earliest - 2, 0, 2);
            if (!span) continue;
            Activity& a = add_activity(Method::eod, h, *span, std::make_unique<OGRPoint>(where.x, where.y));
            a.items.other_erw = rng_.integer(1, 12);
            if (rng_.chance(0.4)) a.items.submunitions = rng_.integer(1, 6);
            if (rng_.chance(0.1)) a.items.ap_mines = rng_.integer(1, 3);
        }
    }

    // ---------------------------------------------------------------------------------- wrapping up

    /// National ids in order of recording (ties: order of creation); activity ids in order of start.
    /// The operator numbers its own tasks per year (TSV-2021-007); everyone else's get national ids.
    void assign_ids() {
        std::vector<std::size_t> order(sc_.hazards.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
            return sc_.hazards[a].recorded < sc_.hazards[b].recorded;
        });
        for (std::size_t n = 0; n < order.size(); ++n) sc_.hazards[order[n]].id = fmt::format("VLL-H-{:05}", n + 1);

        order.resize(sc_.activities.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
            const Span& x = sc_.activities[a].span;
            const Span& y = sc_.activities[b].span;
            return std::pair(x.start, x.end) < std::pair(y.start, y.end);
        });
        int national = 0;
        std::vector<int> per_year(2025, 0);
        for (const std::size_t i : order) {
            Activity& a = sc_.activities[i];
            if (a.org == k_operator_org && a.method != Method::eod) {
                const int year = ymd_of(a.span.start).year;
                a.id = fmt::format("TSV-{}-{:03}", year, ++per_year[std::size_t(year)]);
            } else {
                a.id = fmt::format("VLL-A-{:05}", ++national);
            }
        }
    }

    void count_straddling() {
        for (const Hazard& h : sc_.hazards) {
            if (h.parent >= 0) continue;
            const GeomPtr shape = projection_.to_lonlat(*polygon_of(h.shape));
            int regions = 0;
            for (const Region& r : sc_.regions) regions += r.shape->Intersects(shape.get()) ? 1 : 0;
            if (regions >= 2) ++sc_.straddling;
        }
    }

    const Projection& projection_;
    Random rng_{k_seed};
    Scenario sc_;
    std::vector<Vec> clusters_;  // lon/lat
    int status_changes_ = 0;
    int two_children_ = 0;
    int sticking_out_ = 0;
};

// ------------------------------------------------------------------------------------------ output

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

[[noreturn]] void gdal_failure(const std::string& what) {
    throw std::runtime_error(what + ": " + CPLGetLastErrorMsg());
}

/// Creates a vector dataset, removing what a previous run left (the drivers refuse to overwrite).
DatasetPtr create_dataset(const char* driver_name, const fs::path& path, std::vector<std::string> leftovers) {
    leftovers.push_back(path.string());
    for (const std::string& file : leftovers) fs::remove(file);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
    if (!driver) gdal_failure(fmt::format("GDAL driver {} not available", driver_name));
    DatasetPtr ds(driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) gdal_failure("cannot create " + path.string());
    return ds;
}

OGRLayer* create_layer(GDALDataset& ds, const char* name, const OGRSpatialReference* srs, OGRwkbGeometryType type,
                       const std::vector<std::string>& options) {
    CPLStringList list;
    for (const std::string& o : options) list.AddString(o.c_str());
    // GDAL 3.6 takes a non-const pointer but only clones the SRS.
    OGRLayer* layer = ds.CreateLayer(name, const_cast<OGRSpatialReference*>(srs), type, list.List());
    if (!layer) gdal_failure(fmt::format("cannot create layer {}", name));
    return layer;
}

void add_field(OGRLayer& layer, const char* name, OGRFieldType type, int width = 0) {
    OGRFieldDefn field(name, type);
    if (width > 0) field.SetWidth(width);
    if (layer.CreateField(&field) != OGRERR_NONE) gdal_failure(fmt::format("cannot create field {}", name));
}

void set_date(OGRFeature& f, const char* field, Day d) {
    const Ymd v = ymd_of(d);
    f.SetField(f.GetFieldIndex(field), v.year, int(v.month), int(v.day));
}

void write_feature(OGRLayer& layer, OGRFeature& f) {
    if (layer.CreateFeature(&f) != OGRERR_NONE) gdal_failure(fmt::format("cannot write to {}", layer.GetName()));
}

struct Counts {
    int regions = 0;
    int hazards_gpkg = 0;
    int hazards_geojson = 0;
    int status_changes = 0;
    int operator_activities = 0;
    int other_activities = 0;
    int education = 0;             // education.csv records
    int education_located = 0;     // ... of which located by a point rather than a region code
    std::vector<int> by_method = std::vector<int>(4, 0);
    int invalid = 0;  // polygons that came out invalid after rounding (expected 0)
};

class SampleWriter {
public:
    SampleWriter(const Projection& projection, const Scenario& scenario, fs::path dir)
        : projection_(projection), sc_(scenario), dir_(std::move(dir)) {}

    Counts write_all() {
        write_regions();
        write_hazards_2020_2022();
        write_hazards_2023_2024();
        write_operator_shapefile();
        write_mapping_profile();
        write_activities();
        write_education();
        return counts_;
    }

private:
    GeomPtr lonlat(const OGRGeometry& utm) {
        GeomPtr g = projection_.to_lonlat(utm);
        if (wkbFlatten(g->getGeometryType()) != wkbPoint && !g->IsValid()) ++counts_.invalid;
        return g;
    }

    void write_regions() {
        const DatasetPtr ds = create_dataset("GeoJSON", dir_ / "regions.geojson", {});
        OGRLayer* layer = create_layer(*ds, "regions", &projection_.wgs84(), wkbPolygon, {"COORDINATE_PRECISION=7"});
        add_field(*layer, "code", OFTString);
        add_field(*layer, "name", OFTString);
        for (const Region& r : sc_.regions) {
            const FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            f->SetField("code", r.code.c_str());
            f->SetField("name", r.name.c_str());
            f->SetGeometry(r.shape.get());
            write_feature(*layer, *f);
            ++counts_.regions;
        }
    }

    static void hazard_fields(OGRLayer& layer) {
        add_field(layer, "hazard_id", OFTString);
        add_field(layer, "status", OFTString);
        add_field(layer, "contam", OFTString);
        add_field(layer, "recorded", OFTDate);
        add_field(layer, "parent_id", OFTString);
        add_field(layer, "name", OFTString);
        add_field(layer, "declared_m2", OFTInteger);
    }

    /// One hazard feature; `status` and `recorded` are passed because a re-import changes them.
    void write_hazard(OGRLayer& layer, const Hazard& h, Status status, Day recorded) {
        const FeaturePtr f(OGRFeature::CreateFeature(layer.GetLayerDefn()));
        f->SetField("hazard_id", h.id.c_str());
        f->SetField("status", status_name(status));
        f->SetField("contam", h.contam.c_str());
        set_date(*f, "recorded", recorded);
        if (h.parent >= 0)
            f->SetField("parent_id", sc_.hazards[std::size_t(h.parent)].id.c_str());
        else
            f->SetFieldNull(f->GetFieldIndex("parent_id"));
        f->SetField("name", h.name.c_str());
        f->SetField("declared_m2", h.declared_m2);
        f->SetGeometryDirectly(lonlat(*polygon_of(h.shape)).release());
        write_feature(layer, *f);
    }

    std::vector<const Hazard*> hazards_by_id() const {
        std::vector<const Hazard*> sorted;
        for (const Hazard& h : sc_.hazards) sorted.push_back(&h);
        std::sort(sorted.begin(), sorted.end(), [](const Hazard* a, const Hazard* b) { return a->id < b->id; });
        return sorted;
    }

    void write_hazards_2020_2022() {
        const fs::path path = dir_ / "hazards_2020_2022.gpkg";
        const std::string p = path.string();
        const DatasetPtr ds = create_dataset("GPKG", path, {p + "-wal", p + "-shm", p + "-journal"});
        OGRLayer* layer = create_layer(*ds, "hazards", &projection_.wgs84(), wkbPolygon,
                                       {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES"});
        hazard_fields(*layer);
        if (layer->StartTransaction() != OGRERR_NONE) gdal_failure("cannot start a GeoPackage transaction");
        for (const Hazard* h : hazards_by_id()) {
            if (h->recorded > k_last_day_2022) continue;
            write_hazard(*layer, *h, h->status, h->recorded);
            ++counts_.hazards_gpkg;
        }
        if (layer->CommitTransaction() != OGRERR_NONE) gdal_failure("cannot commit the GeoPackage");
    }

    /// Hazards recorded in 2023-2024 and the SHAs re-imported as CHAs, in order of `recorded`.
    void write_hazards_2023_2024() {
        struct Row {
            const Hazard* hazard;
            Status status;
            Day recorded;
        };
        std::vector<Row> rows;
        for (const Hazard* h : hazards_by_id()) {
            if (h->recorded > k_last_day_2022) rows.push_back({h, h->status, h->recorded});
            if (h->changed_to_cha) rows.push_back({h, Status::cha, *h->changed_to_cha});
        }
        std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.recorded < b.recorded; });
        const DatasetPtr ds = create_dataset("GeoJSON", dir_ / "hazards_2023_2024.geojson", {});
        OGRLayer* layer = create_layer(*ds, "hazards", &projection_.wgs84(), wkbPolygon, {"COORDINATE_PRECISION=7"});
        hazard_fields(*layer);
        for (const Row& row : rows) {
            write_hazard(*layer, *row.hazard, row.status, row.recorded);
            ++counts_.hazards_geojson;
            if (row.recorded != row.hazard->recorded) ++counts_.status_changes;
        }
    }

    std::vector<const Activity*> activities_by_id(bool operator_file) const {
        std::vector<const Activity*> sorted;
        for (const Activity& a : sc_.activities)
            if ((a.org == k_operator_org && a.method != Method::eod) == operator_file) sorted.push_back(&a);
        std::sort(sorted.begin(), sorted.end(), [](const Activity* a, const Activity* b) { return a->id < b->id; });
        return sorted;
    }

    /// The operator's export: UTM metres, no .prj (the mapping profile supplies the CRS), its own
    /// field names and words, dates as dd/mm/yyyy text, no organisation field.
    void write_operator_shapefile() {
        const fs::path path = dir_ / "operator_clearance_utm.shp";
        std::vector<std::string> leftovers;
        for (const char* ext : {".shx", ".dbf", ".cpg", ".prj", ".qix", ".sbn", ".sbx"})
            leftovers.push_back(fs::path(path).replace_extension(ext).string());
        const DatasetPtr ds = create_dataset("ESRI Shapefile", path, leftovers);
        OGRLayer* layer = create_layer(*ds, "operator_clearance_utm", nullptr, wkbPolygon,
                                       {"ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=2024-12-31"});
        add_field(*layer, "TASK_NO", OFTString, 16);
        add_field(*layer, "HAZ_REF", OFTString, 16);
        add_field(*layer, "LR_TYPE", OFTString, 12);
        add_field(*layer, "START_DT", OFTString, 10);
        add_field(*layer, "COMPL_DT", OFTString, 10);
        for (const char* name :
             {"BLU_DESTR", "AP_DESTR", "AV_DESTR", "UXO_DESTR", "F_ADULT", "M_ADULT", "F_CHILD", "M_CHILD", "DISABLED"})
            add_field(*layer, name, OFTInteger, 6);
        for (const Activity* a : activities_by_id(true)) {
            const FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            f->SetField("TASK_NO", a->id.c_str());
            f->SetField("HAZ_REF", a->hazard >= 0 ? sc_.hazards[std::size_t(a->hazard)].id.c_str() : "");
            f->SetField("LR_TYPE", operator_method_name(a->method));
            f->SetField("START_DT", operator_date(a->span.start).c_str());
            f->SetField("COMPL_DT", operator_date(a->span.end).c_str());
            f->SetField("BLU_DESTR", a->items.submunitions);
            f->SetField("AP_DESTR", a->items.ap_mines);
            f->SetField("AV_DESTR", a->items.av_mines);
            f->SetField("UXO_DESTR", a->items.other_erw);
            f->SetField("F_ADULT", a->people.women);
            f->SetField("M_ADULT", a->people.men);
            f->SetField("F_CHILD", a->people.girls);
            f->SetField("M_CHILD", a->people.boys);
            f->SetField("DISABLED", a->people.disabled);
            f->SetGeometryDirectly(Projection::operator_utm(*a->shape).release());
            write_feature(*layer, *f);
            ++counts_.operator_activities;
            ++counts_.by_method[std::size_t(a->method)];
        }
    }

    /// The mapping profile (design.md §4) that turns the operator's shapefile into activities.
    void write_mapping_profile() {
        std::ofstream out(dir_ / "operator_clearance_utm.mapping.json", std::ios::binary | std::ios::trunc);
        out << R"({
  "kind": "activities",
  "fields": {
    "activity_id": "TASK_NO",
    "hazard_id": "HAZ_REF",
    "method": "LR_TYPE",
    "start_date": "START_DT",
    "end_date": "COMPL_DT",
    "submunitions": "BLU_DESTR",
    "ap_mines": "AP_DESTR",
    "av_mines": "AV_DESTR",
    "other_erw": "UXO_DESTR",
    "women": "F_ADULT",
    "men": "M_ADULT",
    "girls": "F_CHILD",
    "boys": "M_CHILD",
    "disabled": "DISABLED"
  },
  "values": { "method": { "Cancellation": "NTS", "Reduction": "TS", "Clearance": "CLEARANCE" } },
  "date_format": "%d/%m/%Y",
  "crs": "EPSG:32648",
  "constants": { "org": ")"
            << k_operator_org << R"(" }
}
)";
        if (!out) throw std::runtime_error("cannot write the mapping profile");
    }

    /// Everyone else's activities in the interchange schema. hazard_id is "" for spatially linked
    /// clearance and null for EOD spot tasks without a hazard: importers must treat both as empty.
    void write_activities() {
        const DatasetPtr ds = create_dataset("GeoJSON", dir_ / "activities.geojson", {});
        OGRLayer* layer = create_layer(*ds, "activities", &projection_.wgs84(), wkbUnknown, {"COORDINATE_PRECISION=7"});
        add_field(*layer, "activity_id", OFTString);
        add_field(*layer, "hazard_id", OFTString);
        add_field(*layer, "method", OFTString);
        add_field(*layer, "start_date", OFTDate);
        add_field(*layer, "end_date", OFTDate);
        add_field(*layer, "org", OFTString);
        for (const char* name :
             {"submunitions", "ap_mines", "av_mines", "other_erw", "women", "men", "girls", "boys", "disabled"})
            add_field(*layer, name, OFTInteger);
        for (const Activity* a : activities_by_id(false)) {
            const FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            f->SetField("activity_id", a->id.c_str());
            if (a->hazard >= 0)
                f->SetField("hazard_id", sc_.hazards[std::size_t(a->hazard)].id.c_str());
            else if (a->spatially_linked)
                f->SetField("hazard_id", "");
            else
                f->SetFieldNull(f->GetFieldIndex("hazard_id"));
            f->SetField("method", method_name(a->method));
            set_date(*f, "start_date", a->span.start);
            set_date(*f, "end_date", a->span.end);
            f->SetField("org", a->org.c_str());
            f->SetField("submunitions", a->items.submunitions);
            f->SetField("ap_mines", a->items.ap_mines);
            f->SetField("av_mines", a->items.av_mines);
            f->SetField("other_erw", a->items.other_erw);
            f->SetField("women", a->people.women);
            f->SetField("men", a->people.men);
            f->SetField("girls", a->people.girls);
            f->SetField("boys", a->people.boys);
            f->SetField("disabled", a->people.disabled);
            f->SetGeometryDirectly(lonlat(*a->shape).release());
            write_feature(*layer, *f);
            ++counts_.other_activities;
            ++counts_.by_method[std::size_t(a->method)];
        }
    }

    /// Risk education sessions (Article 7 Form G) as a plain CSV, the way operators keep them in a
    /// spreadsheet: most rows name their region code and have no coordinates; some give the village's
    /// lon/lat instead (a hazardous area's centre) and no region. Delivery methods are free text in
    /// the operators' own spelling and case ("Interpersonal", "interpersonal"): cims lower-cases
    /// them. A random stream of its own keeps the rest of the data set unchanged.
    void write_education() {
        Random rng(k_seed + 7);
        struct Org {
            const char* name;
            std::vector<std::string> methods;
        };
        const std::vector<Org> orgs{
            {"Velland Red Cross", {"Interpersonal", "mass_media", "Community_liaison"}},
            {"Humanitarian Demining Group", {"interpersonal", "training"}},
            {"VMAC Survey Team", {"interpersonal"}},
            {"Velland Ministry of Education", {"school_sessions", "training"}},
        };
        std::string csv = "education_id,date,org,method,region,lon,lat,sessions,girls,boys,women,men,disabled\n";
        int n = 0;
        for (int year = 2020; year <= 2024; ++year) {
            const int records = 10 + 2 * (year - 2020);
            std::vector<std::string> rows;
            for (int i = 0; i < records; ++i) {
                const Org& org = rng.pick(orgs);
                const std::string& method = rng.pick(org.methods);
                const Day day = day_of(year, 1, 1) + rng.integer(0, 364);
                const bool mass = method == "mass_media";
                const int sessions = mass ? rng.integer(1, 3) : rng.integer(1, 12);
                const int scale = mass ? 400 : 15;  // a radio spot reaches more people than a visit
                People p;
                p.girls = sessions * rng.integer(0, scale);
                p.boys = sessions * rng.integer(0, scale);
                p.women = sessions * rng.integer(0, scale);
                p.men = sessions * rng.integer(0, scale);
                p.disabled = (p.girls + p.boys + p.women + p.men) * rng.integer(0, 4) / 100;
                std::string region, lon, lat;
                if (rng.chance(0.2)) {
                    const Hazard& h = rng.pick(sc_.hazards);
                    OGRPoint centre(h.shape.centre.x, h.shape.centre.y);
                    const GeomPtr ll = projection_.to_lonlat(centre);
                    const auto* pt = ll->toPoint();
                    lon = fmt::format("{:.6f}", pt->getX());
                    lat = fmt::format("{:.6f}", pt->getY());
                    ++counts_.education_located;
                } else {
                    region = rng.pick(sc_.regions).code;
                }
                const Ymd d = ymd_of(day);
                rows.push_back(fmt::format("{:04}-{:02}-{:02},\"{}\",{},{},{},{},{},{},{},{},{},{}", d.year, d.month,
                                           d.day, org.name, method, region, lon, lat, sessions, p.girls, p.boys,
                                           p.women, p.men, p.disabled));
            }
            std::sort(rows.begin(), rows.end());  // by date, as a register is kept
            int k = 0;
            for (const std::string& row : rows) csv += fmt::format("RE-{:04}-{:03},{}\n", year, ++k, row);
            n += k;
        }
        counts_.education = n;
        std::ofstream out(dir_ / "education.csv", std::ios::binary);
        out << csv;
        if (!out) throw std::runtime_error("cannot write " + (dir_ / "education.csv").string());
    }

    const Projection& projection_;
    const Scenario& sc_;
    fs::path dir_;
    Counts counts_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: cims_sample_generator OUT_DIR\n"
                     "Writes the deterministic Velland demo data set into OUT_DIR (overwriting).\n";
        return 2;
    }
    try {
        const fs::path dir = argv[1];
        fs::create_directories(dir);
        // Pin what GDAL would otherwise take from the clock (gpkg_contents.last_change).
        CPLSetConfigOption("OGR_CURRENT_DATE", "2024-12-31T00:00:00.000Z");
        GDALAllRegister();
        if (!OGRGeometryFactory::haveGEOS()) throw std::runtime_error("GDAL was built without GEOS");

        const Projection projection;
        const Scenario scenario = ScenarioBuilder(projection).build();
        const Counts c = SampleWriter(projection, scenario, dir).write_all();
        if (c.invalid > 0) throw std::runtime_error(fmt::format("{} polygons are invalid after rounding", c.invalid));

        const int linked = scenario.linked_one + scenario.linked_two;
        std::cout << fmt::format(
            "wrote {}: regions.geojson {} regions; hazards_2020_2022.gpkg {} hazards; hazards_2023_2024.geojson {} "
            "hazards ({} status-change re-imports); {} derived CHAs ({} sticking out); {} straddling a border; "
            "operator_clearance_utm.shp {} activities; activities.geojson {} activities; by method NTS {} TS {} "
            "CLEARANCE {} EOD {}; {} spatially linked ({} over two hazards); {} overlapping pairs; education.csv {} "
            "records ({} located by a point)\n",
            dir.string(), c.regions, c.hazards_gpkg, c.hazards_geojson, c.status_changes, scenario.derived,
            scenario.derived_sticking_out, scenario.straddling, c.operator_activities, c.other_activities,
            c.by_method[0], c.by_method[1], c.by_method[2], c.by_method[3], linked, scenario.linked_two,
            scenario.overlapping_pairs, c.education, c.education_located);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "cims_sample_generator: " << e.what() << '\n';
        return 1;
    }
}
