// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/accounts.hpp"

#include "core/audit_trail.hpp"
#include "core/secrets.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cims::core {
namespace {

/// Rolls back unless committed: every Accounts write is one transaction with its audit entry.
class WriteTransaction {
public:
    explicit WriteTransaction(LedgerStore& store) : m_store(store) { m_store.begin(); }
    ~WriteTransaction()
    {
        if (!m_done) {
            try {
                m_store.rollback();
            } catch (...) {
            }
        }
    }
    void commit()
    {
        m_store.commit();
        m_done = true;
    }

private:
    LedgerStore& m_store;
    bool m_done = false;
};

constexpr std::size_t min_password_length = 10;
constexpr std::size_t max_password_length = 1024;
constexpr std::size_t max_name_length = 100;

std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

} // namespace

Principal principal_of(const UserRecord& user)
{
    return Principal{user.id, user.name, user.organisation, user.role};
}

UserRecord Accounts::add_user(const Principal& actor, const std::string& name, const std::string& organisation,
                              Role role, const std::string& password, bool create_organisation)
{
    AccountStore& accounts = m_store.accounts();
    if (trimmed(name) != name || name.empty() || name.size() > max_name_length)
        throw InvalidRequest("name", fmt::format("a user name must have 1 to {} characters, without blanks at either end",
                                                 max_name_length));
    if (trimmed(organisation).empty()) throw InvalidRequest("organisation", "give the user's organisation");
    if (password.size() < min_password_length || password.size() > max_password_length)
        throw InvalidRequest("password", fmt::format("the password must have {} to {} characters", min_password_length,
                                                     max_password_length));
    const std::string hash = hash_password(password); // slow on purpose: outside the transaction

    WriteTransaction tx(m_store);
    const bool bootstrap = accounts.users().empty() && actor.user_id == 0;
    if (!bootstrap) require_role(actor, {Role::admin}, "adding a user");
    if (accounts.find_user(name))
        throw InvalidRequest("name", fmt::format("a user named '{}' exists already: choose another name", name), true);
    if (!accounts.find_organisation(organisation)) {
        if (!create_organisation)
            throw InvalidRequest("organisation",
                                 fmt::format("no organisation named '{}': add it first (POST /api/v1/organisations)", organisation));
        accounts.add_organisation(organisation, utc_timestamp());
        append_audit(accounts, actor, "organisation_added", organisation, "{}");
    }
    UserRecord user{0, name, organisation, role, hash, utc_timestamp()};
    user.id = accounts.add_user(user);
    append_audit(accounts, actor, "user_added", name,
                 nlohmann::json{{"organisation", organisation}, {"role", format_role(role)}}.dump());
    tx.commit();
    return user;
}

Organisation Accounts::add_organisation(const Principal& actor, const std::string& name)
{
    require_role(actor, {Role::admin}, "adding an organisation");
    if (trimmed(name) != name || name.empty() || name.size() > 200)
        throw InvalidRequest("name", "an organisation name must have 1 to 200 characters, without blanks at either end");
    AccountStore& accounts = m_store.accounts();
    WriteTransaction tx(m_store);
    if (accounts.find_organisation(name))
        throw InvalidRequest("name", fmt::format("an organisation named '{}' exists already", name), true);
    Organisation org{0, name, utc_timestamp()};
    org.id = accounts.add_organisation(name, org.created_at);
    append_audit(accounts, actor, "organisation_added", name, "{}");
    tx.commit();
    return org;
}

std::vector<UserRecord> Accounts::users(const Principal& actor)
{
    require_role(actor, {Role::admin}, "listing users");
    return m_store.accounts().users();
}

std::vector<Organisation> Accounts::organisations(const Principal& actor)
{
    require_role(actor, {Role::admin}, "listing organisations");
    return m_store.accounts().organisations();
}

LoginResult Accounts::login(const std::string& name, const std::string& password)
{
    AccountStore& accounts = m_store.accounts();
    // Bounded before anything is read or written: a failed login is an audit entry holding the name.
    if (name.empty() || name.size() > max_name_length || password.size() > max_password_length)
        throw Unauthenticated("wrong user name or password");
    const auto now = std::chrono::system_clock::now();
    if (accounts.count_audit_entries("login_failed", name, utc_timestamp(now - login_window)) >= max_failed_logins)
        throw Throttled(fmt::format("too many failed logins for '{}': wait {} minutes and try again", name,
                                    login_window.count()));
    const auto user = accounts.find_user(name);
    // Verify against a fixed hash when the user is unknown, so timing does not reveal which names exist.
    static const std::string unknown_user_hash = hash_password(random_secret(""));
    const bool ok = verify_password(user ? user->password_hash : unknown_user_hash, password) && user;
    WriteTransaction tx(m_store);
    if (!ok) {
        append_audit(accounts, Principal{0, name, "", Role::viewer}, "login_failed", name, "{}");
        tx.commit();
        throw Unauthenticated("wrong user name or password");
    }
    LoginResult result{random_secret("cimst_"), utc_timestamp(now + token_lifetime), principal_of(*user)};
    accounts.add_credential(sha256_hex(result.token), user->id, "token", utc_timestamp(now), result.expires_at);
    tx.commit();
    return result;
}

std::string Accounts::issue_api_key(const Principal& actor, const std::string& name)
{
    AccountStore& accounts = m_store.accounts();
    WriteTransaction tx(m_store);
    if (!(actor.user_id == 0 && actor.role == Role::admin)) require_role(actor, {Role::admin}, "issuing an API key");
    const auto user = accounts.find_user(name);
    if (!user) throw InvalidRequest("name", fmt::format("no user named '{}': add it first with 'cims users add'", name));
    const std::string key = random_secret("cimsk_");
    accounts.add_credential(sha256_hex(key), user->id, "api_key", utc_timestamp(), std::nullopt);
    append_audit(accounts, actor, "api_key_issued", name, "{}");
    tx.commit();
    return key;
}

Principal Accounts::authenticate(const std::string& bearer)
{
    if (bearer.empty()) throw Unauthenticated("send 'Authorization: Bearer <token or API key>'");
    const auto user = m_store.accounts().user_by_credential(sha256_hex(bearer), utc_timestamp());
    if (!user) throw Unauthenticated("the token or API key is unknown or expired: log in again");
    return principal_of(*user);
}

std::vector<AuditEntry> Accounts::audit(const Principal& actor, std::int64_t after_id, int limit)
{
    require_role(actor, {Role::admin}, "reading the audit trail");
    return m_store.accounts().audit_entries(after_id, limit);
}

} // namespace cims::core
