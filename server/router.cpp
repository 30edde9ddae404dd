// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/router.hpp"

#include "core/accounts.hpp"
#include "server/api_error.hpp"
#include "server/ogc_api.hpp"
#include "server/rest_api.hpp"

#include <map>
#include <memory>

namespace cims::server {
namespace {

/// One connection per thread and database file (SQLite connections are not shared across threads).
core::LedgerStore& thread_store(const std::string& path)
{
    thread_local std::map<std::string, std::unique_ptr<core::LedgerStore>> stores;
    auto& store = stores[path];
    if (!store) store = core::open_spatialite_store(path);
    return *store;
}

bool is_public_read(const Request& request)
{
    if (request.method != "GET" && request.method != "HEAD") return false;
    return request.path.rfind("/api/v1/", 0) != 0 || request.path == "/api/v1/openapi.json";
}

std::string bearer_of(const Request& request)
{
    const auto header = request.header("authorization");
    if (!header) return "";
    static const std::string scheme = "bearer ";
    if (header->size() <= scheme.size()) return "";
    std::string prefix = header->substr(0, scheme.size());
    std::transform(prefix.begin(), prefix.end(), prefix.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (prefix != scheme) return "";
    std::string token = header->substr(scheme.size());
    while (!token.empty() && token.back() == ' ') token.pop_back();
    return token;
}

} // namespace

nlohmann::json openapi_document(const std::string& base_url)
{
    nlohmann::json paths = ogc_openapi_paths();
    const nlohmann::json rest = rest_openapi_paths(); // named: items() must not outlive its json
    for (const auto& [path, item] : rest.items()) paths[path] = item;
    return {{"openapi", "3.0.3"},
            {"info",
             {{"title", "cims: clearance information management system"},
              {"version", "0.1.0"},
              {"description", "OGC API – Features (hazards, activities, releases, regions) and the cims REST "
                              "interface: submissions, approval, reports, users, audit trail."}}},
            {"servers", {{{"url", base_url}}}},
            {"components",
             {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
              {"schemas",
               {{"Error",
                 {{"type", "object"},
                  {"required", {"code", "description"}},
                  {"properties",
                   {{"code", {{"type", "string"}}},
                    {"description", {{"type", "string"}}},
                    {"field", {{"type", "string"}}}}}}}}}}},
            {"security", {{{"bearer", nlohmann::json::array()}}}},
            {"paths", paths}};
}

Response Router::handle(const Request& request, std::string& log_internal, std::string& user)
{
    Response response;
    try {
        response = route(request, user);
    } catch (...) {
        response = error_response(std::current_exception(), log_internal);
    }
    if (!m_settings.cors_origin.empty()) {
        response.headers.emplace_back("Access-Control-Allow-Origin", m_settings.cors_origin);
        response.headers.emplace_back("Vary", "Origin");
    }
    return response;
}

Response Router::route(const Request& request, std::string& user)
{
    if (request.method == "OPTIONS" && !m_settings.cors_origin.empty()) {
        Response r;
        r.status = 204;
        r.content_type.clear();
        r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
        r.headers.emplace_back("Access-Control-Max-Age", "600");
        return r;
    }
    core::LedgerStore& store = thread_store(m_settings.database);
    std::string base_url = m_settings.public_url;
    if (base_url.empty()) base_url = "http://" + request.header("host").value_or("localhost");
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    RequestContext ctx{store, std::nullopt, base_url, m_settings, m_write_mutex};

    const std::string bearer = bearer_of(request);
    const bool login = request.path == "/api/v1/login";
    if (!bearer.empty() && !login) { // a stale token sent along must not stop a login
        ctx.principal = core::Accounts(store).authenticate(bearer);
        user = ctx.principal->name;
    } else if (request.header("authorization") && !login) {
        throw core::Unauthenticated("the Authorization header must be 'Bearer <token or API key>'");
    } else if (!login && !(m_settings.public_read && is_public_read(request))) {
        throw core::Unauthenticated("send 'Authorization: Bearer <token or API key>' (POST /api/v1/login gives a token)");
    }

    if (request.path == "/api" || request.path == "/api/v1/openapi.json") {
        if (request.method != "GET") throw ApiError(405, "method_not_allowed", "use GET", "");
        Response r;
        r.content_type = "application/vnd.oai.openapi+json;version=3.0";
        r.body = openapi_document(base_url).dump();
        return r;
    }
    if (auto r = handle_rest(request, ctx)) return std::move(*r);
    if (request.path.rfind("/api/v1/", 0) != 0) {
        if (auto r = handle_ogc(request, ctx)) return std::move(*r);
    }
    throw ApiError(404, "not_found", "no resource at " + request.path + ": the landing page / lists what there is", "");
}

} // namespace cims::server
