// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/multipart.hpp"

#include "server/api_error.hpp"

#include <algorithm>
#include <cctype>

namespace cims::server {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

/// The value of `key=` in a header's parameters, quoted or not.
std::string parameter(std::string_view header, std::string_view key)
{
    const std::string h = lower(header);
    std::size_t pos = 0;
    while ((pos = h.find(key, pos)) != std::string::npos) {
        const bool starts = pos == 0 || h[pos - 1] == ';' || h[pos - 1] == ' ';
        const std::size_t eq = pos + key.size();
        if (starts && eq < h.size() && h[eq] == '=') {
            std::size_t v = eq + 1;
            if (v < header.size() && header[v] == '"') {
                const std::size_t end = header.find('"', v + 1);
                return std::string(header.substr(v + 1, end == std::string_view::npos ? end : end - v - 1));
            }
            const std::size_t end = header.find(';', v);
            std::string value(header.substr(v, end == std::string_view::npos ? end : end - v));
            while (!value.empty() && value.back() == ' ') value.pop_back();
            return value;
        }
        pos = eq;
    }
    return "";
}

} // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type)
{
    if (lower(content_type).rfind("multipart/form-data", 0) != 0) return std::nullopt;
    std::string b = parameter(content_type, "boundary");
    if (b.empty()) return std::nullopt;
    return b;
}

std::vector<FormPart> parse_multipart(std::string_view body, const std::string& boundary)
{
    const std::string delimiter = "--" + boundary;
    std::vector<FormPart> parts;
    std::size_t pos = body.find(delimiter);
    if (pos == std::string_view::npos)
        throw bad_request("body", "the multipart body does not contain its boundary: send the form as curl -F does");
    for (;;) {
        pos += delimiter.size();
        if (body.substr(pos, 2) == "--") break; // closing delimiter
        if (body.substr(pos, 2) != "\r\n") throw bad_request("body", "malformed multipart body after a boundary");
        pos += 2;
        const std::size_t headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string_view::npos) throw bad_request("body", "a multipart part has no end of headers");
        FormPart part;
        std::string_view headers = body.substr(pos, headers_end - pos);
        while (!headers.empty()) {
            const std::size_t eol = headers.find("\r\n");
            const std::string_view line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            const std::string name = lower(line.substr(0, colon));
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (name == "content-disposition") {
                part.name = parameter(value, "name");
                part.filename = parameter(value, "filename");
            } else if (name == "content-type") {
                part.content_type = std::string(value);
            }
        }
        const std::size_t content_start = headers_end + 4;
        const std::size_t next = body.find("\r\n" + delimiter, content_start);
        if (next == std::string_view::npos) throw bad_request("body", "a multipart part is not closed by the boundary");
        part.content = std::string(body.substr(content_start, next - content_start));
        parts.push_back(std::move(part));
        pos = next + 2;
    }
    return parts;
}

} // namespace cims::server
