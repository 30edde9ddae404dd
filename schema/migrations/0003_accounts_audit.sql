-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0003: organisations, users and their credentials (bearer tokens, API keys), and the audit trail.
-- Secrets are never stored: passwords as Argon2id strings (libsodium), tokens and API keys as
-- their SHA-256. The audit trail is append-only and hash-chained: each entry's hash covers the
-- previous entry's hash, so 'cims audit verify' detects any edit, deletion or reordering.

CREATE TABLE organisations (
    organisation_id INTEGER CONSTRAINT pk_organisations PRIMARY KEY,
    name            TEXT NOT NULL CONSTRAINT unique_organisations_name UNIQUE
                    CONSTRAINT check_organisations_name CHECK (length(trim(name)) > 0),
    created_at      TEXT NOT NULL
);

CREATE TABLE users (
    user_id         INTEGER CONSTRAINT pk_users PRIMARY KEY,
    name            TEXT NOT NULL CONSTRAINT unique_users_name UNIQUE
                    CONSTRAINT check_users_name CHECK (length(trim(name)) > 0),
    organisation_id INTEGER NOT NULL CONSTRAINT fk_users_organisation REFERENCES organisations (organisation_id),
    role            TEXT NOT NULL CONSTRAINT check_users_role
                    CHECK (role IN ('admin', 'analyst', 'operator', 'viewer')),
    password_hash   TEXT NOT NULL CONSTRAINT check_users_password CHECK (password_hash LIKE '$argon2id$%'),
    created_at      TEXT NOT NULL
);

-- A login token (expiring) or an API key (no expiry); only the SHA-256 of the secret is kept.
CREATE TABLE credentials (
    secret_sha256 TEXT NOT NULL CONSTRAINT pk_credentials PRIMARY KEY
                  CONSTRAINT check_credentials_sha256 CHECK (length(secret_sha256) = 64),
    user_id       INTEGER NOT NULL CONSTRAINT fk_credentials_user REFERENCES users (user_id),
    kind          TEXT NOT NULL CONSTRAINT check_credentials_kind CHECK (kind IN ('token', 'api_key')),
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    CONSTRAINT check_credentials_expiry CHECK ((kind = 'token') = (expires_at IS NOT NULL))
);
CREATE INDEX idx_credentials_user ON credentials (user_id);

CREATE TABLE audit_log (
    entry_id     INTEGER CONSTRAINT pk_audit_log PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    organisation TEXT NOT NULL,
    action       TEXT NOT NULL CONSTRAINT check_audit_log_action CHECK (length(action) > 0),
    target       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL CONSTRAINT check_audit_log_prev CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL CONSTRAINT check_audit_log_hash CHECK (length(hash) = 64)
);
CREATE INDEX idx_audit_log_action ON audit_log (action, target, at);

CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'update on audit_log violates constraint: the audit trail is append-only');
END;
CREATE TRIGGER trg_audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'delete on audit_log violates constraint: the audit trail is append-only');
END;
