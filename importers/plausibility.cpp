// SPDX-License-Identifier: GPL-3.0-or-later
#include "plausibility.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <cmath>

namespace cims::importers {

Plausibility::Plausibility(core::LedgerStore& store, const core::RegionIndex& regions,
                           const gis::CrsTransform& transform, std::string file, std::string layer, ImportReport& report)
    : m_store(store), m_regions(regions), m_transform(transform), m_file(std::move(file)), m_layer(std::move(layer)),
      m_report(report)
{
}

void Plausibility::warn(std::int64_t fid, std::string message)
{
    m_report.warnings.push_back(Warning{m_file, m_layer, fid, std::move(message)});
}

void Plausibility::check_layer()
{
    if (m_transform.is_ballpark())
        warn(-1, fmt::format("PROJ knows no datum shift from '{}' to WGS 84 and applies none ({}); positions may be "
                             "off by hundreds of metres: give the file in a CRS with a known transformation",
                             m_transform.source_name(), m_transform.operation()));
}

void Plausibility::check_location(std::int64_t fid, const gis::Geometry& g)
{
    if (g.is_empty()) return;
    const gis::Envelope box = g.envelope();
    if (const auto& use = m_transform.area_of_use(); use && !m_transform.is_noop()) {
        const double margin = 0.5; // degrees: areas of use are drawn loosely
        if (box.min_x < use->min_x - margin || box.max_x > use->max_x + margin || box.min_y < use->min_y - margin ||
            box.max_y > use->max_y + margin)
            warn(fid, fmt::format("lies outside the area of use of '{}' ({:.1f}..{:.1f}°E, {:.1f}..{:.1f}°N): is the CRS "
                                  "right?",
                                  m_transform.source_name(), use->min_x, use->max_x, use->min_y, use->max_y));
    }
    if (!m_regions.empty() && m_regions.home_of(g).empty())
        warn(fid, "lies outside every region of the country: check the coordinates and the CRS");
    // A 128-bit hash of the WKB stands for the geometry, remembered in the database.
    const std::string wkb = g.to_wkb();
    std::string digest(16, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                       reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size(), nullptr, 0);
    std::string hex;
    for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
    if (const auto first = m_store.seen_before("geometry:" + hex, fid))
        warn(fid, fmt::format("has the same geometry as feature {}", *first));
}

void Plausibility::check_hazard(std::int64_t fid, const core::HazardRecord& r)
{
    check_location(fid, r.geometry);
    if (r.declared_m2) {
        const double area = r.geometry.area_m2();
        if (area > 0 && std::fabs(*r.declared_m2 - area) > declared_area_tolerance * area)
            warn(fid, fmt::format("declared area {:.0f} m² is {:+.0f} % off the measured {:.0f} m² (geodesic)",
                                  *r.declared_m2, 100.0 * (*r.declared_m2 - area) / area, area));
    }
    // Overlap with other open hazardous areas: a duplicate survey, or a polygon drawn too wide.
    std::string overlaps;
    for (const auto& [id, wkb] : m_store.open_hazards_near(r.geometry.envelope())) {
        if (id == r.hazard_id || id == r.parent_id) continue; // itself, or the parent it was derived from
        const double shared = gis::Geometry::from_wkb(wkb).intersection(r.geometry).area_m2();
        if (shared >= core::closed_below_m2)
            overlaps += fmt::format("{}{} ({:.0f} m²)", overlaps.empty() ? "" : ", ", id, shared);
    }
    if (!overlaps.empty()) warn(fid, "overlaps open hazardous areas " + overlaps);
}

void Plausibility::check_activity(std::int64_t fid, const core::ActivityRecord& r)
{
    check_location(fid, r.geometry);
    const double area = r.geometry.area_m2();
    const std::int64_t items = r.items.submunitions + r.items.ap_mines + r.items.av_mines + r.items.other_erw;
    if (r.method != core::Method::EOD && area > 0 && items / (area / 10000.0) > plausible_items_per_hectare)
        warn(fid, fmt::format("{} items destroyed on {:.0f} m² is {:.0f} per hectare: check the counts and the polygon",
                              items, area, items / (area / 10000.0)));
}

} // namespace cims::importers
