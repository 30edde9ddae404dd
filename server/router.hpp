// SPDX-License-Identifier: GPL-3.0-or-later
// Router: authenticates a request, gives it to the OGC API or the REST handlers with a
// RequestContext, and turns every error into the JSON error body of design.md §6. It never
// throws and never touches a socket: the transport (http_server) and the tests call handle().
#pragma once

#include "server/http_message.hpp"
#include "server/request_context.hpp"

#include <nlohmann/json.hpp>

#include <mutex>

namespace cims::server {

class Router {
public:
    explicit Router(ServerSettings settings) : m_settings(std::move(settings)) {}

    /// Thread-safe: each calling thread uses its own connection to the database; writes are
    /// serialised by one mutex (SQLite has one writer; queuing here never surfaces SQLITE_BUSY).
    /// `log_internal` receives the text of an unexpected error (for the log, never the client).
    Response handle(const Request& request, std::string& log_internal, std::string& user);
    Response handle(const Request& request)
    {
        std::string internal, user;
        return handle(request, internal, user);
    }

    const ServerSettings& settings() const noexcept { return m_settings; }

private:
    Response route(const Request& request, std::string& user);

    ServerSettings m_settings;
    std::mutex m_write_mutex;
};

/// The OpenAPI 3.0 document of the whole interface, with `base_url` as its server.
nlohmann::json openapi_document(const std::string& base_url);

} // namespace cims::server
