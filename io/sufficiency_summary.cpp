#include "io/sufficiency_summary.h"

#include <array>
#include <map>
#include <span>

#include "io/parallel_rows.h"
#include "sim/rollups.h"

namespace sendcast::io {

namespace {

constexpr std::string_view ALL = "all";

//! Which of (group, phase, need area, township) a level keeps; the rest are summed over.
struct Level {
  bool group, phase, area, township;
};
constexpr std::array<Level, 7> CELL_LEVELS = {{{true, true, true, true},
                                               {true, true, true, false},
                                               {true, false, true, false},
                                               {true, true, false, false},
                                               {true, false, false, true},
                                               {true, false, false, false},
                                               {false, false, false, false}}};
constexpr std::array<Level, 3> AWAY_LEVELS = {
    {{true, false, false, true}, {true, false, false, false}, {false, false, false, false}}};
constexpr int GROUP_BY_PHASE = 3;  //!< the CELL_LEVELS index SCAP reads

struct Category {
  std::string group, phase, area, township;
  int level = 0;
};

//! Categories at every level, and the categories each cell adds to (one per level).
struct Categories {
  std::vector<Category> list;
  std::vector<std::vector<int>> of_cell;
};

//! `describe(cell)` gives the cell's full (group, phase, area, township) labels.
template <std::size_t N, class Describe>
Categories build_categories(int cells, const std::array<Level, N>& levels, Describe describe) {
  Categories c;
  std::map<std::string, int> index;
  c.of_cell.resize(cells);
  for (int cell = 0; cell < cells; ++cell) {
    const Category full = describe(cell);
    for (std::size_t l = 0; l < N; ++l) {
      const Level& k = levels[l];
      const std::string all(ALL);
      Category cat{k.group ? full.group : all, k.phase ? full.phase : all, k.area ? full.area : all,
                   k.township ? full.township : all, static_cast<int>(l)};
      const std::string key = std::to_string(l) + "|" + cat.group + "|" + cat.phase + "|" +
                              cat.area + "|" + cat.township;
      auto [it, added] = index.try_emplace(key, static_cast<int>(c.list.size()));
      if (added) c.list.push_back(std::move(cat));
      c.of_cell[cell].push_back(it->second);
    }
  }
  return c;
}

Categories cell_categories(const sim::SufficiencyLayout& layout,
                           const std::vector<std::string>& townships) {
  return build_categories(layout.cells(), CELL_LEVELS, [&](int cell) {
    return Category{std::string(sim::matched_code(layout.group_of(cell))),
                    std::string(sim::PHASE_CODES[layout.phase_of(cell)]),
                    std::string(NEED_AREA_CODES[layout.area_of(cell)]),
                    townships[layout.township_of(cell)]};
  });
}

Categories away_categories(const sim::SufficiencyLayout& layout,
                           const std::vector<std::string>& townships) {
  return build_categories(layout.away_cells(), AWAY_LEVELS, [&](int cell) {
    return Category{std::string(sim::matched_code(layout.away_group_of(cell))), "", "",
                    townships[layout.away_township_of(cell)]};
  });
}

//! Per-run totals of one measure in one year, by category; `width` cells per run-year. A run's
//! totals are summed in a small buffer and stored once each: summing in place would read and
//! write each category's column, runs apart, once per cell.
void by_category(const std::vector<std::int32_t>& values, int width, int runs, int years,
                 const Categories& c, int year, Eigen::ArrayXXd& out) {
  const auto n = static_cast<Eigen::Index>(c.list.size());
  out.resize(runs, n);  // keeps the memory of a previous year's array of the same size
  std::vector<double> totals(c.list.size());
  for (int run = 0; run < runs; ++run) {
    const std::int32_t* row =
        values.data() + (static_cast<std::size_t>(run) * years + year) * width;
    std::fill(totals.begin(), totals.end(), 0.0);
    for (int cell = 0; cell < width; ++cell)
      if (row[cell] != 0)
        for (int category : c.of_cell[cell]) totals[category] += row[cell];
    for (Eigen::Index k = 0; k < n; ++k) out(run, k) = totals[k];
  }
}

SufficiencyRow make_row(int year, std::string measure, const sim::Summary& summary,
                        const Eigen::ArrayXd& per_run) {
  SufficiencyRow row;
  row.year = year;
  row.measure = std::move(measure);
  row.summary = summary;
  row.probability_positive = sim::probability_above(per_run, 0.0);
  return row;
}

void label(SufficiencyRow& row, const Category& c) {
  row.group = c.group;
  row.phase = c.phase;
  row.need_area = c.area;
  row.township = c.township;
}

double p80(const Eigen::ArrayXd& per_run) {
  return sim::quantile(std::vector<double>(per_run.begin(), per_run.end()), 0.8);
}

class Summariser {
 public:
  Summariser(const sim::SufficiencyResults& r, const sim::SufficiencySetup& s,
             const sim::RunResults& demand)
      : r_(r),
        s_(s),
        demand_(demand),
        layout_(sim::sufficiency_layout(s)),
        categories_(cell_categories(layout_, s.townships)),
        away_(away_categories(layout_, s.townships)) {}

  //! Each year on its own copy of the summariser (its rows apart), the years in parallel, then
  //! the rows joined in year order. Each thread keeps its run x category arrays from year to
  //! year: a fresh array each time cost page faults (tens of MB each) on every year.
  std::vector<SufficiencyRow> run(int threads) {
    return rows_in_parallel_with_scratch<SufficiencyRow, Scratch>(
        r_.years, threads, [this](int y, Scratch& scratch) { return year_rows(y, scratch); });
  }

 private:
  struct Scratch;

  //! Year y's rows, made by a copy of the summariser that uses `scratch` for its arrays.
  std::vector<SufficiencyRow> year_rows(int y, Scratch& scratch) const {
    Summariser year = *this;
    year.scratch_ = &scratch;
    year.rows_.clear();
    year.cell_measures(y);
    year.provision_measures(y);
    year.totals(y);
    return std::move(year.rows_);
  }

  int year_of(int y) const { return s_.first_year + y; }

  //! Categories with any demand in some run are reported (demand counts are never negative,
  //! so this is a mean above 0); the others get no rows and are not summarised.
  void cell_measures(int y) {
    Eigen::ArrayXXd& demand = scratch_->demand;
    Eigen::ArrayXXd& overflow = scratch_->overflow;
    by_category(r_.demand, r_.cells, r_.runs, r_.years, categories_, y, demand);
    by_category(r_.overflow, r_.cells, r_.runs, r_.years, categories_, y, overflow);
    std::vector<bool> reported(categories_.list.size());
    for (std::size_t c = 0; c < reported.size(); ++c)
      reported[c] = (demand.col(static_cast<Eigen::Index>(c)) > 0).any();
    const auto demand_summary = sim::summarise(demand, reported);
    add_rows(y, "demand", demand, demand_summary, reported, false);
    const auto overflow_summary = sim::summarise(overflow, reported);
    // Placed, one reported category at a time: demand less overflow in each run.
    Eigen::ArrayXd& placed = scratch_->column;
    for (std::size_t c = 0; c < reported.size(); ++c) {
      if (!reported[c]) continue;
      const auto k = static_cast<Eigen::Index>(c);
      placed = demand.col(k) - overflow.col(k);
      SufficiencyRow row = make_row(year_of(y), "placed",
                                    sim::summarise(std::span<const double>(
                                        placed.data(), static_cast<std::size_t>(placed.size()))),
                                    placed);
      label(row, categories_.list[c]);
      rows_.push_back(std::move(row));
    }
    add_rows(y, "overflow", overflow, overflow_summary, reported, true);
    places_needed(y, overflow, overflow_summary, reported);
    scap(y, demand, demand_summary, overflow, overflow_summary, reported);
    away_measures(y);
  }

  void away_measures(int y) {
    Eigen::ArrayXXd& away = scratch_->away;
    by_category(r_.placed_outside_township, r_.away_cells, r_.runs, r_.years, away_, y, away);
    const auto summaries = sim::summarise(away);
    for (std::size_t c = 0; c < summaries.size(); ++c) {
      SufficiencyRow row =
          make_row(year_of(y), "placed_outside_township", summaries[c], away.col(c));
      label(row, away_.list[c]);
      rows_.push_back(std::move(row));
    }
  }

  void add_rows(int y, const std::string& measure, const Eigen::ArrayXXd& per_run,
                const std::vector<sim::Summary>& summaries, const std::vector<bool>& reported,
                bool with_p80) {
    for (std::size_t c = 0; c < summaries.size(); ++c) {
      if (!reported[c]) continue;
      SufficiencyRow row = make_row(year_of(y), measure, summaries[c], per_run.col(c));
      label(row, categories_.list[c]);
      if (with_p80) row.p80 = p80(per_run.col(c));
      rows_.push_back(std::move(row));
    }
  }

  //! The extra places that would have met demand in a run are that run's overflow; the
  //! p50/p80/p90 over runs are the places to plan for each level of confidence.
  void places_needed(int y, const Eigen::ArrayXXd& overflow,
                     const std::vector<sim::Summary>& summaries,
                     const std::vector<bool>& reported) {
    for (std::size_t c = 0; c < summaries.size(); ++c) {
      const Category& cat = categories_.list[c];
      if (!reported[c] || cat.township != ALL || (cat.phase != ALL && cat.area != ALL)) continue;
      SufficiencyRow row = make_row(year_of(y), "places_needed", summaries[c], overflow.col(c));
      label(row, cat);
      row.p80 = p80(overflow.col(c));
      rows_.push_back(std::move(row));
    }
  }

  //! SCAP asks for specialist places by phase and type, primary 5 and secondary 7 years on.
  void scap(int y, const Eigen::ArrayXXd& demand, const std::vector<sim::Summary>& demand_summary,
            const Eigen::ArrayXXd& overflow, const std::vector<sim::Summary>& overflow_summary,
            const std::vector<bool>& reported) {
    for (std::size_t c = 0; c < categories_.list.size(); ++c) {
      const Category& cat = categories_.list[c];
      const bool level = cat.level == GROUP_BY_PHASE;
      const bool primary = cat.phase == "primary" && y == SCAP_PRIMARY_YEARS;
      const bool secondary = cat.phase == "secondary" && y == SCAP_SECONDARY_YEARS;
      if (!reported[c] || !level || !(primary || secondary)) continue;
      SufficiencyRow d = make_row(year_of(y), "scap_demand", demand_summary[c], demand.col(c));
      label(d, cat);
      d.p80 = p80(demand.col(c));
      rows_.push_back(std::move(d));
      SufficiencyRow n =
          make_row(year_of(y), "scap_places_needed", overflow_summary[c], overflow.col(c));
      label(n, cat);
      n.p80 = p80(overflow.col(c));
      rows_.push_back(std::move(n));
    }
  }

  //! Per provision: places, occupied, vacancies, utilisation; then places and vacancies by
  //! group x the provision's township, and by group.
  void provision_measures(int y) {
    const int np = r_.provisions;
    Eigen::ArrayXXd occupied(r_.runs, np), vacancies(r_.runs, np), places(r_.runs, np);
    for (int run = 0; run < r_.runs; ++run)
      for (int p = 0; p < np; ++p) {
        occupied(run, p) = r_.occupied[r_.provision_offset(run, y) + p];
        vacancies(run, p) = r_.vacancies[r_.provision_offset(run, y) + p];
        places(run, p) = s_.provisions[p].places[y];
      }
    const auto so = sim::summarise(occupied), sv = sim::summarise(vacancies),
               sp = sim::summarise(places);
    for (int p = 0; p < np; ++p) {
      if (s_.provisions[p].places[y] <= 0) continue;
      provision_row(y, p, "places", sp[p], places.col(p));
      provision_row(y, p, "occupied", so[p], occupied.col(p));
      provision_row(y, p, "vacancies", sv[p], vacancies.col(p));
      const Eigen::ArrayXd share = occupied.col(p) / places.col(p);
      provision_row(y, p, "utilisation", sim::summarise(Eigen::ArrayXXd(share))[0], share);
    }
    group_capacity(y, places, vacancies);
  }

  void provision_row(int y, int p, const std::string& measure, const sim::Summary& summary,
                     const Eigen::ArrayXd& per_run) {
    const sim::ProvisionPlan& plan = s_.provisions[p];
    SufficiencyRow row = make_row(year_of(y), measure, summary, per_run);
    row.group = std::string(sim::matched_code(plan.group()));
    row.township = s_.townships[plan.township];
    row.provision = plan.id;
    rows_.push_back(std::move(row));
  }

  void group_capacity(int y, const Eigen::ArrayXXd& places, const Eigen::ArrayXXd& vacancies) {
    const int nt = static_cast<int>(s_.townships.size());
    for (int g : layout_.groups()) {
      for (int t = -1; t < nt; ++t) {  // -1: every township
        Eigen::ArrayXd sum_places = Eigen::ArrayXd::Zero(r_.runs), sum_vacancies = sum_places;
        for (int p = 0; p < r_.provisions; ++p) {
          const auto& plan = s_.provisions[p];
          if (plan.group() != g || (t >= 0 && plan.township != t)) continue;
          sum_places += places.col(p);
          sum_vacancies += vacancies.col(p);
        }
        if ((sum_places == 0).all()) continue;
        const std::string township = t < 0 ? std::string(ALL) : s_.townships[t];
        group_row(y, g, township, "places", sum_places);
        group_row(y, g, township, "vacancies", sum_vacancies);
      }
    }
  }

  void group_row(int y, int g, const std::string& township, const std::string& measure,
                 const Eigen::ArrayXd& per_run) {
    SufficiencyRow row =
        make_row(year_of(y), measure, sim::summarise(Eigen::ArrayXXd(per_run))[0], per_run);
    row.group = std::string(sim::matched_code(g));
    row.township = township;
    rows_.push_back(std::move(row));
  }

  //! Independent placements: the demand engine's own, plus overflow when it goes there.
  void totals(int y) {
    const int independent = static_cast<int>(Placement::IndependentSpecial);
    const int col = demand_.layout.find("placement").offset + independent;
    Eigen::ArrayXd diverted(r_.runs), inmss(r_.runs);
    const bool to_independent = s_.overflow == sim::OverflowMode::Independent;
    for (int run = 0; run < r_.runs; ++run) {
      diverted(run) = r_.diverted[static_cast<std::size_t>(run) * r_.years + y];
      std::int64_t overflow = 0;
      const std::int32_t* row = r_.overflow.data() + r_.cell_offset(run, y);
      for (int cell = 0; cell < r_.cells; ++cell) overflow += row[cell];
      inmss(run) = demand_.row(run, y)[col] + (to_independent ? overflow : 0);
    }
    SufficiencyRow d = make_row(year_of(y), "diverted_to_resourced_provision",
                                sim::summarise(Eigen::ArrayXXd(diverted))[0], diverted);
    d.group = std::string(sim::matched_code(1));
    rows_.push_back(std::move(d));
    SufficiencyRow i = make_row(year_of(y), "independent_placements",
                                sim::summarise(Eigen::ArrayXXd(inmss))[0], inmss);
    i.group = std::string(PLACEMENT_CODES[independent]);
    i.p80 = p80(inmss);
    rows_.push_back(std::move(i));
  }

  //! One thread's arrays, reused for each year it summarises.
  struct Scratch {
    Eigen::ArrayXXd demand, overflow, away;
    Eigen::ArrayXd column;
  };

  const sim::SufficiencyResults& r_;
  const sim::SufficiencySetup& s_;
  Scratch* scratch_ = nullptr;
  const sim::RunResults& demand_;
  sim::SufficiencyLayout layout_;
  Categories categories_, away_;
  std::vector<SufficiencyRow> rows_;
};

}  // namespace

std::vector<SufficiencyRow> summarise_sufficiency(const sim::SufficiencyResults& results,
                                                  const sim::SufficiencySetup& setup,
                                                  const sim::RunResults& demand, int threads) {
  return Summariser(results, setup, demand).run(threads);
}

const SufficiencyRow* find_sufficiency_row(const std::vector<SufficiencyRow>& rows, int year,
                                           const std::string& measure, const std::string& group,
                                           const std::string& phase, const std::string& need_area) {
  for (const SufficiencyRow& r : rows)
    if (r.year == year && r.measure == measure && r.group == group && r.phase == phase &&
        r.need_area == need_area && r.township == ALL && r.provision == ALL)
      return &r;
  return nullptr;
}

}  // namespace sendcast::io
