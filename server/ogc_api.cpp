// SPDX-License-Identifier: GPL-3.0-or-later
// OGC API – Features handlers: parse the parameters, ask the store's FeatureCatalog, format. Every
// href is absolute (ctx.base_url) and carries its media type; paging is by offset, and the next
// and prev links repeat every filter of the request.
#include "server/ogc_api.hpp"

#include "server/api_error.hpp"
#include "server/geojson_writer.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <string_view>

namespace cims::server {

namespace {

using core::FeatureCollection;

constexpr const char* json_type = "application/json";
constexpr const char* geojson_type = "application/geo+json";
constexpr const char* openapi_type = "application/vnd.oai.openapi+json;version=3.0";
constexpr const char* crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
constexpr const char* gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

const char* const conformance_classes[] = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
};

struct CollectionInfo {
    FeatureCollection id;
    const char* title;
    const char* description;
};

const CollectionInfo collections[] = {
    {FeatureCollection::hazards, "Hazardous areas",
     "The remaining (not yet released) part of each suspected or confirmed hazardous area. Without datetime: the "
     "current state; with datetime: the state as of that date (of the end of an interval)."},
    {FeatureCollection::activities, "Activities",
     "Non-technical survey, technical survey, clearance and EOD spot tasks, with their dates, organisation and "
     "items destroyed; datetime selects the activities whose dates meet it."},
    {FeatureCollection::releases, "Land released",
     "The area each activity released from each hazardous area (cancelled, reduced, cleared), as credited by the "
     "land-release ledger; datetime selects by the date of release."},
    {FeatureCollection::regions, "Regions",
     "The administrative regions that disaggregate the figures; they carry no date, datetime does not filter them."},
};

std::string now_rfc3339()
{
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

nlohmann::json link(const std::string& href, const std::string& rel, const std::string& type, const std::string& title = "")
{
    nlohmann::json l{{"href", href}, {"rel", rel}, {"type", type}};
    if (!title.empty()) l["title"] = title;
    return l;
}

Response json_response(const nlohmann::json& body)
{
    Response r;
    r.content_type = json_type;
    r.body = body.dump();
    return r;
}

/// Every parameter of the request must be one of `allowed`; `f` may only ask for JSON.
void check_parameters(const Request& request, std::initializer_list<std::string_view> allowed, bool geojson)
{
    for (const auto& [name, value] : request.query) {
        if (name == "f") {
            if (value == "json" || (geojson && value == "geojson")) continue;
            throw bad_request("f", "f='" + value + "' is not an encoding of this server: use f=json" +
                                       (geojson ? " (or f=geojson)" : "") + ", or leave f out");
        }
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
        std::string known;
        for (std::string_view a : allowed) known += std::string(a) + ", ";
        known += "f";
        throw bad_request(name, "unknown parameter '" + name + "'" +
                                    (allowed.size() ? "; this resource takes " + known : "; this resource takes only f"));
    }
}

std::optional<std::int64_t> parse_integer(const std::string& text)
{
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_number(std::string_view text)
{
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// bbox=minx,miny,maxx,maxy or minx,miny,minz,maxx,maxy,maxz (heights are ignored), in CRS84.
gis::Envelope parse_bbox(const std::string& text)
{
    std::vector<double> v;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string_view part = std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto number = parse_number(part);
        if (!number)
            throw bad_request("bbox", "bbox='" + text + "': '" + std::string(part) +
                                          "' is not a number; give minx,miny,maxx,maxy in degrees (CRS84)");
        v.push_back(*number);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (v.size() != 4 && v.size() != 6)
        throw bad_request("bbox", "bbox='" + text + "' has " + std::to_string(v.size()) +
                                      " numbers; give 4 (minx,miny,maxx,maxy) or 6 (minx,miny,minz,maxx,maxy,maxz)");
    gis::Envelope box = v.size() == 4 ? gis::Envelope{v[0], v[1], v[2], v[3]} : gis::Envelope{v[0], v[1], v[3], v[4]};
    if (box.min_y > box.max_y)
        throw bad_request("bbox", "bbox='" + text + "': the southern latitude is north of the northern one; give "
                                  "minx,miny,maxx,maxy");
    if (box.min_x > box.max_x)
        throw bad_request("bbox", "bbox='" + text + "' crosses the antimeridian (minx > maxx), which this server does "
                                  "not support; send one request for each side");
    return box;
}

/// One end of a datetime: an RFC 3339 date or date-time (its date is used), or ".." / "" for open.
std::optional<core::Date> parse_datetime_end(const std::string& all, const std::string& text)
{
    if (text.empty() || text == "..") return std::nullopt;
    const bool shape = text.size() >= 10 && text[4] == '-' && text[7] == '-' &&
                       (text.size() == 10 || ((text[10] == 'T' || text[10] == 't') && text.size() >= 20));
    const auto date = shape ? core::parse_iso_date(text) : std::nullopt;
    if (!date)
        throw bad_request("datetime", "datetime='" + all + "': '" + text +
                                          "' is not an RFC 3339 date or date-time; give 2024-12-31, "
                                          "2024-12-31T00:00:00Z, or an interval 2024-01-01/2024-12-31 (.. for an open end)");
    return date;
}

core::DateRange parse_datetime(const std::string& text)
{
    core::DateRange range;
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos) {
        range.from = range.to = parse_datetime_end(text, text);
        if (!range.from)
            throw bad_request("datetime", "datetime='" + text + "' is open on both sides; give a date or an interval");
        return range;
    }
    range.from = parse_datetime_end(text, text.substr(0, slash));
    range.to = parse_datetime_end(text, text.substr(slash + 1));
    if (!range.from && !range.to)
        throw bad_request("datetime", "datetime='" + text + "' is open on both sides; leave datetime out instead");
    if (range.from && range.to && *range.to < *range.from)
        throw bad_request("datetime", "datetime='" + text + "' ends before it begins");
    return range;
}

/// The path split into at most 4 parts: "collections", {id}, "items", {fid}. The feature id is
/// the rest of the path (an id may hold a '/', sent as %2F). A trailing slash is ignored.
std::vector<std::string> split_path(const std::string& path)
{
    std::vector<std::string> parts;
    std::size_t start = 1;
    while (start <= path.size()) {
        if (parts.size() == 3) {
            parts.push_back(path.substr(start));
            break;
        }
        const std::size_t slash = path.find('/', start);
        parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (!parts.empty() && parts.back().empty()) parts.pop_back();
    return parts;
}

nlohmann::json extent_json(const core::CollectionExtent& e)
{
    nlohmann::json out = nlohmann::json::object();
    if (e.bbox)
        out["spatial"] = {{"bbox", nlohmann::json::array({nlohmann::json::array(
                                       {e.bbox->min_x, e.bbox->min_y, e.bbox->max_x, e.bbox->max_y})})},
                          {"crs", crs84}};
    if (e.begin || e.end) {
        auto stamp = [](const std::optional<std::string>& d) -> nlohmann::json {
            if (!d) return nullptr;
            return *d + "T00:00:00Z";
        };
        out["temporal"] = {{"interval", nlohmann::json::array({nlohmann::json::array({stamp(e.begin), stamp(e.end)})})},
                           {"trs", gregorian}};
    }
    return out;
}

nlohmann::json collection_json(const CollectionInfo& c, core::FeatureCatalog& catalog, const std::string& base)
{
    const std::string id(core::to_string(c.id));
    const std::string href = base + "/collections/" + id;
    nlohmann::json out{{"id", id},
                       {"title", c.title},
                       {"description", c.description},
                       {"itemType", "feature"},
                       {"crs", nlohmann::json::array({crs84})},
                       {"links",
                        {link(href, "self", json_type, c.title), link(href + "/items", "items", geojson_type, c.title)}}};
    const nlohmann::json extent = extent_json(catalog.extent(c.id));
    if (!extent.empty()) out["extent"] = extent;
    return out;
}

const CollectionInfo& collection_of(const std::string& id)
{
    if (const auto c = core::parse_feature_collection(id))
        for (const CollectionInfo& info : collections)
            if (info.id == *c) return info;
    throw ApiError(404, "not_found",
                   "no collection '" + id + "': the collections are hazards, activities, releases and regions", "");
}

Response landing(const Request& request, const std::string& base)
{
    check_parameters(request, {}, false);
    return json_response(
        {{"title", "cims: clearance information management system"},
         {"description", "Hazardous areas, land release and clearance activities as OGC API – Features."},
         {"links",
          {link(base + "/", "self", json_type, "This document"),
           link(base + "/api", "service-desc", openapi_type, "The API definition (OpenAPI 3.0)"),
           link(base + "/conformance", "conformance", json_type, "Conformance classes implemented"),
           link(base + "/collections", "data", json_type, "The feature collections")}}});
}

Response conformance(const Request& request, const std::string& base)
{
    check_parameters(request, {}, false);
    return json_response({{"links", {link(base + "/conformance", "self", json_type)}},
                          {"conformsTo", conformance_classes}});
}

Response collection_list(const Request& request, RequestContext& ctx)
{
    check_parameters(request, {}, false);
    nlohmann::json list = nlohmann::json::array();
    for (const CollectionInfo& c : collections) list.push_back(collection_json(c, ctx.store.features(), ctx.base_url));
    return json_response({{"links", {link(ctx.base_url + "/collections", "self", json_type)}}, {"collections", list}});
}

/// The items request with `limit` and `offset` replaced: every other parameter stays as sent.
std::string items_href(const std::string& base, const Request& request, std::int64_t limit, std::int64_t offset)
{
    std::string href = base + "?";
    for (const auto& [name, value] : request.query) {
        if (name == "limit" || name == "offset") continue;
        href += url_encode(name) + "=" + url_encode(value) + "&";
    }
    href += "limit=" + std::to_string(limit);
    if (offset > 0) href += "&offset=" + std::to_string(offset);
    return href;
}

Response items(const Request& request, RequestContext& ctx, const CollectionInfo& c)
{
    check_parameters(request, {"bbox", "bbox-crs", "datetime", "limit", "offset"}, true);
    if (const auto crs = request.param("bbox-crs"); crs && *crs != crs84)
        throw bad_request("bbox-crs", "bbox-crs='" + *crs + "' is not supported: give bbox in longitude/latitude (" +
                                          crs84 + ") and leave bbox-crs out");
    core::FeatureQuery query;
    if (const auto bbox = request.param("bbox")) query.bbox = parse_bbox(*bbox);
    if (const auto datetime = request.param("datetime")) query.datetime = parse_datetime(*datetime);
    query.limit = ctx.settings.default_limit;
    if (const auto limit = request.param("limit")) {
        const auto n = parse_integer(*limit);
        if (!n || *n < 1)
            throw bad_request("limit", "limit='" + *limit + "' is not a whole number of at least 1 (at most " +
                                           std::to_string(ctx.settings.max_limit) + " are returned)");
        query.limit = std::min<std::int64_t>(*n, ctx.settings.max_limit);
    }
    if (const auto offset = request.param("offset")) {
        const auto n = parse_integer(*offset);
        // The upper bound keeps offset + limit far from overflowing; no collection is that large.
        if (!n || *n < 0 || *n > (std::int64_t(1) << 53))
            throw bad_request("offset", "offset='" + *offset + "' is not a whole number from 0 to 2^53");
        query.offset = *n;
    }

    core::FeaturePage page;
    try {
        page = ctx.store.features().items(c.id, query);
    } catch (const std::invalid_argument& e) {
        throw bad_request("datetime", e.what());
    }

    const std::string id(core::to_string(c.id));
    const std::string collection_href = ctx.base_url + "/collections/" + id;
    const std::string base = collection_href + "/items";
    nlohmann::json links = nlohmann::json::array();
    links.push_back(link(items_href(base, request, query.limit, query.offset), "self", geojson_type, "This page"));
    const auto returned = std::int64_t(page.features.size());
    if (query.offset + returned < page.number_matched)
        links.push_back(link(items_href(base, request, query.limit, query.offset + query.limit), "next", geojson_type,
                             "Next page"));
    if (query.offset > 0)
        links.push_back(link(items_href(base, request, query.limit, std::max<std::int64_t>(0, query.offset - query.limit)),
                             "prev", geojson_type, "Previous page"));
    links.push_back(link(collection_href, "collection", json_type, c.title));

    Response r;
    r.content_type = geojson_type;
    r.body.reserve(4096 + page.features.size() * 2048);
    GeoJsonWriter out(r.body);
    out.raw(R"({"type":"FeatureCollection","features":[)");
    for (std::size_t i = 0; i < page.features.size(); ++i) {
        if (i) out.raw(",");
        out.feature(page.features[i]);
    }
    out.raw(R"(],"numberMatched":)");
    out.integer(page.number_matched);
    out.raw(R"(,"numberReturned":)");
    out.integer(returned);
    out.raw(R"(,"timeStamp":)");
    out.string(now_rfc3339());
    out.raw(R"(,"links":)");
    out.raw(links.dump());
    out.raw("}");
    return r;
}

Response item(const Request& request, RequestContext& ctx, const CollectionInfo& c, const std::string& fid)
{
    check_parameters(request, {}, true);
    const std::string id(core::to_string(c.id));
    const auto feature = ctx.store.features().item(c.id, fid);
    if (!feature) throw ApiError(404, "not_found", "no feature '" + fid + "' in collection '" + id + "'", "");
    const std::string collection_href = ctx.base_url + "/collections/" + id;
    const nlohmann::json links = {
        link(collection_href + "/items/" + url_encode(fid), "self", geojson_type, "This feature"),
        link(collection_href, "collection", json_type, c.title)};
    Response r;
    r.content_type = geojson_type;
    GeoJsonWriter out(r.body);
    out.feature(*feature, R"("links":)" + links.dump());
    return r;
}

} // namespace

std::optional<Response> handle_ogc(const Request& request, RequestContext& ctx)
{
    const std::vector<std::string> parts = split_path(request.path);
    enum class Resource { landing, conformance, collections, collection, items, item };
    Resource resource;
    if (parts.empty() && request.path == "/") resource = Resource::landing;
    else if (parts.size() == 1 && parts[0] == "conformance") resource = Resource::conformance;
    else if (parts.empty() || parts[0] != "collections") return std::nullopt;
    else if (parts.size() == 1) resource = Resource::collections;
    else if (parts.size() == 2) resource = Resource::collection;
    else if (parts[2] != "items") return std::nullopt;
    else resource = parts.size() == 3 ? Resource::items : Resource::item;
    if (request.method != "GET" && request.method != "HEAD")
        throw ApiError(405, "method_not_allowed", "the OGC API – Features resources are read-only: use GET", "");

    const std::string& base = ctx.base_url;
    switch (resource) {
    case Resource::landing: return landing(request, base);
    case Resource::conformance: return conformance(request, base);
    case Resource::collections: return collection_list(request, ctx);
    case Resource::collection: {
        const CollectionInfo& c = collection_of(parts[1]);
        check_parameters(request, {}, false);
        return json_response(collection_json(c, ctx.store.features(), base));
    }
    case Resource::items: return items(request, ctx, collection_of(parts[1]));
    case Resource::item: return item(request, ctx, collection_of(parts[1]), parts[3]);
    }
    return std::nullopt;
}

nlohmann::json ogc_openapi_paths()
{
    using nlohmann::json;
    const ServerSettings defaults;
    const json error_ref = {{"$ref", "#/components/schemas/Error"}};
    auto error = [&](const char* what) { return json{{"description", what}, {"content", {{json_type, {{"schema", error_ref}}}}}}; };
    auto f_param = [](bool geojson) {
        json values = geojson ? json{"json", "geojson"} : json{"json"};
        return json{{"name", "f"}, {"in", "query"}, {"required", false},
                    {"description", "The encoding; JSON (GeoJSON for features) is the only one."},
                    {"schema", {{"type", "string"}, {"enum", values}}}};
    };
    std::vector<std::string> ids;
    for (const CollectionInfo& c : collections) ids.emplace_back(core::to_string(c.id));
    const json collection_id = {{"name", "collectionId"}, {"in", "path"}, {"required", true},
                                {"schema", {{"type", "string"}, {"enum", ids}}}};
    const json ok_json = {{"description", "OK"}, {"content", {{json_type, {{"schema", {{"type", "object"}}}}}}}};
    const json ok_geojson = {{"description", "OK"}, {"content", {{geojson_type, {{"schema", {{"type", "object"}}}}}}}};
    auto get = [&](const char* id, const char* summary, json parameters, const json& ok, bool not_found) {
        json responses = {{"200", ok}, {"400", error("A parameter is unknown or malformed")}};
        if (not_found) responses["404"] = error("No such collection or feature");
        return json{{"get", {{"operationId", id}, {"summary", summary}, {"tags", {"OGC API – Features"}},
                             {"parameters", std::move(parameters)}, {"responses", responses}}}};
    };
    json items_parameters = {
        collection_id,
        {{"name", "bbox"}, {"in", "query"}, {"required", false}, {"style", "form"}, {"explode", false},
         {"description", "minx,miny,maxx,maxy (or with heights, 6 numbers) in longitude/latitude (CRS84)"},
         {"schema", {{"type", "array"}, {"minItems", 4}, {"maxItems", 6}, {"items", {{"type", "number"}}}}}},
        {{"name", "datetime"}, {"in", "query"}, {"required", false},
         {"description", "A date or an interval (a/b, .. for an open end). hazards: the state as of the date (the "
                         "interval's end); activities and releases: the dates meet it; regions: no effect."},
         {"schema", {{"type", "string"}}}},
        {{"name", "limit"}, {"in", "query"}, {"required", false}, {"style", "form"}, {"explode", false},
         {"description", "Features per page; larger values are clamped to the maximum."},
         {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", defaults.max_limit}, {"default", defaults.default_limit}}}},
        {{"name", "offset"}, {"in", "query"}, {"required", false},
         {"description", "Features skipped (the next and prev links set it)."},
         {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}},
        f_param(true)};
    json feature_parameters = {collection_id,
                               {{"name", "featureId"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}},
                               f_param(true)};
    return {{"/", get("getLandingPage", "Landing page", {f_param(false)}, ok_json, false)},
            {"/conformance", get("getConformanceDeclaration", "Conformance classes", {f_param(false)}, ok_json, false)},
            {"/collections", get("getCollections", "The feature collections", {f_param(false)}, ok_json, false)},
            {"/collections/{collectionId}",
             get("describeCollection", "One collection", {collection_id, f_param(false)}, ok_json, true)},
            {"/collections/{collectionId}/items",
             get("getFeatures", "Features of a collection, filtered and paged", items_parameters, ok_geojson, true)},
            {"/collections/{collectionId}/items/{featureId}",
             get("getFeature", "One feature", feature_parameters, ok_geojson, true)}};
}

} // namespace cims::server
