#pragma once
// Charts for the HTML report as inline SVG: fan charts (published history as a solid line, then
// the median with its 50% and 90% intervals as bands), small multiples of them, heat tables and
// bar charts. Every chart is a plain string with its colours and sizes as attributes, so the
// report is one self-contained file that needs no script and prints as it shows.
//
// Colours are colour-blind safe: one blue hue for the forecast (bands lighter than the
// median), near-black for history, Okabe-Ito vermilion for the highlighted or later-published
// values, and a single-hue sequential ramp for heat tables.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sendcast::io::svg {

//! Count: whole numbers; Money: GBP; Percent: a share in [0, 1]; Decimal: one decimal place.
enum class Units { Count, Money, Percent, Decimal };

//! Escapes text for HTML and SVG (&, <, >, quotes).
std::string escape(std::string_view text);
//! 3805 -> "3,805"; -12.4 -> "-12"; rounds to whole numbers.
std::string format_count(double value);
//! GBP: 54390000 -> "£54.4m", 61500 -> "£61.5k", 900 -> "£900".
std::string format_money(double value);
//! A share in [0, 1]: 0.714 -> "71%".
std::string format_percent(double share);
std::string format_value(double value, Units units);
//! Round tick values covering [lo, hi], about `target` of them (1, 2, 2.5 or 5 times 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target);

//! One forecast year of a fan: the median and the bounds of the 50% and 90% intervals.
struct FanPoint {
  int year = 0;
  double p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
};

struct FanSeries {
  std::string title;
  std::vector<std::pair<int, double>> history;  //!< published values up to the origin
  std::vector<std::pair<int, double>> outturn;  //!< published values after the origin (dots)
  std::vector<FanPoint> forecast;               //!< the origin year first
};

struct ChartStyle {
  int width = 720;   //!< px (the SVG scales down with the page)
  int height = 300;  //!< px
  Units units = Units::Count;
  int first_year = 0;           //!< leftmost year; 0 = the first year with data
  bool legend = true;           //!< legend across the top
  bool zero_line = false;       //!< a dark line at zero, and a y axis free to go negative
  std::string y_label;          //!< e.g. "EHC plans at January"
  std::size_t title_lines = 1;  //!< lines kept for the title, so small multiples line up
};

//! A fan chart of one series. A series with no points gives a short "no data" figure.
std::string fan_chart(const FanSeries& series, const ChartStyle& style);

//! Fan charts side by side (wrapping with the page width), each with its own y axis from zero.
std::string small_multiples(const std::vector<FanSeries>& panels, const ChartStyle& style);

//! The legend of a fan chart on its own, for a group of small multiples.
std::string fan_legend(bool with_outturn);

//! A table whose cells are shaded by a value in [0, 1] (e.g. the probability of overflow).
struct HeatTable {
  std::string caption;
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  std::vector<std::vector<std::string>> text;             //!< rows x columns
  std::vector<std::vector<std::optional<double>>> shade;  //!< rows x columns, [0, 1]
  std::string shade_meaning;  //!< e.g. "probability that demand exceeds places"
};
std::string heat_table(const HeatTable& table);

//! Horizontal bars, largest first as given; highlighted bars in vermilion, the rest grey.
struct Bar {
  std::string label;
  double value = 0;
  bool highlight = false;
};
std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, Units units,
                      int width = 460);

}  // namespace sendcast::io::svg
