// SPDX-License-Identifier: GPL-3.0-or-later
// VectorSource: RAII over a GDAL vector dataset, read feature by feature as plain values (GDAL
// types stay inside gis/).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cims::gis {

/// One feature as plain values: fields by lower-case name (nullopt when unset or null; dates as
/// ISO 8601), geometry as ISO WKB in the layer's CRS (empty when the feature has none).
struct SourceFeature {
    std::int64_t fid = -1;
    std::map<std::string, std::optional<std::string>> fields;
    std::string wkb;
};

struct SourceLayer {
    std::string name;
    std::vector<std::string> field_names; // as in the file
    std::string crs_definition;           // "EPSG:n" when identified, else WKT2; empty when none
    std::string crs_name;
    std::int64_t feature_count = -1;      // -1 when the driver cannot tell cheaply
};

class VectorSource {
public:
    /// Opens a vector dataset read-only. `open_options` are GDAL open options ("ENCODING=CP1252").
    /// \throws std::runtime_error naming the file and GDAL's reason.
    VectorSource(const std::string& path, const std::vector<std::string>& open_options = {});
    ~VectorSource();
    VectorSource(const VectorSource&) = delete;
    VectorSource& operator=(const VectorSource&) = delete;

    const std::vector<SourceLayer>& layers() const noexcept { return m_layers; }
    /// Calls `visit` for every feature of the layer, in file order.
    void read(const std::string& layer, const std::function<void(SourceFeature&&)>& visit);
    /// GDAL warnings collected while reading (e.g. encoding recoding failures).
    std::vector<std::string> take_warnings();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::vector<SourceLayer> m_layers;
};

} // namespace cims::gis
