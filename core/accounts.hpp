// SPDX-License-Identifier: GPL-3.0-or-later
// Accounts: users, organisations, logins, bearer tokens and API keys. Every operation takes the
// acting Principal and checks its role here, in the data layer; every change is audited in its
// own transaction.
#pragma once

#include "core/account_store.hpp"
#include "core/ledger_store.hpp"
#include "core/principal.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace cims::core {

struct LoginResult {
    std::string token;
    std::string expires_at;
    Principal principal;
};

/// Failed logins allowed per user name within `login_window` before further tries answer Throttled.
inline constexpr int max_failed_logins = 5;
inline constexpr std::chrono::minutes login_window{15};
inline constexpr std::chrono::hours token_lifetime{12};

class Accounts {
public:
    explicit Accounts(LedgerStore& store) : m_store(store) {}

    /// Creates a user (and, when `create_organisation`, its organisation if new). The first user
    /// of a database may be created by the command line only (bootstrap); after that, admin only.
    /// \throws InvalidRequest naming the field (name taken, unknown organisation, short password).
    UserRecord add_user(const Principal& actor, const std::string& name, const std::string& organisation, Role role,
                        const std::string& password, bool create_organisation);
    Organisation add_organisation(const Principal& actor, const std::string& name);
    std::vector<UserRecord> users(const Principal& actor);
    std::vector<Organisation> organisations(const Principal& actor);

    /// Checks the password; on success stores the SHA-256 of a new token valid for token_lifetime.
    /// A failure is audited (login_failed) and answers Unauthenticated; the sixth failure for a
    /// name within login_window answers Throttled without checking the password.
    LoginResult login(const std::string& name, const std::string& password);

    /// A new long-lived API key for user `name` (shown once, stored as its SHA-256). Admin only.
    std::string issue_api_key(const Principal& actor, const std::string& name);

    /// The principal holding a bearer token or API key. \throws Unauthenticated.
    Principal authenticate(const std::string& bearer);

    /// Entries after `after_id`, oldest first. Admin only.
    std::vector<AuditEntry> audit(const Principal& actor, std::int64_t after_id, int limit);

private:
    LedgerStore& m_store;
};

/// The principal of a stored user.
Principal principal_of(const UserRecord& user);

} // namespace cims::core
