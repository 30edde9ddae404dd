// SPDX-License-Identifier: GPL-3.0-or-later
// AccountStore: what authentication and the audit trail need from a database. The SpatiaLite
// store shares its connection (LedgerStore::accounts()), so an audit entry commits or rolls back
// with the write it describes.
#pragma once

#include "core/principal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cims::core {

struct Organisation {
    std::int64_t id = 0;
    std::string name;
    std::string created_at;
};

struct UserRecord {
    std::int64_t id = 0;
    std::string name;
    std::string organisation;
    Role role = Role::viewer;
    std::string password_hash; // Argon2id string; never leaves core
    std::string created_at;
};

/// One entry of the audit trail: who did what, when, to which object; `detail` is JSON.
struct AuditEntry {
    std::int64_t id = 0;
    std::string at;
    std::string actor;
    std::string organisation;
    std::string action;
    std::string target;
    std::string detail;
    std::string prev_hash;
    std::string hash;
};

class AccountStore {
public:
    virtual ~AccountStore() = default;

    virtual std::optional<Organisation> find_organisation(const std::string& name) = 0;
    virtual std::int64_t add_organisation(const std::string& name, const std::string& at) = 0;
    virtual std::vector<Organisation> organisations() = 0;

    virtual std::optional<UserRecord> find_user(const std::string& name) = 0;
    /// \pre the user's organisation exists.
    virtual std::int64_t add_user(const UserRecord& user) = 0;
    virtual std::vector<UserRecord> users() = 0;

    /// Stores the SHA-256 of a token (`expires_at` set) or an API key (no expiry).
    virtual void add_credential(const std::string& secret_sha256, std::int64_t user_id, const std::string& kind,
                                const std::string& created_at, const std::optional<std::string>& expires_at) = 0;
    /// The user holding the credential, unless it expired before `now`.
    virtual std::optional<UserRecord> user_by_credential(const std::string& secret_sha256, const std::string& now) = 0;

    virtual std::optional<AuditEntry> last_audit_entry() = 0;
    /// \pre inside a write transaction, with `entry.prev_hash` the last entry's hash.
    virtual std::int64_t append_audit_entry(const AuditEntry& entry) = 0;
    /// Entries with id > after_id, oldest first, at most `limit`.
    virtual std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) = 0;
    /// How many entries of `action` on `target` were written at or after `since`.
    virtual std::int64_t count_audit_entries(const std::string& action, const std::string& target,
                                             const std::string& since) = 0;
};

} // namespace cims::core
