// SPDX-License-Identifier: GPL-3.0-or-later
// AuditTrail: appends hash-chained entries (who, when, what, the previous entry's hash) and
// verifies the chain. Every write of cims (import, approval, rejection, user change, login failure)
// appends one entry in the write's own transaction.
#pragma once

#include "core/account_store.hpp"
#include "core/principal.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace cims::core {

/// "YYYY-MM-DDTHH:MM:SSZ" in UTC: sorts as text, which the throttling and expiry queries rely on.
std::string utc_timestamp(std::chrono::system_clock::time_point t = std::chrono::system_clock::now());

/// The hash of an entry: SHA-256 over every field but `id`/`hash`, each length-prefixed so no
/// two different entries serialise alike, chained through `prev_hash`.
std::string audit_entry_hash(const AuditEntry& entry);

/// Appends an entry for `who` doing `action` on `target`; `detail_json` is a JSON object.
/// \pre inside a write transaction on the store that holds `accounts`.
AuditEntry append_audit(AccountStore& accounts, const Principal& who, const std::string& action,
                        const std::string& target, const std::string& detail_json);

struct AuditVerification {
    bool ok = true;
    std::int64_t entries = 0;
    std::int64_t first_bad_entry = 0; // id of the first entry that breaks the chain
    std::string problem;
};

/// Recomputes the chain from the first entry: detects edited fields, deleted or inserted entries.
AuditVerification verify_audit(AccountStore& accounts);

/// The hash before the first entry.
inline const std::string audit_genesis_hash(64, '0');

} // namespace cims::core
