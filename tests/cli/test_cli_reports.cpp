// SPDX-License-Identifier: GPL-3.0-or-later
// `cims report article7` and `cims report forecast` on the data samples: golden CSV and JSON, every
// XLSX read back through GDAL's XLSX driver and compared cell by cell with the JSON, the
// reconciliation F-1(Y−1) + F-3 − F-2 = F-1(Y) in every table, agreement with the Action 24 figures.
// CIMS_UPDATE_GOLDEN=1 rewrites the golden files under tests/data/reports/.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
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

CommandResult run(const std::string& cmd)
{
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

/// "article7_2024_CMR.csv"
std::string fmt_name(const std::string& kind, int year, const std::string& contamination, const std::string& ext)
{
    return kind + "_" + std::to_string(year) + "_" + contamination + "." + ext;
}

/// One database built from the samples for the whole suite (building it takes seconds).
class Reports : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir;
        s_db = s_dir->file("samples.db");
        const std::string regions = " " + samples("regions.geojson") + " --code-field code --name-field name";
        for (const std::string args :
             {"init " + s_db + " --country VLL", "regions " + s_db + regions, "import " + s_db + " " + samples("hazards_2020_2022.gpkg"),
              "import " + s_db + " " + samples("hazards_2023_2024.geojson"), "import " + s_db + " " + samples("activities.geojson"),
              "import " + s_db + " " + samples("operator_clearance_utm.shp") + " --mapping " +
                  samples("operator_clearance_utm.mapping.json"),
              "import " + s_db + " " + samples("education.csv") + " --kind education"})
            ASSERT_EQ(cims(args).code, 0) << args;
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }

    static CommandResult cims(const std::string& args)
    {
        return run(std::string(CIMS_BINARY) + " " + args + " 2>" + s_dir->file("stderr.txt"));
    }
    static std::string stderr_text()
    {
        std::ifstream in(s_dir->file("stderr.txt"));
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static nlohmann::json json_of(const std::string& args)
    {
        const CommandResult r = cims(args + " --format json");
        EXPECT_EQ(r.code, 0) << args << "\n" << stderr_text();
        return nlohmann::json::parse(r.out);
    }
    static nlohmann::json article7(int year, const std::string& contamination, const std::string& unit = "m2")
    {
        return json_of("report article7 " + s_db + " --year " + std::to_string(year) + " --contamination " +
                       contamination + " --unit " + unit);
    }
    static const nlohmann::json& table(const nlohmann::json& report, const std::string& key)
    {
        for (const auto& t : report["tables"])
            if (t["key"] == key) return t;
        ADD_FAILURE() << "no table " << key;
        static const nlohmann::json none;
        return none;
    }

    /// Compares `text` with the golden file, or rewrites it under CIMS_UPDATE_GOLDEN=1.
    static void expect_golden(const std::string& name, const std::string& text)
    {
        const std::string path = std::string(CIMS_TEST_DATA_DIR) + "/reports/" + name;
        if (std::getenv("CIMS_UPDATE_GOLDEN")) {
            std::ofstream(path, std::ios::binary) << text;
            return;
        }
        std::ifstream in(path, std::ios::binary);
        ASSERT_TRUE(in) << path << " is missing: run with CIMS_UPDATE_GOLDEN=1 to create it";
        std::stringstream golden;
        golden << in.rdbuf();
        EXPECT_EQ(text, golden.str()) << name << " differs from the golden file";
    }

    static inline TempDir* s_dir = nullptr;
    static inline std::string s_db;
};

TEST_F(Reports, Article7CsvAndJsonMatchTheGoldenFiles)
{
    for (const auto& [year, contamination] : {std::pair{2024, "CMR"}, std::pair{2023, "AP"}}) {
        const std::string base = "report article7 " + s_db + " --year " + std::to_string(year) + " --contamination " + contamination;
        const CommandResult csv = cims(base + " --format csv");
        ASSERT_EQ(csv.code, 0) << stderr_text();
        expect_golden(fmt_name("article7", year, contamination, "csv"), csv.out);
        const CommandResult json = cims(base + " --format json");
        ASSERT_EQ(json.code, 0) << stderr_text();
        expect_golden(fmt_name("article7", year, contamination, "json"), json.out);
    }
    const CommandResult forecast =
        cims("report forecast " + s_db + " --year 2024 --years 3 --deadline 2026-08-01 --format json");
    ASSERT_EQ(forecast.code, 0) << stderr_text();
    expect_golden("forecast_2024_CMR.json", forecast.out);
}

TEST_F(Reports, Article7AgreesWithTheAction24Figures)
{
    for (int year = 2020; year <= 2024; ++year) {
        for (const char* c : {"CMR", "AP"}) {
            const auto a24 = json_of("report action24 " + s_db + " --year " + std::to_string(year) + " --contamination " + c);
            const auto a7 = article7(year, c);
            EXPECT_EQ(a7["report"], "article7");
            EXPECT_EQ(a7["convention"], std::string(c) == "AP" ? "APMBC" : "CCM");
            EXPECT_EQ(a7["admin_level"], 1);
            const auto& n = a24["national"];
            const auto& f1 = table(a7, "F-1")["total"];
            EXPECT_EQ(f1["sha_count"], n["remaining"]["SHA"]["count"]);
            EXPECT_EQ(f1["cha_area"], n["remaining"]["CHA"]["area_m2"]);
            const auto& f2 = table(a7, "F-2")["total"];
            EXPECT_EQ(f2["cancelled_area"], n["released"]["cancelled_m2"]);
            EXPECT_EQ(f2["cleared_area"], n["released"]["cleared_m2"]);
            EXPECT_EQ(f2["closed_count"], n["released"]["closed_count"]);
            EXPECT_EQ(f2["submunitions"], n["items_destroyed"]["submunitions"]);
            const auto& f3 = table(a7, "F-3")["total"];
            EXPECT_EQ(f3["new_cha_area"], n["added_m2"]["CHA"]);
            EXPECT_EQ(f3["moved_out_sha_area"], n["moved_out_m2"]["SHA"]);
            EXPECT_EQ(f3["corrections_sha_area"], n["corrections_m2"]["SHA"]);
            // Region rows are the action24 regions, in the same order.
            ASSERT_EQ(table(a7, "F-1")["rows"].size(), a24["regions"].size());
            for (std::size_t i = 0; i < a24["regions"].size(); ++i) {
                EXPECT_EQ(table(a7, "F-1")["rows"][i]["region_code"], a24["regions"][i]["code"]);
                EXPECT_EQ(table(a7, "F-1")["rows"][i]["sha_area"], a24["regions"][i]["remaining"]["SHA"]["area_m2"]);
            }
        }
    }
}

TEST_F(Reports, ReconciliationHoldsInEveryTable)
{
    std::size_t checked = 0;
    for (int year = 2020; year <= 2024; ++year) {
        for (const char* c : {"CMR", "AP"}) {
            const auto now = article7(year, c), before = article7(year - 1, c);
            EXPECT_TRUE(now["checks_ok"].get<bool>()) << year << c;
            const auto& fr = table(now, "F-R");
            auto rows = fr["rows"];
            rows.push_back(fr["total"]);
            auto f1_rows = table(now, "F-1")["rows"], f2_rows = table(now, "F-2")["rows"], f3_rows = table(now, "F-3")["rows"];
            auto f1_prev = table(before, "F-1")["rows"];
            f1_rows.push_back(table(now, "F-1")["total"]);
            f2_rows.push_back(table(now, "F-2")["total"]);
            f3_rows.push_back(table(now, "F-3")["total"]);
            f1_prev.push_back(table(before, "F-1")["total"]);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const auto& r = rows[i];
                const std::string code = r["region_code"].get<std::string>();
                EXPECT_EQ(r["check"], "holds") << year << c << code;
                // F-1(Y−1) + F-3 − F-2 = F-1(Y), each term taken from its own table.
                double previous = 0;
                for (const auto& p : f1_prev)
                    if (p["region_code"] == r["region_code"] && p["region_name"] == r["region_name"])
                        previous = p["total_area"].get<double>();
                EXPECT_NEAR(r["remaining_previous_area"].get<double>(), previous, 0.011) << year << c << code;
                EXPECT_NEAR(r["baseline_change_area"].get<double>(), f3_rows[i]["baseline_change_area"].get<double>(), 1e-9);
                EXPECT_NEAR(r["released_area"].get<double>(), f2_rows[i]["released_area"].get<double>(), 1e-9);
                EXPECT_NEAR(r["remaining_area"].get<double>(), f1_rows[i]["total_area"].get<double>(), 1e-9);
                EXPECT_NEAR(previous + r["baseline_change_area"].get<double>() - r["released_area"].get<double>(),
                            r["remaining_area"].get<double>(), 2.05)
                    << year << c << code; // two strata of 1 m² each, plus rounding
                ++checked;
            }
            // Every area and count column: the national total is the sum of the region rows.
            for (const char* key : {"F-1", "F-2", "F-3", "F-R", "G-1"}) {
                const auto& t = table(now, key);
                for (const auto& col : t["columns"]) {
                    if (col["kind"] == "text") continue;
                    const std::string k = col["key"];
                    double sum = 0;
                    for (const auto& r : t["rows"]) sum += r[k].get<double>();
                    EXPECT_NEAR(sum, t["total"][k].get<double>(), 0.01 * (t["rows"].size() + 1)) << year << c << key << k;
                }
            }
        }
    }
    EXPECT_GE(checked, 50u);
}

TEST_F(Reports, ABrokenLedgerFailsTheReconciliationVisibly)
{
    // A copy of the database with 1,000 m² of clearance in 2024 that no remaining area lost.
    const std::string db = s_dir->file("broken.db");
    ASSERT_EQ(run("sqlite3 " + s_db + " \".backup '" + db + "'\"").code, 0);
    ASSERT_EQ(run("sqlite3 " + db + " \"UPDATE stratum_totals SET area_m2 = area_m2 + 1000 WHERE rowid = (SELECT min(rowid) "
                  "FROM stratum_totals WHERE kind = 'cleared' AND year = 2024 AND contam_mask & 1)\"").code, 0);
    const CommandResult r = cims("report article7 " + db + " --year 2024 --format json");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(stderr_text().find("reconciliation FAILED"), std::string::npos) << stderr_text();
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_FALSE(j["checks_ok"].get<bool>());
    EXPECT_EQ(table(j, "F-R")["total"]["check"], "FAILED");
    std::size_t failed = 0;
    for (const auto& row : table(j, "F-R")["rows"])
        if (row["check"] == "FAILED") {
            ++failed;
            EXPECT_NEAR(row["difference_area"].get<double>(), 1000, 0.05);
        }
    EXPECT_EQ(failed, 1u);
}

/// Properties of each feature of one sheet, read through GDAL's XLSX driver as GeoJSON.
nlohmann::json read_sheet(const std::string& xlsx, const std::string& sheet)
{
    const CommandResult r = run("ogr2ogr -f GeoJSON /vsistdout/ " + xlsx + " " + sheet +
                                " -oo HEADERS=FORCE -oo FIELD_TYPES=AUTO 2>&1");
    EXPECT_EQ(r.code, 0) << r.out;
    return nlohmann::json::parse(r.out);
}

TEST_F(Reports, XlsxReadBackThroughGdalEqualsTheJsonCellByCell)
{
    for (const auto& [kind, contamination, unit] :
         {std::tuple{"article7", "CMR", "m2"}, std::tuple{"article7", "AP", "km2"}, std::tuple{"forecast", "CMR", "km2"}}) {
        const std::string base = std::string("report ") + kind + " " + s_db + " --year 2024 --contamination " +
                                 contamination + " --unit " + unit;
        const std::string xlsx = s_dir->file(std::string(kind) + contamination + unit + ".xlsx");
        ASSERT_EQ(cims(base + " --format xlsx --out " + xlsx).code, 0) << stderr_text();
        const auto doc = json_of(base);
        const CommandResult layers = run("ogrinfo -ro -q " + xlsx + " 2>&1");
        EXPECT_NE(layers.out.find("Report"), std::string::npos) << layers.out;
        std::size_t cells = 0;
        for (const auto& t : doc["tables"]) {
            const auto sheet = read_sheet(xlsx, t["key"]);
            auto rows = t["rows"];
            rows.push_back(t["total"]);
            ASSERT_EQ(sheet["features"].size(), rows.size()) << t["key"];
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const auto& props = sheet["features"][i]["properties"];
                for (const auto& col : t["columns"]) {
                    const std::string heading = col["heading"], key = col["key"];
                    const auto& expected = rows[i][key];
                    const auto got = props.contains(heading) ? props[heading] : nlohmann::json();
                    if (expected.is_number()) {
                        // Numbers are numbers in the sheet, not text.
                        ASSERT_TRUE(got.is_number()) << t["key"] << " row " << i << " " << key << ": " << got;
                        EXPECT_NEAR(got.get<double>(), expected.get<double>(), 1e-9 * std::max(1.0, std::fabs(expected.get<double>())))
                            << t["key"] << " row " << i << " " << key;
                    } else if (expected.is_null() || expected == "") {
                        EXPECT_TRUE(got.is_null() || got == "") << t["key"] << " row " << i << " " << key << ": " << got;
                    } else {
                        EXPECT_EQ(got, expected) << t["key"] << " row " << i << " " << key;
                    }
                    ++cells;
                }
            }
        }
        EXPECT_GT(cells, 20u);
    }
}

TEST_F(Reports, HtmlIsSelfContainedWithChartsAndAMapOfEveryRegion)
{
    const CommandResult r = cims("report article7 " + s_db + " --year 2024 --format html");
    ASSERT_EQ(r.code, 0) << stderr_text();
    const std::string& html = r.out;
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    std::size_t svgs = 0, paths = 0;
    for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++svgs;
    for (auto at = html.find("<path d=\"M"); at != std::string::npos; at = html.find("<path d=\"M", at + 1)) ++paths;
    EXPECT_EQ(svgs, 3u); // remaining by year, release by method by year, the map
    EXPECT_EQ(paths, 4u); // one per region of the samples
    for (const char* key : {"F-1", "F-2", "F-3", "F-R", "G-1"})
        EXPECT_NE(html.find(std::string("<section id=\"") + key + "\">"), std::string::npos) << key;
    EXPECT_NE(html.find("Nörthmark"), std::string::npos);
}

TEST_F(Reports, ApReportIsTitledForTheMineBanConvention)
{
    const auto ap = article7(2024, "AP");
    EXPECT_NE(ap["title"].get<std::string>().find("Anti-Personnel Mine Ban Convention"), std::string::npos);
    EXPECT_EQ(ap["contamination"], "AP");
    const auto cmr = article7(2024, "CMR");
    EXPECT_NE(cmr["title"].get<std::string>().find("Convention on Cluster Munitions"), std::string::npos);
    // km² is m² / 10⁶, to the square metre.
    const auto km2 = article7(2024, "CMR", "km2");
    EXPECT_EQ(km2["unit"], "km2");
    EXPECT_NEAR(table(km2, "F-1")["total"]["total_area"].get<double>(),
                table(cmr, "F-1")["total"]["total_area"].get<double>() / 1e6, 1e-6);
    EXPECT_NE(table(km2, "F-1")["columns"][3]["heading"].get<std::string>().find("km²"), std::string::npos);
}

TEST_F(Reports, HeadingsComeFromATemplateFile)
{
    const std::string file = s_dir->write("headings.json", R"~({"columns": {"sha_count": "Nombre de ZDS"},
        "conventions": {"CCM": {"tables": {"F-1": "Tableau F-1 ({year})"}}}})~");
    const CommandResult r = cims("report article7 " + s_db + " --year 2024 --format csv --headings " + file);
    ASSERT_EQ(r.code, 0) << stderr_text();
    EXPECT_NE(r.out.find("F-1,Tableau F-1 (2024)\n"), std::string::npos) << r.out.substr(0, 300);
    EXPECT_NE(r.out.find(",Nombre de ZDS,"), std::string::npos);
    EXPECT_NE(r.out.find("Number of CHAs"), std::string::npos); // the rest from the built-in template
    const std::string bad = s_dir->write("bad.json", "{ not json");
    EXPECT_EQ(cims("report article7 " + s_db + " --year 2024 --headings " + bad).code, 1);
    EXPECT_NE(stderr_text().find("bad.json"), std::string::npos) << stderr_text();
}

TEST_F(Reports, ForecastProjectsFromTheReleaseRateAndStoresTheDeadline)
{
    const auto f = json_of("report forecast " + s_db + " --year 2024 --years 2 --deadline 2030-12-31");
    EXPECT_EQ(f["deadline"], "2030-12-31");
    // Stored: the next forecast uses it without --deadline.
    EXPECT_EQ(json_of("report forecast " + s_db + " --year 2024")["deadline"], "2030-12-31");
    const auto& t = table(f, "FC-1");
    // The rate is the land released in 2023–2024 (the Action 24 figures) over 2 years.
    double released = 0;
    for (int y : {2023, 2024}) {
        const auto a = json_of("report action24 " + s_db + " --year " + std::to_string(y));
        for (const char* k : {"cancelled_m2", "reduced_m2", "cleared_m2"}) released += a["national"]["released"][k].get<double>();
    }
    const auto& n = t["total"];
    EXPECT_NEAR(n["window_released_area"].get<double>(), released, 0.05);
    EXPECT_NEAR(n["rate_area"].get<double>(), released / 2, 0.05);
    const double remaining = n["remaining_area"].get<double>(), rate = n["rate_area"].get<double>();
    // Completion within the year in which remaining / rate years after 31 December 2024 fall.
    EXPECT_EQ(n["completion_year"].get<int>(), int(std::ceil(2024 + remaining / rate)));
    EXPECT_EQ(n["forecast_status"], n["completion_year"].get<int>() <= 2030 ? "on track" : "not on track");
}

TEST_F(Reports, ForecastWithoutReleaseProjectsNoCompletion)
{
    // Hazardous areas but no activity: remaining > 0 at a rate of zero.
    const std::string db = s_dir->file("no-release.db");
    ASSERT_EQ(cims("init " + db).code, 0);
    ASSERT_EQ(cims("import " + db + " " + samples("hazards_2020_2022.gpkg")).code, 0);
    const auto f = json_of("report forecast " + db + " --year 2022 --deadline 2026-08-01");
    const auto& n = table(f, "FC-1")["total"];
    EXPECT_GT(n["remaining_area"].get<double>(), 0);
    EXPECT_EQ(n["rate_area"], 0.0);
    EXPECT_TRUE(n["completion_year"].is_null());
    EXPECT_EQ(n["forecast_status"], "not on track: no land released in the period, no completion projected");
    // Without a deadline the same is said without judging the track.
    const auto g = json_of("report forecast " + s_dir->file("no-release.db") + " --year 2022 --contamination AP");
    EXPECT_EQ(g["deadline"], "2026-08-01"); // the stored setting
}

TEST_F(Reports, UsageErrorsExitWithTwo)
{
    EXPECT_EQ(cims("report article7 " + s_db + " --format xlsx").code, 2); // xlsx needs --out
    EXPECT_NE(stderr_text().find("--out"), std::string::npos);
    EXPECT_EQ(cims("report article7 " + s_db + " --contamination AV").code, 2);
    EXPECT_EQ(cims("report article7 " + s_db + " --unit ha").code, 2);
    EXPECT_EQ(cims("report forecast " + s_db + " --deadline 2026-02-30").code, 2);
    EXPECT_NE(stderr_text().find("2026-02-30"), std::string::npos);
    EXPECT_EQ(cims("report forecast " + s_db + " --years 0").code, 2);
}

} // namespace
} // namespace cims::test
