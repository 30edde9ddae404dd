-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0001: SpatiaLite metadata; regions; the facts (hazardous areas, activities, people counts,
-- imports, the append-only ledger of events) and the state derived from them by the ledger
-- (effects per event, credited releases, totals per stratum). Derived tables can be emptied and
-- rebuilt from the facts at any time ('cims rebuild').
-- Never edit this file after it has been merged: add 0002_*.sql instead.

-- WGS 84 definitions only: cims stores everything in EPSG:4326 (lon, lat); PROJ handles the rest.
SELECT InitSpatialMetadata(0, 'WGS84_ONLY');

CREATE TABLE settings (
    key   TEXT NOT NULL CONSTRAINT pk_settings PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE imports (
    import_id    INTEGER CONSTRAINT pk_imports PRIMARY KEY,
    file_name    TEXT NOT NULL,
    layer        TEXT NOT NULL,
    sha256       TEXT NOT NULL CONSTRAINT check_imports_sha256 CHECK (length(sha256) = 64),
    kind         TEXT NOT NULL CONSTRAINT check_imports_kind CHECK (kind IN ('hazards', 'activities', 'regions')),
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    organisation TEXT,
    accepted     INTEGER NOT NULL CONSTRAINT check_imports_accepted CHECK (accepted >= 0),
    rejected     INTEGER NOT NULL CONSTRAINT check_imports_rejected CHECK (rejected >= 0)
);
CREATE INDEX idx_imports_sha256 ON imports (sha256, layer, kind);

CREATE TABLE regions (
    region_code TEXT NOT NULL CONSTRAINT pk_regions PRIMARY KEY,
    name        TEXT NOT NULL,
    level       INTEGER NOT NULL DEFAULT 1 CONSTRAINT check_regions_level CHECK (level BETWEEN 0 AND 5)
);
SELECT AddGeometryColumn('regions', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
SELECT CreateSpatialIndex('regions', 'geom');

-- A hazardous area's identity and fixed attributes. Its status, remaining geometry and home region
-- are derived from the ledger and stored here for reading only.
CREATE TABLE hazards (
    hazard_id     TEXT NOT NULL CONSTRAINT pk_hazards PRIMARY KEY
                  CONSTRAINT check_hazards_id CHECK (length(hazard_id) > 0),
    name          TEXT,
    contamination TEXT NOT NULL,
    contam_mask   INTEGER NOT NULL CONSTRAINT check_hazards_contam CHECK (contam_mask BETWEEN 1 AND 63),
    declared_m2   REAL CONSTRAINT check_hazards_declared CHECK (declared_m2 IS NULL OR declared_m2 >= 0),
    parent_id     TEXT CONSTRAINT fk_hazards_parent REFERENCES hazards (hazard_id),
    organisation  TEXT,
    import_id     INTEGER CONSTRAINT fk_hazards_import REFERENCES imports (import_id),
    -- derived by the ledger
    home_region   TEXT NOT NULL DEFAULT '',
    status        TEXT CONSTRAINT check_hazards_status CHECK (status IN ('SHA', 'CHA')),
    recorded_on   TEXT,
    remaining_m2  REAL NOT NULL DEFAULT 0,
    closed_on     TEXT
);
SELECT AddGeometryColumn('hazards', 'remaining', 4326, 'MULTIPOLYGON', 'XY');
SELECT CreateSpatialIndex('hazards', 'remaining');

CREATE INDEX idx_hazards_parent ON hazards (parent_id);

CREATE TABLE activities (
    activity_id  TEXT NOT NULL CONSTRAINT pk_activities PRIMARY KEY
                 CONSTRAINT check_activities_id CHECK (length(activity_id) > 0),
    hazard_id    TEXT CONSTRAINT fk_activities_hazard REFERENCES hazards (hazard_id),
    method       TEXT NOT NULL CONSTRAINT check_activities_method CHECK (method IN ('NTS', 'TS', 'CLEARANCE', 'EOD')),
    start_date   TEXT,
    end_date     TEXT NOT NULL,
    organisation TEXT,
    submunitions INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_activities_submunitions CHECK (submunitions >= 0),
    ap_mines     INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_activities_ap CHECK (ap_mines >= 0),
    av_mines     INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_activities_av CHECK (av_mines >= 0),
    other_erw    INTEGER NOT NULL DEFAULT 0 CONSTRAINT check_activities_erw CHECK (other_erw >= 0),
    area_m2      REAL NOT NULL DEFAULT 0,
    import_id    INTEGER CONSTRAINT fk_activities_import REFERENCES imports (import_id),
    -- derived: the region the activity lies in (by its geometry), and where and for which
    -- contamination its items destroyed count (its hazardous area's, else its location's)
    located_region TEXT NOT NULL DEFAULT '',
    items_region TEXT NOT NULL DEFAULT '',
    items_mask   INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT check_activities_dates CHECK (start_date IS NULL OR start_date <= end_date)
);
SELECT AddGeometryColumn('activities', 'geom', 4326, 'GEOMETRY', 'XY');
SELECT CreateSpatialIndex('activities', 'geom');
CREATE INDEX idx_activities_hazard ON activities (hazard_id);
CREATE INDEX idx_activities_end_date ON activities (end_date);

-- People consulted or reached, disaggregated by sex, age group and disability ('any' = not split).
CREATE TABLE people_counts (
    activity_id TEXT NOT NULL CONSTRAINT fk_people_activity REFERENCES activities (activity_id),
    sex         TEXT NOT NULL CONSTRAINT check_people_sex CHECK (sex IN ('female', 'male', 'any')),
    age_group   TEXT NOT NULL CONSTRAINT check_people_age CHECK (age_group IN ('adult', 'child', 'any')),
    disability  TEXT NOT NULL CONSTRAINT check_people_disability CHECK (disability IN ('with', 'any')),
    people      INTEGER NOT NULL CONSTRAINT check_people_count CHECK (people >= 0),
    CONSTRAINT pk_people_counts PRIMARY KEY (activity_id, sex, age_group, disability)
);

-- The land-release ledger (design.md §3): append-only. A correction is a new event.
CREATE TABLE ledger_events (
    event_id    INTEGER CONSTRAINT pk_ledger_events PRIMARY KEY,
    kind        TEXT NOT NULL CONSTRAINT check_events_kind
                CHECK (kind IN ('recorded', 'derived', 'status_changed', 'corrected', 'released')),
    hazard_id   TEXT CONSTRAINT fk_events_hazard REFERENCES hazards (hazard_id),
    activity_id TEXT CONSTRAINT fk_events_activity REFERENCES activities (activity_id),
    parent_id   TEXT CONSTRAINT fk_events_parent REFERENCES hazards (hazard_id),
    status      TEXT CONSTRAINT check_events_status CHECK (status IN ('SHA', 'CHA')),
    valid_date  TEXT NOT NULL CONSTRAINT check_events_date
                CHECK (valid_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    recorded_at TEXT NOT NULL,
    import_id   INTEGER CONSTRAINT fk_events_import REFERENCES imports (import_id),
    CONSTRAINT check_events_shape CHECK (
        (kind = 'released' AND activity_id IS NOT NULL) OR
        (kind = 'derived' AND hazard_id IS NOT NULL AND parent_id IS NOT NULL AND status IS NOT NULL) OR
        (kind IN ('recorded') AND hazard_id IS NOT NULL AND status IS NOT NULL) OR
        (kind = 'status_changed' AND hazard_id IS NOT NULL AND status IS NOT NULL) OR
        (kind = 'corrected' AND hazard_id IS NOT NULL))
);
-- geometry of recorded, derived and corrected events; a released event uses its activity's
SELECT AddGeometryColumn('ledger_events', 'geom', 4326, 'MULTIPOLYGON', 'XY');
SELECT CreateSpatialIndex('ledger_events', 'geom');
CREATE INDEX idx_events_hazard ON ledger_events (hazard_id);
CREATE INDEX idx_events_parent ON ledger_events (parent_id);
CREATE INDEX idx_events_activity ON ledger_events (activity_id);

CREATE TRIGGER trg_ledger_events_no_update BEFORE UPDATE ON ledger_events
BEGIN
    SELECT RAISE(ABORT, 'update on ledger_events violates constraint: the ledger is append-only; record a new event instead');
END;
CREATE TRIGGER trg_ledger_events_no_delete BEFORE DELETE ON ledger_events
BEGIN
    SELECT RAISE(ABORT, 'delete on ledger_events violates constraint: the ledger is append-only; record a new event instead');
END;

-- Derived: what each event did to each hazardous area's stratum: a flow (kind, area_m2) and the
-- measured change of the remaining area it caused (remaining_m2, open_delta, closed). The balance
-- check compares the sums of the two.
-- Derived tables carry no foreign keys: only the ledger writes them, from the events, and a rebuild
-- writes millions of rows.
CREATE TABLE ledger_effects (
    event_id    INTEGER NOT NULL,
    hazard_id   TEXT NOT NULL,
    valid_date  TEXT NOT NULL,
    year        INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    status      TEXT NOT NULL CONSTRAINT check_effects_status CHECK (status IN ('SHA', 'CHA')),
    contam_mask INTEGER NOT NULL,
    kind        TEXT NOT NULL CONSTRAINT check_effects_kind CHECK (kind IN
                ('added', 'moved_in', 'moved_out', 'correction', 'cancelled', 'reduced', 'cleared')),
    area_m2      REAL NOT NULL,
    remaining_m2 REAL NOT NULL,
    open_delta   INTEGER NOT NULL CONSTRAINT check_effects_open CHECK (open_delta BETWEEN -1 AND 1),
    closed       INTEGER NOT NULL CONSTRAINT check_effects_closed CHECK (closed IN (0, 1))
);
CREATE INDEX idx_effects_hazard ON ledger_effects (hazard_id);

-- Derived: the area each released event credited to an activity on one hazardous area.
CREATE TABLE release_credits (
    event_id     INTEGER NOT NULL,
    activity_id  TEXT NOT NULL,
    hazard_id    TEXT NOT NULL,
    release_kind TEXT NOT NULL CONSTRAINT check_credits_kind CHECK (release_kind IN ('cancelled', 'reduced', 'cleared')),
    valid_date   TEXT NOT NULL,
    credited_m2  REAL NOT NULL,
    outside_m2   REAL NOT NULL,
    CONSTRAINT pk_release_credits PRIMARY KEY (hazard_id, activity_id)
);
CREATE INDEX idx_credits_activity ON release_credits (activity_id);

-- Derived: sums of ledger_effects per stratum and year, so an annual report reads a few rows.
CREATE TABLE stratum_totals (
    region_code TEXT NOT NULL,
    status      TEXT NOT NULL,
    contam_mask INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    area_m2      REAL NOT NULL,
    remaining_m2 REAL NOT NULL,
    open_delta   INTEGER NOT NULL,
    closed       INTEGER NOT NULL,
    CONSTRAINT pk_stratum_totals PRIMARY KEY (region_code, status, contam_mask, year, kind)
);
