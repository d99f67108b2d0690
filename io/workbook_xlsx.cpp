#include "io/workbook_xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/error.h"

namespace sendcast::io {

namespace {

struct Formats {
  lxw_format* title = nullptr;
  lxw_format* header = nullptr;
  lxw_format* note = nullptr;
  lxw_format* count = nullptr;    //!< whole numbers: 3,805
  lxw_format* decimal = nullptr;  //!< means and sds: 3,805.4
  lxw_format* money = nullptr;    //!< GBP: £54,390,000
  lxw_format* percent = nullptr;  //!< shares: 71%
  lxw_format* wrap = nullptr;
};

//! One column of a table: its header, width (characters) and the format of its numbers.
struct Column {
  const char* header;
  double width;
  lxw_format* format = nullptr;
};

//! Owns the libxlsxwriter workbook; close() writes the file and reports failure.
class Workbook {
 public:
  explicit Workbook(const std::filesystem::path& file) : file_(file) {
    book_ = workbook_new(file.string().c_str());
    if (!book_) throw InputError({file.string()}, "cannot create workbook");
    make_formats();
  }
  ~Workbook() {
    if (book_) workbook_close(book_);
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  lxw_worksheet* sheet(const char* name) {
    lxw_worksheet* ws = workbook_add_worksheet(book_, name);
    if (!ws) throw InputError({file_.string()}, std::string("cannot add sheet ") + name);
    return ws;
  }
  const Formats& formats() const { return formats_; }
  void set_title(const std::string& title) {
    properties_title_ = title;
    lxw_doc_properties properties{};
    properties.title = properties_title_.data();
    properties.author = const_cast<char*>("sendcast");
    workbook_set_properties(book_, &properties);
  }
  void close() {
    const lxw_error error = workbook_close(book_);
    book_ = nullptr;
    if (error != LXW_NO_ERROR)
      throw InputError({file_.string()},
                       std::string("cannot write workbook: ") + lxw_strerror(error));
  }

 private:
  lxw_format* number_format(const char* pattern) {
    lxw_format* f = workbook_add_format(book_);
    format_set_num_format(f, pattern);
    return f;
  }
  void make_formats() {
    formats_.title = workbook_add_format(book_);
    format_set_bold(formats_.title);
    format_set_font_size(formats_.title, 14);
    formats_.header = workbook_add_format(book_);
    format_set_bold(formats_.header);
    format_set_bg_color(formats_.header, 0xE8EEF5);
    format_set_bottom(formats_.header, LXW_BORDER_THIN);
    format_set_text_wrap(formats_.header);
    format_set_align(formats_.header, LXW_ALIGN_VERTICAL_TOP);
    formats_.note = workbook_add_format(book_);
    format_set_italic(formats_.note);
    format_set_font_color(formats_.note, 0x4B5563);
    formats_.count = number_format("#,##0");
    formats_.decimal = number_format("#,##0.0");
    formats_.money = number_format("\"£\"#,##0");
    formats_.percent = number_format("0%");
    formats_.wrap = workbook_add_format(book_);
    format_set_text_wrap(formats_.wrap);
    format_set_align(formats_.wrap, LXW_ALIGN_VERTICAL_TOP);
  }

  std::filesystem::path file_;
  lxw_workbook* book_ = nullptr;
  Formats formats_;
  std::string properties_title_;
};

void put(lxw_worksheet* ws, int row, int col, const std::string& text, lxw_format* f = nullptr) {
  worksheet_write_string(ws, row, col, text.c_str(), f);
}

void put(lxw_worksheet* ws, int row, int col, double value, lxw_format* f) {
  worksheet_write_number(ws, row, col, value, f);
}

void put(lxw_worksheet* ws, int row, int col, const std::optional<double>& value, lxw_format* f) {
  if (value) worksheet_write_number(ws, row, col, *value, f);
}

//! Writes the header row at `row` and sets the columns' widths.
void header(lxw_worksheet* ws, int row, const std::vector<Column>& columns, const Formats& f) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    worksheet_set_column(ws, c, c, columns[c].width, nullptr);
    put(ws, row, static_cast<int>(c), columns[c].header, f.header);
  }
}

//! Freezes everything above the first data row and filters the table.
void finish_table(lxw_worksheet* ws, int header_row, int last_row, std::size_t columns) {
  worksheet_freeze_panes(ws, header_row + 1, 0);
  worksheet_autofilter(ws, header_row, 0, std::max(last_row, header_row), columns - 1);
}

void absent(lxw_worksheet* ws, const std::string& what, const Formats& f) {
  worksheet_set_column(ws, 0, 0, 120, nullptr);
  put(ws, 0, 0, what, f.note);
}

//! The summary's mean, sd and seven quantiles from column `col` on.
void put_summary(lxw_worksheet* ws, int row, int col, const sim::Summary& s, lxw_format* mean_f,
                 lxw_format* quantile_f) {
  put(ws, row, col, s.mean, mean_f);
  put(ws, row, col + 1, s.sd, mean_f);
  const auto q = s.quantiles();
  for (std::size_t i = 0; i < q.size(); ++i)
    put(ws, row, col + 2 + static_cast<int>(i), q[i], quantile_f);
}

std::vector<Column> summary_columns(std::vector<Column> leading, const Formats& f,
                                    lxw_format* quantile_f) {
  for (const char* h : {"mean", "sd"}) leading.push_back({h, 10, f.decimal});
  for (const char* h : {"p05", "p10", "p25", "p50", "p75", "p90", "p95"})
    leading.push_back({h, 10, quantile_f});
  return leading;
}

// ---------------------------------------------------------------- sheets

int summary_years(lxw_worksheet* ws, int row, const ReportInput& in, const Headline& h,
                  const Formats& f) {
  const std::vector<Column> columns = {
      {"January", 10}, {"Years ahead", 8}, {"Published", 11},
      {"Median", 11},  {"p05", 11},        {"p25", 11},
      {"p75", 11},     {"p95", 11},        {"Growth on origin (median)", 14}};
  header(ws, row, columns, f);
  const int first = row;
  for (const auto& r : in.summary) {
    if (r.breakdown != "total" || !r.forecast) continue;
    const auto& s = *r.forecast;
    ++row;
    put(ws, row, 0, r.year, nullptr);
    put(ws, row, 1, r.year - h.origin, nullptr);
    put(ws, row, 2, r.actual, f.count);
    for (int c = 0; c < 5; ++c)
      put(ws, row, 3 + c, std::array{s.p50, s.p05, s.p25, s.p75, s.p95}[c], f.count);
    put(ws, row, 8, h.base > 0 ? s.p50 / h.base - 1 : 0, f.percent);
  }
  finish_table(ws, first, row, columns.size());
  return row;
}

int summary_pressures(lxw_worksheet* ws, int row, const Headline& h, const Formats& f) {
  if (h.pressures.empty()) return row;
  put(ws, row, 0, "Largest median increases by January " + std::to_string(h.pressure_year), f.note);
  const std::vector<std::string> heads = {"Breakdown",   "Category",        "At origin",
                                          "Median then", "Change (median)", "Change p05",
                                          "Change p95"};
  ++row;
  for (std::size_t c = 0; c < heads.size(); ++c)
    put(ws, row, static_cast<int>(c), heads[c], f.header);
  for (const auto& p : h.pressures) {
    ++row;
    put(ws, row, 0, p.breakdown);
    put(ws, row, 1, p.label);
    put(ws, row, 2, p.base, f.count);
    put(ws, row, 3, p.then.p50, f.count);
    put(ws, row, 4, p.then.p50 - p.base, f.count);
    put(ws, row, 5, p.then.p05 - p.base, f.count);
    put(ws, row, 6, p.then.p95 - p.base, f.count);
  }
  return row;
}

void summary_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Summary");
  const Headline h = compute_headline(in);
  const auto& v = in.provenance;
  put(ws, 0, 0, "EHC plan forecast: " + in.parameters.la_name + " (" + in.parameters.la_code + ")",
      f.title);
  put(ws, 1, 0,
      "Scenario \"" + v.scenario_name + "\", from the January " + std::to_string(h.origin) +
          " census, " + std::to_string(v.runs) + " runs, seed " + std::to_string(v.seed) +
          ". All EHC plans at January: median and quantiles over runs.",
      f.note);
  int row = summary_years(ws, 3, in, h, f) + 2;
  for (const auto& y : h.years)
    if (y.p_growth25 >= 0) {
      put(ws, row, 0, "Chance of at least 25% more plans by January " + std::to_string(y.year));
      put(ws, row++, 8, y.p_growth25, f.percent);
    }
  summary_pressures(ws, row + 1, h, f);
}

void caseload_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Caseload");
  const auto columns = summary_columns(
      {{"year", 8}, {"breakdown", 12}, {"category", 16}, {"label", 34}, {"actual", 10, f.count}}, f,
      f.count);
  header(ws, 0, columns, f);
  int row = 0;
  for (const auto& r : in.summary) {
    ++row;
    put(ws, row, 0, r.year, nullptr);
    put(ws, row, 1, r.breakdown);
    put(ws, row, 2, r.category);
    put(ws, row, 3, category_label(r.breakdown, r.category));
    put(ws, row, 4, r.actual, f.count);
    if (r.forecast) put_summary(ws, row, 5, *r.forecast, f.decimal, f.count);
  }
  finish_table(ws, 0, row, columns.size());
}

void place_rows(lxw_worksheet* ws, const std::vector<PlaceRow>& rows, const char* group_header,
                int origin, bool scap, const Formats& f) {
  std::vector<Column> columns = {{"year", 8},
                                 {"provision", 20},
                                 {"provision label", 30},
                                 {group_header, 14},
                                 {"places", 9, f.count},
                                 {"demand mean", 11, f.decimal},
                                 {"demand p05", 11, f.count},
                                 {"demand p50", 11, f.count},
                                 {"demand p95", 11, f.count},
                                 {"places needed (50% of runs)", 13, f.count},
                                 {"places needed (80%)", 13, f.count},
                                 {"places needed (90%)", 13, f.count},
                                 {"chance of overflow", 11, f.percent}};
  if (scap) columns.push_back({"SCAP year", 9});
  header(ws, 0, columns, f);
  int row = 0;
  for (const auto& r : rows) {
    ++row;
    put(ws, row, 0, r.year, nullptr);
    put(ws, row, 1, r.provision);
    put(ws, row, 2, category_label("placement", r.provision));
    put(ws, row, 3, r.group);
    put(ws, row, 4, r.places, f.count);
    put(ws, row, 5, r.demand.mean, f.decimal);
    put(ws, row, 6, r.demand.p05, f.count);
    put(ws, row, 7, r.demand.p50, f.count);
    put(ws, row, 8, r.demand.p95, f.count);
    put(ws, row, 9, r.needed50, f.count);
    put(ws, row, 10, r.needed80, f.count);
    put(ws, row, 11, r.needed90, f.count);
    put(ws, row, 12, r.p_overflow, f.percent);
    if (scap)
      put(ws, row, 13,
          (r.group == "primary" && r.year == origin + 5) ||
                  (r.group == "secondary" && r.year == origin + 7)
              ? "yes"
              : "");
  }
  finish_table(ws, 0, row, columns.size());
}

constexpr const char* NO_SUFFICIENCY =
    "Place sufficiency needs a capacity register: set capacity.register in the scenario and "
    "re-run `sendcast run` (issue 4).";

void sufficiency_sheets(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Sufficiency");
  lxw_worksheet* scap = book.sheet("SCAP");
  if (!in.sufficiency) {
    absent(ws, NO_SUFFICIENCY, f);
    absent(scap, NO_SUFFICIENCY, f);
    return;
  }
  place_rows(ws, in.sufficiency->by_need_area, "need area", in.parameters.origin, false, f);
  place_rows(scap, in.sufficiency->by_phase, "phase", in.parameters.origin, true, f);
}

std::string financial_year(int year) {
  const int next = (year + 1) % 100;
  return std::to_string(year) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

//! The DSG management plan layout: category x measure rows, financial years across (medians).
int dsg_plan(lxw_worksheet* ws, const FinanceSection& fin, const Formats& f) {
  std::set<int> years;
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : fin.rows) {
    if (!r.forecast) continue;
    years.insert(r.year);
    if (std::find(keys.begin(), keys.end(), std::pair{r.breakdown, r.category}) == keys.end())
      keys.emplace_back(r.breakdown, r.category);
  }
  std::vector<Column> columns = {{"DSG category", 14}, {"measure (median)", 18}};
  std::vector<std::string> labels;
  for (int y : years) labels.push_back(financial_year(y));
  for (const auto& l : labels) columns.push_back({l.c_str(), 13});
  header(ws, 0, columns, f);
  static const std::map<std::string, std::string> measures = {
      {"dsg_children", "children (child-years)"}, {"dsg_spend", "spend (GBP)"},
      {"hnb_allocation", "HNB allocation (GBP)"}, {"hnb_spend", "HNB spend (GBP)"},
      {"dsg_gap", "in-year gap (GBP)"},           {"dsg_deficit", "cumulative deficit (GBP)"}};
  int row = 0;
  for (const auto& [b, c] : keys) {
    ++row;
    put(ws, row, 0, c == "all" ? std::string("High Needs Block") : c);
    const auto m = measures.find(b);
    put(ws, row, 1, m == measures.end() ? b : m->second);
    lxw_format* fmt = b == "dsg_children" ? f.count : f.money;
    int col = 2;
    for (int y : years) {
      for (const auto& r : fin.rows)
        if (r.breakdown == b && r.category == c && r.year == y && r.forecast)
          put(ws, row, col, r.forecast->p50, fmt);
      ++col;
    }
  }
  if (!fin.p_above_threshold.empty()) {
    ++row;
    put(ws, row, 0, std::string("High Needs Block"));
    put(ws, row, 1,
        fin.threshold > 0
            ? "chance deficit above " + std::to_string(std::lround(fin.threshold)) + " GBP"
            : std::string("chance of a deficit"));
    int col = 2;
    for (int y : years) {
      for (const auto& [year, p] : fin.p_above_threshold)
        if (year == y) put(ws, row, col, p, f.percent);
      ++col;
    }
  }
  worksheet_freeze_panes(ws, 1, 2);
  return row;
}

void finance_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Finance");
  if (!in.finance) {
    absent(ws,
           "High Needs Block spend, DSG deficit and the DSG management plan: no High Needs "
           "Block allocation for " +
               in.parameters.la_name + " from January " + std::to_string(in.parameters.origin) +
               " in data/finance/ (it holds the Black Country's, from 2020-21); add the LA's "
               "rows and re-run.",
           f);
    return;
  }
  int row = dsg_plan(ws, *in.finance, f) + 2;
  put(ws, row++, 0,
      "Every finance series: financial year starting April of `year`; GBP, or children", f.note);
  const auto columns = summary_columns(
      {{"year", 8}, {"breakdown", 14}, {"category", 12}, {"actual", 12, f.money}}, f, f.money);
  const int head = row;
  for (std::size_t c = 0; c < columns.size(); ++c)
    put(ws, head, static_cast<int>(c), columns[c].header, f.header);
  for (const auto& r : in.finance->rows) {
    ++row;
    lxw_format* fmt = r.breakdown == "dsg_children" ? f.count : f.money;
    put(ws, row, 0, r.year, nullptr);
    put(ws, row, 1, r.breakdown);
    put(ws, row, 2, r.category);
    put(ws, row, 3, r.actual, fmt);
    if (r.forecast) put_summary(ws, row, 4, *r.forecast, fmt, fmt);
  }
  worksheet_autofilter(ws, head, 0, row, columns.size() - 1);
}

void benchmark_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Benchmark");
  if (!in.benchmark) {
    absent(ws,
           "Benchmarking against statistical neighbours: `sendcast benchmark --la " +
               in.parameters.la_name + "` (issue 7).",
           f);
    return;
  }
  const std::vector<Column> columns = {{"la_code", 12}, {"la_name", 24}, {"role", 11},
                                       {"measure", 34}, {"year", 8},     {"value", 12, f.decimal}};
  header(ws, 0, columns, f);
  int row = 0;
  for (const auto& r : in.benchmark->rows) {
    ++row;
    put(ws, row, 0, r.la_code);
    put(ws, row, 1, r.la_name);
    put(ws, row, 2, r.role);
    put(ws, row, 3, r.measure);
    put(ws, row, 4, r.year, nullptr);
    put(ws, row, 5, r.value, f.decimal);
  }
  finish_table(ws, 0, row, columns.size());
}

void backtest_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Backtest");
  if (!in.backtest) {
    absent(ws,
           "Forecast accuracy: `sendcast backtest ... --out out/backtest`, then `sendcast report "
           "<results.h5> --backtest out/backtest` (issue 5).",
           f);
    return;
  }
  int row = 0;
  if (!in.backtest->past.empty()) {
    const std::vector<Column> past = {{"origin", 8},
                                      {"target", 8},
                                      {"horizon", 8},
                                      {"published", 11, f.count},
                                      {"p50", 11, f.count},
                                      {"p05", 11, f.count},
                                      {"p95", 11, f.count},
                                      {"error %", 10, f.decimal},
                                      {"inside 90%", 10},
                                      {"baseline", 10},
                                      {"baseline p50", 12, f.count}};
    header(ws, 0, past, f);
    for (const auto& p : in.backtest->past) {
      ++row;
      put(ws, row, 0, p.origin, nullptr);
      put(ws, row, 1, p.target, nullptr);
      put(ws, row, 2, p.target - p.origin, nullptr);
      put(ws, row, 3, p.actual, f.count);
      put(ws, row, 4, p.forecast.p50, f.count);
      put(ws, row, 5, p.forecast.p05, f.count);
      put(ws, row, 6, p.forecast.p95, f.count);
      put(ws, row, 7, p.actual > 0 ? 100 * (p.forecast.p50 / p.actual - 1) : 0, f.decimal);
      put(ws, row, 8,
          p.actual >= p.forecast.p05 && p.actual <= p.forecast.p95 ? std::string("yes") : "no");
      put(ws, row, 9, p.baseline_method);
      put(ws, row, 10, p.baseline, f.count);
    }
    finish_table(ws, 0, row, past.size());
    if (in.backtest->rows.empty()) return;
    row += 2;
  }
  const std::vector<Column> columns = {{"method", 11},
                                       {"measure", 20},
                                       {"horizon", 8},
                                       {"n", 8},
                                       {"median APE %", 10, f.decimal},
                                       {"MAPE %", 10, f.decimal},
                                       {"bias %", 10, f.decimal},
                                       {"coverage 50%", 10, f.percent},
                                       {"coverage 80%", 10, f.percent},
                                       {"coverage 90%", 10, f.percent},
                                       {"interval score %", 10, f.decimal}};
  const int head = row;
  header(ws, head, columns, f);
  for (const auto& r : in.backtest->rows) {
    const auto& a = r.accuracy;
    ++row;
    put(ws, row, 0, r.method);
    put(ws, row, 1, r.measure);
    put(ws, row, 2, r.horizon, nullptr);
    put(ws, row, 3, a.n, nullptr);
    const std::array values = {a.median_ape, a.mape,       a.bias,          a.coverage50,
                               a.coverage80, a.coverage90, a.interval_score};
    for (std::size_t i = 0; i < values.size(); ++i)
      put(ws, row, 4 + static_cast<int>(i), values[i], columns[4 + i].format);
  }
  if (head == 0) finish_table(ws, 0, row, columns.size());  // one filter per sheet in Excel
}

void comparison_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Comparison");
  if (!in.comparison) {
    absent(ws, "Two scenarios compared run by run: `sendcast report A/results.h5 B/results.h5`.",
           f);
    return;
  }
  const auto& c = *in.comparison;
  put(ws, 0, 0,
      "B minus A, run by run, then quantiles. A: " + c.label_a + ". B: " + c.label_b + ".", f.note);
  const auto columns = summary_columns(
      {{"year", 8}, {"breakdown", 12}, {"category", 16}, {"label", 34}}, f, f.count);
  header(ws, 2, columns, f);
  int row = 2;
  for (const auto& r : c.difference) {
    if (!r.forecast) continue;
    ++row;
    put(ws, row, 0, r.year, nullptr);
    put(ws, row, 1, r.breakdown);
    put(ws, row, 2, r.category);
    put(ws, row, 3, category_label(r.breakdown, r.category));
    put_summary(ws, row, 4, *r.forecast, f.decimal, f.count);
  }
  finish_table(ws, 2, row, columns.size());
}

std::string assumption_kind(const std::string& a) {
  if (a.rfind("Real data", 0) == 0 || a.rfind("Population: ONS", 0) == 0) return "real data";
  if (a.rfind("Illustrative", 0) == 0 || a.find("illustrative") != std::string::npos)
    return "illustrative default";
  return "model / data note";
}

void assumptions_sheet(Workbook& book, const ReportInput& in) {
  const Formats& f = book.formats();
  lxw_worksheet* ws = book.sheet("Assumptions");
  const auto& v = in.provenance;
  header(ws, 0, {{"item", 22}, {"value", 110}}, f);
  worksheet_set_column(ws, 1, 1, 110, f.wrap);
  const std::vector<std::pair<std::string, std::string>> kv = {
      {"local authority", in.parameters.la_name + " (" + in.parameters.la_code + ")"},
      {"scenario", v.scenario_name},
      {"scenario file", v.scenario_file},
      {"scenario hash", v.scenario_hash},
      {"origin", "January " + std::to_string(in.parameters.origin)},
      {"horizon (years)", std::to_string(v.horizon)},
      {"runs", std::to_string(v.runs)},
      {"seed", std::to_string(v.seed)},
      {"sendcast version", v.sendcast_version},
      {"git SHA", v.git_sha},
      {"made (UTC)", v.timestamp},
      {"command line", v.command_line},
      {"format version", v.format_version}};
  int row = 0;
  for (const auto& [k, value] : kv) put(ws, ++row, 0, k), put(ws, row, 1, value);
  for (const auto& a : v.assumptions) put(ws, ++row, 0, assumption_kind(a)), put(ws, row, 1, a);
  for (const auto& [file, hash] : v.inputs)
    put(ws, ++row, 0, "input " + hash), put(ws, row, 1, file);
  std::istringstream text(v.scenario_text);
  for (std::string line; std::getline(text, line);)
    put(ws, ++row, 0, "scenario text"), put(ws, row, 1, line);
  finish_table(ws, 0, row, 2);
}

}  // namespace

void write_workbook_xlsx(const std::filesystem::path& file, const ReportInput& input) {
  Workbook book(file);
  book.set_title("EHC plan forecast: " + input.parameters.la_name);
  summary_sheet(book, input);
  caseload_sheet(book, input);
  sufficiency_sheets(book, input);
  finance_sheet(book, input);
  benchmark_sheet(book, input);
  backtest_sheet(book, input);
  comparison_sheet(book, input);
  assumptions_sheet(book, input);
  book.close();
}

}  // namespace sendcast::io
