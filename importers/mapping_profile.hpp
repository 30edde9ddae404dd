// SPDX-License-Identifier: GPL-3.0-or-later
// MappingProfile: adapts an operator's file to the interchange schema without editing the file
// (design.md §4).
#pragma once

#include "gis/vector_source.hpp"

#include <map>
#include <optional>
#include <string>

namespace cims::importers {

struct MappingProfile {
    std::string kind;                                          // "hazards" | "activities" | "education" | "" (infer)
    std::map<std::string, std::string> fields;                 // schema field → file field, or "@fid"
    std::map<std::string, std::map<std::string, std::string>> values; // schema field → file value → schema value
    std::map<std::string, std::string> constants;              // schema field → value when the file lacks it
    std::string date_format;                                   // strptime format; empty: ISO 8601
    std::string crs;                                           // used only when the file declares none
    std::string id_prefix;                                     // prefix of ids taken from "@fid"
    /// Where a CSV keeps its geometry: {"wkt": "FIELD"} or {"lon": "X", "lat": "Y"}. Empty: the
    /// conventional column names (gis::CsvGeometry). Other formats carry their own geometry.
    gis::CsvGeometry geometry;

    /// Reads a profile. \throws std::runtime_error naming the file, the key and what is expected.
    static MappingProfile load(const std::string& path);
    /// Parses a profile from JSON text; `origin` names it in errors.
    static MappingProfile parse(const std::string& json_text, const std::string& origin);

    /// The file field for a schema field: the mapped one, else the schema name itself.
    std::string source_of(const std::string& schema_field) const;
    /// A value after the profile's value map (unchanged when not mapped).
    std::string map_value(const std::string& schema_field, const std::string& value) const;
};

} // namespace cims::importers
