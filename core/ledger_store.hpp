// SPDX-License-Identifier: GPL-3.0-or-later
// LedgerStore: what the ledger needs from a database. SpatialiteStore implements it on the embedded
// default; a PostGIS implementation serves the same ledger code and tests.
#pragma once

#include "core/account_store.hpp"
#include "core/feature_catalog.hpp"
#include "core/ledger.hpp"
#include "core/records.hpp"
#include "core/region_index.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cims::core {

/// Facts loaded for a replay; owns the events HazardFacts points at.
struct LedgerFacts {
    std::deque<HazardEvent> events;
    std::deque<ReleaseEvent> releases;
    std::map<std::string, HazardFacts> hazards;
};

struct ImportInfo {
    std::string file_name;
    std::string layer;
    std::string sha256;
    std::string kind; // hazards | activities | education | regions
    std::string imported_by;
    std::string organisation;
    std::int64_t accepted = 0;
    std::int64_t rejected = 0;
};

/// What is known of a hazardous area before a new record about it is applied.
struct KnownHazard {
    std::string hazard_id;
    std::string parent_id;
    ContamMask contam_mask = 0;
    std::vector<HazardEvent> events; // its own events, in ledger order
};

struct KnownActivity {
    std::string activity_id;
    std::string hazard_id;
    Method method;
    Date end_date;
    std::string geometry_wkb;
};

/// Sums of effects for one stratum, kind and year, filtered by contamination.
struct StratumTotal {
    std::string region;
    Status status;
    int year;
    Effect::Kind kind;
    double area_m2;
    double remaining_m2;
    std::int64_t open_delta;
    std::int64_t closed;
};

/// A staged submission as stored (the workflow lives in importers/submissions.hpp).
struct SubmissionRecord {
    std::int64_t id = 0;
    std::string status; // submitted | rejected | approved
    std::string kind, layer, encoding;
    std::optional<std::string> mapping; // the mapping profile's JSON as sent
    bool partial = false;
    std::string organisation;
    std::string submitted_at, submitted_by;
    std::optional<std::string> decided_at, decided_by, why;
    std::string report_json;
    std::vector<std::string> file_names;
};

struct SubmissionFile {
    std::string name; // base name, no folder
    bool is_main = false; // given on the command line (the others are a shapefile's sidecars)
    std::string content;
};

struct RegionItems {
    std::string region;
    ItemsDestroyed items;
};

/// A hazardous area's stored attributes, for maps and exports (its state comes from the ledger).
struct HazardAttributes {
    std::string hazard_id;
    std::string name;
    std::string contamination; // as stored: "CMR,ERW"
    std::string home_region;
};

/// One credited release with the geometry of the part it released (release_credits).
struct ReleasedPart {
    std::string activity_id;
    std::string hazard_id;
    Method method = Method::CLEARANCE;
    ReleaseKind kind = ReleaseKind::cleared;
    Date date;
    double credited_m2 = 0;
    std::string home_region;   // of the hazardous area
    std::string contamination; // of the hazardous area
    std::string part_wkb;      // empty when the database predates migration 0005 and was not rebuilt
};

/// Risk education summed for Form G: one home region and delivery method.
struct EducationTotal { std::string region; std::string method; std::int64_t sessions = 0, girls = 0, boys = 0, women = 0, men = 0, disabled = 0; };

/// A region's outline for maps: its polygons simplified and written as SVG path data in degrees
/// (x = longitude, y = −latitude, as SpatiaLite's AsSVG writes them), with its bounding box.
struct RegionOutline {
    std::string code, name;
    int level = 1;
    std::string svg_path;
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

class LedgerStore {
public:
    virtual ~LedgerStore() = default;

    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;

    /// Users, credentials and the audit trail, on the same connection: an audit entry commits or
    /// rolls back with the write it describes.
    virtual AccountStore& accounts() = 0;
    /// The hazards, activities, releases and regions as feature collections (OGC API – Features).
    virtual FeatureCatalog& features() = 0;

    virtual void set_setting(const std::string& key, const std::string& value) = 0;
    virtual std::optional<std::string> setting(const std::string& key) = 0;

    virtual void replace_regions(const std::vector<Region>& regions, int level) = 0;
    virtual std::vector<Region> load_regions() = 0;
    /// code → name of every region.
    virtual std::map<std::string, std::string> region_names() = 0;
    /// Every region's outline, simplified to `tolerance_fraction` of the larger side of the extent of
    /// all regions (0.001 keeps a national map sharp at 1,000 pixels), by code. A fraction of 0 gives
    /// the codes, names, levels and boxes without paths (cheap).
    virtual std::vector<RegionOutline> region_outlines(double tolerance_fraction) = 0;

    /// A complete earlier import of the same content (one that rejected nothing): importing it
    /// again changes nothing. A partial import may be retried, its accepted records are unchanged.
    virtual std::optional<std::int64_t> find_import(const std::string& sha256, const std::string& layer,
                                                    const std::string& kind) = 0;
    virtual std::int64_t add_import(const ImportInfo& info) = 0;
    /// Remembers `key` (an id, a geometry's hash) for feature `fid` of the layer being imported and
    /// returns the earlier feature that had it, if any. Kept in the database, not in memory, so a
    /// file of any size can be checked for duplicates. forget_seen() starts a new layer.
    virtual std::optional<std::int64_t> seen_before(const std::string& key, std::int64_t fid) = 0;
    virtual void forget_seen() = 0;
    /// Records how many features of an import the ledger accepted and rejected.
    virtual void set_import_counts(std::int64_t import_id, std::int64_t accepted, std::int64_t rejected) = 0;

    virtual std::optional<KnownHazard> find_hazard(const std::string& hazard_id) = 0;
    virtual void insert_hazard(const HazardRecord& record, std::int64_t import_id) = 0;
    virtual std::optional<KnownActivity> find_activity(const std::string& activity_id) = 0;
    virtual void insert_activity(const ActivityRecord& record, std::int64_t import_id, const std::string& located_region) = 0;

    /// A recorded risk education record, as stored (region = the code as given).
    virtual std::optional<EducationRecord> find_education(const std::string& education_id) = 0;
    /// `home_region`: the given code when it is a loaded region's, else where the geometry lies, else "".
    virtual void insert_education(const EducationRecord& record, std::int64_t import_id,
                                  const std::string& home_region) = 0;
    /// Recomputes the home region of every education record (after a regions load).
    virtual void relocate_education(const RegionIndex& regions) = 0;

    /// Appends a recorded/derived/status changed/corrected event; returns its id.
    virtual std::int64_t append_hazard_event(const HazardEvent& event, std::int64_t import_id) = 0;
    /// Appends the released event of an activity; returns its id.
    virtual std::int64_t append_release_event(const std::string& activity_id, const std::string& hazard_id,
                                              const Date& date, std::int64_t import_id) = 0;

    /// Open hazardous areas (remaining ≥ 1 m²) whose remaining geometry's box meets `box`: id and WKB.
    virtual std::vector<std::pair<std::string, std::string>> open_hazards_near(const gis::Envelope& box) = 0;
    /// Hazardous areas with any event geometry whose box intersects `box`.
    virtual std::set<std::string> hazards_near(const gis::Envelope& box) = 0;
    virtual std::set<std::string> children_of(const std::set<std::string>& ids) = 0;
    virtual std::set<std::string> parents_of(const std::set<std::string>& ids) = 0;
    virtual std::set<std::string> all_hazard_ids() = 0;

    /// Loads the facts of the given areas: their events, their children's derived events, their
    /// explicit releases and every spatially linked release whose box meets one of their geometries.
    virtual void load_facts(const std::set<std::string>& ids, LedgerFacts& facts) = 0;

    /// Replaces the derived rows (effects, credits, state) of the replayed areas and, unless
    /// `whole_ledger` (a rebuild, which calls refresh_totals() after), moves the per-stratum totals
    /// by the difference, so a back-dated event costs what it touches.
    virtual void write_replay(const std::set<std::string>& ids, const ReplayResult& result, bool whole_ledger) = 0;
    /// Recomputes where and for which contamination each activity's items count: every activity
    /// when `all`, else those releasing on the given areas or in `activity_ids`.
    virtual void attribute_items(const std::set<std::string>& hazard_ids, const std::set<std::string>& activity_ids,
                                 bool all) = 0;
    /// Relocates every activity in the regions (after a regions load).
    virtual void relocate_activities(const RegionIndex& regions) = 0;
    /// Recomputes the per-stratum totals from every effect.
    virtual void refresh_totals() = 0;

    virtual std::int64_t add_submission(const SubmissionRecord& submission, const std::vector<SubmissionFile>& files) = 0;
    /// Submissions, newest first; only the organisation's when `organisation` is not empty.
    virtual std::vector<SubmissionRecord> submissions(const std::string& organisation) = 0;
    virtual std::optional<SubmissionRecord> submission(std::int64_t id) = 0;
    virtual std::vector<SubmissionFile> submission_files(std::int64_t id) = 0;
    /// Records a decision (status approved or rejected) with who made it, why, and the report.
    /// \returns false, changing nothing, unless the submission was still waiting (submitted): the
    /// check is in the same statement, so two deciders (two processes) cannot both succeed.
    virtual bool decide_submission(std::int64_t id, const std::string& status, const std::string& by,
                                   const std::string& why, const std::string& report_json) = 0;

    /// Totals of every year up to `last_year` for areas whose contamination meets `mask`.
    virtual std::vector<StratumTotal> totals(int last_year, ContamMask mask) = 0;
    virtual std::vector<RegionItems> items_destroyed(int year, ContamMask mask) = 0;
    /// One page of the hazardous areas with land remaining (more than 0 m², closed slivers included)
    /// at the end of `date`, by the stored effects: ids greater than `after`, in id order, at most
    /// `limit`. Their state at that date is replayed by remaining_as_of() (core/remaining_as_of.hpp).
    virtual std::vector<std::string> hazards_remaining_at(const Date& date, const std::string& after,
                                                          std::size_t limit) = 0;
    /// The stored attributes of these areas (unknown ids are left out).
    virtual std::map<std::string, HazardAttributes> hazard_attributes(const std::set<std::string>& ids) = 0;
    /// Calls `visit` for every credited release dated on or before `up_to`, by date, activity and
    /// hazard id, streaming (one row in memory at a time).
    virtual void released_parts(const Date& up_to, const std::function<void(const ReleasedPart&)>& visit) = 0;
    /// Risk education delivered in `year`, summed per home region and method (region "" when none).
    virtual std::vector<EducationTotal> education_totals(int year) = 0;
    /// Latest year with any event or activity; nullopt on an empty ledger.
    virtual std::optional<int> latest_year() = 0;
};

/// Opens the SpatiaLite database at `path` (which must be at this binary's schema version).
std::unique_ptr<LedgerStore> open_spatialite_store(const std::string& path);

} // namespace cims::core
