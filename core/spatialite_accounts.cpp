// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/spatialite_accounts.hpp"

namespace cims::core {
namespace {

using schema::Statement;

constexpr const char* user_select =
    "SELECT u.user_id, u.name, o.name, u.role, u.password_hash, u.created_at "
    "FROM users u JOIN organisations o ON o.organisation_id = u.organisation_id";

UserRecord read_user(Statement& st)
{
    return UserRecord{st.column_int(0), st.column_text(1), st.column_text(2),
                      parse_role(st.column_text(3)).value_or(Role::viewer), st.column_text(4), st.column_text(5)};
}

AuditEntry read_entry(Statement& st)
{
    return AuditEntry{st.column_int(0),  st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                      st.column_text(5), st.column_text(6), st.column_text(7), st.column_text(8)};
}

constexpr const char* entry_select =
    "SELECT entry_id, at, actor, organisation, action, target, detail, prev_hash, hash FROM audit_log";

class SpatialiteAccounts final : public AccountStore {
public:
    explicit SpatialiteAccounts(schema::Database& db) : m_db(db) {}

    std::optional<Organisation> find_organisation(const std::string& name) override
    {
        auto st = m_db.prepare("SELECT organisation_id, name, created_at FROM organisations WHERE name = ?");
        st.bind(1, name);
        if (!st.step()) return std::nullopt;
        return Organisation{st.column_int(0), st.column_text(1), st.column_text(2)};
    }

    std::int64_t add_organisation(const std::string& name, const std::string& at) override
    {
        m_db.prepare("INSERT INTO organisations (name, created_at) VALUES (?, ?)").bind(1, name).bind(2, at).run();
        return m_db.last_insert_rowid();
    }

    std::vector<Organisation> organisations() override
    {
        std::vector<Organisation> out;
        auto st = m_db.prepare("SELECT organisation_id, name, created_at FROM organisations ORDER BY name");
        while (st.step()) out.push_back(Organisation{st.column_int(0), st.column_text(1), st.column_text(2)});
        return out;
    }

    std::optional<UserRecord> find_user(const std::string& name) override
    {
        auto st = m_db.prepare(std::string(user_select) + " WHERE u.name = ?");
        st.bind(1, name);
        if (!st.step()) return std::nullopt;
        return read_user(st);
    }

    std::int64_t add_user(const UserRecord& user) override
    {
        m_db.prepare("INSERT INTO users (name, organisation_id, role, password_hash, created_at) "
                     "SELECT ?, organisation_id, ?, ?, ? FROM organisations WHERE name = ?")
            .bind(1, user.name)
            .bind(2, std::string(format_role(user.role)))
            .bind(3, user.password_hash)
            .bind(4, user.created_at)
            .bind(5, user.organisation)
            .run();
        if (m_db.changes() != 1)
            throw schema::StorageError("adding a user: organisation '" + user.organisation + "' is missing", 0);
        return m_db.last_insert_rowid();
    }

    std::vector<UserRecord> users() override
    {
        std::vector<UserRecord> out;
        auto st = m_db.prepare(std::string(user_select) + " ORDER BY u.name");
        while (st.step()) out.push_back(read_user(st));
        return out;
    }

    void add_credential(const std::string& secret_sha256, std::int64_t user_id, const std::string& kind,
                        const std::string& created_at, const std::optional<std::string>& expires_at) override
    {
        m_db.prepare("INSERT INTO credentials (secret_sha256, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
            .bind(1, secret_sha256)
            .bind(2, user_id)
            .bind(3, kind)
            .bind(4, created_at)
            .bind(5, expires_at)
            .run();
    }

    std::optional<UserRecord> user_by_credential(const std::string& secret_sha256, const std::string& now) override
    {
        auto st = m_db.prepare(std::string(user_select) +
                               " JOIN credentials c ON c.user_id = u.user_id "
                               "WHERE c.secret_sha256 = ? AND (c.expires_at IS NULL OR c.expires_at > ?)");
        st.bind(1, secret_sha256).bind(2, now);
        if (!st.step()) return std::nullopt;
        return read_user(st);
    }

    std::optional<AuditEntry> last_audit_entry() override
    {
        auto st = m_db.prepare(std::string(entry_select) + " ORDER BY entry_id DESC LIMIT 1");
        if (!st.step()) return std::nullopt;
        return read_entry(st);
    }

    std::int64_t append_audit_entry(const AuditEntry& e) override
    {
        m_db.prepare("INSERT INTO audit_log (at, actor, organisation, action, target, detail, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, e.at)
            .bind(2, e.actor)
            .bind(3, e.organisation)
            .bind(4, e.action)
            .bind(5, e.target)
            .bind(6, e.detail)
            .bind(7, e.prev_hash)
            .bind(8, e.hash)
            .run();
        return m_db.last_insert_rowid();
    }

    std::vector<AuditEntry> audit_entries(std::int64_t after_id, int limit) override
    {
        std::vector<AuditEntry> out;
        auto st = m_db.prepare(std::string(entry_select) + " WHERE entry_id > ? ORDER BY entry_id LIMIT ?");
        st.bind(1, after_id).bind(2, limit);
        while (st.step()) out.push_back(read_entry(st));
        return out;
    }

    std::int64_t count_audit_entries(const std::string& action, const std::string& target,
                                     const std::string& since) override
    {
        auto st = m_db.prepare("SELECT count(*) FROM audit_log WHERE action = ? AND target = ? AND at >= ?");
        st.bind(1, action).bind(2, target).bind(3, since);
        st.step();
        return st.column_int(0);
    }

private:
    schema::Database& m_db;
};

} // namespace

std::unique_ptr<AccountStore> make_spatialite_accounts(schema::Database& db)
{
    return std::make_unique<SpatialiteAccounts>(db);
}

} // namespace cims::core
