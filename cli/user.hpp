// SPDX-License-Identifier: GPL-3.0-or-later
// Who is acting on the command line, and small file helpers shared by the subcommands.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cims::cli {

/// The name given with --by, else the login name, else "cli". The command line has no
/// authentication: it is for the authority's own staff on the server; the HTTP API authenticates.
inline std::string user_name(const std::string& given)
{
    if (!given.empty()) return given;
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "cli";
}

inline std::string read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + path + "': check the path");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace cims::cli
