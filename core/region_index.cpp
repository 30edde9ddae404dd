// SPDX-License-Identifier: GPL-3.0-or-later
#include "region_index.hpp"

#include <algorithm>
#include <numeric>

namespace cims::core {

RegionIndex::RegionIndex(std::vector<Region> regions)
{
    std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.code < b.code; });
    for (Region& r : regions) {
        m_codes.push_back(r.code);
        m_regions.emplace_back(std::move(r.geometry));
        m_index.insert(m_regions.back().envelope(), m_regions.size() - 1);
    }
}

std::string RegionIndex::home_of(const gis::Geometry& g) const
{
    if (m_regions.empty() || g.is_empty()) return "";
    const auto candidates = m_index.query(g.envelope()); // ascending index = ascending code
    const bool areal = g.kind() == gis::GeometryKind::polygon;
    std::string best;
    double best_area = 0;
    for (std::size_t i : candidates) {
        const auto& region = m_regions[i];
        if (!region.intersects(g)) continue;
        if (!areal) return m_codes[i];
        // Most hazardous areas lie inside one region: then the intersection is g itself.
        const double area = region.covers(g) ? g.area_m2() : region.geometry().intersection(g).area_m2();
        if (area > best_area) { // strict: on a tie the lower code, seen first, stays
            best_area = area;
            best = m_codes[i];
        }
    }
    return best;
}

} // namespace cims::core
