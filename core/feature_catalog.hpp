// SPDX-License-Identifier: GPL-3.0-or-later
// FeatureCatalog: the ledger's facts and states as feature collections (hazards, activities,
// releases, regions) for map clients: filtered by a box and dates, paged, one item by id, and each
// collection's extent. The HTTP layer (server/ogc_api) formats what this returns; SQL stays here.
#pragma once

#include "core/domain.hpp"
#include "gis/geometry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cims::core {

enum class FeatureCollection { hazards, activities, releases, regions };
inline constexpr FeatureCollection feature_collections[] = {FeatureCollection::hazards, FeatureCollection::activities,
                                                            FeatureCollection::releases, FeatureCollection::regions};
std::string_view to_string(FeatureCollection c);
std::optional<FeatureCollection> parse_feature_collection(std::string_view name);

/// A property value: null, text, integer or number.
using PropertyValue = std::variant<std::monostate, std::string, std::int64_t, double>;

struct Feature {
    std::string id;
    std::string geometry_wkb; // WKB in OGC:CRS84; empty = null geometry
    std::vector<std::pair<std::string, PropertyValue>> properties;
};

/// A closed date range; an open end is nullopt. An instant has from == to.
struct DateRange {
    std::optional<Date> from, to;
};

struct FeatureQuery {
    /// Features whose geometry's bounding box meets this box (lon/lat); none: every feature. A
    /// feature without geometry never meets a box.
    std::optional<gis::Envelope> bbox;
    /// hazards: the state as of `to` (the current state when open), features with something
    /// remaining then; activities: the activity's [start, end] dates meet the range; releases: the
    /// credit's date lies in it; regions carry no date and ignore it.
    std::optional<DateRange> datetime;
    std::int64_t limit = 100;
    std::int64_t offset = 0;
};

struct FeaturePage {
    std::int64_t number_matched = 0; // every feature the filters select, across pages
    std::vector<Feature> features;   // in a stable order (by id), `limit` at most
};

struct CollectionExtent {
    std::optional<gis::Envelope> bbox;   // none when the collection has no geometry
    std::optional<std::string> begin, end; // dates (YYYY-MM-DD); none = unknown or open
};

class FeatureCatalog {
public:
    virtual ~FeatureCatalog() = default;

    /// \throws std::invalid_argument when the query cannot be answered (a date range that ends
    /// before it begins).
    virtual FeaturePage items(FeatureCollection collection, const FeatureQuery& query) = 0;
    /// One feature by its id, in its current state (a hazardous area whose land is all released
    /// has a null geometry); nullopt when no feature has that id.
    virtual std::optional<Feature> item(FeatureCollection collection, const std::string& id) = 0;
    virtual CollectionExtent extent(FeatureCollection collection) = 0;
};

} // namespace cims::core
