// SPDX-License-Identifier: GPL-3.0-or-later
// Request and Response: the server's handlers see these plain values, never a Beast type or a
// socket, so every handler is tested without a network.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cims::server {

struct Request {
    std::string method;                          // "GET", "POST", ...
    std::string path;                            // percent-decoded, without the query
    std::multimap<std::string, std::string> query; // percent-decoded names and values
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string remote;                          // peer address, for the log

    std::optional<std::string> header(const std::string& lower_name) const
    {
        const auto it = headers.find(lower_name);
        if (it == headers.end()) return std::nullopt;
        return it->second;
    }
    /// The single value of a query parameter (the last one when repeated).
    std::optional<std::string> param(const std::string& name) const
    {
        std::optional<std::string> out;
        for (auto [it, end] = query.equal_range(name); it != end; ++it) out = it->second;
        return out;
    }
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // extra headers (Link, Location...)
};

/// Splits a request target into its decoded path and query parameters ('+' is a space in the
/// query). \returns false when a percent escape is malformed.
bool parse_target(const std::string& target, std::string& path, std::multimap<std::string, std::string>& query);

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
std::string url_encode(const std::string& value);

} // namespace cims::server
