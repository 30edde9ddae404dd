// SPDX-License-Identifier: GPL-3.0-or-later
#include "mapping_profile.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace cims::importers {

namespace {
const std::set<std::string> known_keys = {"kind",        "fields", "values",    "constants",
                                          "date_format", "crs",    "id_prefix", "geometry"};

std::string as_text(const nlohmann::json& v)
{
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) return v.dump();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    throw std::runtime_error("a string or number");
}

std::map<std::string, std::string> string_map(const nlohmann::json& obj, const std::string& origin, const std::string& key)
{
    if (!obj.is_object())
        throw std::runtime_error("mapping profile '" + origin + "': \"" + key +
                                 "\" must be an object of \"name\": \"value\" pairs");
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : obj.items()) {
        try {
            out[k] = as_text(v);
        } catch (const std::runtime_error&) {
            throw std::runtime_error("mapping profile '" + origin + "': \"" + key + "\".\"" + k +
                                     "\" must be a string or a number, not " + v.dump());
        }
    }
    return out;
}
/// "geometry": {"wkt": "FIELD"} or {"lon": "X", "lat": "Y"}: the columns of a CSV holding geometry.
gis::CsvGeometry geometry_columns(const nlohmann::json& obj, const std::string& origin)
{
    const std::string expected = "; expected {\"wkt\": \"COLUMN\"} for a column of WKT geometries, or "
                                 "{\"lon\": \"COLUMN\", \"lat\": \"COLUMN\"} for longitude and latitude columns";
    const std::string where = "mapping profile '" + origin + "': \"geometry\"";
    if (!obj.is_object()) throw std::runtime_error(where + " must be an object, not " + obj.dump() + expected);
    gis::CsvGeometry g;
    for (const auto& [k, v] : obj.items()) {
        std::string* slot = k == "wkt" ? &g.wkt : k == "lon" ? &g.lon : k == "lat" ? &g.lat : nullptr;
        if (!slot) throw std::runtime_error(where + " has an unknown key \"" + k + "\"" + expected);
        if (!v.is_string() || v.get<std::string>().empty())
            throw std::runtime_error(where + ".\"" + k + "\" must name a column (a non-empty string), not " + v.dump());
        *slot = v.get<std::string>();
    }
    if (g.empty()) throw std::runtime_error(where + " is empty" + expected);
    if (!g.wkt.empty() && (!g.lon.empty() || !g.lat.empty()))
        throw std::runtime_error(where + " names both a WKT column and longitude/latitude columns: keep one" + expected);
    if (g.wkt.empty() && (g.lon.empty() || g.lat.empty()))
        throw std::runtime_error(where + " names " + (g.lon.empty() ? "a latitude column but no longitude column (\"lon\")"
                                                                  : "a longitude column but no latitude column (\"lat\")") +
                                 expected);
    if (!g.lon.empty() && g.lon == g.lat)
        throw std::runtime_error(where + " names the same column '" + g.lon + "' for longitude and latitude" + expected);
    return g;
}
} // namespace

MappingProfile MappingProfile::load(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read mapping profile '" + path + "': check the path");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path);
}

MappingProfile MappingProfile::parse(const std::string& json_text, const std::string& origin)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error("mapping profile '" + origin + "' is not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw std::runtime_error("mapping profile '" + origin + "' must be a JSON object");
    for (const auto& [k, v] : j.items())
        if (!known_keys.count(k))
            throw std::runtime_error("mapping profile '" + origin + "': unknown key \"" + k +
                                     "\"; expected kind, fields, values, constants, date_format, crs or id_prefix "
                                     "(or geometry, for a CSV)");
    MappingProfile p;
    auto text = [&](const char* key) -> std::string {
        if (!j.contains(key)) return {};
        if (!j[key].is_string())
            throw std::runtime_error("mapping profile '" + origin + "': \"" + key + "\" must be a string");
        return j[key].get<std::string>();
    };
    p.kind = text("kind");
    if (!p.kind.empty() && p.kind != "hazards" && p.kind != "activities" && p.kind != "education")
        throw std::runtime_error("mapping profile '" + origin + "': \"kind\" is \"" + p.kind +
                                 "\"; expected \"hazards\", \"activities\" or \"education\"");
    p.date_format = text("date_format");
    p.crs = text("crs");
    p.id_prefix = text("id_prefix");
    if (j.contains("fields")) p.fields = string_map(j["fields"], origin, "fields");
    if (j.contains("constants")) p.constants = string_map(j["constants"], origin, "constants");
    if (j.contains("geometry")) p.geometry = geometry_columns(j["geometry"], origin);
    if (j.contains("values")) {
        if (!j["values"].is_object())
            throw std::runtime_error("mapping profile '" + origin + "': \"values\" must be an object");
        for (const auto& [field, table] : j["values"].items())
            p.values[field] = string_map(table, origin, "values." + field);
    }
    return p;
}

std::string MappingProfile::source_of(const std::string& schema_field) const
{
    const auto it = fields.find(schema_field);
    return it == fields.end() ? schema_field : it->second;
}

std::string MappingProfile::map_value(const std::string& schema_field, const std::string& value) const
{
    const auto table = values.find(schema_field);
    if (table == values.end()) return value;
    const auto it = table->second.find(value);
    return it == table->second.end() ? value : it->second;
}

} // namespace cims::importers
