-- SPDX-License-Identifier: GPL-3.0-or-later
-- 0005: the geometry of each credited release, the part P = G_A ∩ remaining(H) the ledger credited
-- to activity A on hazardous area H (design.md §3), so the released land can be mapped and exported
-- by year and method. Derived like the rest of release_credits: the replay writes it; a database
-- migrated from 0004 has NULL parts until 'cims rebuild DB' replays the ledger. No spatial index:
-- a rebuild writes one part per credit, and readers select parts by date, not by place.
-- Never edit this file after it has been merged: add a later migration instead.

SELECT AddGeometryColumn('release_credits', 'geom', 4326, 'MULTIPOLYGON', 'XY');
