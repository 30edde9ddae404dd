-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0004: risk education sessions (Article 7 Form G; the 'education' record kind of the interchange
-- schema). Imports and submissions accept the new kind: their kind CHECKs are widened by rebuilding
-- the two tables (sqlite.org lang_altertable.html; the migrator runs with foreign keys off and runs
-- foreign_key_check before it commits).
-- Never edit this file after it has been merged: add a later migration instead.

CREATE TABLE imports_0004 (
    import_id    INTEGER CONSTRAINT pk_imports PRIMARY KEY,
    file_name    TEXT NOT NULL,
    layer        TEXT NOT NULL,
    sha256       TEXT NOT NULL CONSTRAINT check_imports_sha256 CHECK (length(sha256) = 64),
    kind         TEXT NOT NULL CONSTRAINT check_imports_kind
                 CHECK (kind IN ('hazards', 'activities', 'education', 'regions')),
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    organisation TEXT,
    accepted     INTEGER NOT NULL CONSTRAINT check_imports_accepted CHECK (accepted >= 0),
    rejected     INTEGER NOT NULL CONSTRAINT check_imports_rejected CHECK (rejected >= 0)
);
INSERT INTO imports_0004 (import_id, file_name, layer, sha256, kind, imported_at, imported_by, organisation,
                          accepted, rejected)
    SELECT import_id, file_name, layer, sha256, kind, imported_at, imported_by, organisation, accepted, rejected
    FROM imports;
DROP TABLE imports;
ALTER TABLE imports_0004 RENAME TO imports;
CREATE INDEX idx_imports_sha256 ON imports (sha256, layer, kind);

CREATE TABLE submissions_0004 (
    submission_id INTEGER CONSTRAINT pk_submissions PRIMARY KEY,
    status        TEXT NOT NULL CONSTRAINT check_submissions_status
                  CHECK (status IN ('submitted', 'rejected', 'approved')),
    kind          TEXT NOT NULL DEFAULT '' CONSTRAINT check_submissions_kind
                  CHECK (kind IN ('', 'hazards', 'activities', 'education')),
    layer         TEXT NOT NULL DEFAULT '',
    encoding      TEXT NOT NULL DEFAULT '',
    mapping       TEXT,
    partial       INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_submissions_partial CHECK (partial IN (0, 1)),
    organisation  TEXT NOT NULL DEFAULT '',
    submitted_at  TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    decided_at    TEXT,
    decided_by    TEXT,
    why           TEXT,
    report        TEXT NOT NULL,
    CONSTRAINT check_submissions_decided CHECK (status = 'submitted' OR decided_at IS NOT NULL)
);
INSERT INTO submissions_0004 (submission_id, status, kind, layer, encoding, mapping, partial, organisation,
                              submitted_at, submitted_by, decided_at, decided_by, why, report)
    SELECT submission_id, status, kind, layer, encoding, mapping, partial, organisation, submitted_at,
           submitted_by, decided_at, decided_by, why, report
    FROM submissions;
DROP TABLE submissions;
ALTER TABLE submissions_0004 RENAME TO submissions;
CREATE INDEX idx_submissions_organisation ON submissions (organisation, status);

-- One record of risk education: `sessions` sessions of one delivery method held by one organisation
-- on one date, with the people reached, disaggregated as Form G asks (girls, boys, women, men, and of
-- whom persons with disabilities). It is located by a region code, by a point or polygon, or both.
CREATE TABLE education (
    education_id TEXT NOT NULL CONSTRAINT pk_education PRIMARY KEY
                 CONSTRAINT check_education_id CHECK (length(education_id) > 0),
    date         TEXT NOT NULL CONSTRAINT check_education_date
                 CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    organisation TEXT,
    -- free text (interpersonal, mass_media, training …), stored in lower case
    method       TEXT NOT NULL CONSTRAINT check_education_method CHECK (length(method) > 0 AND method = lower(method)),
    -- the region code as given ('' when the record has only a location)
    region_code  TEXT NOT NULL DEFAULT '',
    sessions     INTEGER NOT NULL DEFAULT 1 CONSTRAINT check_education_sessions CHECK (sessions >= 1),
    girls        INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_education_girls CHECK (girls >= 0),
    boys         INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_education_boys CHECK (boys >= 0),
    women        INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_education_women CHECK (women >= 0),
    men          INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_education_men CHECK (men >= 0),
    disabled     INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_education_disabled CHECK (disabled >= 0),
    import_id    INTEGER CONSTRAINT fk_education_import REFERENCES imports (import_id),
    -- derived: the given code when it is a loaded region's, else the region the geometry lies in
    -- (largest share), else '' (recomputed when regions are loaded)
    home_region  TEXT NOT NULL DEFAULT ''
);
-- a point or (multi)polygon; NULL when the record is located by its region code only (the importer
-- refuses a record with neither)
SELECT AddGeometryColumn('education', 'geom', 4326, 'GEOMETRY', 'XY');
CREATE INDEX idx_education_date ON education (date);
