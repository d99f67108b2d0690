#include "cli/benchmark_table.h"

#include <array>
#include <cmath>
#include <set>

#include "io/csv.h"
#include "io/csv_writer.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/neighbours.h"
#include "models/benchmark.h"

namespace sendcast::cli {

namespace {

//! Regional peers: `given`, else data/neighbours/regional_peers.csv, else the LAs of the same
//! kind (the first three characters of the ONS code) in the same region.
std::vector<const io::Area*> regional_peers(const io::DataContext& data, const io::Area& la,
                                            const std::vector<std::string>& given) {
  std::vector<const io::Area*> out;
  if (!given.empty()) {
    for (const auto& q : given) out.push_back(&io::find_area(data.tables.areas, q));
    return out;
  }
  const auto file = data.data_dir / "neighbours" / "regional_peers.csv";
  if (std::filesystem::exists(file)) {
    const auto t = io::CsvTable::read(file, io::display_path(file));
    for (std::size_t r = 0; r < t.rows(); ++r)
      if (t.cell(r, t.column("la_code")) == la.code)
        out.push_back(
            &io::find_area(data.tables.areas, std::string(t.cell(r, t.column("peer_code")))));
    if (!out.empty()) return out;
  }
  for (const auto& a : data.tables.areas)
    if (a.level == "Local authority" && a.region == la.region && a.code != la.code &&
        a.code.substr(0, 3) == la.code.substr(0, 3))
      out.push_back(&a);
  return out;
}

bool la_level(const std::string& role) {
  return role != "region" && role != "england";
}

//! The measures the report draws; benchmark.csv has more, and the workbook keeps them all.
constexpr std::array<std::string_view, 8> CHARTED_METRICS = {
    "plans_per_1000_0_25",  "growth_since_2019_pct",    "new_per_100_plans",
    "ceased_per_100_plans", "share:mainstream",         "share:resourced_provision",
    "share:state_special",  "share:independent_special"};

std::string ordinal_percentile(double p) {
  return std::to_string(static_cast<int>(std::lround(p)));
}

}  // namespace

std::vector<BenchmarkMember> comparison_group(const io::DataContext& data, const io::Area& la,
                                              const std::vector<std::string>& peers) {
  std::vector<BenchmarkMember> group = {{&la, "self"}};
  std::set<std::string> seen = {la.code};
  const auto sn = io::read_neighbours(io::data_file(data.data_dir, "neighbours/sn-model-long.csv"));
  if (auto it = sn.find(la.code); it != sn.end())
    for (const auto& n : it->second)
      for (const auto& a : data.tables.areas)
        if (a.code == n.code && seen.insert(a.code).second)
          group.push_back({&a, "statistical_neighbour"});
  for (const io::Area* p : regional_peers(data, la, peers))
    if (seen.insert(p->code).second) group.push_back({p, "regional_peer"});
  for (const auto& a : data.tables.areas)
    if ((a.level == "Regional" && a.name == la.region) || a.level == "National")
      group.push_back({&a, a.level == "National" ? "england" : "region"});
  return group;
}

BenchmarkTable benchmark_table(const io::DataContext& data, const io::Area& la,
                               const std::vector<std::string>& peers, int year) {
  if (la.level != "Local authority")
    throw InputError({"--la"}, "benchmark needs a local authority, not " + la.name);
  BenchmarkTable t;
  t.la_name = la.name;
  t.group = comparison_group(data, la, peers);
  const io::LaHistory self = io::build_la_history(data.tables, la, &data.population);
  t.year = year ? year : self.latest_census_year();
  // National distributions and the group's values, for every metric and year.
  std::map<std::string, std::vector<double>> national;
  for (const auto& a : data.tables.areas)
    if (a.level == "Local authority")
      for (const auto& [k, v] :
           models::metric_values(io::build_la_history(data.tables, a, &data.population), t.year))
        national[k].push_back(v);
  t.values.resize(t.group.size());
  for (std::size_t g = 0; g < t.group.size(); ++g) {
    const io::LaHistory h = io::build_la_history(data.tables, *t.group[g].area, &data.population);
    for (int y = 2019; y <= t.year; ++y) t.values[g][y] = models::metric_values(h, y);
  }
  for (const auto& m : models::benchmark_metrics()) {
    std::vector<double> group_values;
    for (std::size_t g = 0; g < t.group.size(); ++g)
      if (la_level(t.group[g].role) && t.values[g][t.year].count(m.code))
        group_values.push_back(t.values[g][t.year].at(m.code));
    for (std::size_t g = 0; g < t.group.size(); ++g)
      for (const auto& [y, vals] : t.values[g]) {
        auto it = vals.find(m.code);
        if (it == vals.end()) continue;
        BenchmarkEntry e{t.group[g].area->code,
                         t.group[g].area->name,
                         t.group[g].role,
                         m.code,
                         y,
                         it->second,
                         {},
                         {},
                         {}};
        if (y == t.year && la_level(e.role)) {
          e.group_rank = models::rank_from_highest(it->second, group_values);
          e.group_size = static_cast<int>(group_values.size());
          e.national_percentile = models::percentile_of(it->second, national[m.code]);
        }
        t.entries.push_back(std::move(e));
      }
    if (t.values[0][t.year].count(m.code) && group_values.size() > 1)
      t.sentences.push_back(models::rank_sentence(
          la.name, models::rank_from_highest(t.values[0][t.year].at(m.code), group_values),
          static_cast<int>(group_values.size()), m.noun));
  }
  return t;
}

std::vector<std::string> benchmark_csv_header() {
  return {"la_code",    "la_name",    "role",
          "metric",     "year",       "value",
          "group_rank", "group_size", "national_percentile"};
}

std::vector<std::vector<std::string>> benchmark_csv_rows(const BenchmarkTable& t) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : t.entries)
    rows.push_back({e.la_code, e.la_name, e.role, e.metric, std::to_string(e.year),
                    io::format_number(e.value), e.group_rank ? std::to_string(*e.group_rank) : "",
                    e.group_size ? std::to_string(*e.group_size) : "",
                    e.national_percentile ? io::format_number(*e.national_percentile) : ""});
  return rows;
}

BenchmarkTable read_benchmark_csv(const std::filesystem::path& file) {
  const auto csv = io::CsvTable::read(file, io::display_path(file));
  const std::size_t code = csv.column("la_code"), name = csv.column("la_name"),
                    role = csv.column("role"), metric = csv.column("metric"),
                    year = csv.column("year"), value = csv.column("value"),
                    rank = csv.column("group_rank"), size = csv.column("group_size"),
                    percentile = csv.column("national_percentile");
  BenchmarkTable t;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const auto v = csv.number(r, value);
    if (!v) continue;
    BenchmarkEntry e{std::string(csv.cell(r, code)),
                     std::string(csv.cell(r, name)),
                     std::string(csv.cell(r, role)),
                     std::string(csv.cell(r, metric)),
                     static_cast<int>(csv.count(r, year).value_or(0)),
                     *v,
                     {},
                     {},
                     {}};
    if (auto g = csv.count(r, rank)) e.group_rank = static_cast<int>(*g);
    if (auto n = csv.count(r, size)) e.group_size = static_cast<int>(*n);
    e.national_percentile = csv.number(r, percentile);
    if (e.role == "self") t.la_name = e.la_name, t.year = std::max(t.year, e.year);
    t.entries.push_back(std::move(e));
  }
  return t;
}

io::BenchmarkSection benchmark_report_section(const BenchmarkTable& t) {
  std::map<std::string, models::BenchmarkMetric> metrics;
  for (const auto& m : models::benchmark_metrics()) metrics[m.code] = m;
  io::BenchmarkSection out;
  for (const auto& e : t.entries) {
    const auto it = metrics.find(e.metric);
    out.rows.push_back({e.la_code, e.la_name, e.role,
                        it == metrics.end() ? e.metric : it->second.label, e.year, e.value});
  }
  for (auto code : CHARTED_METRICS) {
    const auto m = metrics.find(std::string(code));
    if (m == metrics.end()) continue;
    for (const auto& e : t.entries) {
      if (e.role != "self" || e.metric != code || e.year != t.year || !e.group_rank ||
          !e.group_size || *e.group_size < 2)
        continue;
      std::string sentence =
          models::rank_sentence(e.la_name, *e.group_rank, *e.group_size, m->second.noun);
      if (e.national_percentile) {
        if (!sentence.empty() && sentence.back() == '.') sentence.pop_back();
        sentence += "; nationally, " + ordinal_percentile(*e.national_percentile) +
                    "% of English LAs are at or below it.";
      }
      out.charted.push_back(m->second.label);
      out.notes.push_back(sentence);
    }
  }
  return out;
}

std::optional<io::BenchmarkSection> forecast_benchmark(const io::DataContext& data,
                                                       const std::string& la_code, int origin) {
  const io::Area& la = io::find_area(data.tables.areas, la_code);
  if (la.level != "Local authority" || origin < 2020) return std::nullopt;
  return benchmark_report_section(benchmark_table(data, la, {}, origin));
}

}  // namespace sendcast::cli
