// SPDX-License-Identifier: GPL-3.0-or-later
// multipart/form-data (RFC 7578) bodies, as browsers and curl -F send uploads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cims::server {

struct FormPart {
    std::string name;     // the form field
    std::string filename; // as sent, may be empty
    std::string content_type;
    std::string content;
};

/// The boundary parameter of a multipart/form-data Content-Type, or nullopt when it is not one.
std::optional<std::string> multipart_boundary(std::string_view content_type);

/// Splits the body into its parts. \throws ApiError (400, field "body") when it is malformed.
std::vector<FormPart> parse_multipart(std::string_view body, const std::string& boundary);

} // namespace cims::server
