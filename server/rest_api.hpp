// SPDX-License-Identifier: GPL-3.0-or-later
// The REST interface under /api/v1 (design.md §6): login, submissions, reports, users,
// organisations, the audit trail. Handlers parse, call the data layer with the caller's
// principal (which checks roles and organisation scope), and format JSON.
#pragma once

#include "server/http_message.hpp"
#include "server/request_context.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace cims::server {

/// Answers a path under /api/v1, or nullopt when the path is not one of the REST routes.
/// \pre ctx.principal is set (the router authenticated the caller) except for POST /api/v1/login.
/// \throws ApiError and the core access errors; the router turns them into responses.
std::optional<Response> handle_rest(const Request& request, RequestContext& ctx);

/// The OpenAPI 3.0 `paths` of the REST interface.
nlohmann::json rest_openapi_paths();

} // namespace cims::server
