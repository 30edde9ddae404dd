// SPDX-License-Identifier: GPL-3.0-or-later
// XLSX writer of a ReportDocument through libxlsxwriter.
#include "core/report_formats.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace cims::core {

namespace {

/// libxlsxwriter frees the workbook in workbook_close, which also writes the file; this owner
/// closes it on an early exit (an exception) so nothing leaks.
struct WorkbookCloser {
    void operator()(lxw_workbook* wb) const noexcept { workbook_close(wb); }
};

/// A header/footer string: '&' is a control character there.
std::string print_header(const std::string& title)
{
    std::string out = "&C&\"-,Bold\"";
    for (char c : title.substr(0, 200)) {
        if (c == '&') out += '&';
        out += c;
    }
    return out;
}

void check(lxw_error e, const std::string& path, const char* what)
{
    if (e != LXW_NO_ERROR)
        throw std::runtime_error(fmt::format("cannot write the workbook '{}' ({}: {})", path, what, lxw_strerror(e)));
}

} // namespace

void write_xlsx(const ReportDocument& doc, const std::string& path)
{
    std::unique_ptr<lxw_workbook, WorkbookCloser> owner(workbook_new(path.c_str()));
    lxw_workbook* wb = owner.get();
    if (!wb) throw std::runtime_error(fmt::format("cannot create the workbook '{}'", path));

    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format* title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format* heading = workbook_add_format(wb);
    format_set_bold(heading);
    format_set_text_wrap(heading);
    format_set_align(heading, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(heading, 0xEEEEEE);
    format_set_border(heading, LXW_BORDER_THIN);
    const char* area_format = doc.unit == AreaUnit::km2 ? "#,##0.000000" : "#,##0.00";
    lxw_format* area = workbook_add_format(wb);
    format_set_num_format(area, area_format);
    lxw_format* area_total = workbook_add_format(wb);
    format_set_num_format(area_total, area_format);
    format_set_bold(area_total);
    lxw_format* count = workbook_add_format(wb);
    format_set_num_format(count, "0");
    lxw_format* count_total = workbook_add_format(wb);
    format_set_num_format(count_total, "0");
    format_set_bold(count_total);

    // The front sheet: title, facts, and what each sheet holds.
    lxw_worksheet* front = workbook_add_worksheet(wb, "Report");
    worksheet_set_column(front, 0, 0, 28, nullptr);
    worksheet_set_column(front, 1, 1, 100, nullptr);
    worksheet_write_string(front, 0, 0, doc.title.c_str(), title);
    lxw_row_t r = 2;
    for (const auto& [label, value] : doc.facts) {
        worksheet_write_string(front, r, 0, label.c_str(), bold);
        worksheet_write_string(front, r++, 1, value.c_str(), nullptr);
    }
    ++r;
    for (const Table& t : doc.tables) {
        worksheet_write_string(front, r, 0, t.key.c_str(), bold);
        worksheet_write_string(front, r++, 1, t.title.c_str(), nullptr);
        if (!t.note.empty()) worksheet_write_string(front, r++, 1, t.note.c_str(), nullptr);
    }

    for (const Table& t : doc.tables) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, t.key.c_str());
        if (!ws) throw std::runtime_error(fmt::format("cannot add the sheet '{}' to '{}': a sheet name has at most 31 "
                                                      "characters and none of []:*?/\\", t.key, path));
        worksheet_set_landscape(ws);
        worksheet_fit_to_pages(ws, 1, 0);
        check(worksheet_set_header(ws, print_header(t.key + " " + t.title).c_str()), path, "page header");
        worksheet_set_row(ws, 0, 45, nullptr);
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
            worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), c == 1 ? 28 : 16, nullptr);
            worksheet_write_string(ws, 0, lxw_col_t(c), t.columns[c].heading.c_str(), heading);
        }
        worksheet_freeze_panes(ws, 1, 2);
        auto write_row = [&](lxw_row_t row, const std::vector<Cell>& cells, bool total) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const auto col = lxw_col_t(c);
                if (const auto* s = std::get_if<std::string>(&cells[c])) {
                    if (!s->empty()) worksheet_write_string(ws, row, col, s->c_str(), total ? bold : nullptr);
                } else if (const auto* i = std::get_if<std::int64_t>(&cells[c])) {
                    worksheet_write_number(ws, row, col, double(*i), total ? count_total : count);
                } else if (const auto* d = std::get_if<double>(&cells[c])) {
                    worksheet_write_number(ws, row, col, *d, total ? area_total : area);
                }
            }
        };
        lxw_row_t row = 1;
        for (const auto& cells : t.rows) write_row(row++, cells, false);
        if (t.total) write_row(row++, *t.total, true);
    }
    lxw_workbook* raw = owner.release();
    check(workbook_close(raw), path, "closing");
}

} // namespace cims::core
