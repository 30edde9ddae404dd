// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAPI 3.0 description of the REST routes in rest_api.cpp; keep the two in step.
#include "server/rest_api.hpp"

namespace cims::server {
namespace {

using nlohmann::json;

json error_responses(std::initializer_list<int> statuses)
{
    json out = json::object();
    for (int status : statuses)
        out[std::to_string(status)] = {{"description", "error"},
                                       {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    return out;
}

json operation(const std::string& summary, const std::string& tag, json ok, std::initializer_list<int> errors,
               json parameters = json::array(), json body = nullptr)
{
    json op{{"summary", summary}, {"tags", {tag}}, {"parameters", parameters}};
    json responses = error_responses(errors);
    for (auto& [status, response] : ok.items()) responses[status] = response;
    op["responses"] = responses;
    if (!body.is_null()) op["requestBody"] = body;
    return op;
}

json query(const std::string& name, const std::string& description, const std::string& type = "string")
{
    return {{"name", name}, {"in", "query"}, {"required", false}, {"description", description}, {"schema", {{"type", type}}}};
}

json path_id()
{
    return {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}};
}

json json_ok(const std::string& status = "200")
{
    return {{status, {{"description", "success"}, {"content", {{"application/json", json::object()}}}}}};
}

json json_body(json properties, json required)
{
    return {{"required", true},
            {"content",
             {{"application/json",
               {{"schema", {{"type", "object"}, {"properties", properties}, {"required", required}}}}}}}};
}

} // namespace

json rest_openapi_paths()
{
    const json str{{"type", "string"}};
    json paths;
    paths["/api/v1/login"]["post"] = operation(
        "Log in: a bearer token valid for 12 hours", "authentication",
        {{"200", {{"description", "token"}, {"content", {{"application/json", json::object()}}}}}}, {400, 401, 429},
        json::array(), json_body({{"name", str}, {"password", str}}, {"name", "password"}));
    paths["/api/v1/login"]["post"]["security"] = json::array();
    paths["/api/v1/me"]["get"] = operation("The authenticated user", "authentication", json_ok(), {401});
    paths["/api/v1/submissions"]["get"] = operation(
        "Submissions, newest first (an operator or viewer sees its own organisation's)", "submissions", json_ok(), {401});
    paths["/api/v1/submissions"]["post"] = operation(
        "Upload a file (zip, GeoPackage, GeoJSON, KML, CSV, or multipart parts 'file' and 'mapping'): it is validated "
        "without touching national data and stored with its report",
        "submissions", json_ok("201"), {400, 401, 403, 413, 415},
        {query("kind", "hazards | activities | education (inferred from the fields when absent)"),
         query("layer", "layer to read"), query("encoding", "text encoding of the attributes"),
         query("partial", "true: keep the valid features when some are rejected"),
         query("filename", "the file's name, which picks the reader (e.g. tasks.zip)"),
         query("organisation", "(authority only) the organisation the submission is for")},
        {{"required", true},
         {"content",
          {{"application/zip", json::object()},
           {"application/geopackage+sqlite3", json::object()},
           {"application/geo+json", json::object()},
           {"application/vnd.google-earth.kml+xml", json::object()},
           {"text/csv", json::object()},
           {"multipart/form-data", json::object()}}}});
    paths["/api/v1/submissions/{id}"]["get"] =
        operation("A submission with its validation report", "submissions", json_ok(), {401, 404}, {path_id()});
    paths["/api/v1/submissions/{id}/approve"]["post"] = operation(
        "Import the submission into national data, in one transaction (analyst, admin)", "submissions", json_ok(),
        {401, 403, 404, 409}, {path_id()});
    paths["/api/v1/submissions/{id}/reject"]["post"] =
        operation("Refuse the submission with a reason (analyst, admin)", "submissions", json_ok(), {400, 401, 403, 404, 409},
                  {path_id()}, json_body({{"why", str}}, {"why"}));
    paths["/api/v1/reports/action24"]["get"] = operation(
        "Action 24 annual figures", "reports", json_ok(), {400, 401, 404},
        {query("year", "report year (default: the latest)", "integer"),
         query("contamination", "CMR (default), AP, AV, ERW, IED or UNKNOWN"), query("format", "json, csv or table")});
    paths["/api/v1/reports/article7"]["get"] = operation(
        "Article 7 annex tables (Form F, Form G), per region and nationally", "reports", json_ok(), {400, 401, 404},
        {query("year", "report year (default: the latest)", "integer"),
         query("contamination", "CMR (default, CCM) or AP (APMBC)"), query("format", "json, csv, xlsx or html"),
         query("unit", "m2 (default) or km2")});
    paths["/api/v1/reports/forecast"]["get"] = operation(
        "Completion forecast (Action 19) against the configured deadline", "reports", json_ok(), {400, 401, 404},
        {query("year", "last year of data (default: the latest)", "integer"),
         query("years", "years the release rate is averaged over (default 3)", "integer"),
         query("contamination", "CMR (default) or AP"), query("format", "json, csv, xlsx or html"),
         query("unit", "m2 (default) or km2")});
    paths["/api/v1/exports"]["get"] = operation(
        "Remaining hazardous areas as of a date, released parts and regions: a GeoPackage, or a zip of GeoJSON "
        "files or shapefiles",
        "exports", {{"200", {{"description", "the export"}, {"content", {{"application/geopackage+sqlite3", json::object()}, {"application/zip", json::object()}}}}}},
        {400, 401}, {query("at", "the date of the state, YYYY-MM-DD"), query("format", "gpkg (default), geojson or shp")});
    paths["/api/v1/users"]["get"] = operation("Users (admin)", "users", json_ok(), {401, 403});
    paths["/api/v1/users"]["post"] = operation(
        "Add a user (admin)", "users", json_ok("201"), {400, 401, 403, 409}, json::array(),
        json_body({{"name", str}, {"organisation", str}, {"role", {{"type", "string"}, {"enum", {"admin", "analyst", "operator", "viewer"}}}},
                   {"password", str}},
                  {"name", "organisation", "role", "password"}));
    paths["/api/v1/users/{name}/api-keys"]["post"] = operation(
        "A new API key for a user, shown once (admin)", "users", json_ok("201"), {400, 401, 403},
        {{{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", str}}});
    paths["/api/v1/organisations"]["get"] = operation("Organisations (admin)", "users", json_ok(), {401, 403});
    paths["/api/v1/organisations"]["post"] = operation("Add an organisation (admin)", "users", json_ok("201"),
                                                       {400, 401, 403, 409}, json::array(),
                                                       json_body({{"name", str}}, {"name"}));
    paths["/api/v1/audit"]["get"] = operation("The audit trail, oldest first (admin)", "audit", json_ok(), {400, 401, 403},
                                              {query("after", "entries after this id", "integer"),
                                               query("limit", "at most this many (1 to 10000)", "integer")});
    paths["/api/v1/openapi.json"]["get"] = operation("This document", "api", json_ok(), {});
    return paths;
}

} // namespace cims::server
