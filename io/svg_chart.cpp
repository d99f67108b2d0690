#include "io/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace sendcast::io::svg {

namespace {

// Colour-blind-safe palette: ColorBrewer sequential Blues for the forecast, Okabe-Ito
// vermilion for what stands out.
constexpr const char* HISTORY_COLOUR = "#1f1f1f";
constexpr const char* MEDIAN_COLOUR = "#0b4a8b";
constexpr const char* BAND50_COLOUR = "#86b5dd";
constexpr const char* BAND90_COLOUR = "#d3e4f3";
constexpr const char* OUTTURN_COLOUR = "#d55e00";
constexpr const char* GRID_COLOUR = "#e4e7eb";
constexpr const char* AXIS_COLOUR = "#6b7280";
constexpr const char* TEXT_COLOUR = "#4b5563";
constexpr const char* BAR_COLOUR = "#9aa3ad";
//! ColorBrewer OrRd, light to dark: a sequential ramp readable with any colour vision.
constexpr std::array<std::array<int, 3>, 5> HEAT_RAMP = {
    {{255, 247, 236}, {253, 212, 158}, {252, 141, 89}, {215, 48, 31}, {127, 0, 0}}};

constexpr int TITLE_ROW = 20;       //!< px above the plot for a title
constexpr int LEGEND_ROW = 22;      //!< px above the plot for the legend
constexpr int LABEL_ROW = 16;       //!< px above the plot for the y-axis label
constexpr double CHAR_WIDTH = 6.6;  //!< px per character of 12 px system-ui text, roughly

//! A coordinate with one decimal: enough for screens and printers, and short.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s == "-0" ? "0" : s;
}

std::string text(double x, double y, std::string_view body, const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (extra.empty() ? "" : " " + extra) +
         ">" + escape(body) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& style) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" " + style + "/>";
}

std::string rect(double x, double y, double w, double h, const std::string& style) {
  return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" +
         num(h) + "\" " + style + "/>";
}

std::string open_svg(int width, int height, const std::string& title) {
  // Inline SVG in HTML needs no namespace declaration, so the report names no URL at all.
  return "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) + "\" role=\"img\" font-size=\"12\" fill=\"" + TEXT_COLOUR +
         "\"><title>" + escape(title) + "</title>";
}

//! Greedy word wrap of a title into lines of at most `max_chars` characters.
std::vector<std::string> wrap(const std::string& title, std::size_t max_chars) {
  std::vector<std::string> lines(1);
  std::size_t start = 0;
  while (start < title.size()) {
    std::size_t end = title.find(' ', start);
    if (end == std::string::npos) end = title.size();
    const std::string word = title.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > max_chars)
      lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
    start = end + 1;
  }
  return lines;
}

//! Characters of a 13 px semibold title that surely fit in `width` px (up to 7.9 px each).
std::size_t title_chars(int width) {
  return static_cast<std::size_t>(width / 7.9);
}

std::string colour(const std::array<int, 3>& rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buf;
}

//! The heat ramp at `t` in [0, 1], interpolated between its stops.
std::array<int, 3> heat_rgb(double t) {
  t = std::clamp(t, 0.0, 1.0) * (HEAT_RAMP.size() - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), HEAT_RAMP.size() - 2);
  const double f = t - i;
  std::array<int, 3> out{};
  for (int c = 0; c < 3; ++c)
    out[c] = static_cast<int>(std::lround(HEAT_RAMP[i][c] * (1 - f) + HEAT_RAMP[i + 1][c] * f));
  return out;
}

//! Linear map from a data interval to a pixel interval.
struct Scale {
  double d0 = 0, d1 = 1, p0 = 0, p1 = 1;
  double operator()(double v) const { return p0 + (v - d0) / (d1 - d0) * (p1 - p0); }
};

//! Years and values a series spans.
struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  int first = std::numeric_limits<int>::max();
  int last = std::numeric_limits<int>::min();
  void add(int year, double lo_v, double hi_v) {
    lo = std::min(lo, lo_v), hi = std::max(hi, hi_v);
    first = std::min(first, year), last = std::max(last, year);
  }
  bool empty() const { return first > last; }
};

Extent extent_of(const FanSeries& s, int first_year) {
  Extent e;
  for (const auto& [year, v] : s.history)
    if (year >= first_year) e.add(year, v, v);
  for (const auto& [year, v] : s.outturn) e.add(year, v, v);
  for (const auto& p : s.forecast) e.add(p.year, p.p05, p.p95);
  if (first_year > 0 && !e.empty()) e.first = std::min(e.first, first_year);
  return e;
}

struct Plot {
  double left = 0, top = 0, right = 0, bottom = 0;
  Scale x, y;
  std::vector<double> y_ticks;
  int first_year = 0, last_year = 0;
};

Plot make_plot(const Extent& e, const ChartStyle& style, double top) {
  Plot p;
  double lo = style.zero_line ? std::min(0.0, e.lo) : 0.0;
  double hi = std::max(e.hi, style.zero_line ? 0.0 : 1.0);
  if (hi <= lo) hi = lo + 1;
  p.y_ticks = nice_ticks(lo, hi, style.height < 220 ? 4 : 5);
  if (style.units == Units::Count)
    std::erase_if(p.y_ticks, [](double t) { return t != std::round(t); });
  std::size_t widest = 1;
  for (double t : p.y_ticks) widest = std::max(widest, format_value(t, style.units).size());
  p.left = 12 + CHAR_WIDTH * widest;
  p.top = top;
  p.right = style.width - 18;  // room for half the last year label
  p.bottom = style.height - 26;
  p.first_year = e.first, p.last_year = std::max(e.last, e.first + 1);
  p.x = {static_cast<double>(p.first_year), static_cast<double>(p.last_year), p.left, p.right};
  p.y = {p.y_ticks.front(), p.y_ticks.back(), p.bottom, p.top};
  return p;
}

int year_step(const Plot& p) {
  const int span = p.last_year - p.first_year;
  const double room = (p.right - p.left) / 42.0;  // a year label needs about 42 px
  for (int step : {1, 5, 10, 20})  // multiples of 5 keep the origin and horizon years labelled
    if (span / static_cast<double>(step) <= room) return step;
  return 50;
}

std::string axes(const Plot& p, const ChartStyle& style) {
  std::string out;
  for (double t : p.y_ticks) {
    const double y = p.y(t);
    const bool zero = style.zero_line && t == 0;
    out += line(p.left, y, p.right, y,
                std::string("stroke=\"") + (zero ? HISTORY_COLOUR : GRID_COLOUR) +
                    "\" stroke-width=\"" + (zero ? "1.2" : "1") + "\"");
    out += text(p.left - 6, y + 4, format_value(t, style.units), "text-anchor=\"end\"");
  }
  out += line(p.left, p.bottom, p.right, p.bottom, std::string("stroke=\"") + AXIS_COLOUR + "\"");
  const int step = year_step(p);
  for (int year = p.first_year; year <= p.last_year; ++year) {
    if (year % step != 0) continue;
    const double x = p.x(year);
    out += line(x, p.bottom, x, p.bottom + 4, std::string("stroke=\"") + AXIS_COLOUR + "\"");
    out += text(x, p.bottom + 17, std::to_string(year), "text-anchor=\"middle\"");
  }
  return out;
}

std::string points(const std::vector<std::pair<double, double>>& xy) {
  std::string out;
  for (const auto& [x, y] : xy) {
    if (!out.empty()) out += ' ';
    out += num(x);
    out += ',';
    out += num(y);
  }
  return out;
}

//! The band between two quantiles: along the upper bound, back along the lower.
std::string band(const Plot& p, const std::vector<FanPoint>& f, double FanPoint::*lo,
                 double FanPoint::*hi, const char* fill) {
  std::vector<std::pair<double, double>> xy;
  for (const auto& pt : f) xy.emplace_back(p.x(pt.year), p.y(pt.*hi));
  for (auto it = f.rbegin(); it != f.rend(); ++it) xy.emplace_back(p.x(it->year), p.y((*it).*lo));
  return "<polygon points=\"" + points(xy) + "\" fill=\"" + fill + "\" stroke=\"none\"/>";
}

std::string polyline(const std::vector<std::pair<double, double>>& xy, const char* stroke,
                     const char* width) {
  return "<polyline points=\"" + points(xy) + "\" fill=\"none\" stroke=\"" + stroke +
         "\" stroke-width=\"" + width + "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>";
}

std::string circle(double x, double y, double r, const char* fill) {
  return "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + fill +
         "\" stroke=\"#ffffff\" stroke-width=\"1\"/>";
}

std::string history_marks(const Plot& p, const FanSeries& s) {
  std::vector<std::pair<double, double>> xy;
  for (const auto& [year, v] : s.history)
    if (year >= p.first_year) xy.emplace_back(p.x(year), p.y(v));
  std::string out;
  if (xy.size() > 1) out += polyline(xy, HISTORY_COLOUR, "2");
  if (xy.size() == 1) out += circle(xy[0].first, xy[0].second, 3, HISTORY_COLOUR);
  for (const auto& [year, v] : s.outturn) out += circle(p.x(year), p.y(v), 3.5, OUTTURN_COLOUR);
  return out;
}

std::string fan_marks(const Plot& p, const FanSeries& s, Units units) {
  if (s.forecast.empty()) return "";
  std::string out = band(p, s.forecast, &FanPoint::p05, &FanPoint::p95, BAND90_COLOUR);
  out += band(p, s.forecast, &FanPoint::p25, &FanPoint::p75, BAND50_COLOUR);
  std::vector<std::pair<double, double>> median;
  for (const auto& pt : s.forecast) median.emplace_back(p.x(pt.year), p.y(pt.p50));
  out += polyline(median, MEDIAN_COLOUR, "2.2");
  const double x0 = p.x(s.forecast.front().year);
  out += line(x0, p.top, x0, p.bottom,
              std::string("stroke=\"") + AXIS_COLOUR + "\" stroke-dasharray=\"3 3\"");
  // A transparent strip per year whose tooltip gives the numbers (no script needed).
  const double half = (p.right - p.left) / (p.last_year - p.first_year) / 2;
  for (const auto& pt : s.forecast) {
    const double from = std::max(p.left, p.x(pt.year) - half);
    const double to = std::min(p.right, p.x(pt.year) + half);
    out += "<g>" + rect(from, p.top, to - from, p.bottom - p.top, "fill=\"transparent\"") +
           "<title>" + std::to_string(pt.year) + ": median " + format_value(pt.p50, units) +
           "; 50% " + format_value(pt.p25, units) + " to " + format_value(pt.p75, units) +
           "; 90% " + format_value(pt.p05, units) + " to " + format_value(pt.p95, units) +
           "</title></g>";
  }
  return out;
}

std::string legend_item(double x, double y, const std::string& swatch, std::string_view label) {
  return "<g transform=\"translate(" + num(x) + "," + num(y) + ")\">" + swatch +
         text(22, 4, label) + "</g>";
}

//! The legend as a row of swatches starting at (x, y); returns the SVG and its width.
std::pair<std::string, double> legend_row(double x, double y, bool with_history,
                                          bool with_outturn) {
  struct Item {
    std::string swatch;
    std::string label;
  };
  std::vector<Item> items;
  const std::string stroke = "\" stroke-width=\"2.2\"/>";
  if (with_history)
    items.push_back(
        {line(0, 0, 16, 0, std::string("stroke=\"") + HISTORY_COLOUR + stroke), "published"});
  items.push_back(
      {line(0, 0, 16, 0, std::string("stroke=\"") + MEDIAN_COLOUR + stroke), "median forecast"});
  items.push_back(
      {rect(0, -6, 16, 12, std::string("fill=\"") + BAND50_COLOUR + "\""), "50% interval"});
  items.push_back(
      {rect(0, -6, 16, 12, std::string("fill=\"") + BAND90_COLOUR + "\""), "90% interval"});
  if (with_outturn)
    items.push_back({circle(8, 0, 3.5, OUTTURN_COLOUR), "published after the forecast began"});
  std::string out;
  double at = x;
  for (const auto& item : items) {
    out += legend_item(at, y, item.swatch, item.label);
    at += 22 + CHAR_WIDTH * item.label.size() + 18;
  }
  return {out, at - x};
}

}  // namespace

std::string escape(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (char c : body) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_count(double value) {
  const long long n = std::llround(value);
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string format_money(double value) {
  const double a = std::fabs(value);
  char buf[32];
  if (a >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fm", a / 1e6);
  else if (a >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", a / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", a);
  std::string s = buf;
  if (const auto dot = s.find(".0"); dot != std::string::npos && dot + 3 == s.size())
    s.erase(dot, 2);  // "£10.0m" -> "£10m"
  return (value < 0 && std::lround(a) != 0 ? "-£" : "£") + s;
}

std::string format_percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * share);
  return std::string(buf) == "-0%" ? "0%" : buf;
}

std::string format_value(double value, Units units) {
  char buf[32];
  switch (units) {
    case Units::Money:
      return format_money(value);
    case Units::Percent:
      return format_percent(value);
    case Units::Decimal:
      std::snprintf(buf, sizeof buf, "%.1f", value);
      return buf;
    case Units::Count:
      break;
  }
  return format_count(value);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  const long first = std::lround(std::floor(lo / step)), last = std::lround(std::ceil(hi / step));
  for (long i = first; i <= last; ++i) ticks.push_back(i * step);
  return ticks;
}

std::string fan_chart(const FanSeries& s, const ChartStyle& style) {
  const Extent e = extent_of(s, style.first_year);
  const auto title = wrap(s.title, title_chars(style.width));
  const std::size_t lines = std::max(title.size(), style.title_lines);
  double top = 10;
  if (!s.title.empty()) top += TITLE_ROW * lines;
  if (style.legend) top += LEGEND_ROW;
  if (!style.y_label.empty()) top += LABEL_ROW;
  ChartStyle sized = style;
  sized.height += static_cast<int>(lines - 1) * TITLE_ROW;
  std::string out = open_svg(sized.width, sized.height, s.title.empty() ? "fan chart" : s.title);
  double row = 16;
  if (!s.title.empty())
    for (const auto& l : title)
      out += text(0, row, l, "font-weight=\"600\" font-size=\"13\" fill=\"#111827\""),
          row += TITLE_ROW;
  if (e.empty()) return out + text(0, row + 10, "no data") + "</svg>";
  const Plot p = make_plot(e, sized, top);
  if (style.legend)
    out += legend_row(p.left, row - 4, !s.history.empty(), !s.outturn.empty()).first,
        row += LEGEND_ROW;
  if (!style.y_label.empty()) out += text(p.left - 6, row - 2, style.y_label, "font-size=\"11\"");
  out += axes(p, style) + fan_marks(p, s, style.units) + history_marks(p, s);
  return out + "</svg>";
}

std::string small_multiples(const std::vector<FanSeries>& panels, const ChartStyle& style) {
  ChartStyle panel = style;
  panel.legend = false;
  for (const auto& s : panels)
    panel.title_lines = std::max(panel.title_lines, wrap(s.title, title_chars(style.width)).size());
  std::string out = "<div class=\"multiples\">";
  for (const auto& s : panels)
    out += "<figure class=\"panel\">" + fan_chart(s, panel) + "</figure>";
  return out + "</div>";
}

std::string fan_legend(bool with_outturn) {
  auto [items, width] = legend_row(4, 14, true, with_outturn);
  const int w = static_cast<int>(std::ceil(width)) + 8;
  return open_svg(w, 26, "legend") + items + "</svg>";
}

std::string heat_table(const HeatTable& t) {
  std::size_t label_chars = 4, column_chars = 4;
  for (const auto& l : t.row_labels) label_chars = std::max(label_chars, l.size());
  for (const auto& l : t.column_labels) column_chars = std::max(column_chars, l.size());
  for (const auto& r : t.text)
    for (const auto& c : r) column_chars = std::max(column_chars, c.size());
  const double label_w = 14 + CHAR_WIDTH * label_chars, cell_w = 14 + CHAR_WIDTH * column_chars;
  const double row_h = 24, head = 24 + (t.caption.empty() ? 0 : 22);
  const int width = static_cast<int>(std::ceil(label_w + cell_w * t.column_labels.size())) + 2;
  const int height = static_cast<int>(std::ceil(head + row_h * t.row_labels.size() + 40));
  std::string out = open_svg(width, height, t.caption.empty() ? "table" : t.caption);
  if (!t.caption.empty())
    out += text(0, 15, t.caption, "font-weight=\"600\" font-size=\"13\" fill=\"#111827\"");
  for (std::size_t c = 0; c < t.column_labels.size(); ++c)
    out += text(label_w + cell_w * (c + 0.5), head - 8, t.column_labels[c],
                "text-anchor=\"middle\" font-weight=\"600\"");
  for (std::size_t r = 0; r < t.row_labels.size(); ++r) {
    const double y = head + row_h * r;
    out += text(4, y + 16, t.row_labels[r], "fill=\"#111827\"");
    for (std::size_t c = 0; c < t.column_labels.size(); ++c) {
      const double shade = r < t.shade.size() && c < t.shade[r].size() ? t.shade[r][c].value_or(-1)
                                                                       : -1;  // -1: no shade
      const auto rgb = shade >= 0 ? heat_rgb(shade) : std::array<int, 3>{255, 255, 255};
      const double x = label_w + cell_w * c;
      out += rect(x, y, cell_w, row_h,
                  "fill=\"" + colour(rgb) + "\" stroke=\"#ffffff\" stroke-width=\"1.5\"");
      const bool dark = shade > 0.55;
      if (r < t.text.size() && c < t.text[r].size())
        out += text(
            x + cell_w / 2, y + 16, t.text[r][c],
            std::string("text-anchor=\"middle\" fill=\"") + (dark ? "#ffffff" : "#111827") + "\"");
    }
  }
  const double key_y = head + row_h * t.row_labels.size() + 14;
  for (int i = 0; i <= 4; ++i) {
    out += rect(label_w + 44.0 * i, key_y, 44, 10, "fill=\"" + colour(heat_rgb(i / 4.0)) + "\"");
    out += text(label_w + 44.0 * i, key_y + 22, format_percent(i / 4.0), "font-size=\"10\"");
  }
  out += text(4, key_y + 9, t.shade_meaning, "font-size=\"11\"");
  return out + "</svg>";
}

std::string bar_chart(const std::string& title, const std::vector<Bar>& bars, Units units,
                      int width) {
  std::size_t label_chars = 6;
  double hi = 0;
  for (const auto& b : bars)
    label_chars = std::max(label_chars, b.label.size()), hi = std::max(hi, b.value);
  const double label_w = 10 + CHAR_WIDTH * label_chars, row_h = 19, top = 26;
  const int height = static_cast<int>(top + row_h * bars.size() + 8);
  const double room = width - label_w - 64;
  std::string out = open_svg(width, height, title);
  out += text(0, 15, title, "font-weight=\"600\" font-size=\"13\" fill=\"#111827\"");
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = top + row_h * i;
    const double w = hi > 0 ? room * std::max(b.value, 0.0) / hi : 0;
    const char* fill = b.highlight ? OUTTURN_COLOUR : BAR_COLOUR;
    const std::string weight = b.highlight ? "font-weight=\"700\" fill=\"#111827\"" : "";
    out += text(label_w - 6, y + 13, b.label, "text-anchor=\"end\" " + weight);
    out += rect(label_w, y + 3, w, row_h - 6, std::string("fill=\"") + fill + "\"");
    out += text(label_w + w + 5, y + 13, format_value(b.value, units), weight);
  }
  return out + "</svg>";
}

}  // namespace sendcast::io::svg
