// `sendcast compare <run A> <run B>`: what scenario B changes against scenario A, run by run.
// Both runs must share seed, runs, years, origin and LA, so that run r of A and run r of B saw
// the same simulated children (common random numbers) and B - A is the scenario's effect, not
// Monte Carlo noise. Differences are taken per run, then summarised.
#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "cli/cli.h"
#include "cli/options.h"
#include "io/capacity_register.h"
#include "io/csv_writer.h"
#include "io/data_dir.h"
#include "io/error.h"
#include "io/hash.h"
#include "io/results_h5.h"
#include "models/cost_model.h"
#include "sim/quantiles.h"
#include "sim/rollups.h"

namespace sendcast::cli {

namespace {

namespace fs = std::filesystem;

//! One run directory's per-run numbers, as compare needs them.
struct StoredRun {
  fs::path file;
  std::string scenario;
  io::StoredBreakdown total, placement;
  std::optional<io::StoredSufficiency> sufficiency;
  std::optional<io::StoredFinance> finance;
};

fs::path results_file(const std::string& given) {
  const fs::path path(given);
  const fs::path file = fs::is_directory(path) ? path / "results.h5" : path;
  if (!fs::exists(file))
    throw InputError({given}, "no results.h5 here: give a `sendcast run` output directory");
  return file;
}

StoredRun load_run(const std::string& given) {
  StoredRun r;
  r.file = results_file(given);
  io::verify_checksum(r.file);  // before HDF5 reads it: HDF5 can crash on a damaged file
  r.scenario = io::read_attribute_h5(r.file, "scenario_name");
  r.total = io::read_breakdown_h5(r.file, "total");
  r.placement = io::read_breakdown_h5(r.file, "placement");
  // The cell arrays, the largest, are read one measure at a time (CellMeasures) and not kept.
  if (io::has_sufficiency_h5(r.file)) r.sufficiency = io::read_sufficiency_h5(r.file, false);
  if (io::has_finance_h5(r.file)) r.finance = io::read_finance_h5(r.file);
  return r;
}

//! Same seed, runs, horizon, origin and LA, or an error that says which differs.
void check_comparable(const StoredRun& a, const StoredRun& b) {
  for (const char* name : {"seed", "runs", "horizon", "origin", "la_code"}) {
    const std::string va = io::read_attribute_h5(a.file, name);
    const std::string vb = io::read_attribute_h5(b.file, name);
    check(va == vb, {io::display_path(b.file)}, name,
          "differs from run A (" + (va.empty() ? "?" : va) + " in " + io::display_path(a.file) +
              ", " + (vb.empty() ? "?" : vb) +
              " here): compare needs both runs made with the same seed, runs, years, start "
              "year and LA, so that their differences are per run (common random numbers)");
  }
  check(a.sufficiency.has_value() == b.sufficiency.has_value(), {io::display_path(b.file)},
        "/sufficiency",
        std::string(a.sufficiency ? "run A" : "run B") +
            " has place-sufficiency results and the other has none: give both scenarios a "
            "[capacity] register");
}

//! A measure per run and year, as a runs x years array.
using PerRun = Eigen::ArrayXXd;

PerRun column(const io::StoredBreakdown& b, int category) {
  PerRun out(b.runs, b.years);
  for (int r = 0; r < b.runs; ++r)
    for (int y = 0; y < b.years; ++y)
      out(r, y) = b.counts[(static_cast<std::size_t>(r) * b.years + y) * b.categories + category];
  return out;
}

//! The labels that pass `keep`, by index.
template <class Keep>
std::vector<int> kept_labels(const std::vector<std::string>& labels, Keep keep) {
  std::vector<int> kept;
  for (int c = 0; c < static_cast<int>(labels.size()); ++c)
    if (keep(labels[c])) kept.push_back(c);
  return kept;
}

//! For values laid out runs x years x labels, one sum per set of labels, all made in one pass
//! over the values: each label adds to every set that holds it. The sums are of integers, so
//! exact whatever the order; the runs are shared among the threads.
std::vector<PerRun> label_sums(const io::StoredSufficiency& s,
                               const std::vector<std::int32_t>& values, int width,
                               const std::vector<std::vector<int>>& sets) {
  std::vector<std::vector<int>> sets_of_label(static_cast<std::size_t>(width));
  for (std::size_t k = 0; k < sets.size(); ++k)
    for (int c : sets[k]) sets_of_label[static_cast<std::size_t>(c)].push_back(static_cast<int>(k));
  std::vector<PerRun> out(sets.size(), PerRun::Zero(s.runs, s.years));
#pragma omp parallel
  {
    std::vector<std::int64_t> sums(sets.size());
#pragma omp for schedule(static)
    for (int r = 0; r < s.runs; ++r)
      for (int y = 0; y < s.years; ++y) {
        const std::int32_t* row =
            values.data() + (static_cast<std::size_t>(r) * s.years + y) * width;
        std::fill(sums.begin(), sums.end(), 0);
        for (int c = 0; c < width; ++c)
          if (row[c] != 0)
            for (int k : sets_of_label[static_cast<std::size_t>(c)]) sums[k] += row[c];
        for (std::size_t k = 0; k < sets.size(); ++k) out[k](r, y) = static_cast<double>(sums[k]);
      }
  }
  return out;
}

std::vector<std::string> split(const std::string& label) {
  std::vector<std::string> parts;
  std::size_t start = 0, bar;
  while ((bar = label.find('|', start)) != std::string::npos) {
    parts.push_back(label.substr(start, bar - start));
    start = bar + 1;
  }
  parts.push_back(label.substr(start));
  return parts;
}

struct Difference {
  std::string measure, group = "all", phase = "all", need_area = "all";
  PerRun b_minus_a;
  std::vector<std::string> years;  //!< financial years ("2025-26"); empty = census years
};

//! The cell measures (overflow, placed, demand) of both runs summed in all, by group, by group
//! x need area and by group x phase. Each measure's per-run array is read from the file, summed
//! in one pass and freed before the next is read, so that at most two such arrays are in memory.
struct CellMeasures {
  struct Sum {
    std::string group = "all", phase = "all", area = "all";
  };
  static constexpr std::array<const char*, 3> MEASURES = {"overflow", "placed", "demand"};
  std::vector<Sum> sums;                    //!< in the order of the output
  std::array<std::vector<PerRun>, 3> a, b;  //!< by measure, then by sum

  CellMeasures(const StoredRun& run_a, const StoredRun& run_b,
               const std::set<std::string>& groups) {
    sums.push_back({});
    for (const auto& g : groups) {
      sums.push_back({g});
      for (auto area : NEED_AREA_CODES) sums.push_back({g, "all", std::string(area)});
      for (auto phase : sim::PHASE_CODES) sums.push_back({g, std::string(phase)});
    }
    const auto sets_a = sets(*run_a.sufficiency), sets_b = sets(*run_b.sufficiency);
    for (std::size_t m = 0; m < MEASURES.size(); ++m) {
      a[m] = sum(run_a, MEASURES[m], sets_a);
      b[m] = sum(run_b, MEASURES[m], sets_b);
    }
  }

  //! Every cell's overflow, per run, of run A and of run B.
  const PerRun& overflow_a() const { return a[0][0]; }
  const PerRun& overflow_b() const { return b[0][0]; }

  void add_differences(std::vector<Difference>& out) const {
    for (std::size_t m = 0; m < MEASURES.size(); ++m)
      for (std::size_t k = 0; k < sums.size(); ++k)
        out.push_back(
            {MEASURES[m], sums[k].group, sums[k].phase, sums[k].area, b[m][k] - a[m][k], {}});
  }

 private:
  //! Each sum's cells in a run's layout (the same for every measure).
  std::vector<std::vector<int>> sets(const io::StoredSufficiency& s) const {
    std::vector<std::vector<int>> out;
    for (const Sum& wanted : sums)
      out.push_back(kept_labels(s.categories, [&](const std::string& label) {
        const auto p = split(label);
        return (wanted.group == "all" || p[0] == wanted.group) &&
               (wanted.phase == "all" || p[1] == wanted.phase) &&
               (wanted.area == "all" || p[2] == wanted.area);
      }));
    return out;
  }

  static std::vector<PerRun> sum(const StoredRun& run, const std::string& measure,
                                 const std::vector<std::vector<int>>& sets) {
    const io::StoredSufficiency& s = *run.sufficiency;
    const std::vector<std::int32_t> values = io::read_sufficiency_cells_h5(run.file, measure);
    return label_sums(s, values, s.cells, sets);
  }
};

//! Independent placements: the demand engine's own plus the overflow, when it goes there.
PerRun independent_placements(const StoredRun& run, const PerRun* overflow) {
  const int q = static_cast<int>(Placement::IndependentSpecial);
  PerRun out = column(run.placement, q);
  if (overflow && run.sufficiency->overflow_mode == "independent") out += *overflow;
  return out;
}

std::set<std::string> matched_groups(const io::StoredSufficiency& a,
                                     const io::StoredSufficiency& b) {
  std::set<std::string> groups;
  for (const auto* s : {&a, &b})
    for (const auto& label : s->categories) groups.insert(split(label)[0]);
  return groups;
}

void add_away(std::vector<Difference>& out, const io::StoredSufficiency& a,
              const io::StoredSufficiency& b, const std::set<std::string>& groups) {
  std::vector<std::string> away_groups = {"all"};
  away_groups.insert(away_groups.end(), groups.begin(), groups.end());
  auto sums = [&](const io::StoredSufficiency& s) {
    std::vector<std::vector<int>> sets;
    for (const std::string& group : away_groups)
      sets.push_back(kept_labels(s.away_categories, [&](const std::string& label) {
        return group == "all" || split(label)[0] == group;
      }));
    return label_sums(s, s.placed_outside_township, s.away_cells, sets);
  };
  const std::vector<PerRun> in_a = sums(a), in_b = sums(b);
  for (std::size_t k = 0; k < away_groups.size(); ++k)
    out.push_back({"placed_outside_township", away_groups[k], "all", "all", in_b[k] - in_a[k], {}});
}

//! A runs x years slice of a stored finance array (width values per run-year, `offset` first).
PerRun finance_values(const io::StoredFinance& f, const std::vector<double>& values, int width,
                      int offset) {
  PerRun out(f.runs, f.years);
  for (int r = 0; r < f.runs; ++r)
    for (int y = 0; y < f.years; ++y)
      out(r, y) = values[(static_cast<std::size_t>(r) * f.years + y) * width + offset];
  return out;
}

//! HNB spend by DSG category and in total, the cumulative DSG deficit and transport, per run.
void add_finance(std::vector<Difference>& out, const io::StoredFinance& a,
                 const io::StoredFinance& b) {
  std::vector<std::string> years;
  for (int fy : a.financial_years) years.push_back(models::financial_year_label(fy));
  const int k = static_cast<int>(a.categories.size());
  PerRun total_a = PerRun::Zero(a.runs, a.years), total_b = PerRun::Zero(b.runs, b.years);
  for (int c = 0; c < k; ++c) {
    const PerRun sa = finance_values(a, a.spend, k, c), sb = finance_values(b, b.spend, k, c);
    total_a += sa;
    total_b += sb;
    out.push_back({"hnb_spend", a.categories[c], "all", "all", sb - sa, years});
  }
  out.push_back({"hnb_spend", "all", "all", "all", total_b - total_a, years});
  out.push_back({"cumulative_deficit", "all", "all", "all",
                 finance_values(b, b.cumulative_deficit, 1, 0) -
                     finance_values(a, a.cumulative_deficit, 1, 0),
                 years});
  out.push_back({"transport_spend", "all", "all", "all",
                 finance_values(b, b.transport, 1, 0) - finance_values(a, a.transport, 1, 0),
                 years});
}

std::vector<Difference> differences(const StoredRun& a, const StoredRun& b) {
  std::vector<Difference> out;
  out.push_back({"ehc_plans", "all", "all", "all", column(b.total, 0) - column(a.total, 0), {}});
  std::optional<CellMeasures> cells;
  std::set<std::string> groups;
  if (a.sufficiency) {
    groups = matched_groups(*a.sufficiency, *b.sufficiency);
    cells.emplace(a, b, groups);
  }
  out.push_back({"independent_placements",
                 "independent_special",
                 "all",
                 "all",
                 independent_placements(b, cells ? &cells->overflow_b() : nullptr) -
                     independent_placements(a, cells ? &cells->overflow_a() : nullptr),
                 {}});
  if (cells) {
    cells->add_differences(out);
    add_away(out, *a.sufficiency, *b.sufficiency, groups);
  }
  if (a.finance && b.finance) add_finance(out, *a.finance, *b.finance);
  return out;
}

std::string signed_int(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.0f", v);
  return std::string(buf) == "+0" || std::string(buf) == "-0" ? "0" : buf;
}

void write_compare_csv(const fs::path& file, const std::vector<Difference>& diffs,
                       const std::vector<int>& years) {
  std::vector<std::vector<std::string>> rows;
  for (const Difference& d : diffs) {
    const auto summaries = sim::summarise(d.b_minus_a);
    // Census measures have one column per census year, finance ones per financial year.
    const std::size_t columns =
        std::min<std::size_t>(d.years.empty() ? years.size() : d.years.size(),
                              static_cast<std::size_t>(d.b_minus_a.cols()));
    for (std::size_t y = 0; y < columns; ++y) {
      const sim::Summary& s = summaries[y];
      const Eigen::ArrayXd col = d.b_minus_a.col(static_cast<Eigen::Index>(y));
      std::vector<std::string> row = {d.years.empty() ? std::to_string(years[y]) : d.years[y],
                                      d.measure,
                                      d.group,
                                      d.phase,
                                      d.need_area,
                                      io::format_number(s.mean),
                                      io::format_number(s.sd)};
      for (double q : s.quantiles()) row.push_back(io::format_number(q));
      row.push_back(io::format_number(sim::probability_above(-col, 0.0)));
      row.push_back(io::format_number(sim::probability_above(col, 0.0)));
      rows.push_back(std::move(row));
    }
  }
  io::write_rows_csv(
      file,
      {"year", "measure", "group", "phase", "need_area", "mean", "sd", "p05", "p10", "p25", "p50",
       "p75", "p90", "p95", "probability_negative", "probability_positive"},
      rows);
}

const Difference* find(const std::vector<Difference>& diffs, const std::string& measure,
                       const std::string& group = "all", const std::string& area = "all") {
  for (const auto& d : diffs)
    if (d.measure == measure && d.group == group && d.phase == "all" && d.need_area == area)
      return &d;
  return nullptr;
}

void print_sentence(std::ostream& out, const StoredRun& a, const StoredRun& b, const Difference& d,
                    int year, int y) {
  const sim::Summary s = sim::summarise(PerRun(d.b_minus_a.col(y)))[0];
  out << "\"" << b.scenario << "\" against \"" << a.scenario << "\" changes independent "
      << "placements in January " << year << " by " << signed_int(s.p50) << " (median over "
      << d.b_minus_a.rows() << " runs; 90% interval " << signed_int(s.p05) << " to "
      << signed_int(s.p95) << ").\n";
}

void print_breakdown(std::ostream& out, const std::vector<Difference>& diffs, int year, int y) {
  out << "\nChange in children without a suitable place, January " << year
      << " (B - A per run: median, 90% interval)\n";
  for (const auto& d : diffs) {
    if (d.measure != "overflow" || d.phase != "all" || d.group == "all") continue;
    const sim::Summary s = sim::summarise(PerRun(d.b_minus_a.col(y)))[0];
    if (s.p05 == 0 && s.p95 == 0) continue;
    char line[160];
    std::snprintf(line, sizeof line, "  %-20s %-5s %6s (%s to %s)\n", d.group.c_str(),
                  d.need_area.c_str(), signed_int(s.p50).c_str(), signed_int(s.p05).c_str(),
                  signed_int(s.p95).c_str());
    out << line;
  }
}

std::string signed_millions(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%+.3f", v / 1e6);
  const std::string text = buf;
  return (text == "+0.000" || text == "-0.000" ? std::string("0.000") : text) + "m";
}

//! The mitigated-minus-unmitigated view of a DSG management plan, per run then quantiles.
void print_finance(std::ostream& out, const StoredRun& a, const StoredRun& b,
                   const std::vector<Difference>& diffs) {
  if (!a.finance || !b.finance) {
    if (a.finance || b.finance)
      out << "\nFinance: only one run has /finance in results.h5; re-run both with this "
             "version of sendcast to compare spend and deficits.\n";
    return;
  }
  const Difference* spend = find(diffs, "hnb_spend");
  const Difference* deficit = find(diffs, "cumulative_deficit");
  const Difference* transport = find(diffs, "transport_spend");
  out << "\nHigh Needs Block, B - A per run (GBP; median, 90% interval):\n";
  for (std::size_t y = 0; y < spend->years.size(); ++y) {
    const int i = static_cast<int>(y);
    const sim::Summary s = sim::summarise(PerRun(spend->b_minus_a.col(i)))[0];
    const sim::Summary d = sim::summarise(PerRun(deficit->b_minus_a.col(i)))[0];
    const sim::Summary t = sim::summarise(PerRun(transport->b_minus_a.col(i)))[0];
    char line[240];
    std::snprintf(line, sizeof line,
                  "  %s  spend %s (%s to %s)  cumulative deficit %s (%s to %s)  transport %s\n",
                  spend->years[y].c_str(), signed_millions(s.p50).c_str(),
                  signed_millions(s.p05).c_str(), signed_millions(s.p95).c_str(),
                  signed_millions(d.p50).c_str(), signed_millions(d.p05).c_str(),
                  signed_millions(d.p95).c_str(), signed_millions(t.p50).c_str());
    out << line;
  }
  if (a.finance->unit_costs == "illustrative" || b.finance->unit_costs == "illustrative")
    out << "  Unit costs are illustrative (data/finance/unit_costs_illustrative.csv) unless the "
           "scenarios set [finance].\n";
}

void print_summary(std::ostream& out, const StoredRun& a, const StoredRun& b,
                   const std::vector<Difference>& diffs, const std::vector<int>& years, int year) {
  const int y = year - years.front();
  print_sentence(out, a, b, *find(diffs, "independent_placements", "independent_special"), year, y);
  const auto& plans = find(diffs, "ehc_plans")->b_minus_a;
  out << ((plans == 0).all()
              ? "The number of children is the same in every run and year: the difference is "
                "the scenario, not noise.\n"
              : "The scenarios differ in demand too (EHC plans differ in some runs).\n");
  if (a.sufficiency) print_breakdown(out, diffs, year, y);
  print_finance(out, a, b, diffs);
  for (const StoredRun* r : {&a, &b})
    if (r->sufficiency && r->sufficiency->capacities == "illustrative") {
      out << "\nCapacities in " << io::display_path(r->file)
          << " are illustrative (invented provisions, not real schools); replace them with "
             "your own register (data/capacity/README.md).\n";
      break;
    }
}

}  // namespace

int compare_command(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options("options");
  options.add_options()("a", po::value<std::string>()->required(), "run A: output directory")(
      "b", po::value<std::string>()->required(), "run B: output directory")(
      "year", po::value<int>(), "census year for the printed summary (default: origin + 5)")(
      "out", po::value<std::string>()->default_value("compare.csv"), "CSV of every difference");
  po::positional_options_description positional;
  positional.add("a", 1).add("b", 1);
  const CommandSpec spec{
      "sendcast compare <run A dir> <run B dir> [--year Y] [--out FILE]",
      "Differences B - A, run by run, then quantiles: EHC plans, independent placements,\n"
      "(when both runs matched places) children placed and overflowing by provision group,\n"
      "phase and need area, and (when both have finance) High Needs Block spend by DSG\n"
      "category and financial year, the cumulative DSG deficit and transport spend: the\n"
      "DBV \"mitigated minus unmitigated\" view. Both runs need the same seed, runs, years,\n"
      "start year and LA.",
      "sendcast run --scenario scenarios/dudley/baseline.toml --runs 1000 --out out/baseline && "
      "sendcast run --scenario scenarios/dudley/new_base_2027.toml --runs 1000 --out "
      "out/new_base_2027 && sendcast compare out/baseline out/new_base_2027 --out "
      "out/compare.csv"};
  po::variables_map vm;
  if (!parse_options(args, options, spec, vm, out, &positional)) return EXIT_OK;
  const StoredRun a = load_run(vm["a"].as<std::string>());
  const StoredRun b = load_run(vm["b"].as<std::string>());
  check_comparable(a, b);
  const std::vector<Difference> diffs = differences(a, b);
  const std::vector<int>& years = a.total.census_years;
  const int year = vm.count("year")
                       ? vm["year"].as<int>()
                       : years.front() + std::min<int>(5, static_cast<int>(years.size()) - 1);
  check_range({"command line"}, "--year", year, years.front(), years.back());
  const fs::path csv = vm["out"].as<std::string>();
  write_compare_csv(csv, diffs, years);
  print_summary(out, a, b, diffs, years, year);
  out << "\nEvery difference by year: " << io::display_path(csv) << "\n";
  return EXIT_OK;
}

}  // namespace sendcast::cli
