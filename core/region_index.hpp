// SPDX-License-Identifier: GPL-3.0-or-later
// RegionIndex: finds the home region of a geometry (design.md §3).
#pragma once

#include "gis/envelope_index.hpp"
#include "gis/geometry.hpp"

#include <string>
#include <vector>

namespace cims::core {

struct Region {
    std::string code;
    std::string name;
    gis::Geometry geometry;
};

/// The admin regions, prepared for repeated look-ups. With no regions everything is in "".
class RegionIndex {
public:
    explicit RegionIndex(std::vector<Region> regions);

    /// The region with the largest geodesic intersection with `g`, ties by region code; a point
    /// goes to the first region (by code) that covers it; "" when none intersects.
    std::string home_of(const gis::Geometry& g) const;
    bool empty() const noexcept { return m_regions.empty(); }

private:
    std::vector<std::string> m_codes;
    std::vector<gis::PreparedGeometry> m_regions;
    gis::EnvelopeIndex m_index;
};

} // namespace cims::core
