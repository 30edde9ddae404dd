// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/audit_trail.hpp"

#include "core/secrets.hpp"

#include <fmt/format.h>

#include <ctime>

namespace cims::core {

std::string utc_timestamp(std::chrono::system_clock::time_point t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string audit_entry_hash(const AuditEntry& e)
{
    std::string text;
    for (const std::string* field : {&e.prev_hash, &e.at, &e.actor, &e.organisation, &e.action, &e.target, &e.detail})
        text += fmt::format("{}:{};", field->size(), *field);
    return sha256_hex(text);
}

AuditEntry append_audit(AccountStore& accounts, const Principal& who, const std::string& action,
                        const std::string& target, const std::string& detail_json)
{
    AuditEntry entry;
    entry.at = utc_timestamp();
    entry.actor = who.name;
    entry.organisation = who.organisation;
    entry.action = action;
    entry.target = target;
    entry.detail = detail_json.empty() ? "{}" : detail_json;
    const auto last = accounts.last_audit_entry();
    entry.prev_hash = last ? last->hash : audit_genesis_hash;
    entry.hash = audit_entry_hash(entry);
    entry.id = accounts.append_audit_entry(entry);
    return entry;
}

AuditVerification verify_audit(AccountStore& accounts)
{
    AuditVerification result;
    std::string prev = audit_genesis_hash;
    std::int64_t after = 0;
    for (;;) {
        const auto page = accounts.audit_entries(after, 10000);
        if (page.empty()) break;
        for (const AuditEntry& e : page) {
            ++result.entries;
            after = e.id;
            if (e.prev_hash != prev) {
                result = {false, result.entries, e.id,
                          fmt::format("entry {} does not follow the entry before it (an entry was deleted, inserted "
                                      "or edited before it)", e.id)};
                return result;
            }
            if (audit_entry_hash(e) != e.hash) {
                result = {false, result.entries, e.id,
                          fmt::format("entry {} ({} by '{}' at {}) was edited after it was written", e.id, e.action,
                                      e.actor, e.at)};
                return result;
            }
            prev = e.hash;
        }
    }
    return result;
}

} // namespace cims::core
