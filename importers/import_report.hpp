// SPDX-License-Identifier: GPL-3.0-or-later
// ImportReport: what an import accepted, rejected, repaired and warns about, per feature.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace cims::importers {

/// One rejected feature (or a whole layer when fid is -1), said so the sender can fix it.
struct Rejection {
    std::string file;
    std::string layer;
    std::int64_t fid = -1;
    std::string field;
    std::string value;
    std::string reason;
    std::string fix;
};

struct Repair {
    std::string file;
    std::string layer;
    std::int64_t fid;
    double area_before_m2;
    double area_after_m2;
    std::string reason; // GEOS's reason for invalidity
};

struct Warning {
    std::string file;
    std::string layer;
    std::int64_t fid = -1;
    std::string message;
};

struct LayerSummary {
    std::string file;
    std::string layer;
    std::string kind;
    std::string crs;       // source CRS name
    std::string operation; // PROJ operation used
    double accuracy_m = -1; // its accuracy as PROJ states it; negative when unknown
    std::int64_t features = 0;
    bool already_imported = false;
};

struct ImportReport {
    std::int64_t accepted = 0;
    std::int64_t unchanged = 0;
    std::vector<Rejection> rejected;
    std::vector<Repair> repaired;
    std::vector<Warning> warnings;
    std::vector<LayerSummary> layers;
    bool written = false; // false: the database was left as it was

    nlohmann::json to_json() const;
    /// A readable summary for a terminal: counts, then every rejection with its fix.
    std::string summary() const;
};

} // namespace cims::importers
