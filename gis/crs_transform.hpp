// SPDX-License-Identifier: GPL-3.0-or-later
// CrsTransform: a PROJ transformation from any CRS to the canonical OGC:CRS84 (lon, lat).
#pragma once

#include "gis/geometry.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace cims::gis {

/// Owns a PROJ context (network off: field kits run offline) and one transformation from the
/// source CRS to OGC:CRS84, normalised to x = easting/longitude, y = northing/latitude on both
/// sides, which is how GDAL hands coordinates over.
/// Contract: used on one thread at a time (PROJ contexts are not thread-safe).
class CrsTransform {
public:
    /// \param source_crs anything PROJ reads: "EPSG:32648", WKT1/WKT2, PROJJSON.
    /// \throws CrsError with PROJ's own message when the CRS or the transformation cannot be built.
    explicit CrsTransform(const std::string& source_crs);
    ~CrsTransform();
    CrsTransform(CrsTransform&&) noexcept;
    CrsTransform& operator=(CrsTransform&&) noexcept;

    /// Name of the source CRS as PROJ knows it ("WGS 84 / UTM zone 48N").
    const std::string& source_name() const noexcept;
    /// Description of the PROJ operation ("Inverse of UTM zone 48N + ..."). When PROJ keeps several
    /// candidates and picks one per point by area of use, the ones used so far, joined by "; ".
    std::string operation() const;
    /// Accuracy of the operation in metres as PROJ states it (the worst of those used), negative
    /// when unknown.
    double accuracy_m() const noexcept;
    /// True when the source already is lon/lat WGS 84 and coordinates pass unchanged.
    bool is_noop() const noexcept;
    /// True when PROJ knows no datum shift and applies none ("Ballpark geographic offset"): positions
    /// may then be off by hundreds of metres.
    bool is_ballpark() const;
    /// Where the source CRS may be used, in lon/lat degrees, when PROJ knows it.
    const std::optional<Envelope>& area_of_use() const noexcept;

    /// Transforms n points in place.
    /// \throws CrsError naming the first point that failed and PROJ's reason.
    void apply(double* x, double* y, std::size_t n) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace cims::gis
