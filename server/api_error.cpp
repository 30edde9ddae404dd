// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/api_error.hpp"

#include "core/principal.hpp"
#include "importers/submissions.hpp"
#include "schema/database.hpp"

#include <nlohmann/json.hpp>

namespace cims::server {

Response error_body(int status, const std::string& code, const std::string& description, const std::string& field)
{
    Response r;
    r.status = status;
    nlohmann::json body{{"code", code}, {"description", description}};
    if (!field.empty()) body["field"] = field;
    r.body = body.dump();
    if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cims\"");
    return r;
}

Response error_response(const std::exception_ptr& error, std::string& log_internal)
{
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& e) {
        return error_body(e.status(), e.code(), e.what(), e.field());
    } catch (const core::Unauthenticated& e) {
        return error_body(401, "unauthenticated", e.what(), "Authorization");
    } catch (const core::Forbidden& e) {
        return error_body(403, "forbidden", e.what(), "");
    } catch (const core::NotFound& e) {
        return error_body(404, "not_found", e.what(), "");
    } catch (const core::Throttled& e) {
        Response r = error_body(429, "too_many_requests", e.what(), "");
        r.headers.emplace_back("Retry-After", "900");
        return r;
    } catch (const core::InvalidRequest& e) {
        return error_body(e.conflict() ? 409 : 400, e.conflict() ? "conflict" : "invalid_parameter", e.what(), e.field());
    } catch (const importers::SubmissionStateError& e) {
        return error_body(409, "conflict", e.what(), "");
    } catch (const schema::StorageError& e) {
        log_internal = std::string("storage: ") + e.what();
        return error_body(500, "internal_error", "the server could not complete the request; it is in the server log", "");
    } catch (const std::exception& e) {
        log_internal = e.what();
        return error_body(500, "internal_error", "the server could not complete the request; it is in the server log", "");
    }
}

} // namespace cims::server
