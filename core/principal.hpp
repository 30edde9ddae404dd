// SPDX-License-Identifier: GPL-3.0-or-later
// Principal: who is acting (a user of an organisation with one role), and the access rules every
// data-layer operation checks before it reads or writes. Handlers never decide access alone.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cims::core {

/// design.md §6: admin and analyst speak for the authority, an operator submits for its own
/// organisation, a viewer reads.
enum class Role { admin, analyst, operator_, viewer };

std::optional<Role> parse_role(std::string_view text);
std::string_view format_role(Role role);

struct Principal {
    std::int64_t user_id = 0;
    std::string name;
    std::string organisation;
    Role role = Role::viewer;

    bool is_authority() const { return role == Role::admin || role == Role::analyst; }
    /// The organisation whose submissions this principal may see; nullopt = every organisation.
    std::optional<std::string> submission_scope() const
    {
        if (is_authority()) return std::nullopt;
        return organisation;
    }
    /// The command line acts for the authority's own staff (see cli/user.hpp).
    static Principal command_line(const std::string& name)
    {
        return Principal{0, name, "", Role::admin};
    }
};

/// No valid credential was presented (HTTP 401).
class Unauthenticated : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The principal's role does not allow the operation (HTTP 403).
class Forbidden : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The object does not exist or is not visible to the principal (HTTP 404): another
/// organisation's submission is answered exactly like a missing one.
class NotFound : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Too many failed logins for a name (HTTP 429).
class Throttled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A value the caller sent is wrong; `field` names it (HTTP 400, or 409 for `conflict`).
class InvalidRequest : public std::runtime_error {
public:
    InvalidRequest(std::string field, const std::string& what, bool conflict = false)
        : std::runtime_error(what), m_field(std::move(field)), m_conflict(conflict)
    {
    }
    const std::string& field() const noexcept { return m_field; }
    bool conflict() const noexcept { return m_conflict; }

private:
    std::string m_field;
    bool m_conflict;
};

/// \throws Forbidden unless the principal holds one of the roles; `what` names the operation.
void require_role(const Principal& who, std::initializer_list<Role> roles, std::string_view what);

} // namespace cims::core
