#include "io/report_html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "io/codes.h"
#include "io/error.h"
#include "io/sufficiency_summary.h"
#include "io/svg_chart.h"

namespace sendcast::io {

namespace {

using svg::escape;
using svg::format_count;
using svg::format_percent;

//! SEN2 primary need names (DOMAIN.md), in NEED_CODES order.
constexpr std::array<std::string_view, N_NEEDS> NEED_NAMES = {
    "Autistic spectrum disorder",
    "Hearing impairment",
    "Moderate learning difficulty",
    "Multi-sensory impairment",
    "Other difficulty or disability",
    "Physical disability",
    "Profound and multiple learning difficulty",
    "Social, emotional and mental health",
    "Speech, language and communication needs",
    "Severe learning difficulty",
    "Specific learning difficulty",
    "Visual impairment"};

constexpr std::array<std::string_view, N_NEED_AREAS> NEED_AREA_NAMES = {
    "Communication and interaction", "Cognition and learning",
    "Social, emotional and mental health", "Sensory and/or physical"};

//! The summary rows by (breakdown, category, year), with each breakdown's categories in order.
class SummaryIndex {
 public:
  explicit SummaryIndex(const std::vector<SummaryRow>& rows) {
    for (const auto& r : rows) {
      rows_[{r.breakdown, r.category, r.year}] = &r;
      auto& cats = categories_[r.breakdown];
      if (std::find(cats.begin(), cats.end(), r.category) == cats.end()) cats.push_back(r.category);
      if (r.forecast) last_year_ = std::max(last_year_, r.year);
    }
  }
  const SummaryRow* find(const std::string& b, const std::string& c, int year) const {
    auto it = rows_.find({b, c, year});
    return it == rows_.end() ? nullptr : it->second;
  }
  const sim::Summary* forecast(const std::string& b, const std::string& c, int year) const {
    const SummaryRow* r = find(b, c, year);
    return r && r->forecast ? &*r->forecast : nullptr;
  }
  bool has(const std::string& b) const { return categories_.count(b) > 0; }
  const std::vector<std::string>& categories(const std::string& b) const {
    static const std::vector<std::string> none;
    auto it = categories_.find(b);
    return it == categories_.end() ? none : it->second;
  }
  int last_year() const { return last_year_; }

 private:
  std::map<std::tuple<std::string, std::string, int>, const SummaryRow*> rows_;
  std::map<std::string, std::vector<std::string>> categories_;
  int last_year_ = 0;
};

svg::FanPoint fan_point(int year, const sim::Summary& s) {
  return {year, s.p05, s.p25, s.p50, s.p75, s.p95};
}

//! History up to the origin as a line, later published values as dots, then the fan.
svg::FanSeries fan_series(const std::vector<SummaryRow>& rows, const std::string& breakdown,
                          const std::string& category, int origin, std::string title) {
  svg::FanSeries s;
  s.title = std::move(title);
  for (const auto& r : rows) {
    if (r.breakdown != breakdown || r.category != category) continue;
    if (r.actual && r.year <= origin) s.history.emplace_back(r.year, *r.actual);
    if (r.actual && r.year > origin) s.outturn.emplace_back(r.year, *r.actual);
    if (r.forecast && r.year >= origin) s.forecast.push_back(fan_point(r.year, *r.forecast));
  }
  std::sort(s.history.begin(), s.history.end());
  std::sort(s.forecast.begin(), s.forecast.end(),
            [](const auto& a, const auto& b) { return a.year < b.year; });
  return s;
}

std::string interval(const sim::Summary& s, svg::Units units = svg::Units::Count) {
  return svg::format_value(s.p05, units) + " to " + svg::format_value(s.p95, units);
}

std::string signed_count(double v) {
  return (std::lround(v) > 0 ? "+" : "") + format_count(v);
}

std::string signed_percent(double share) {
  return (std::lround(100 * share) > 0 ? "+" : "") + format_percent(share);
}

// ---------------------------------------------------------------- page furniture

constexpr const char* CSS = R"css(
:root { --ink:#111827; --muted:#4b5563; --rule:#e5e7eb; --accent:#0b4a8b; --warm:#d55e00;
  --paper:#ffffff; --tint:#f5f7fa; }
* { box-sizing:border-box; }
html { -webkit-text-size-adjust:100%; }
body { margin:0; background:var(--paper); color:var(--ink);
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",
    "Liberation Sans",sans-serif;
  font-size:15px; line-height:1.5; }
main { max-width:1080px; margin:0 auto; padding:28px 32px 48px; }
header.top { border-bottom:3px solid var(--accent); padding-bottom:14px; margin-bottom:8px; }
h1 { font-size:28px; line-height:1.2; margin:0 0 6px; letter-spacing:-0.01em; }
h2 { font-size:21px; margin:38px 0 10px; padding-top:10px; border-top:1px solid var(--rule); }
#headline h2 { border-top:none; margin-top:18px; }
h3 { font-size:16px; margin:24px 0 8px; }
p { margin:8px 0; max-width:78ch; }
.sub { color:var(--muted); margin:0; max-width:none; }
nav { margin:10px 0 0; font-size:14px; }
nav a { color:var(--accent); text-decoration:none; margin-right:14px; white-space:nowrap; }
nav a:hover { text-decoration:underline; }
main a { color:var(--accent); }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(190px,1fr)); gap:12px;
  margin:14px 0; }
.card { background:var(--tint); border-left:4px solid var(--accent); padding:10px 14px;
  border-radius:4px; }
.card.now { border-left-color:#1f1f1f; }
.card .when { font-size:13px; color:var(--muted); }
.card .big { font-size:28px; font-weight:700; font-variant-numeric:tabular-nums; line-height:1.2; }
.card .range, .card .growth { font-size:13px; color:var(--muted); }
.card .growth strong { color:var(--ink); }
table { border-collapse:collapse; margin:10px 0 14px; font-size:14px;
  font-variant-numeric:tabular-nums; }
th, td { padding:5px 10px; border-bottom:1px solid var(--rule); text-align:left;
  vertical-align:top; }
th { font-weight:600; background:var(--tint); }
td.n, th.n { text-align:right; white-space:nowrap; }
td .iv { display:block; font-size:12px; color:var(--muted); }
.pressures { display:grid; grid-template-columns:repeat(auto-fit,minmax(280px,1fr)); gap:14px; }
.pressures ol { margin:4px 0; padding-left:20px; }
.pressures li { margin:3px 0; }
.pressures .iv { color:var(--muted); font-size:13px; }
figure { margin:12px 0; }
.scroll { overflow-x:auto; }
figure.main svg.chart { width:100%; }
svg.chart { max-width:100%; height:auto; display:block; overflow:visible; }
figcaption { font-size:13px; color:var(--muted); margin-top:4px; max-width:78ch; }
.multiples { display:grid; grid-template-columns:repeat(auto-fill,minmax(300px,1fr)); gap:8px 22px; }
.multiples figure.panel { margin:4px 0; }
.bars { display:grid; grid-template-columns:repeat(auto-fill,minmax(460px,1fr)); gap:8px 28px; }
.bars svg.chart { width:100%; }
.multiples svg.chart { width:100%; }
.legend { margin:6px 0 2px; }
.note { color:var(--muted); font-size:14px; }
.howto { background:var(--tint); padding:12px 16px; border-radius:4px; margin:16px 0; }
.howto p { margin:6px 0; }
ul.missing { padding-left:20px; }
ul.missing li { margin:4px 0; }
ul.assumptions { list-style:none; padding:0; }
ul.assumptions li { margin:6px 0; display:flex; gap:12px; align-items:baseline; }
.tag { flex:none; width:96px; font-size:12px; font-weight:600; text-align:center;
  border-radius:3px; padding:1px 0; }
.tag.real { background:#dbeafe; color:#0b3a6b; }
.tag.illustrative { background:#fde2cf; color:#8a3200; }
.tag.note { background:#eceff3; color:#374151; }
pre { background:var(--tint); padding:10px 12px; font-size:12.5px; overflow:auto; max-height:420px;
  border-radius:4px; white-space:pre-wrap; word-break:break-word; }
code { font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;
  font-size:0.92em; white-space:nowrap; }
.kv th { width:180px; background:none; }
table.plan { font-size:13px; }
table.plan td:first-child { min-width:210px; }
table.plan td.n, table.plan th.n { min-width:78px; padding:4px 7px; }
.kv td { word-break:break-all; }
footer { margin-top:40px; color:var(--muted); font-size:13px; border-top:1px solid var(--rule);
  padding-top:10px; }
@media (max-width:700px) { main { padding:16px; } h1 { font-size:23px; } }
@media print {
  @page { size:A4; margin:14mm 12mm; }
  body { font-size:10pt; }
  main { max-width:none; padding:0; }
  nav { display:none; }
  h2 { break-after:avoid; page-break-after:avoid; margin-top:20px; }
  h3 { break-after:avoid; page-break-after:avoid; }
  figure, table, .card, .howto, .pressures > div { break-inside:avoid; page-break-inside:avoid; }
  pre { max-height:none; overflow:visible; }
  .multiples { grid-template-columns:repeat(2,1fr); }
  .scroll { overflow:visible; }
  .bars { grid-template-columns:repeat(2,1fr); }
  .cards { grid-template-columns:repeat(4,1fr); }
  .card .big { font-size:20pt; }
  .pressures { grid-template-columns:repeat(3,1fr); }
  table { font-size:8.5pt; }
  table.plan { font-size:7.5pt; }
  table.plan td:first-child { min-width:0; }
  table.plan td.n, table.plan th.n { min-width:0; padding:2px 3px; }
  th, td { padding:3px 5px; }
  a { color:inherit; text-decoration:none; }
}
)css";

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + escape(title) + "</h2>\n" + body + "</section>\n";
}

std::string para(const std::string& html, const std::string& cls = "") {
  return (cls.empty() ? "<p>" : "<p class=\"" + cls + "\">") + html + "</p>\n";
}

//! A table of already-escaped cells; columns named in `numeric` are right-aligned.
std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows,
                  const std::set<std::size_t>& numeric, const std::string& cls = "") {
  std::string out = "<div class=\"scroll\"><table" +
                    (cls.empty() ? std::string() : " class=\"" + cls + "\"") + ">\n<thead><tr>";
  for (std::size_t c = 0; c < head.size(); ++c)
    out += std::string("<th") + (numeric.count(c) ? " class=\"n\"" : "") + ">" + head[c] + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += std::string("<td") + (numeric.count(c) ? " class=\"n\"" : "") + ">" + row[c] + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table></div>\n";
}

std::string cell_with_interval(const sim::Summary& s, svg::Units units = svg::Units::Count) {
  if (s.p05 == s.p95) return svg::format_value(s.p50, units);  // certain: no interval to show
  return svg::format_value(s.p50, units) + "<span class=\"iv\">" + interval(s, units) + "</span>";
}

std::string page_header(const ReportInput& in) {
  const auto& p = in.parameters;
  const auto& v = in.provenance;
  std::string out = "<header class=\"top\">\n<h1>EHC plan forecast: " + escape(p.la_name) +
                    "</h1>\n<p class=\"sub\">Scenario &ldquo;" + escape(v.scenario_name) +
                    "&rdquo; &middot; from the January " + std::to_string(p.origin) +
                    " census &middot; " + format_count(v.runs) +
                    " Monte Carlo runs &middot; seed " + std::to_string(v.seed) + " &middot; " +
                    escape(p.la_code) + "</p>\n";
  if (in.comparison)
    out += "<p class=\"sub\"><strong>Compared with</strong> &ldquo;" +
           escape(in.comparison->label_b) + "&rdquo;: see the scenario comparison.</p>\n";
  return out + "<p class=\"sub\">Made " + escape(v.timestamp) + " by sendcast " +
         escape(v.sendcast_version) + " (git " + escape(v.git_sha) + ")</p>\n";
}

std::string navigation(const std::vector<std::pair<std::string, std::string>>& links) {
  std::string out = "<nav aria-label=\"sections\">";
  for (const auto& [id, title] : links) out += "<a href=\"#" + id + "\">" + escape(title) + "</a>";
  return out + "</nav>\n</header>\n";
}

// ---------------------------------------------------------------- headline

std::string headline_cards(const Headline& h) {
  std::string out = "<div class=\"cards\">\n<div class=\"card now\"><div class=\"when\">January " +
                    std::to_string(h.origin) + "</div><div class=\"big\">" + format_count(h.base) +
                    "</div><div class=\"range\">" +
                    (h.published ? "published (SEN2)" : "starting caseload") + "</div></div>\n";
  for (const auto& y : h.years)
    out += "<div class=\"card\"><div class=\"when\">January " + std::to_string(y.year) + " (" +
           std::to_string(y.horizon) + " years)</div><div class=\"big\">" +
           format_count(y.total.p50) + "</div><div class=\"range\">90% interval " +
           interval(y.total) + "</div><div class=\"growth\"><strong>" + signed_percent(y.growth) +
           "</strong> on " + std::to_string(h.origin) + "</div></div>\n";
  return out + "</div>\n";
}

std::string headline_sentences(const Headline& h) {
  if (h.years.empty()) return "";
  const auto& far = h.years.size() > 1 ? h.years[1] : h.years.front();
  const double annual = std::pow(std::max(1 + far.growth, 1e-9), 1.0 / far.horizon) - 1;
  std::string out = para("In the median forecast the number of EHC plans grows by <strong>" +
                         format_percent(annual) + " a year</strong> to January " +
                         std::to_string(far.year) + ", reaching " + format_count(far.total.p50) +
                         "; in 9 runs out of 10 it lies between " + interval(far.total) + ".");
  if (far.p_growth25 >= 0)
    out += para("Chance of at least 25% more plans in January " + std::to_string(far.year) +
                " than in January " + std::to_string(h.origin) + ": <strong>" +
                format_percent(far.p_growth25) + "</strong>.");
  return out;
}

std::string pressure_list(const Headline& h, const std::string& breakdown,
                          const std::string& title) {
  std::string items;
  for (const auto& p : h.pressures) {
    if (p.breakdown != breakdown) continue;
    items += "<li><strong>" + escape(p.label) + "</strong>: " + signed_count(p.then.p50 - p.base) +
             " (" + format_count(p.base) + " &rarr; " + format_count(p.then.p50) +
             ") <span class=\"iv\">90%: " + signed_count(p.then.p05 - p.base) + " to " +
             signed_count(p.then.p95 - p.base) + "</span></li>";
  }
  if (items.empty()) return "";
  return "<div><h3>" + escape(title) + "</h3><ol>" + items + "</ol></div>\n";
}

std::string headline_section(const Headline& h, const std::string& more) {
  std::string body = headline_cards(h) + headline_sentences(h) + more;
  const std::string lists = pressure_list(h, "placement", "By placement group") +
                            pressure_list(h, "need", "By primary need") +
                            pressure_list(h, "age_band", "By age band");
  if (!lists.empty())
    body += "<h3>The biggest pressures: largest increases by January " +
            std::to_string(h.pressure_year) + " (median)</h3>\n<div class=\"pressures\">" + lists +
            "</div>\n";
  return section("headline", "Headline", body);
}

std::string how_to_read() {
  return "<div class=\"howto\">\n<h3>How to read a fan chart</h3>\n" +
         para(
             "The black line is what was published: the January SEN2 census of EHC plans. "
             "From the latest census the model runs thousands of possible futures. The dark "
             "blue line is the median: half the runs end above it, half below. The darker band "
             "holds the middle 50% of runs, the lighter band 90%: in 9 runs out of 10 the "
             "number falls inside it. The fan widens because the further ahead, the less "
             "certain the forecast.") +
         para(
             "Plan for the band, not the line: the median is the single most likely path, "
             "but the 90% band is the range to be ready for. Totals, groups and differences are "
             "each computed inside every run before the bands are taken, so the bands of parts "
             "do not add up to the band of the whole.") +
         "<div class=\"legend\">" + svg::fan_legend(true) + "</div>\n</div>\n";
}

// ---------------------------------------------------------------- caseload

std::string total_table(const ReportInput& in, const SummaryIndex& idx) {
  std::vector<std::vector<std::string>> rows;
  for (int year = in.parameters.origin; year <= idx.last_year(); ++year) {
    const SummaryRow* r = idx.find("total", "all", year);
    if (!r || !r->forecast) continue;
    const auto& f = *r->forecast;
    rows.push_back({std::to_string(year), r->actual ? format_count(*r->actual) : "",
                    format_count(f.p50), format_count(f.p25) + " to " + format_count(f.p75),
                    interval(f)});
  }
  return table({"January", "Published", "Median", "50% interval", "90% interval"}, rows,
               {1, 2, 3, 4});
}

std::string caseload_section(const ReportInput& in, const SummaryIndex& idx) {
  svg::ChartStyle style;
  style.width = 860, style.height = 340, style.y_label = "EHC plans at January";
  const auto series = fan_series(in.summary, "total", "all", in.parameters.origin,
                                 "All EHC plans, " + in.parameters.la_name);
  std::string body = "<figure class=\"main\">" + svg::fan_chart(series, style) +
                     "<figcaption>Children and young people with an EHC plan at the January "
                     "census: published (SEN2) and forecast.</figcaption></figure>\n";
  return section("fan-charts", "Fan chart: all EHC plans", body + total_table(in, idx));
}

std::vector<svg::FanSeries> group_series(const ReportInput& in, const SummaryIndex& idx,
                                         const std::string& breakdown) {
  std::vector<svg::FanSeries> out;
  for (const auto& c : idx.categories(breakdown))
    out.push_back(
        fan_series(in.summary, breakdown, c, in.parameters.origin, category_label(breakdown, c)));
  return out;
}

std::string multiples_section(const ReportInput& in, const SummaryIndex& idx) {
  svg::ChartStyle style;
  style.width = 320, style.height = 210, style.first_year = in.parameters.origin - 6;
  struct Group {
    const char* breakdown;
    const char* title;
  };
  std::string body =
      para(
          "Each panel has its own scale, starting at zero; history is drawn where SEN2 "
          "publishes it.",
          "note") +
      "<div class=\"legend\">" + svg::fan_legend(false) + "</div>\n";
  for (const Group g :
       {Group{"age_band", "By age band"}, Group{"need", "By primary need"},
        Group{"placement", "By placement group"}, Group{"township", "By township"}}) {
    if (!idx.has(g.breakdown)) continue;
    body += "<h3>" + std::string(g.title) + "</h3>\n" +
            svg::small_multiples(group_series(in, idx, g.breakdown), style);
  }
  return section("groups", "Fan charts by age, need, placement and township", body);
}

// ---------------------------------------------------------------- optional sections

std::string place_heat_table(const std::vector<PlaceRow>& rows) {
  std::set<int> years;
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : rows) {
    years.insert(r.year);
    if (std::find(keys.begin(), keys.end(), std::pair{r.provision, r.group}) == keys.end())
      keys.emplace_back(r.provision, r.group);
  }
  svg::HeatTable t;
  t.caption = "Extra places needed so that demand is met in 9 runs out of 10";
  t.shade_meaning = "shade: chance that demand exceeds places";
  for (int y : years) t.column_labels.push_back(std::to_string(y));
  for (const auto& [provision, group] : keys) {
    t.row_labels.push_back(category_label("placement", provision) + " · " + group);
    auto& text = t.text.emplace_back(years.size());
    auto& shade = t.shade.emplace_back(years.size());
    for (const auto& r : rows) {
      if (r.provision != provision || r.group != group) continue;
      const auto c = static_cast<std::size_t>(std::distance(years.begin(), years.find(r.year)));
      text[c] = format_count(r.needed90);
      shade[c] = r.p_overflow;
    }
  }
  return svg::heat_table(t);
}

std::string scap_table(const SufficiencySection& s, int origin) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : s.by_phase) {
    const bool due = (r.group == "primary" && r.year == origin + 5) ||
                     (r.group == "secondary" && r.year == origin + 7);
    if (!due) continue;
    rows.push_back({escape(category_label("placement", r.provision)), escape(r.group),
                    std::to_string(r.year), cell_with_interval(r.demand), format_count(r.needed50),
                    format_count(r.needed80), format_count(r.needed90),
                    format_percent(r.p_overflow)});
  }
  if (rows.empty())
    return para("The forecast does not reach the SCAP years (primary 5, secondary 7 years ahead).",
                "note");
  return table({"Provision", "Phase", "January", "Children (median, 90%)", "Extra places: 50%",
                "80%", "90%", "Chance of overflow"},
               rows, {3, 4, 5, 6, 7});
}

std::string notes_html(const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& n : notes) out += para(escape(n), "note");
  return out;
}

std::string overflow_title(const SummaryRow& r) {
  if (r.breakdown == "independent_placements") return "All independent special placements";
  if (r.category == "all") return "Children without a suitable place";
  return category_label("placement", r.category) + ": without a place";
}

std::string overflow_fans(const std::vector<SummaryRow>& rows, int origin) {
  std::vector<std::pair<std::string, std::string>> keys;
  std::vector<svg::FanSeries> panels;
  for (const auto& r : rows) {
    if (std::find(keys.begin(), keys.end(), std::pair{r.breakdown, r.category}) != keys.end())
      continue;
    keys.emplace_back(r.breakdown, r.category);
    panels.push_back(fan_series(rows, r.breakdown, r.category, origin, overflow_title(r)));
  }
  svg::ChartStyle style;
  style.width = 320, style.height = 210;
  return svg::small_multiples(panels, style);
}

std::string sufficiency_section(const ReportInput& in) {
  const auto& s = *in.sufficiency;
  const int origin = in.parameters.origin;
  std::string body = notes_html(s.notes);
  if (!s.by_need_area.empty())
    body += "<h3>Places needed by provision type and need area</h3>\n<figure>" +
            place_heat_table(s.by_need_area) +
            "<figcaption>Each cell: the extra places that would meet demand in 9 runs out of 10 "
            "(the 90th percentile of the per-run shortfall); the shade is the chance that "
            "demand exceeds the places at all. Need areas: C&amp;I communication and "
            "interaction, C&amp;L cognition and learning, SEMH social, emotional and mental "
            "health, SP sensory and/or physical.</figcaption></figure>\n";
  if (!s.overflow.empty())
    body += "<h3>Overflow to independent placements</h3>\n" + overflow_fans(s.overflow, origin);
  body +=
      "<h3>SCAP view: specialist places needed (primary 5 years, secondary 7 years "
      "ahead)</h3>\n" +
      scap_table(s, origin);
  return section("sufficiency", "Place sufficiency", body);
}

//! DSG management plan categories as the plan names them.
std::string dsg_label(const std::string& code) {
  static const std::map<std::string, std::string> labels = {
      {"MmSoA", "Mainstream (MmSoA)"},
      {"RPSEN", "Resourced provision and SEN units (RPSEN)"},
      {"MdSSA", "Maintained special schools and special academies (MdSSA)"},
      {"NMISS", "Independent and non-maintained special (NMISS)"},
      {"HspAP", "Hospital education and alternative provision (HspAP)"},
      {"P16FE", "Post-16 and further education (P16FE)"},
      {"OTHER", "Other (OTHER)"},
      {"TOTAL", "<strong>Total</strong>"}};
  const auto it = labels.find(code);
  return it == labels.end() ? escape(code) : it->second;
}

std::string financial_year(int y) {
  const int next = (y + 1) % 100;
  return std::to_string(y) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

std::string deficit_chance_label(double threshold) {
  return threshold > 0 ? "Chance the cumulative deficit exceeds " +
                             svg::format_value(threshold, svg::Units::Money)
                       : std::string("Chance of a cumulative deficit");
}

//! The DSG management plan layout: children and spend by DSG category, then the High Needs
//! Block lines and the cumulative deficit, financial years across.
std::string dsg_table(const FinanceSection& f) {
  const SummaryIndex idx(f.rows);
  std::set<int> years;
  for (const auto& r : f.rows)
    if (r.breakdown == "dsg_spend" && r.forecast) years.insert(r.year);
  if (years.empty()) return "";
  // A plan's five years and the horizon: the rest are in the workbook.
  const bool cut = years.size() > 6;
  while (years.size() > 6) years.erase(std::prev(years.end(), 2));
  std::vector<std::string> head = {""};
  for (int y : years) head.push_back(financial_year(y));
  std::set<std::size_t> numeric;
  for (std::size_t c = 1; c < head.size(); ++c) numeric.insert(c);
  std::vector<std::vector<std::string>> rows;
  auto heading = [&](const std::string& text) {
    std::vector<std::string> row(head.size());
    row[0] = "<strong>" + text + "</strong>";
    rows.push_back(std::move(row));
  };
  auto add = [&](const std::string& b, const std::string& c, const std::string& label,
                 svg::Units units) {
    std::vector<std::string> row = {label};
    for (int y : years) {
      const sim::Summary* s = idx.forecast(b, c, y);
      row.push_back(s ? cell_with_interval(*s, units) : "");
    }
    rows.push_back(std::move(row));
  };
  heading("Children (child-years in the financial year)");
  for (const auto& c : idx.categories("dsg_children"))
    add("dsg_children", c, dsg_label(c), svg::Units::Count);
  heading("High needs spend");
  for (const auto& c : idx.categories("dsg_spend"))
    add("dsg_spend", c, dsg_label(c), svg::Units::Money);
  heading("High Needs Block");
  for (const auto& [b, label] :
       {std::pair{"hnb_allocation", "Allocation (income)"}, std::pair{"hnb_spend", "Spend"},
        std::pair{"dsg_gap", "In-year gap (spend &minus; allocation)"},
        std::pair{"dsg_deficit", "Cumulative DSG deficit at 31 March"}})
    if (idx.has(b)) add(b, "all", label, svg::Units::Money);
  if (!f.p_above_threshold.empty()) {
    std::vector<std::string> row = {deficit_chance_label(f.threshold)};
    for (int y : years) {
      std::string cell;
      for (const auto& [year, p] : f.p_above_threshold)
        if (year == y) cell = format_percent(p);
      row.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return "<h3>DSG management plan (unmitigated): median, 90% interval below</h3>\n" +
         table(head, rows, numeric, "plan") +
         para(std::string("Financial years April to March") +
                  (cut ? " (the first five and the last; every year is in workbook.xlsx, "
                         "sheet Finance, and finance.csv)"
                       : "") +
                  ". Children are child-years: a child placed all year counts 1. Every total "
                  "and the deficit are summed inside each run before the median and interval "
                  "are taken, so the rows do not add up exactly.",
              "note");
}

//! The deficit in the last year and 5 years on, and the chance it passes the threshold.
//! The deficit 5 years on and at the horizon (`sentences` 1: the first only).
std::string finance_sentences(const FinanceSection& f, int sentences = 2) {
  const SummaryIndex idx(f.rows);
  std::vector<int> years;
  for (const auto& r : f.rows)
    if (r.breakdown == "dsg_deficit" && r.forecast) years.push_back(r.year);
  if (years.empty()) return "";
  std::sort(years.begin(), years.end());
  auto money = [](double v) { return svg::format_value(v, svg::Units::Money); };
  std::string out;
  for (int y : {std::min(years.front() + 4, years.back()), years.back()}) {
    const sim::Summary& d = *idx.forecast("dsg_deficit", "all", y);
    const sim::Summary* spend = idx.forecast("hnb_spend", "all", y);
    std::string text = "By 31 March " + std::to_string(y + 1) +
                       ", without mitigation, the cumulative DSG deficit reaches <strong>" +
                       money(d.p50) + "</strong> in the median run (90% interval " + money(d.p05) +
                       " to " + money(d.p95) + ")";
    if (spend)
      text += ", with high needs spend of " + money(spend->p50) + " in " + financial_year(y);
    for (const auto& [year, p] : f.p_above_threshold)
      if (year == y)
        text += "; c" + deficit_chance_label(f.threshold).substr(1) + ": <strong>" +
                format_percent(p) + "</strong>";
    out += para(text + ".");
    if (y == years.back() || --sentences == 0) break;
  }
  return out;
}

std::string finance_section(const ReportInput& in) {
  const auto& f = *in.finance;
  svg::ChartStyle style;
  style.width = 340, style.height = 230, style.units = svg::Units::Money;
  style.zero_line = true;
  std::vector<svg::FanSeries> panels;
  for (const auto& [b, title] : {std::pair{"hnb_spend", "High needs spend a year"},
                                 std::pair{"dsg_gap", "In-year gap: spend minus allocation"},
                                 std::pair{"dsg_deficit", "Cumulative DSG deficit at 31 March"}}) {
    auto s = fan_series(f.rows, b, "all", in.parameters.origin, title);
    if (!s.forecast.empty() || !s.history.empty()) panels.push_back(std::move(s));
  }
  std::string body = finance_sentences(f) + notes_html(f.notes);
  if (!panels.empty())
    body += "<figure>" + svg::small_multiples(panels, style) +
            "<figcaption>Years are financial years by the April they start (2025 is 2025-26); "
            "the deficit is the cumulative one at the 31 March that ends each.</figcaption>"
            "</figure>\n";
  return section("finance", "High Needs Block and DSG deficit", body + dsg_table(f));
}

std::string bar_label(const BenchmarkRow& r) {
  if (r.role == "region") return r.la_name + " (region)";
  return r.la_name;
}

//! One bar chart per measure, at its latest year: the LA highlighted among its group.
std::string benchmark_chart(const BenchmarkSection& b, const std::string& measure) {
  int year = 0;
  for (const auto& r : b.rows)
    if (r.measure == measure) year = std::max(year, r.year);
  std::vector<svg::Bar> bars;
  std::set<std::string> seen;  // an LA can be both a neighbour and a peer: one bar
  for (const auto& r : b.rows)
    if (r.measure == measure && r.year == year && seen.insert(r.la_code + r.la_name).second)
      bars.push_back({bar_label(r), r.value, r.role == "self"});
  std::stable_sort(bars.begin(), bars.end(),
                   [](const auto& x, const auto& y) { return x.value > y.value; });
  std::string title = measure + ", " + std::to_string(year);
  title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
  return "<figure class=\"panel\">" + svg::bar_chart(title, bars, svg::Units::Decimal, 480) +
         "</figure>";
}

std::string benchmark_section(const BenchmarkSection& b) {
  std::vector<std::string> measures = b.charted;
  if (measures.empty())
    for (const auto& r : b.rows)
      if (std::find(measures.begin(), measures.end(), r.measure) == measures.end())
        measures.push_back(r.measure);
  std::string self;
  for (const auto& r : b.rows)
    if (r.role == "self") self = r.la_name;
  std::string body = para(
      "Published SEN2 measures for " + escape(self) +
      " (the orange bar) beside its ten DfE statistical neighbours and its regional peers, with "
      "its region and England for reference; each chart at the latest January census. Ranks "
      "are within the group of LAs; the national percentile places " +
      escape(self) + " among every English LA.");
  body += "<ul>";
  for (const auto& n : b.notes) body += "<li>" + escape(n) + "</li>";
  body += "</ul>\n<div class=\"bars\">";
  for (const auto& m : measures) body += benchmark_chart(b, m);
  return section("benchmark", "Benchmarking against neighbours", body + "</div>\n");
}

std::string fixed(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

//! The LA's own past forecasts of its total against what was published.
std::string past_forecasts_html(const BacktestSection& b) {
  std::vector<std::vector<std::string>> cells;
  int inside = 0;
  for (const auto& p : b.past) {
    const auto& f = p.forecast;
    const bool in90 = p.actual >= f.p05 && p.actual <= f.p95;
    inside += in90;
    const double error = p.actual > 0 ? f.p50 / p.actual - 1 : 0;
    std::string baseline;
    if (p.baseline && p.actual > 0)
      baseline = format_count(*p.baseline) + "<span class=\"iv\">" +
                 signed_percent(*p.baseline / p.actual - 1) + "</span>";
    cells.push_back({std::to_string(p.origin), std::to_string(p.target),
                     std::to_string(p.target - p.origin), format_count(p.actual),
                     cell_with_interval(f), signed_percent(error),
                     in90 ? "yes" : "<strong>no</strong>", baseline});
  }
  const std::string method = b.past.empty() ? "" : escape(b.past.front().baseline_method);
  std::string out =
      "<h3>" + escape(b.la_name) + ": past forecasts of all EHC plans</h3>\n" +
      para(
          "Each row is a forecast sendcast would have made from an earlier January census, "
          "using only what was published by then (the default model, not this scenario's "
          "levers), set against the number published later. " +
          std::to_string(inside) + " of " + std::to_string(b.past.size()) +
          " published numbers fell inside the forecast's 90% interval. So few forecasts say "
          "little about accuracy on their own: the README's backtest scores every English LA.") +
      table({"From January", "For January", "Years ahead", "Published", "Forecast (median, 90%)",
             "Error", "Inside 90%", method + " baseline (error)"},
            cells, {0, 1, 2, 3, 4, 5, 7});
  return out;
}

std::string backtest_html(const BacktestSection& b) {
  std::string measure = "total";
  if (std::none_of(b.rows.begin(), b.rows.end(),
                   [](const auto& r) { return r.measure == "total"; }))
    measure = b.rows.empty() ? "" : b.rows.front().measure;
  std::vector<const BacktestRow*> rows;
  for (const auto& r : b.rows)
    if (r.measure == measure) rows.push_back(&r);
  // By horizon, sendcast first, then the baselines by name.
  std::stable_sort(rows.begin(), rows.end(), [](auto* x, auto* y) {
    return std::tuple(x->horizon, x->method != "sendcast", x->method) <
           std::tuple(y->horizon, y->method != "sendcast", y->method);
  });
  std::vector<std::vector<std::string>> cells;
  for (const auto* r : rows) {
    const auto& a = r->accuracy;
    const std::string name =
        r->method == "sendcast" ? "<strong>sendcast</strong>" : escape(r->method);
    cells.push_back({std::to_string(r->horizon), name, std::to_string(a.n),
                     fixed(a.median_ape, "%.1f%%"), fixed(a.mape, "%.1f%%"),
                     fixed(a.bias, "%+.1f%%"), fixed(100 * a.coverage50, "%.0f%%"),
                     fixed(100 * a.coverage80, "%.0f%%"), fixed(100 * a.coverage90, "%.0f%%")});
  }
  std::string body;
  if (!b.past.empty()) body += past_forecasts_html(b);
  if (!cells.empty()) {
    body += para(
        "Forecasts made from past censuses with only the data published by then, scored "
        "against what was published later (measure: " +
        escape(measure) + "; " + escape(b.scope) +
        "). A good forecast has a small median error, a bias near zero, "
        "and intervals that hold about as many outcomes as they say (50%, 80%, 90%).");
    body += table({"Years ahead", "Method", "n", "Median error", "Mean error", "Bias", "In 50%",
                   "In 80%", "In 90%"},
                  cells, {0, 2, 3, 4, 5, 6, 7, 8});
  }
  return section("backtest", "Backtest: how accurate were past forecasts?", body);
}

std::string comparison_table(const ScenarioComparison& c, int origin, int last) {
  const SummaryIndex a(c.a), b(c.b), d(c.difference);
  std::vector<std::vector<std::string>> rows;
  for (int h : {1, 3, 5, 10}) {
    const int y = origin + h;
    const auto *fa = a.forecast("total", "all", y), *fb = b.forecast("total", "all", y),
               *fd = d.forecast("total", "all", y);
    if (y > last || !fa || !fb || !fd) continue;
    rows.push_back({std::to_string(y), format_count(fa->p50), format_count(fb->p50),
                    signed_count(fd->p50), signed_count(fd->p05) + " to " + signed_count(fd->p95)});
  }
  return table(
      {"January", "A: median", "B: median", "B &minus; A: median", "B &minus; A: 90% interval"},
      rows, {1, 2, 3, 4});
}

std::string comparison_section(const ReportInput& in) {
  const auto& c = *in.comparison;
  const int origin = in.parameters.origin;
  const SummaryIndex d(c.difference);
  std::string body = para("<strong>A</strong>: " + escape(c.label_a) +
                          ". <strong>B</strong>: " + escape(c.label_b) +
                          ". Each run of B is compared with the same run of A (the same random "
                          "numbers), and the quantiles are taken of those differences.");
  body += notes_html(c.notes) + comparison_table(c, origin, d.last_year());
  svg::ChartStyle style;
  style.width = 860, style.height = 280, style.zero_line = true;
  style.y_label = "B minus A, EHC plans";
  body += "<figure class=\"main\">" +
          svg::fan_chart(fan_series(c.difference, "total", "all", origin,
                                    "Difference in all EHC plans (B \u2212 A)"),
                         style) +
          "</figure>\n";
  if (d.has("placement")) {
    svg::ChartStyle panel;
    panel.width = 320, panel.height = 200, panel.zero_line = true;
    std::vector<svg::FanSeries> panels;
    for (const auto& cat : d.categories("placement"))
      panels.push_back(
          fan_series(c.difference, "placement", cat, origin, category_label("placement", cat)));
    body += "<h3>Difference by placement group (B \u2212 A)</h3>\n" +
            svg::small_multiples(panels, panel);
  }
  return section("comparison", "Scenario comparison", body);
}

//! One line for each section whose data this run does not have, saying what provides it.
std::string unavailable_section(const ReportInput& in) {
  std::vector<std::string> lines;
  if (!in.sufficiency)
    lines.push_back(
        "<strong>Place sufficiency</strong> (places needed by provision type, need "
        "and year; overflow to independent schools; the SCAP view): set "
        "<code>capacity.register</code> in the scenario and re-run "
        "<code>sendcast run</code> (issue 4).");
  if (!in.finance)
    lines.push_back(
        "<strong>High Needs Block spend and DSG deficit</strong> (the DSG "
        "management plan table): no High Needs Block allocation for " +
        escape(in.parameters.la_name) + " from January " + std::to_string(in.parameters.origin) +
        " in <code>data/finance/</code> (it holds the Black Country's, from 2020-21); add the "
        "LA's rows from the ESFA DSG allocation tables and re-run <code>sendcast run</code>.");
  if (!in.benchmark)
    lines.push_back(
        "<strong>Benchmarking</strong> against statistical neighbours: "
        "<code>sendcast benchmark --la " +
        escape(in.parameters.la_name) +
        " --out out/benchmark</code>, then <code>sendcast report &hellip; --benchmark "
        "out/benchmark</code> (issue 7).");
  if (!in.backtest)
    lines.push_back(
        "<strong>Forecast accuracy</strong> on published history: "
        "<code>sendcast backtest --la " +
        escape(in.parameters.la_name) +
        " --origin 2021 --origin 2022 --horizon 3 --out out/backtest</code>, then "
        "<code>sendcast report &hellip; --backtest out/backtest</code> (issue 5).");
  if (!in.comparison)
    lines.push_back(
        "<strong>Scenario comparison</strong>: <code>sendcast report "
        "A/results.h5 B/results.h5</code>.");
  if (lines.empty()) return "";
  std::string body = "<ul class=\"missing\">";
  for (const auto& l : lines) body += "<li>" + l + "</li>";
  return section("not-included", "Not in this report", body + "</ul>\n");
}

// ---------------------------------------------------------------- assumptions

std::string assumption_item(const std::string& a) {
  std::string cls = "note", tag = "model note";
  if (a.rfind("Real data", 0) == 0 || a.rfind("Population: ONS", 0) == 0)
    cls = "real", tag = "real data";
  else if (a.rfind("Illustrative", 0) == 0 || a.find("illustrative") != std::string::npos)
    cls = "illustrative", tag = "illustrative";
  return "<li><span class=\"tag " + cls + "\">" + tag + "</span>" + escape(a) + "</li>";
}

std::string key_values(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out = "<table class=\"kv\"><tbody>\n";
  for (const auto& [k, v] : kv)
    out += "<tr><th>" + escape(k) + "</th><td>" + escape(v) + "</td></tr>\n";
  return out + "</tbody></table>\n";
}

std::string assumptions_section(const ReportInput& in) {
  const auto& v = in.provenance;
  std::string body = para(
      "Which inputs are real published data and which are illustrative "
      "defaults to be replaced with the council's own:");
  body += "<ul class=\"assumptions\">";
  for (const auto& a : v.assumptions) body += assumption_item(a);
  body += "</ul>\n<h3>How this forecast was made</h3>\n";
  body += key_values(
      {{"Local authority", in.parameters.la_name + " (" + in.parameters.la_code + ")"},
       {"Scenario", v.scenario_name},
       {"Scenario file", v.scenario_file.empty() ? "(built-in default)" : v.scenario_file},
       {"Scenario hash", v.scenario_hash},
       {"Origin", "January " + std::to_string(in.parameters.origin) + " census"},
       {"Horizon", std::to_string(v.horizon) + " years"},
       {"Runs", std::to_string(v.runs)},
       {"Seed", std::to_string(v.seed)},
       {"sendcast", v.sendcast_version + " (git " + v.git_sha + ")"},
       {"Made", v.timestamp},
       {"Command", v.command_line},
       {"Output format", "version " + v.format_version}});
  std::vector<std::vector<std::string>> inputs;
  for (const auto& [file, hash] : v.inputs)
    inputs.push_back({escape(file), "<code>" + escape(hash) + "</code>"});
  body += "<h3>Input files</h3>\n" + table({"File", "Content hash (FNV-1a)"}, inputs, {});
  if (!v.scenario_text.empty())
    body += "<h3>Scenario file as run</h3>\n<pre>" + escape(v.scenario_text) + "</pre>\n";
  return section("assumptions", "Assumptions and provenance", body);
}

std::vector<std::pair<std::string, std::string>> nav_links(const ReportInput& in) {
  std::vector<std::pair<std::string, std::string>> links = {{"headline", "Headline"}};
  if (in.comparison) links.emplace_back("comparison", "Comparison");
  links.emplace_back("fan-charts", "Fan chart");
  links.emplace_back("groups", "By group");
  if (in.sufficiency) links.emplace_back("sufficiency", "Sufficiency");
  if (in.finance) links.emplace_back("finance", "Finance");
  if (in.benchmark) links.emplace_back("benchmark", "Benchmark");
  if (in.backtest) links.emplace_back("backtest", "Backtest");
  links.emplace_back("assumptions", "Assumptions");
  return links;
}

// ---------------------------------------------------------------- headline numbers

double share_at_least(const sim::RunResults& results, int year_index, double threshold) {
  const int col = results.layout.find("total").offset;
  int count = 0;
  for (int r = 0; r < results.runs; ++r) count += results.row(r, year_index)[col] >= threshold;
  return results.runs > 0 ? static_cast<double>(count) / results.runs : 0;
}

std::vector<Pressure> pressures(const SummaryIndex& idx, int origin, int year) {
  std::vector<Pressure> out;
  for (const std::string b : {"placement", "need", "age_band"}) {
    std::vector<Pressure> group;
    for (const auto& c : idx.categories(b)) {
      const SummaryRow* now = idx.find(b, c, origin);
      const sim::Summary* then = idx.forecast(b, c, year);
      if (!now || !then) continue;
      const double base = now->actual ? *now->actual : now->forecast ? now->forecast->p50 : 0;
      if (then->p50 - base > 0) group.push_back({b, c, category_label(b, c), base, *then});
    }
    std::stable_sort(group.begin(), group.end(), [](const auto& x, const auto& y) {
      return x.then.p50 - x.base > y.then.p50 - y.base;
    });
    if (group.size() > 3) group.resize(3);
    out.insert(out.end(), group.begin(), group.end());
  }
  return out;
}

}  // namespace

std::string category_label(const std::string& breakdown, const std::string& category) {
  if (breakdown == "placement")
    if (auto q = parse_placement(category))
      return std::string(PLACEMENT_LABELS[static_cast<int>(*q)]);
  if (breakdown == "need")
    if (auto n = parse_need(category))
      return std::string(NEED_NAMES[static_cast<int>(*n)]) + " (" + category + ")";
  if (breakdown == "need_area")
    for (int a = 0; a < N_NEED_AREAS; ++a)
      if (NEED_AREA_CODES[a] == category) return std::string(NEED_AREA_NAMES[a]);
  if (breakdown == "age_band") return "Age " + category;
  if (breakdown == "age") return "Age " + category;
  if (breakdown == "total") return "All EHC plans";
  return category;
}

Headline compute_headline(const ReportInput& in) {
  const SummaryIndex idx(in.summary);
  Headline h;
  h.origin = in.parameters.origin;
  if (const SummaryRow* now = idx.find("total", "all", h.origin)) {
    h.published = now->actual.has_value();
    h.base = now->actual ? *now->actual : now->forecast ? now->forecast->p50 : 0;
  }
  for (int horizon : {3, 5, 10}) {
    const sim::Summary* f = idx.forecast("total", "all", h.origin + horizon);
    if (!f) continue;
    HeadlineYear y{h.origin + horizon, horizon, *f, h.base > 0 ? f->p50 / h.base - 1 : 0, -1};
    if (in.results && horizon < in.results->years)
      y.p_growth25 = share_at_least(*in.results, horizon, 1.25 * h.base);
    h.years.push_back(y);
  }
  h.pressure_year = std::min(h.origin + 5, idx.last_year());
  h.pressures = pressures(idx, h.origin, h.pressure_year);
  return h;
}

SufficiencySection sufficiency_section(const std::vector<SufficiencyRow>& rows,
                                       std::vector<std::string> notes) {
  SufficiencySection s;
  s.notes = std::move(notes);
  auto whole = [](const SufficiencyRow& r) { return r.township == "all" && r.provision == "all"; };
  using Key = std::tuple<int, std::string, std::string, std::string>;
  std::map<Key, const SufficiencyRow*> demand;
  for (const auto& r : rows)
    if (whole(r) && (r.measure == "demand" || r.measure == "scap_demand"))
      demand[{r.year, r.group, r.phase, r.need_area}] = &r;
  auto place_row = [&](const SufficiencyRow& r, const std::string& group) {
    PlaceRow p;
    p.year = r.year, p.provision = r.group, p.group = group;
    if (auto it = demand.find({r.year, r.group, r.phase, r.need_area}); it != demand.end())
      p.demand = it->second->summary;
    p.needed50 = r.summary.p50, p.needed80 = r.p80.value_or(r.summary.p90);
    p.needed90 = r.summary.p90, p.p_overflow = r.probability_positive;
    return p;
  };
  // Fans: every group's overflow after the total, then all independent placements.
  std::map<std::pair<int, std::string>, std::vector<SummaryRow>> fans;
  for (const auto& r : rows) {
    if (!whole(r)) continue;
    if (r.measure == "places_needed" && r.group != "all" && r.phase == "all" &&
        r.need_area != "all")
      s.by_need_area.push_back(place_row(r, r.need_area));
    if (r.measure == "scap_places_needed") s.by_phase.push_back(place_row(r, r.phase));
    if (r.measure == "overflow" && r.phase == "all" && r.need_area == "all")
      fans[{r.group == "all" ? 0 : 1, r.group}].push_back(
          {r.year, "overflow", r.group, std::nullopt, r.summary});
    if (r.measure == "independent_placements")
      fans[{2, "all"}].push_back(
          {r.year, "independent_placements", "all", std::nullopt, r.summary});
  }
  for (auto& [key, series] : fans)
    s.overflow.insert(s.overflow.end(), series.begin(), series.end());
  return s;
}

BacktestSection backtest_section(const models::AccuracyTable& table, std::string scope) {
  BacktestSection out;
  out.scope = std::move(scope);
  for (const auto& [key, forecasts] : table) {
    const auto& [method, measure, horizon] = key;
    out.rows.push_back({method, measure, horizon, models::summarise_accuracy(forecasts)});
  }
  return out;
}

std::vector<SummaryRow> summarise_difference(const sim::RunResults& a, const sim::RunResults& b,
                                             const std::vector<std::string>& breakdowns) {
  const Location where{"scenario comparison"};
  check(a.runs == b.runs, where, "runs",
        "the two forecasts have " + std::to_string(a.runs) + " and " + std::to_string(b.runs) +
            " runs; compare forecasts made with the same --runs");
  check(a.first_year == b.first_year, where, "origin",
        "the two forecasts start from January " + std::to_string(a.first_year) + " and " +
            std::to_string(b.first_year));
  const int years = std::min(a.years, b.years);
  std::vector<SummaryRow> rows;
  auto present = [](const sim::RunResults& r, const std::string& name) {
    const auto& all = r.layout.breakdowns();
    return std::any_of(all.begin(), all.end(), [&](const auto& x) { return x.name == name; });
  };
  for (const auto& name : breakdowns) {
    if (!present(a, name) || !present(b, name)) continue;
    const auto &la = a.layout.find(name), &lb = b.layout.find(name);
    if (la.categories != lb.categories) continue;
    const int k = static_cast<int>(la.categories.size());
    for (int y = 0; y < years; ++y) {
      Eigen::ArrayXXd diff(a.runs, k);
      for (int r = 0; r < a.runs; ++r)
        for (int c = 0; c < k; ++c)
          diff(r, c) = static_cast<double>(b.row(r, y)[lb.offset + c]) - a.row(r, y)[la.offset + c];
      const auto summaries = sim::summarise(diff);
      for (int c = 0; c < k; ++c)
        rows.push_back({a.first_year + y, name, la.categories[c], std::nullopt, summaries[c]});
    }
  }
  return rows;
}

std::string report_html(const ReportInput& in) {
  const SummaryIndex idx(in.summary);
  const Headline h = compute_headline(in);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>EHC plan forecast: " +
      escape(in.parameters.la_name) + " (" + escape(in.provenance.scenario_name) +
      ")</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n<main>\n";
  out += page_header(in) + navigation(nav_links(in));
  // Money belongs in the headline too: the deficit 5 years on, detailed in its section.
  const std::string money =
      in.finance ? finance_sentences(*in.finance, 1) + para(
                                                           "<a href=\"#finance\">High Needs "
                                                           "Block and DSG deficit</a>: spend, the "
                                                           "deficit and the DSG management plan.",
                                                           "note")
                 : "";
  out += headline_section(h, money) + how_to_read();
  if (in.comparison) out += comparison_section(in);
  out += caseload_section(in, idx) + multiples_section(in, idx);
  if (in.sufficiency) out += sufficiency_section(in);
  if (in.finance) out += finance_section(in);
  if (in.benchmark) out += benchmark_section(*in.benchmark);
  if (in.backtest) out += backtest_html(*in.backtest);
  out += unavailable_section(in) + assumptions_section(in);
  out += "<footer>sendcast " + escape(in.provenance.sendcast_version) +
         ": Monte Carlo forecasts of EHC plans. Every interval is a quantile over runs of "
         "numbers rolled up inside each run.</footer>\n</main>\n</body>\n</html>\n";
  return out;
}

void write_report_html(const std::filesystem::path& file, const ReportInput& input) {
  const std::string html = report_html(input);
  std::ofstream out(file, std::ios::binary);
  if (!out) throw InputError({file.string()}, "cannot write file");
  out << html;
  out.flush();
  if (!out) throw InputError({file.string()}, "write failed (disk full?)");
}

}  // namespace sendcast::io
