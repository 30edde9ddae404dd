// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/principal.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cims::core {

std::optional<Role> parse_role(std::string_view text)
{
    if (text == "admin") return Role::admin;
    if (text == "analyst") return Role::analyst;
    if (text == "operator") return Role::operator_;
    if (text == "viewer") return Role::viewer;
    return std::nullopt;
}

std::string_view format_role(Role role)
{
    switch (role) {
    case Role::admin: return "admin";
    case Role::analyst: return "analyst";
    case Role::operator_: return "operator";
    case Role::viewer: return "viewer";
    }
    return "viewer";
}

void require_role(const Principal& who, std::initializer_list<Role> roles, std::string_view what)
{
    if (std::find(roles.begin(), roles.end(), who.role) != roles.end()) return;
    std::string allowed;
    for (Role r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(format_role(r));
    throw Forbidden(fmt::format("{} needs the role {}; user '{}' is {}", what, allowed, who.name, format_role(who.role)));
}

} // namespace cims::core
