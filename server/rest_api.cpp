// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/rest_api.hpp"

#include "core/accounts.hpp"
#include "core/annual_figures.hpp"
#include "core/article7_report.hpp"
#include "core/completion_forecast.hpp"
#include "core/report_formats.hpp"
#include "core/report_headings.hpp"
#include "importers/geodata_export.hpp"
#include "core/domain.hpp"
#include "importers/submissions.hpp"
#include "server/api_error.hpp"
#include "server/multipart.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

namespace cims::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Response json_response(int status, const json& body)
{
    Response r;
    r.status = status;
    r.body = body.dump();
    return r;
}

json parse_body(const Request& request)
{
    if (request.body.empty()) throw bad_request("body", "send a JSON object as the request body");
    try {
        json body = json::parse(request.body);
        if (!body.is_object()) throw bad_request("body", "the request body must be a JSON object");
        return body;
    } catch (const json::parse_error& e) {
        throw bad_request("body", std::string("the request body is not valid JSON: ") + e.what());
    }
}

std::string text_field(const json& body, const std::string& name, bool required = true)
{
    const auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) throw bad_request(name, "the field '" + name + "' is required");
        return "";
    }
    if (!it->is_string()) throw bad_request(name, "the field '" + name + "' must be a string");
    return it->get<std::string>();
}

std::int64_t integer_param(const std::string& field, const std::string& text)
{
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        throw bad_request(field, "'" + text + "' is not a whole number");
    return value;
}

/// Refuses query parameters a route does not know, so a misspelt filter is not silently ignored.
void only_params(const Request& request, std::initializer_list<const char*> allowed)
{
    for (const auto& [name, value] : request.query) {
        if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return name == a; }) == allowed.end())
            throw bad_request(name, "unknown query parameter '" + name + "' for " + request.path);
    }
}

const core::Principal& caller(const RequestContext& ctx)
{
    if (!ctx.principal) throw core::Unauthenticated("send 'Authorization: Bearer <token or API key>'");
    return *ctx.principal;
}

json submission_summary(const core::SubmissionRecord& s)
{
    json j = importers::to_json(s);
    const json report = j["report"];
    j.erase("report");
    j["accepted"] = report.value("accepted", 0);
    j["rejected"] = report.contains("rejected") ? report["rejected"].size() : 0;
    return j;
}

/// A temporary folder for an upload, removed with its content when the handler returns.
class UploadDir {
public:
    UploadDir()
    {
        std::random_device rd;
        for (int attempt = 0; attempt < 10; ++attempt) {
            m_path = fs::temp_directory_path() / fmt::format("cims-upload-{:016x}", (std::uint64_t(rd()) << 32) | rd());
            if (fs::create_directory(m_path)) return;
        }
        throw std::runtime_error("cannot create a temporary folder for an upload");
    }
    ~UploadDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string write(const std::string& name, const std::string& content)
    {
        const fs::path file = m_path / name;
        std::ofstream out(file, std::ios::binary);
        out.write(content.data(), std::streamsize(content.size()));
        if (!out) throw std::runtime_error("cannot write the upload to " + file.string());
        return file.string();
    }

private:
    fs::path m_path;
};

/// The file name an upload is stored under: the name sent (without folders), else one made from
/// the media type, so the importer picks the right GDAL driver.
std::string upload_name(const std::string& sent, const std::string& media_type)
{
    std::string name = fs::path(sent).filename().string();
    name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == '\\' || c == '/' || c == ':'; }),
               name.end());
    if (!name.empty() && name != "." && name != "..") return name;
    std::string type = media_type.substr(0, media_type.find(';'));
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static const std::map<std::string, std::string> by_type{
        {"application/zip", "upload.zip"},
        {"application/x-zip-compressed", "upload.zip"},
        {"application/geopackage+sqlite3", "upload.gpkg"},
        {"application/geo+json", "upload.geojson"},
        {"application/json", "upload.geojson"},
        {"application/vnd.google-earth.kml+xml", "upload.kml"},
        {"text/csv", "upload.csv"},
    };
    const auto it = by_type.find(type);
    if (it == by_type.end())
        throw ApiError(415, "unsupported_media_type",
                       "send the file as application/zip (a zipped shapefile), application/geopackage+sqlite3, "
                       "application/geo+json, application/vnd.google-earth.kml+xml or text/csv, or give "
                       "?filename=NAME.EXT; Content-Type was '" + media_type + "'",
                       "Content-Type");
    return it->second;
}

Response post_submission(const Request& request, RequestContext& ctx)
{
    only_params(request, {"kind", "layer", "encoding", "partial", "filename", "organisation"});
    const core::Principal& who = caller(ctx);
    importers::SubmissionRequest submission;
    submission.kind = request.param("kind").value_or("");
    if (!submission.kind.empty() && submission.kind != "hazards" && submission.kind != "activities" &&
        submission.kind != "education")
        throw bad_request("kind", "kind must be hazards, activities or education, not '" + submission.kind + "'");
    submission.layer = request.param("layer").value_or("");
    submission.encoding = request.param("encoding").value_or("");
    submission.organisation = request.param("organisation").value_or("");
    const std::string partial = request.param("partial").value_or("false");
    if (partial != "true" && partial != "false") throw bad_request("partial", "partial must be true or false");
    submission.partial = partial == "true";

    const std::string content_type = request.header("content-type").value_or("");
    UploadDir dir;
    if (const auto boundary = multipart_boundary(content_type)) {
        const auto parts = parse_multipart(request.body, *boundary);
        const FormPart* file = nullptr;
        for (const FormPart& part : parts) {
            if (part.name == "file") {
                if (file) throw bad_request("file", "send one part named 'file' (zip a shapefile with its sidecars)");
                file = &part;
            } else if (part.name == "mapping") {
                submission.mapping_json = part.content;
            } else {
                throw bad_request(part.name, "unknown form part '" + part.name + "': send 'file' and optional 'mapping'");
            }
        }
        if (!file) throw bad_request("file", "the form has no part named 'file'");
        if (file->content.empty()) throw bad_request("file", "the uploaded file is empty");
        const std::string name = upload_name(
            request.param("filename").value_or(file->filename),
            file->content_type.empty() ? "application/octet-stream" : file->content_type);
        submission.files = {dir.write(name, file->content)};
    } else {
        if (request.body.empty()) throw bad_request("body", "the request body is empty: send the file as the body");
        const std::string name = upload_name(request.param("filename").value_or(""), content_type);
        submission.files = {dir.write(name, request.body)};
    }
    if (!submission.mapping_json.empty()) {
        try {
            if (!json::parse(submission.mapping_json).is_object())
                throw bad_request("mapping", "the mapping profile must be a JSON object (design.md §4)");
        } catch (const json::parse_error& e) {
            throw bad_request("mapping", std::string("the mapping profile is not valid JSON: ") + e.what());
        }
    }
    core::SubmissionRecord stored;
    {
        std::lock_guard lock(ctx.write_mutex);
        stored = importers::stage(ctx.store, who, submission);
    }
    Response r = json_response(201, {{"id", stored.id},
                                     {"status", stored.status},
                                     {"organisation", stored.organisation},
                                     {"report", json::parse(stored.report_json)}});
    r.headers.emplace_back("Location", ctx.base_url + "/api/v1/submissions/" + std::to_string(stored.id));
    return r;
}

/// The report year: `year` when given, else the latest year in the ledger.
int report_year(const Request& request, RequestContext& ctx)
{
    int year = 0;
    if (const auto y = request.param("year")) {
        const std::int64_t given = integer_param("year", *y);
        if (given < 1960 || given > 2999) throw bad_request("year", "year " + *y + " is out of range (1960–2999)");
        year = int(given);
    } else {
        const auto latest = ctx.store.latest_year();
        if (!latest) throw ApiError(404, "not_found", "the ledger is empty: there is no year to report", "year");
        year = *latest;
    }
    if (year < 1960 || year > 2999) throw bad_request("year", "year " + std::to_string(year) + " is out of range");
    return year;
}

Response report_action24(const Request& request, RequestContext& ctx)
{
    only_params(request, {"year", "contamination", "format"});
    (void)caller(ctx);
    const std::string contamination = request.param("contamination").value_or("CMR");
    const core::ContamMask bit = std::find(core::contamination_types.begin(), core::contamination_types.end(),
                                           contamination) == core::contamination_types.end()
                                     ? 0
                                     : core::contamination_bit(contamination);
    if (bit == 0)
        throw bad_request("contamination", "contamination must be one of CMR, AP, AV, ERW, IED, UNKNOWN, not '" +
                                               contamination + "'");
    const int year = report_year(request, ctx);
    const std::string format = request.param("format").value_or("json");
    const auto figures = core::compute_annual_figures(ctx.store, year, bit);
    Response r;
    if (format == "json") {
        r.body = core::to_json(figures).dump();
    } else if (format == "csv") {
        r.content_type = "text/csv; charset=utf-8";
        r.body = core::to_csv(figures);
    } else if (format == "table") {
        r.content_type = "text/plain; charset=utf-8";
        r.body = core::to_table(figures);
    } else {
        throw bad_request("format", "format must be json, csv or table for action24, not '" + format + "'");
    }
    return r;
}

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw std::runtime_error("cannot read " + path.string());
    return bytes;
}

/// A report document in the format asked for: json, csv, html, or xlsx (as a download).
Response document_response(const core::ReportDocument& doc, const std::string& format, const std::string& name)
{
    Response r;
    if (format == "json") {
        r.body = core::to_json(doc).dump();
    } else if (format == "csv") {
        r.content_type = "text/csv; charset=utf-8";
        r.body = core::to_csv(doc);
    } else if (format == "html") {
        r.content_type = "text/html; charset=utf-8";
        r.body = core::to_html(doc);
    } else if (format == "xlsx") {
        UploadDir dir;
        const std::string file = dir.write(name + ".xlsx", "");
        fs::remove(file);
        core::write_xlsx(doc, file);
        r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r.body = read_file(file);
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
    } else {
        throw bad_request("format", "format must be json, csv, xlsx or html, not '" + format + "'");
    }
    if (!doc.checks_ok) r.headers.emplace_back("X-Cims-Checks", "failed");
    return r;
}

core::ContamMask convention_contamination(const Request& request)
{
    const std::string contamination = request.param("contamination").value_or("CMR");
    if (contamination != "CMR" && contamination != "AP")
        throw bad_request("contamination", "contamination must be CMR (Convention on Cluster Munitions) or AP "
                                           "(Anti-Personnel Mine Ban Convention), not '" + contamination + "'");
    return core::contamination_bit(contamination);
}

core::AreaUnit area_unit(const Request& request)
{
    const std::string unit = request.param("unit").value_or("m2");
    if (unit != "m2" && unit != "km2") throw bad_request("unit", "unit must be m2 or km2, not '" + unit + "'");
    return unit == "km2" ? core::AreaUnit::km2 : core::AreaUnit::m2;
}

Response report_article7(const Request& request, RequestContext& ctx)
{
    only_params(request, {"year", "contamination", "format", "unit"});
    (void)caller(ctx);
    const core::ContamMask contamination = convention_contamination(request);
    const core::AreaUnit unit = area_unit(request);
    const std::string format = request.param("format").value_or("json");
    const int year = report_year(request, ctx);
    const auto report = core::build_article7_report(ctx.store, year, contamination, format == "html");
    return document_response(core::to_document(report, core::ReportHeadings::load(), unit, format == "html"), format,
                             "article7-" + std::to_string(year));
}

Response report_forecast(const Request& request, RequestContext& ctx)
{
    only_params(request, {"year", "years", "contamination", "format", "unit"});
    (void)caller(ctx);
    const core::ContamMask contamination = convention_contamination(request);
    const core::AreaUnit unit = area_unit(request);
    const std::string format = request.param("format").value_or("json");
    const std::int64_t years = integer_param("years", request.param("years").value_or("3"));
    if (years < 1 || years > 50) throw bad_request("years", "years must be between 1 and 50");
    std::optional<core::Date> deadline;
    if (const auto stored = ctx.store.setting(core::article4_deadline_setting)) deadline = core::parse_iso_date(*stored);
    const int year = report_year(request, ctx);
    const auto forecast = core::build_completion_forecast(ctx.store, year, int(years), contamination, deadline);
    return document_response(core::to_document(forecast, core::ReportHeadings::load(), unit, format == "html"), format,
                             "forecast-" + std::to_string(year));
}

/// GET /api/v1/exports: a GeoPackage file, or a zip of one GeoJSON file or shapefile per layer.
Response get_export(const Request& request, RequestContext& ctx)
{
    only_params(request, {"at", "format"});
    (void)caller(ctx);
    const std::string at_text = request.param("at").value_or("");
    if (at_text.empty()) throw bad_request("at", "give the date of the state to export: ?at=YYYY-MM-DD");
    const auto at = core::parse_iso_date(at_text);
    if (!at) throw bad_request("at", "'" + at_text + "' is not a date: write it YYYY-MM-DD");
    const std::string format = request.param("format").value_or("gpkg");
    if (format != "gpkg" && format != "geojson" && format != "shp")
        throw bad_request("format", "format must be gpkg, geojson or shp, not '" + format + "'");
    // Written to a temporary file (GDAL writes files), then answered as one download.
    UploadDir dir;
    const bool gpkg = format == "gpkg";
    const std::string name = "cims-" + at->iso + (gpkg ? ".gpkg" : "-" + format + ".zip");
    const fs::path file = fs::path(dir.write(name, ""));
    fs::remove(file);
    importers::export_geodata(ctx.store, *at,
                              gpkg ? gis::VectorFormat::geopackage
                                   : format == "geojson" ? gis::VectorFormat::geojson : gis::VectorFormat::shapefile,
                              file.string());
    Response r;
    r.content_type = gpkg ? "application/geopackage+sqlite3" : "application/zip";
    r.body = read_file(file);
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
    return r;
}

json user_json(const core::UserRecord& u)
{
    return {{"name", u.name}, {"organisation", u.organisation}, {"role", core::format_role(u.role)},
            {"created_at", u.created_at}};
}

json audit_json(const core::AuditEntry& e)
{
    json detail;
    try {
        detail = json::parse(e.detail);
    } catch (const json::parse_error&) {
        detail = e.detail;
    }
    return {{"id", e.id},         {"at", e.at},         {"actor", e.actor},   {"organisation", e.organisation},
            {"action", e.action}, {"target", e.target}, {"detail", detail}, {"hash", e.hash}};
}

std::optional<std::int64_t> submission_id(const std::string& path, const std::string& suffix)
{
    static const std::string prefix = "/api/v1/submissions/";
    if (path.rfind(prefix, 0) != 0 || path.size() <= prefix.size() + suffix.size()) return std::nullopt;
    if (path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    const std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); }) || id.size() > 18)
        return std::nullopt;
    return std::stoll(id);
}

Response method_not_allowed(const Request& request, const char* allowed)
{
    Response r = error_body(405, "method_not_allowed", request.method + " is not allowed on " + request.path +
                                                           "; use " + allowed, "");
    r.headers.emplace_back("Allow", allowed);
    return r;
}

} // namespace

std::optional<Response> handle_rest(const Request& request, RequestContext& ctx)
{
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (path.rfind("/api/v1/", 0) != 0) return std::nullopt;

    if (path == "/api/v1/login") {
        if (method != "POST") return method_not_allowed(request, "POST");
        only_params(request, {});
        const json body = parse_body(request);
        const std::string name = text_field(body, "name"), password = text_field(body, "password");
        // Not under the write mutex: the password check is slow on purpose and must not hold up
        // uploads and approvals; the short write (token or failure entry) waits on SQLite's lock.
        const core::LoginResult login = core::Accounts(ctx.store).login(name, password);
        return json_response(200, {{"token", login.token}, {"expires_at", login.expires_at}});
    }
    if (path == "/api/v1/me") {
        if (method != "GET") return method_not_allowed(request, "GET");
        const core::Principal& who = caller(ctx);
        return json_response(200, {{"name", who.name}, {"organisation", who.organisation}, {"role", core::format_role(who.role)}});
    }
    if (path == "/api/v1/submissions") {
        if (method == "POST") return post_submission(request, ctx);
        if (method != "GET") return method_not_allowed(request, "GET, POST");
        only_params(request, {});
        json list = json::array();
        for (const auto& s : importers::visible_submissions(ctx.store, caller(ctx))) list.push_back(submission_summary(s));
        return json_response(200, {{"submissions", list}});
    }
    if (const auto id = submission_id(path, "")) {
        if (method != "GET") return method_not_allowed(request, "GET");
        only_params(request, {});
        return json_response(200, importers::to_json(importers::visible_submission(ctx.store, caller(ctx), *id)));
    }
    if (const auto id = submission_id(path, "/approve")) {
        if (method != "POST") return method_not_allowed(request, "POST");
        only_params(request, {});
        const core::Principal& who = caller(ctx);
        std::lock_guard lock(ctx.write_mutex);
        const importers::ImportReport report = importers::approve(ctx.store, who, *id);
        if (!report.written) {
            Response r = error_body(409, "conflict",
                                    "the ledger now rejects part of this submission, so nothing was imported and it "
                                    "stays submitted; reject it with the reasons in 'report' so the operator can fix them",
                                    "");
            json body = json::parse(r.body);
            body["report"] = report.to_json();
            r.body = body.dump();
            return r;
        }
        return json_response(200, importers::to_json(importers::visible_submission(ctx.store, who, *id)));
    }
    if (const auto id = submission_id(path, "/reject")) {
        if (method != "POST") return method_not_allowed(request, "POST");
        only_params(request, {});
        const core::Principal& who = caller(ctx);
        const json body = parse_body(request);
        const std::string why = text_field(body, "why");
        if (why.empty()) throw bad_request("why", "a rejection needs a reason the operator can act on");
        std::lock_guard lock(ctx.write_mutex);
        importers::reject(ctx.store, who, *id, why);
        return json_response(200, importers::to_json(importers::visible_submission(ctx.store, who, *id)));
    }
    if (path == "/api/v1/reports/action24") {
        if (method != "GET") return method_not_allowed(request, "GET");
        return report_action24(request, ctx);
    }
    if (path == "/api/v1/reports/article7" || path == "/api/v1/reports/forecast") {
        if (method != "GET") return method_not_allowed(request, "GET");
        return path == "/api/v1/reports/article7" ? report_article7(request, ctx) : report_forecast(request, ctx);
    }
    if (path == "/api/v1/exports") {
        if (method != "GET") return method_not_allowed(request, "GET");
        return get_export(request, ctx);
    }
    if (path == "/api/v1/users") {
        core::Accounts accounts(ctx.store);
        if (method == "GET") {
            only_params(request, {});
            json list = json::array();
            for (const auto& u : accounts.users(caller(ctx))) list.push_back(user_json(u));
            return json_response(200, {{"users", list}});
        }
        if (method != "POST") return method_not_allowed(request, "GET, POST");
        only_params(request, {});
        const json body = parse_body(request);
        const std::string role_text = text_field(body, "role");
        const auto role = core::parse_role(role_text);
        if (!role) throw bad_request("role", "role must be admin, analyst, operator or viewer, not '" + role_text + "'");
        const core::Principal& who = caller(ctx);
        core::require_role(who, {core::Role::admin}, "adding a user");
        std::lock_guard lock(ctx.write_mutex);
        const auto user = accounts.add_user(who, text_field(body, "name"), text_field(body, "organisation"), *role,
                                            text_field(body, "password"), false);
        return json_response(201, user_json(user));
    }
    if (path.rfind("/api/v1/users/", 0) == 0 && path.size() > 23 && path.compare(path.size() - 9, 9, "/api-keys") == 0) {
        if (method != "POST") return method_not_allowed(request, "POST");
        only_params(request, {});
        const std::string name = path.substr(14, path.size() - 14 - 9);
        const core::Principal& who = caller(ctx);
        core::require_role(who, {core::Role::admin}, "issuing an API key");
        std::lock_guard lock(ctx.write_mutex);
        const std::string key = core::Accounts(ctx.store).issue_api_key(who, name);
        return json_response(201, {{"name", name}, {"api_key", key}});
    }
    if (path == "/api/v1/organisations") {
        core::Accounts accounts(ctx.store);
        if (method == "GET") {
            only_params(request, {});
            json list = json::array();
            for (const auto& o : accounts.organisations(caller(ctx)))
                list.push_back({{"name", o.name}, {"created_at", o.created_at}});
            return json_response(200, {{"organisations", list}});
        }
        if (method != "POST") return method_not_allowed(request, "GET, POST");
        only_params(request, {});
        const json body = parse_body(request);
        std::lock_guard lock(ctx.write_mutex);
        const auto org = accounts.add_organisation(caller(ctx), text_field(body, "name"));
        return json_response(201, {{"name", org.name}, {"created_at", org.created_at}});
    }
    if (path == "/api/v1/audit") {
        if (method != "GET") return method_not_allowed(request, "GET");
        only_params(request, {"after", "limit"});
        const std::int64_t after = integer_param("after", request.param("after").value_or("0"));
        const std::int64_t limit = integer_param("limit", request.param("limit").value_or("1000"));
        if (limit < 1 || limit > 10000) throw bad_request("limit", "limit must be between 1 and 10000");
        json list = json::array();
        const auto entries = core::Accounts(ctx.store).audit(caller(ctx), after, int(limit));
        for (const auto& e : entries) list.push_back(audit_json(e));
        json body{{"entries", list}};
        if (std::int64_t(entries.size()) == limit)
            body["next"] = ctx.base_url + "/api/v1/audit?after=" + std::to_string(entries.back().id) +
                           "&limit=" + std::to_string(limit);
        return json_response(200, body);
    }
    return std::nullopt;
}

} // namespace cims::server
