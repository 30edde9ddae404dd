// SPDX-License-Identifier: GPL-3.0-or-later
// RequestContext: what a handler may use to answer one request: the caller (authenticated, or
// anonymous on a --public-read server), the worker thread's store, and the server's settings.
#pragma once

#include "core/ledger_store.hpp"
#include "core/principal.hpp"

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

namespace cims::server {

struct ServerSettings {
    std::string database;          // path of the SpatiaLite file
    std::string public_url;        // base of absolute links; empty = http://<Host header>
    bool public_read = false;      // OGC API read endpoints without authentication
    std::string cors_origin;       // Access-Control-Allow-Origin; empty = no CORS headers
    std::size_t body_limit = 256u << 20;
    int max_limit = 10000;         // OGC API items: a larger limit is clamped to this
    int default_limit = 100;
};

struct RequestContext {
    core::LedgerStore& store;                 // this worker thread's connection
    std::optional<core::Principal> principal; // nullopt: anonymous read on a --public-read server
    std::string base_url;                     // "http://host:port", no trailing slash
    const ServerSettings& settings;
    std::mutex& write_mutex;                  // one writer at a time in this process
};

} // namespace cims::server
