// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/http_message.hpp"

#include <cctype>
#include <string_view>

namespace cims::server {
namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool decode(std::string_view in, bool plus_is_space, std::string& out)
{
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out += char(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return true;
}

} // namespace

bool parse_target(const std::string& target, std::string& path, std::multimap<std::string, std::string>& query)
{
    query.clear();
    const std::size_t q = target.find('?');
    if (!decode(std::string_view(target).substr(0, q), false, path)) return false;
    if (q == std::string::npos) return true;
    std::string_view rest = std::string_view(target).substr(q + 1);
    while (!rest.empty()) {
        const std::size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        std::string name, value;
        if (!decode(pair.substr(0, eq), true, name)) return false;
        if (eq != std::string_view::npos && !decode(pair.substr(eq + 1), true, value)) return false;
        query.emplace(std::move(name), std::move(value));
    }
    return true;
}

std::string url_encode(const std::string& value)
{
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

} // namespace cims::server
