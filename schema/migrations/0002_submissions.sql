-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0002: staged submissions. An operator's files wait here with their validation report until an
-- analyst approves them (then they are imported, in the approval's transaction) or rejects them.
-- National data is not touched while a submission waits.

CREATE TABLE submissions (
    submission_id INTEGER CONSTRAINT pk_submissions PRIMARY KEY,
    status        TEXT NOT NULL CONSTRAINT check_submissions_status
                  CHECK (status IN ('submitted', 'rejected', 'approved')),
    kind          TEXT NOT NULL DEFAULT '' CONSTRAINT check_submissions_kind
                  CHECK (kind IN ('', 'hazards', 'activities')),
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
CREATE INDEX idx_submissions_organisation ON submissions (organisation, status);

-- The files as sent, byte for byte (a shapefile with its .dbf, .shx, .prj, .cpg).
CREATE TABLE submission_files (
    submission_id INTEGER NOT NULL CONSTRAINT fk_submission_files_submission REFERENCES submissions (submission_id),
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL CONSTRAINT check_submission_files_name
                  CHECK (length(name) > 0 AND instr(name, '/') = 0 AND instr(name, '\') = 0 AND name NOT IN ('.', '..')),
    is_main       INTEGER NOT NULL CONSTRAINT check_submission_files_main CHECK (is_main IN (0, 1)),
    content       BLOB NOT NULL,
    CONSTRAINT pk_submission_files PRIMARY KEY (submission_id, position),
    CONSTRAINT unique_submission_files_name UNIQUE (submission_id, name)
);
