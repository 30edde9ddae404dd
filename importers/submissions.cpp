// SPDX-License-Identifier: GPL-3.0-or-later
#include "submissions.hpp"

#include "importers/importer.hpp"

#include "core/audit_trail.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace cims::importers {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The files to keep: each given file, and for a shapefile the sidecars GDAL reads with it.
std::vector<core::SubmissionFile> collect_files(const std::vector<std::string>& paths)
{
    std::vector<core::SubmissionFile> files;
    auto add = [&](const fs::path& p, bool is_main) {
        const std::string name = p.filename().string();
        if (std::any_of(files.begin(), files.end(), [&](const auto& f) { return f.name == name; }))
            throw std::runtime_error("two files named '" + name + "' in one submission: rename one");
        files.push_back(core::SubmissionFile{name, is_main, read_file(p)});
    };
    for (const auto& path : paths) {
        const fs::path p(path);
        if (!fs::is_regular_file(p))
            throw std::runtime_error("'" + path + "' is not a file (a file geodatabase folder must be zipped to be submitted)");
        add(p, true);
        std::string ext = p.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        if (ext != ".shp") continue;
        for (const char* side : {".dbf", ".shx", ".prj", ".cpg", ".DBF", ".SHX", ".PRJ", ".CPG"}) {
            fs::path s = p;
            s.replace_extension(side);
            if (fs::exists(s)) add(s, false);
        }
    }
    return files;
}

/// A folder holding a submission's files while they are imported; removed afterwards.
class StagingDir {
public:
    explicit StagingDir(const std::vector<core::SubmissionFile>& files)
    {
        std::random_device rd;
        m_path = fs::temp_directory_path() / ("cims-submission-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(m_path);
        for (const auto& f : files) {
            std::ofstream(m_path / f.name, std::ios::binary) << f.content;
            if (f.is_main) m_main.push_back((m_path / f.name).string());
        }
    }
    ~StagingDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    StagingDir(const StagingDir&) = delete;
    StagingDir& operator=(const StagingDir&) = delete;
    const std::vector<std::string>& main_files() const { return m_main; }
    /// Reports name the files as the sender named them, not this folder's paths.
    std::map<std::string, std::string> names() const
    {
        std::map<std::string, std::string> out;
        for (const auto& path : m_main) out[path] = fs::path(path).filename().string();
        return out;
    }

private:
    fs::path m_path;
    std::vector<std::string> m_main;
};

ImportOptions options_of(const std::string& kind, const std::string& layer, const std::string& encoding,
                         const std::optional<std::string>& mapping_json, const std::string& organisation, bool partial,
                         const std::string& by)
{
    ImportOptions options;
    options.kind = kind;
    options.layer = layer;
    options.encoding = encoding;
    options.organisation = organisation;
    options.partial = partial;
    options.imported_by = by;
    if (mapping_json && !mapping_json->empty()) {
        try {
            options.mapping = MappingProfile::parse(*mapping_json, "the submission's mapping");
        } catch (const std::runtime_error& e) {
            throw core::InvalidRequest("mapping", e.what()); // the sender's mistake, not the server's
        }
    }
    return options;
}

core::SubmissionRecord waiting(core::LedgerStore& store, const core::Principal& who, std::int64_t id)
{
    const core::SubmissionRecord s = visible_submission(store, who, id);
    if (s.status != "submitted")
        throw SubmissionStateError("submission " + std::to_string(id) + " is already " + s.status +
                                   (s.decided_by ? " (by " + *s.decided_by + ")" : std::string()) +
                                   "; only a submitted one can be approved or rejected");
    return s;
}

std::string decision_detail(const core::SubmissionRecord& s, const std::string& why)
{
    nlohmann::json detail{{"organisation", s.organisation}, {"kind", s.kind}, {"files", s.file_names}};
    if (!why.empty()) detail["why"] = why;
    return detail.dump();
}

} // namespace

std::vector<core::SubmissionRecord> visible_submissions(core::LedgerStore& store, const core::Principal& who)
{
    return store.submissions(who.submission_scope().value_or(""));
}

core::SubmissionRecord visible_submission(core::LedgerStore& store, const core::Principal& who, std::int64_t id)
{
    auto s = store.submission(id);
    const auto scope = who.submission_scope();
    if (!s || (scope && s->organisation != *scope))
        throw core::NotFound("no submission " + std::to_string(id) + ": see the list of submissions");
    return *s;
}

core::SubmissionRecord stage(core::LedgerStore& store, const core::Principal& who, const SubmissionRequest& request)
{
    core::require_role(who, {core::Role::admin, core::Role::analyst, core::Role::operator_}, "submitting files");
    const std::string organisation =
        who.role == core::Role::operator_ || request.organisation.empty() ? who.organisation : request.organisation;
    const std::vector<core::SubmissionFile> files = collect_files(request.files);
    ImportOptions options = options_of(request.kind, request.layer, request.encoding,
                                       request.mapping_json.empty() ? std::nullopt : std::optional(request.mapping_json),
                                       organisation, request.partial, who.name);
    options.dry_run = true;
    options.archive = request.archive;
    ImportReport report;
    {
        StagingDir dir(files);
        options.file_names = dir.names();
        report = import_files(store, dir.main_files(), options);
    }
    const bool importable = report.rejected.empty() || (request.partial && report.accepted > 0);
    core::SubmissionRecord s;
    s.status = importable ? "submitted" : "rejected";
    s.kind = request.kind;
    s.layer = request.layer;
    s.encoding = request.encoding;
    if (!request.mapping_json.empty()) s.mapping = request.mapping_json;
    s.partial = request.partial;
    s.organisation = organisation;
    s.submitted_by = who.name;
    if (!importable) {
        s.decided_by = "validation";
        s.why = "the validation rejected " + std::to_string(report.rejected.size()) + " feature(s)";
    }
    s.report_json = report.to_json().dump();
    store.begin();
    try {
        s.id = store.add_submission(s, files);
        core::append_audit(store.accounts(), who, "submission_staged", std::to_string(s.id),
                           nlohmann::json{{"organisation", organisation}, {"status", s.status},
                                          {"files", options.file_names}, {"accepted", report.accepted},
                                          {"rejected", report.rejected.size()}}
                               .dump());
        store.commit();
    } catch (...) {
        store.rollback();
        throw;
    }
    return *store.submission(s.id);
}

ImportReport approve(core::LedgerStore& store, const core::Principal& who, std::int64_t id)
{
    core::require_role(who, {core::Role::admin, core::Role::analyst}, "approving a submission");
    const core::SubmissionRecord s = waiting(store, who, id);
    const std::vector<core::SubmissionFile> files = store.submission_files(id);
    StagingDir dir(files);
    ImportOptions options = options_of(s.kind, s.layer, s.encoding, s.mapping, s.organisation, s.partial, s.submitted_by);
    options.file_names = dir.names();
    options.before_commit = [&](const ImportReport& report) {
        if (!store.decide_submission(id, "approved", who.name, "", report.to_json().dump()))
            throw SubmissionStateError("submission " + std::to_string(id) + " was decided by someone else meanwhile; "
                                       "nothing was imported");
        core::append_audit(store.accounts(), who, "submission_approved", std::to_string(id), decision_detail(s, ""));
    };
    return import_files(store, dir.main_files(), options);
}

void reject(core::LedgerStore& store, const core::Principal& who, std::int64_t id, const std::string& why)
{
    core::require_role(who, {core::Role::admin, core::Role::analyst}, "rejecting a submission");
    const core::SubmissionRecord s = waiting(store, who, id);
    if (why.empty()) throw SubmissionStateError("a rejection needs a reason (--why) that the operator can act on");
    store.begin();
    try {
        if (!store.decide_submission(id, "rejected", who.name, why, s.report_json))
            throw SubmissionStateError("submission " + std::to_string(id) + " was decided by someone else meanwhile");
        core::append_audit(store.accounts(), who, "submission_rejected", std::to_string(id), decision_detail(s, why));
        store.commit();
    } catch (...) {
        store.rollback();
        throw;
    }
}

nlohmann::json to_json(const core::SubmissionRecord& s)
{
    return {{"id", s.id},
            {"status", s.status},
            {"kind", s.kind},
            {"layer", s.layer},
            {"organisation", s.organisation},
            {"files", s.file_names},
            {"partial", s.partial},
            {"submitted_at", s.submitted_at},
            {"submitted_by", s.submitted_by},
            {"decided_at", s.decided_at ? nlohmann::json(*s.decided_at) : nlohmann::json()},
            {"decided_by", s.decided_by ? nlohmann::json(*s.decided_by) : nlohmann::json()},
            {"why", s.why ? nlohmann::json(*s.why) : nlohmann::json()},
            {"report", nlohmann::json::parse(s.report_json)}};
}

} // namespace cims::importers
