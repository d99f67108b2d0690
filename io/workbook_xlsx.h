#pragma once
// workbook.xlsx (libxlsxwriter): the report's numbers for analysts. Sheets Summary, Caseload
// (year x breakdown x category: actual, mean, sd, quantiles), Sufficiency, SCAP, Finance (DSG
// management plan layout), Benchmark, Backtest, Comparison and Assumptions. Numbers are stored
// as numbers with number formats; every table has a frozen header row and an autofilter so it
// can be filtered and pivoted. A sheet whose data this run does not have holds one line saying
// what provides them.
#include <filesystem>

#include "io/report_html.h"

namespace sendcast::io {

//! Writes the workbook; throws InputError naming `file` if libxlsxwriter cannot.
void write_workbook_xlsx(const std::filesystem::path& file, const ReportInput& input);

}  // namespace sendcast::io
