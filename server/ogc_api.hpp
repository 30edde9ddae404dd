// SPDX-License-Identifier: GPL-3.0-or-later
// OGC API – Features, Part 1 Core + GeoJSON (design.md §6): the landing page, conformance,
// collections (hazards, activities, releases, regions), their items and single features.
#pragma once

#include "server/http_message.hpp"
#include "server/request_context.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace cims::server {

/// Answers an OGC API – Features path, or nullopt when the path is not one of them.
/// \throws ApiError (400 for an unknown or malformed parameter, 404 for an unknown collection or feature).
std::optional<Response> handle_ogc(const Request& request, RequestContext& ctx);

/// The OpenAPI 3.0 `paths` of the OGC API – Features endpoints.
nlohmann::json ogc_openapi_paths();

} // namespace cims::server
