// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: the `cims` binary on the data samples, as the README's first command runs it.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace cims::test {
namespace {

struct CommandResult {
    int code;
    std::string out;
};

/// Runs `cims ARGS` with stdout captured (stderr to a file beside it).
CommandResult cims(const std::string& args, const TempDir& dir)
{
    const std::string cmd = std::string(CIMS_BINARY) + " " + args + " 2>" + dir.file("stderr.txt");
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return {-1, ""};
    std::string out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string samples(const std::string& name)
{
    return std::string(CIMS_SAMPLES_DIR) + "/" + name;
}

/// Builds a database from the samples, importing the activity files in the given order.
std::string build_samples_db(const TempDir& dir, const std::string& name, bool shapefile_first)
{
    const std::string db = dir.file(name);
    EXPECT_EQ(cims("init " + db + " --country VLL", dir).code, 0);
    EXPECT_EQ(cims("regions " + db + " " + samples("regions.geojson") + " --code-field code --name-field name", dir).code, 0);
    EXPECT_EQ(cims("import " + db + " " + samples("hazards_2020_2022.gpkg"), dir).code, 0);
    EXPECT_EQ(cims("import " + db + " " + samples("hazards_2023_2024.geojson"), dir).code, 0);
    const std::string shp = "import " + db + " " + samples("operator_clearance_utm.shp") + " --mapping " +
                            samples("operator_clearance_utm.mapping.json");
    const std::string geojson = "import " + db + " " + samples("activities.geojson");
    EXPECT_EQ(cims(shapefile_first ? shp : geojson, dir).code, 0);
    EXPECT_EQ(cims(shapefile_first ? geojson : shp, dir).code, 0);
    return db;
}

nlohmann::json report(const std::string& db, int year, const std::string& contamination, const TempDir& dir)
{
    const CommandResult r = cims("report action24 " + db + " --year " + std::to_string(year) + " --contamination " +
                           contamination + " --format json",
                       dir);
    EXPECT_EQ(r.code, 0) << r.out;
    return nlohmann::json::parse(r.out);
}

TEST(CliSamples, ReportHasTheShapeOfTheDesignAndBalances)
{
    TempDir dir;
    const std::string db = build_samples_db(dir, "a.db", false);
    for (int year = 2020; year <= 2024; ++year) {
        for (const char* c : {"CMR", "AP"}) {
            const auto j = report(db, year, c, dir);
            EXPECT_EQ(j["report"], "action24");
            EXPECT_EQ(j["year"], year);
            EXPECT_EQ(j["contamination"], c);
            EXPECT_EQ(j["as_of"], std::to_string(year) + "-12-31");
            const auto& n = j["national"];
            for (const char* key : {"remaining", "released", "added_m2", "moved_in_m2", "moved_out_m2",
                                    "corrections_m2", "items_destroyed", "balance"})
                EXPECT_TRUE(n.contains(key)) << key;
            EXPECT_EQ(n.size(), 8u);
            EXPECT_TRUE(n["remaining"]["SHA"]["count"].is_number_integer());
            EXPECT_TRUE(n["remaining"]["CHA"]["area_m2"].is_number());
            EXPECT_TRUE(n["balance"]["ok"].get<bool>()) << year << " " << c;
            ASSERT_EQ(j["regions"].size(), 4u);
            // National figures are the sum of the regions'.
            double sha = 0;
            std::int64_t count = 0, submunitions = 0;
            for (const auto& r : j["regions"]) {
                EXPECT_TRUE(r["balance"]["ok"].get<bool>());
                sha += r["remaining"]["SHA"]["area_m2"].get<double>();
                count += r["remaining"]["CHA"]["count"].get<std::int64_t>();
                submunitions += r["items_destroyed"]["submunitions"].get<std::int64_t>();
            }
            EXPECT_NEAR(sha, n["remaining"]["SHA"]["area_m2"].get<double>(), 0.1);
            EXPECT_EQ(count, n["remaining"]["CHA"]["count"].get<std::int64_t>());
            EXPECT_EQ(submunitions, n["items_destroyed"]["submunitions"].get<std::int64_t>());
        }
    }
    const auto j = report(db, 2024, "CMR", dir);
    EXPECT_EQ(j["regions"][0]["code"], "VL-01");
    EXPECT_EQ(j["regions"][0]["name"], "Nörthmark");
    // The samples release land by every method and close areas.
    EXPECT_GT(j["national"]["released"]["cancelled_m2"].get<double>(), 0);
    EXPECT_GT(j["national"]["released"]["cleared_m2"].get<double>(), 0);
    EXPECT_GT(j["national"]["released"]["closed_count"].get<int>(), 0);
    EXPECT_GT(report(db, 2023, "CMR", dir)["national"]["moved_in_m2"]["CHA"].get<double>(), 0);
}

TEST(CliSamples, ImportOrderAndRebuildDoNotChangeTheFigures)
{
    TempDir dir;
    const std::string a = build_samples_db(dir, "a.db", false);
    const std::string b = build_samples_db(dir, "b.db", true);
    for (int year = 2020; year <= 2024; ++year)
        for (const char* c : {"CMR", "AP"}) EXPECT_EQ(report(a, year, c, dir), report(b, year, c, dir)) << year << c;
    const auto before = report(a, 2024, "CMR", dir);
    EXPECT_EQ(cims("rebuild " + a, dir).code, 0);
    EXPECT_EQ(report(a, 2024, "CMR", dir), before);
}

TEST(CliSamples, ReimportingAFileChangesNothingAndSaysSo)
{
    TempDir dir;
    const std::string db = build_samples_db(dir, "a.db", false);
    const auto before = report(db, 2024, "CMR", dir);
    const CommandResult r = cims("import " + db + " " + samples("activities.geojson"), dir);
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("already imported"), std::string::npos) << r.out;
    EXPECT_EQ(report(db, 2024, "CMR", dir), before);
}

TEST(CliSamples, ShapefileWithoutCrsIsRejectedWithoutAMapping)
{
    TempDir dir;
    const std::string db = dir.file("a.db");
    ASSERT_EQ(cims("init " + db, dir).code, 0);
    ASSERT_EQ(cims("import " + db + " " + samples("hazards_2020_2022.gpkg"), dir).code, 0);
    const auto before = report(db, 2022, "CMR", dir);
    // The operator's field names are mapped, but without the profile's crs the file has none.
    nlohmann::json mapping = nlohmann::json::parse(std::ifstream(samples("operator_clearance_utm.mapping.json")));
    mapping.erase("crs");
    const std::string m = dir.write("no-crs.json", mapping.dump());
    const std::string out = dir.file("report.json");
    const CommandResult r = cims("import " + db + " " + samples("operator_clearance_utm.shp") + " --mapping " + m +
                           " --report " + out,
                       dir);
    EXPECT_EQ(r.code, 3);
    const auto rep = nlohmann::json::parse(std::ifstream(out));
    ASSERT_EQ(rep["rejected"].size(), 1u);
    EXPECT_EQ(rep["rejected"][0]["field"], "crs");
    EXPECT_NE(rep["rejected"][0]["fix"].get<std::string>().find("\"crs\""), std::string::npos);
    EXPECT_EQ(rep["written"], false);
    EXPECT_EQ(report(db, 2022, "CMR", dir), before);
}

TEST(CliSamples, UsageErrorsExitWithTwo)
{
    TempDir dir;
    EXPECT_EQ(cims("import", dir).code, 2);
    EXPECT_EQ(cims("report action24 x.db --format pdf", dir).code, 2);
    EXPECT_EQ(cims("frobnicate", dir).code, 2);
    EXPECT_EQ(cims("init " + dir.file("x.db") + " --country 12", dir).code, 2);
    EXPECT_EQ(cims("report action24 " + dir.file("missing.db"), dir).code, 1);
    EXPECT_EQ(cims("--help", dir).code, 0);
}

TEST(CliSamples, GeneratorIsDeterministicAndMatchesTheCommittedSamples)
{
    TempDir dir;
    const std::string cmd = std::string(CIMS_SAMPLE_GENERATOR) + " " + dir.path().string() + " > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::size_t compared = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        const std::filesystem::path committed = std::filesystem::path(CIMS_SAMPLES_DIR) / name;
        ASSERT_TRUE(std::filesystem::exists(committed)) << name << " is generated but not in data-samples/";
        std::ifstream a(entry.path(), std::ios::binary), b(committed, std::ios::binary);
        std::stringstream sa, sb;
        sa << a.rdbuf();
        sb << b.rdbuf();
        EXPECT_TRUE(sa.str() == sb.str()) << name << " differs from data-samples/: regenerate the samples";
        ++compared;
    }
    EXPECT_GE(compared, 9u);
}

} // namespace
} // namespace cims::test
