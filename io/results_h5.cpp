#include "io/results_h5.h"

#include <H5Cpp.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "io/capacity_register.h"
#include "io/error.h"
#include "io/finance_csv.h"
#include "io/h5_chunk.h"
#include "io/h5_read.h"
#include "io/parallel_rows.h"
#include "sim/rollups.h"

namespace sendcast::io {

namespace {

void string_attribute(H5::H5Object& obj, const std::string& name, const std::string& value) {
  H5::StrType type(H5::PredType::C_S1, std::max<std::size_t>(value.size(), 1));
  H5::DataSpace space(H5S_SCALAR);
  H5::Attribute attr = obj.createAttribute(name, type, space);
  attr.write(type, value.empty() ? std::string(" ") : value);
}

template <typename T>
void number_attribute(H5::H5Object& obj, const std::string& name, T value,
                      const H5::PredType& type) {
  H5::DataSpace space(H5S_SCALAR);
  obj.createAttribute(name, type, space).write(type, &value);
}

void string_dataset(H5::Group& group, const std::string& name,
                    const std::vector<std::string>& values) {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  const hsize_t n = values.size();
  H5::DataSpace space(1, &n);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  group.createDataSet(name, type, space).write(ptrs.data(), type);
}

void double_dataset(H5::Group& group, const std::string& name, const std::vector<double>& values,
                    std::vector<hsize_t> dims) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  group.createDataSet(name, H5::PredType::NATIVE_DOUBLE, space)
      .write(values.data(), H5::PredType::NATIVE_DOUBLE);
}

//! Runs per chunk of every per-run array: one chunk holds whole runs, every year and category.
constexpr hsize_t RUNS_PER_CHUNK = 256;

//! An int32 array [dims...] (rows by the first dimension) written chunked, RUNS_PER_CHUNK rows
//! a chunk, with HDF5's shuffle and deflate filters: an ordinary compressed dataset to any
//! reader. The chunks are encoded here (io/h5_chunk.h), several at a time in parallel, and
//! written as they are (H5Dwrite_chunk). `fill(first, rows, out)` writes
//! rows [first, first + rows) to `out`, each the product of the other dimensions long.
template <class Fill>
H5::DataSet chunked_int_dataset(H5::Group& group, const std::string& name,
                                const std::vector<hsize_t>& dims, int threads, Fill fill) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DSetCreatPropList props;
  std::vector<hsize_t> chunk = dims;
  bool empty = dims.empty();
  for (hsize_t d : dims) empty = empty || d == 0;
  if (empty) return group.createDataSet(name, H5::PredType::STD_I32LE, space, props);
  chunk[0] = std::min(chunk[0], RUNS_PER_CHUNK);
  props.setChunk(static_cast<int>(chunk.size()), chunk.data());
  props.setShuffle();
  props.setDeflate(CHUNK_DEFLATE_LEVEL);
  H5::DataSet ds = group.createDataSet(name, H5::PredType::STD_I32LE, space, props);
  std::size_t per_row = 1;
  for (std::size_t d = 1; d < dims.size(); ++d) per_row *= dims[d];
  const hsize_t n_chunks = (dims[0] + chunk[0] - 1) / chunk[0];
  threads = row_threads(threads);
  const hsize_t batch = 2 * static_cast<hsize_t>(threads);  // bounds the memory held
  std::vector<std::vector<unsigned char>> encoded(batch);
  // Each thread's raw and shuffled chunk, kept from batch to batch.
  struct Scratch {
    std::vector<std::int32_t> values;
    std::vector<unsigned char> shuffled;
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(threads));
  for (hsize_t first = 0; first < n_chunks; first += batch) {
    const hsize_t count = std::min(batch, n_chunks - first);
    std::string failure;  // the first encoding error, reported as an HDF5 error of this file
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (hsize_t c = 0; c < count; ++c) {
      Scratch& mine = scratch[static_cast<std::size_t>(omp_get_thread_num())];
      const hsize_t row = (first + c) * chunk[0];
      const hsize_t rows = std::min(chunk[0], dims[0] - row);
      mine.values.resize(chunk[0] * per_row);
      // An edge chunk is stored whole: zero past its last row.
      std::fill(mine.values.begin() + static_cast<std::ptrdiff_t>(rows * per_row),
                mine.values.end(), 0);
      try {
        fill(row, rows, mine.values.data());
        encode_int32_chunk(mine.values.data(), mine.values.size(), mine.shuffled, encoded[c]);
      } catch (const std::exception& e) {
#pragma omp critical(chunked_int_dataset_failure)
        if (failure.empty()) failure = e.what();
      }
    }
    if (!failure.empty())
      throw H5::Exception("chunked_int_dataset", "could not encode " + name + ": " + failure);
    for (hsize_t c = 0; c < count; ++c) {
      std::vector<hsize_t> offset(dims.size(), 0);
      offset[0] = (first + c) * chunk[0];
      if (H5Dwrite_chunk(ds.getId(), H5P_DEFAULT, 0, offset.data(), encoded[c].size(),
                         encoded[c].data()) < 0)
        throw H5::Exception("H5Dwrite_chunk", "could not write a chunk of " + name);
    }
  }
  return ds;
}

void write_rollups(H5::H5File& file, const sim::RunResults& results, int threads) {
  H5::Group rollups = file.createGroup("/rollups");
  const hsize_t runs = results.runs, years = results.years, cols = results.layout.columns();
  for (const auto& b : results.layout.breakdowns()) {
    H5::Group g = rollups.createGroup(b.name);
    string_dataset(g, "categories", b.categories);
    const hsize_t k = b.categories.size();
    // A run's rows of this breakdown: `years` rows of k columns from the layout's columns.
    const auto fill = [&](hsize_t first, hsize_t rows, std::int32_t* out) {
      for (hsize_t r = 0; r < rows * years; ++r, out += k)
        std::memcpy(out, results.data.data() + (first * years + r) * cols + b.offset,
                    k * sizeof(std::int32_t));
    };
    H5::DataSet ds = chunked_int_dataset(g, "counts", {runs, years, k}, threads, fill);
    string_attribute(ds, "dimensions", "run, year, category");
    string_attribute(ds, "units", "children and young people with an EHC plan at January");
  }
}

void write_parameters(H5::H5File& file, const models::ModelParameters& p) {
  H5::Group g = file.createGroup("/parameters");
  std::vector<double> initial(p.initial.begin(), p.initial.end());
  double_dataset(g, "initial_caseload", initial, {N_AGES, N_NEEDS, N_PLACEMENTS});
  double_dataset(g, "leave_alpha", {p.leave_alpha.begin(), p.leave_alpha.end()}, {N_AGES});
  double_dataset(g, "leave_beta", {p.leave_beta.begin(), p.leave_beta.end()}, {N_AGES});
  double_dataset(g, "leave_relative_risk",
                 {p.leave_relative_risk.begin(), p.leave_relative_risk.end()}, {N_PLACEMENTS});
  double_dataset(g, "net_flow_mean", {p.net_flow_mean.begin(), p.net_flow_mean.end()},
                 {N_AGE_BANDS});
  double_dataset(g, "net_flow_sd", {p.net_flow_sd.begin(), p.net_flow_sd.end()}, {N_AGE_BANDS});
  std::vector<double> trans;
  for (const auto& m : p.transition_alpha)
    for (const auto& row : m) trans.insert(trans.end(), row.begin(), row.end());
  double_dataset(g, "transition_alpha", trans, {N_AGES, N_PLACEMENTS, N_PLACEMENTS});
  double_dataset(g, "joiner_age_alpha", {p.joiner_age_alpha.begin(), p.joiner_age_alpha.end()},
                 {N_AGES});
  std::vector<double> mix;
  for (const auto& row : p.joiner_mix) mix.insert(mix.end(), row.begin(), row.end());
  double_dataset(g, "joiner_mix", mix, {N_AGES, N_NEEDS * N_PLACEMENTS});
  std::vector<double> pop;
  for (const auto& row : p.population_ratio) pop.insert(pop.end(), row.begin(), row.end());
  double_dataset(g, "population_ratio", pop, {p.population_ratio.size(), N_AGES});
  std::vector<double> rate_years, rates;
  for (const auto& [y, r] : p.joiner_rate_history) rate_years.push_back(y), rates.push_back(r);
  double_dataset(g, "joiner_rate_history_years", rate_years, {rate_years.size()});
  double_dataset(g, "joiner_rate_history", rates, {rates.size()});
  const auto& f = p.trend_fit;
  number_attribute(g, "trend_level_log", f.level, H5::PredType::NATIVE_DOUBLE);
  number_attribute(g, "trend_level_se", f.level_se, H5::PredType::NATIVE_DOUBLE);
  number_attribute(g, "trend_growth", f.growth, H5::PredType::NATIVE_DOUBLE);
  number_attribute(g, "trend_growth_se", f.growth_se, H5::PredType::NATIVE_DOUBLE);
  number_attribute(g, "trend_residual_sd", f.residual_sd, H5::PredType::NATIVE_DOUBLE);
  number_attribute(g, "trend_last_year", f.last_year, H5::PredType::NATIVE_INT);
  number_attribute(g, "england_growth", p.england_growth, H5::PredType::NATIVE_DOUBLE);
  for (auto [name, flag] : {std::pair{"needs_known", p.needs_known},
                            {"placements_known", p.placements_known},
                            {"ages_known", p.ages_known},
                            {"leaver_ages_known", p.leaver_ages_known},
                            {"transitions_known", p.transitions_known},
                            {"population_known", p.population_known}})
    number_attribute(g, name, static_cast<int>(flag), H5::PredType::NATIVE_INT);
  string_dataset(g, "townships", p.townships);
  double_dataset(g, "township_shares", p.township_shares, {p.township_shares.size()});
  string_attribute(g, "township_method", p.township_method);
}

void write_history(H5::H5File& file, const LaHistory& h) {
  H5::Group g = file.createGroup("/history");
  std::vector<double> years, totals;
  for (const auto& [y, c] : h.caseload)
    years.push_back(y), totals.push_back(c ? static_cast<double>(*c) : NAN);
  double_dataset(g, "census_years", years, {years.size()});
  double_dataset(g, "caseload_total", totals, {totals.size()});
  std::vector<double> flow_years, new_plans;
  for (const auto& [y, c] : h.new_plans)
    flow_years.push_back(y), new_plans.push_back(c ? static_cast<double>(*c) : NAN);
  double_dataset(g, "new_plan_years", flow_years, {flow_years.size()});
  double_dataset(g, "new_plans", new_plans, {new_plans.size()});
}

//! An int32 array [dims...] written chunked and compressed (zeros compress to nothing).
void int_dataset(H5::Group& group, const std::string& name, const std::vector<std::int32_t>& data,
                 const std::vector<hsize_t>& dims, const std::string& dimensions,
                 const std::string& units, int threads) {
  std::size_t per_row = 1;
  for (std::size_t d = 1; d < dims.size(); ++d) per_row *= dims[d];
  H5::DataSet ds = chunked_int_dataset(
      group, name, dims, threads, [&](hsize_t first, hsize_t rows, std::int32_t* out) {
        std::memcpy(out, data.data() + first * per_row, rows * per_row * sizeof(std::int32_t));
      });
  string_attribute(ds, "dimensions", dimensions);
  string_attribute(ds, "units", units);
}

std::vector<std::string> cell_categories(const sim::SufficiencyLayout& layout,
                                         const std::vector<std::string>& townships) {
  std::vector<std::string> out;
  for (int c = 0; c < layout.cells(); ++c)
    out.push_back(std::string(sim::matched_code(layout.group_of(c))) + "|" +
                  std::string(sim::PHASE_CODES[layout.phase_of(c)]) + "|" +
                  std::string(NEED_AREA_CODES[layout.area_of(c)]) + "|" +
                  townships[layout.township_of(c)]);
  return out;
}

std::vector<std::string> away_categories(const sim::SufficiencyLayout& layout,
                                         const std::vector<std::string>& townships) {
  std::vector<std::string> out;
  for (int c = 0; c < layout.away_cells(); ++c)
    out.push_back(std::string(sim::matched_code(layout.away_group_of(c))) + "|" +
                  townships[layout.away_township_of(c)]);
  return out;
}

//! Children placed, demand minus overflow, written a block of runs at a time so that the
//! whole array is never held in memory.
void write_placed(H5::Group& g, const sim::SufficiencyResults& r, const std::string& dimensions,
                  int threads) {
  const std::size_t per_run = static_cast<std::size_t>(r.years) * r.cells;
  const auto fill = [&](hsize_t first, hsize_t rows, std::int32_t* out) {
    for (std::size_t i = first * per_run; i < (first + rows) * per_run; ++i)
      *out++ = r.demand[i] - r.overflow[i];
  };
  H5::DataSet ds = chunked_int_dataset(
      g, "placed",
      {static_cast<hsize_t>(r.runs), static_cast<hsize_t>(r.years), static_cast<hsize_t>(r.cells)},
      threads, fill);
  string_attribute(ds, "dimensions", dimensions);
  string_attribute(ds, "units", "children with a place in a provision (demand - overflow)");
}

void write_sufficiency_cells(H5::Group& parent, const sim::SufficiencyResults& r,
                             const sim::SufficiencySetup& setup, int threads) {
  const sim::SufficiencyLayout layout = sim::sufficiency_layout(setup);
  H5::Group g = parent.createGroup("cells");
  string_dataset(g, "categories", cell_categories(layout, setup.townships));
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(r.runs), static_cast<hsize_t>(r.years),
                                     static_cast<hsize_t>(r.cells)};
  const std::string dim = "run, year, category (group|phase|need_area|township of the child)";
  int_dataset(g, "demand", r.demand, dims, dim, "children in the group's demand at January",
              threads);
  write_placed(g, r, dim, threads);
  int_dataset(g, "overflow", r.overflow, dims, dim,
              "children without a suitable place (independent or awaiting, see overflow_mode)",
              threads);
  H5::Group away = parent.createGroup("away");
  string_dataset(away, "categories", away_categories(layout, setup.townships));
  int_dataset(away, "placed_outside_township", r.placed_outside_township,
              {static_cast<hsize_t>(r.runs), static_cast<hsize_t>(r.years),
               static_cast<hsize_t>(r.away_cells)},
              "run, year, category (group|township of the child)",
              "children placed in a provision in another township", threads);
}

void write_sufficiency_provisions(H5::Group& parent, const sim::SufficiencyResults& r,
                                  const sim::SufficiencySetup& setup, int threads) {
  H5::Group g = parent.createGroup("provisions");
  std::vector<std::string> ids, names, types, townships, needs;
  std::vector<std::int32_t> ages, places;
  for (const auto& p : setup.provisions) {
    ids.push_back(p.id);
    names.push_back(p.name);
    types.emplace_back(io::PROVISION_TYPE_CODES[static_cast<int>(p.type)]);
    townships.push_back(setup.townships[p.township]);
    ages.push_back(p.age_min);
    ages.push_back(p.age_max);
  }
  for (int y = 0; y < r.years; ++y)
    for (const auto& p : setup.provisions) places.push_back(p.places[y]);
  string_dataset(g, "ids", ids);
  string_dataset(g, "names", names);
  string_dataset(g, "types", types);
  string_dataset(g, "townships", townships);
  const auto np = static_cast<hsize_t>(r.provisions), years = static_cast<hsize_t>(r.years),
             runs = static_cast<hsize_t>(r.runs);
  int_dataset(g, "ages", ages, {np, 2}, "provision, (age_min, age_max)", "census age", threads);
  int_dataset(g, "places", places, {years, np}, "year, provision", "places (0 = not open)",
              threads);
  int_dataset(g, "occupied", r.occupied, {runs, years, np}, "run, year, provision",
              "pupils on roll from the matched demand", threads);
  int_dataset(g, "vacancies", r.vacancies, {runs, years, np}, "run, year, provision",
              "places left empty", threads);
}

}  // namespace

void append_sufficiency_h5(const std::filesystem::path& path,
                           const sim::SufficiencyResults& results,
                           const sim::SufficiencySetup& setup, bool illustrative,
                           const std::string& capacity_note, int threads) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDWR);
    H5::Group g = file.createGroup("/sufficiency");
    string_attribute(g, "capacities", illustrative ? "illustrative" : "supplied");
    string_attribute(g, "capacity_note", capacity_note);
    string_attribute(g, "overflow_mode",
                     std::string(sim::OVERFLOW_MODE_NAMES[static_cast<int>(setup.overflow)]));
    number_attribute(g, "divert_to_resourced_provision", setup.divert_to_resourced_provision,
                     H5::PredType::NATIVE_DOUBLE);
    write_sufficiency_cells(g, results, setup, threads);
    write_sufficiency_provisions(g, results, setup, threads);
    int_dataset(g, "diverted", results.diverted,
                {static_cast<hsize_t>(results.runs), static_cast<hsize_t>(results.years)},
                "run, year", "state-special demand placed in resourced provision", threads);
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot write /sufficiency: " + e.getDetailMsg());
  }
}

void append_finance_h5(const std::filesystem::path& path, const StoredFinance& finance) {
  const sim::CostResults& r = finance.results;
  const hsize_t runs = r.runs, years = r.years, k = models::N_DSG_CATEGORIES;
  check(r.children.size() == runs * years * k && r.placement_spend.size() == runs * years * k &&
            r.fixed_spend.size() == years * k && finance.income.size() == years,
        {path.string()}, "/finance", "per-run arrays of inconsistent sizes");
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDWR);
    H5::Group g = file.createGroup("/finance");
    number_attribute(g, "first_year", r.first_year, H5::PredType::NATIVE_INT);
    number_attribute(g, "opening_balance", finance.opening_balance, H5::PredType::NATIVE_DOUBLE);
    number_attribute(g, "threshold", finance.threshold, H5::PredType::NATIVE_DOUBLE);
    string_attribute(g, "unit_costs", finance.illustrative ? "illustrative" : "supplied");
    string_dataset(g, "categories",
                   {models::DSG_CATEGORY_CODES.begin(), models::DSG_CATEGORY_CODES.end()});
    double_dataset(g, "children", r.children, {runs, years, k});
    double_dataset(g, "placement_spend", r.placement_spend, {runs, years, k});
    double_dataset(g, "fixed_spend", r.fixed_spend, {years, k});
    std::vector<double> spend(r.placement_spend.size()), fy, cumulative;
    for (int run = 0; run < r.runs; ++run)
      for (int y = 0; y < r.years; ++y)
        for (int c = 0; c < models::N_DSG_CATEGORIES; ++c)
          spend[r.index(run, y, c)] = r.spend(run, y, c);
    for (const auto& run_path :
         cumulative_deficit_per_run(r, finance.income, finance.opening_balance))
      cumulative.insert(cumulative.end(), run_path.begin(), run_path.end());
    for (int y = 0; y < r.years; ++y) fy.push_back(r.first_year + y);
    double_dataset(g, "financial_years", fy, {years});
    double_dataset(g, "spend", spend, {runs, years, k});
    double_dataset(g, "cumulative_deficit", cumulative, {runs, years});
    std::vector<double> transport = r.transport_spend, carried = r.transport_children;
    transport.resize(runs * years, 0.0);  // no transport costed: zeros, not a missing array
    carried.resize(runs * years, 0.0);
    double_dataset(g, "transport_spend", transport, {runs, years});
    double_dataset(g, "transport_children", carried, {runs, years});
    double_dataset(g, "income", finance.income, {years});
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot write /finance: " + e.getDetailMsg());
  }
}

void write_results_h5(const std::filesystem::path& path, const sim::RunResults& results,
                      const models::ModelParameters& params, const LaHistory& history,
                      const Provenance& prov, int threads) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_TRUNC);
    H5::Group root = file.openGroup("/");
    string_attribute(root, "format", "sendcast results");
    string_attribute(root, "format_version", prov.format_version);
    string_attribute(root, "sendcast_version", prov.sendcast_version);
    string_attribute(root, "git_sha", prov.git_sha);
    string_attribute(root, "timestamp", prov.timestamp);
    string_attribute(root, "seed", std::to_string(prov.seed));
    number_attribute(root, "runs", prov.runs, H5::PredType::NATIVE_INT);
    number_attribute(root, "horizon", prov.horizon, H5::PredType::NATIVE_INT);
    number_attribute(root, "origin", params.origin, H5::PredType::NATIVE_INT);
    string_attribute(root, "la_code", params.la_code);
    string_attribute(root, "la_name", params.la_name);
    string_attribute(root, "scenario_name", prov.scenario_name);
    string_attribute(root, "scenario_file", prov.scenario_file);
    string_attribute(root, "scenario_hash", prov.scenario_hash);
    string_attribute(root, "scenario_text", prov.scenario_text);
    string_attribute(root, "command_line", prov.command_line);
    std::string inputs, assumptions;
    for (const auto& [f, h] : prov.inputs) inputs += f + " " + h + "\n";
    for (const auto& a : prov.assumptions) assumptions += a + "\n";
    string_attribute(root, "input_hashes", inputs);
    string_attribute(root, "assumptions", assumptions);
    std::vector<double> years;
    for (int y = 0; y < results.years; ++y) years.push_back(results.first_year + y);
    double_dataset(root, "years", years, {years.size()});
    write_rollups(file, results, threads);
    write_parameters(file, params);
    write_history(file, history);
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot write HDF5 file: " + e.getDetailMsg());
  }
}

StoredBreakdown read_breakdown_h5(const std::filesystem::path& path, const std::string& breakdown) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    StoredBreakdown out;
    H5::DataSet ds = file.openDataSet("/rollups/" + breakdown + "/counts");
    hsize_t dims[3];
    ds.getSpace().getSimpleExtentDims(dims);
    out.runs = static_cast<int>(dims[0]), out.years = static_cast<int>(dims[1]),
    out.categories = static_cast<int>(dims[2]);
    out.counts.resize(dims[0] * dims[1] * dims[2]);
    if (!out.counts.empty())
      read_int32_dataset(ds, "/rollups/" + breakdown + "/counts", {dims[0], dims[1], dims[2]},
                         out.counts.data());
    H5::DataSet cats = file.openDataSet("/rollups/" + breakdown + "/categories");
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    std::vector<char*> ptrs(out.categories);
    cats.read(ptrs.data(), type);
    for (char* p : ptrs) out.labels.emplace_back(p);
    H5Dvlen_reclaim(type.getId(), cats.getSpace().getId(), H5P_DEFAULT, ptrs.data());
    H5::DataSet years = file.openDataSet("/years");
    std::vector<double> y(out.years);
    years.read(y.data(), H5::PredType::NATIVE_DOUBLE);
    for (double v : y) out.census_years.push_back(static_cast<int>(v));
    return out;
  } catch (const H5::Exception& e) {
    throw InputError({path.string()},
                     "cannot read breakdown '" + breakdown + "': " + e.getDetailMsg());
  }
}

namespace {

std::vector<std::int32_t> read_ints(H5::H5File& file, const std::string& name,
                                    std::vector<hsize_t>& dims) {
  H5::DataSet ds = file.openDataSet(name);
  H5::DataSpace space = ds.getSpace();
  dims.assign(static_cast<std::size_t>(space.getSimpleExtentNdims()), 0);
  space.getSimpleExtentDims(dims.data());
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<std::int32_t> out(n);
  if (n > 0) read_int32_dataset(ds, name, dims, out.data());
  return out;
}

std::vector<std::string> read_strings(H5::H5File& file, const std::string& name) {
  H5::DataSet ds = file.openDataSet(name);
  hsize_t n = 0;
  ds.getSpace().getSimpleExtentDims(&n);
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  std::vector<char*> ptrs(n);
  std::vector<std::string> out;
  if (n == 0) return out;
  ds.read(ptrs.data(), type);
  for (char* p : ptrs) out.emplace_back(p);
  H5Dvlen_reclaim(type.getId(), ds.getSpace().getId(), H5P_DEFAULT, ptrs.data());
  return out;
}

std::string group_attribute(H5::Group& g, const std::string& name) {
  if (!g.attrExists(name)) return "";
  H5::Attribute attr = g.openAttribute(name);
  std::string value;
  attr.read(attr.getStrType(), value);
  return value;
}

}  // namespace

bool has_sufficiency_h5(const std::filesystem::path& path) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    return file.nameExists("/sufficiency");
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot read HDF5 file: " + e.getDetailMsg());
  }
}

StoredSufficiency read_sufficiency_h5(const std::filesystem::path& path, bool cells) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    StoredSufficiency out;
    std::vector<hsize_t> dims;
    if (cells) {
      out.demand = read_ints(file, "/sufficiency/cells/demand", dims);
      out.placed = read_ints(file, "/sufficiency/cells/placed", dims);
      out.overflow = read_ints(file, "/sufficiency/cells/overflow", dims);
    } else {
      H5::DataSpace space = file.openDataSet("/sufficiency/cells/demand").getSpace();
      dims.assign(static_cast<std::size_t>(space.getSimpleExtentNdims()), 0);
      space.getSimpleExtentDims(dims.data());
    }
    if (dims.size() != 3)
      throw H5::Exception("read_sufficiency_h5", "/sufficiency/cells/demand is not 3-dimensional");
    out.runs = static_cast<int>(dims[0]), out.years = static_cast<int>(dims[1]);
    out.cells = static_cast<int>(dims[2]);
    out.placed_outside_township =
        read_ints(file, "/sufficiency/away/placed_outside_township", dims);
    out.away_categories = read_strings(file, "/sufficiency/away/categories");
    out.away_cells = static_cast<int>(out.away_categories.size());
    out.categories = read_strings(file, "/sufficiency/cells/categories");
    out.provision_ids = read_strings(file, "/sufficiency/provisions/ids");
    out.provisions = static_cast<int>(out.provision_ids.size());
    out.places = read_ints(file, "/sufficiency/provisions/places", dims);
    out.occupied = read_ints(file, "/sufficiency/provisions/occupied", dims);
    out.vacancies = read_ints(file, "/sufficiency/provisions/vacancies", dims);
    out.diverted = read_ints(file, "/sufficiency/diverted", dims);
    H5::Group g = file.openGroup("/sufficiency");
    out.overflow_mode = group_attribute(g, "overflow_mode");
    out.capacities = group_attribute(g, "capacities");
    H5::DataSet years = file.openDataSet("/years");
    std::vector<double> y(out.years);
    years.read(y.data(), H5::PredType::NATIVE_DOUBLE);
    for (double v : y) out.census_years.push_back(static_cast<int>(v));
    return out;
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot read /sufficiency: " + e.getDetailMsg());
  }
}

std::vector<std::int32_t> read_sufficiency_cells_h5(const std::filesystem::path& path,
                                                    const std::string& measure) {
  if (measure != "demand" && measure != "placed" && measure != "overflow")
    throw std::invalid_argument("read_sufficiency_cells_h5: no cell measure '" + measure + "'");
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    std::vector<hsize_t> dims;
    return read_ints(file, "/sufficiency/cells/" + measure, dims);
  } catch (const H5::Exception& e) {
    throw InputError({path.string()},
                     "cannot read /sufficiency/cells/" + measure + ": " + e.getDetailMsg());
  }
}

bool has_finance_h5(const std::filesystem::path& path) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    return file.nameExists("/finance");
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot read HDF5 file: " + e.getDetailMsg());
  }
}

namespace {

std::vector<double> read_doubles(H5::H5File& file, const std::string& name,
                                 std::vector<hsize_t>& dims) {
  H5::DataSet ds = file.openDataSet(name);
  H5::DataSpace space = ds.getSpace();
  dims.assign(static_cast<std::size_t>(space.getSimpleExtentNdims()), 0);
  space.getSimpleExtentDims(dims.data());
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  std::vector<double> out(n);
  if (n > 0) ds.read(out.data(), H5::PredType::NATIVE_DOUBLE);
  return out;
}

template <typename T>
T read_number_attribute(H5::Group& g, const std::string& name, const H5::PredType& type) {
  T value{};
  g.openAttribute(name).read(type, &value);
  return value;
}

}  // namespace

StoredFinance read_finance_h5(const std::filesystem::path& path) {
  const Location where{path.string()};
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    StoredFinance out;
    sim::CostResults& r = out.results;
    std::vector<hsize_t> dims;
    r.children = read_doubles(file, "/finance/children", dims);
    check(dims.size() == 3 && dims[2] == models::N_DSG_CATEGORIES, where, "/finance/children",
          "expected [run][financial year][" + std::to_string(models::N_DSG_CATEGORIES) +
              " DSG categories]");
    r.runs = static_cast<int>(dims[0]), r.years = static_cast<int>(dims[1]);
    r.placement_spend = read_doubles(file, "/finance/placement_spend", dims);
    check(r.placement_spend.size() == r.children.size(), where, "/finance/placement_spend",
          "its dimensions differ from /finance/children");
    r.fixed_spend = read_doubles(file, "/finance/fixed_spend", dims);
    out.income = read_doubles(file, "/finance/income", dims);
    check(r.fixed_spend.size() == static_cast<std::size_t>(r.years) * models::N_DSG_CATEGORIES &&
              out.income.size() == static_cast<std::size_t>(r.years),
          where, "/finance", "fixed_spend or income do not cover every financial year");
    H5::Group g = file.openGroup("/finance");
    r.first_year = read_number_attribute<int>(g, "first_year", H5::PredType::NATIVE_INT);
    out.opening_balance =
        read_number_attribute<double>(g, "opening_balance", H5::PredType::NATIVE_DOUBLE);
    out.threshold = read_number_attribute<double>(g, "threshold", H5::PredType::NATIVE_DOUBLE);
    out.unit_costs = group_attribute(g, "unit_costs");
    out.illustrative = out.unit_costs == "illustrative";
    // What compare differences, as written beside the raw arrays.
    out.runs = r.runs, out.years = r.years;
    out.children = r.children;
    out.spend = read_doubles(file, "/finance/spend", dims);
    out.cumulative_deficit = read_doubles(file, "/finance/cumulative_deficit", dims);
    out.transport = read_doubles(file, "/finance/transport_spend", dims);
    r.transport_spend = out.transport;
    r.transport_children = read_doubles(file, "/finance/transport_children", dims);
    check(out.spend.size() == r.children.size() &&
              out.cumulative_deficit.size() == static_cast<std::size_t>(r.runs) * r.years &&
              out.transport.size() == out.cumulative_deficit.size() &&
              r.transport_children.size() == out.transport.size(),
          where, "/finance", "spend, cumulative_deficit or transport do not match the runs");
    for (double y : read_doubles(file, "/finance/financial_years", dims))
      out.financial_years.push_back(static_cast<int>(y));
    out.categories = read_strings(file, "/finance/categories");
    return out;
  } catch (const H5::Exception& e) {
    throw InputError(where, "cannot read /finance: " + e.getDetailMsg());
  }
}

std::string read_attribute_h5(const std::filesystem::path& path, const std::string& name) {
  try {
    H5::Exception::dontPrint();
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    H5::Group root = file.openGroup("/");
    if (!root.attrExists(name)) return "";
    H5::Attribute attr = root.openAttribute(name);
    // Numbers as text (runs, horizon, origin are integers), so that they can be shown.
    switch (attr.getTypeClass()) {
      case H5T_INTEGER: {
        long long value = 0;
        attr.read(H5::PredType::NATIVE_LLONG, &value);
        return std::to_string(value);
      }
      case H5T_FLOAT: {
        double value = 0;
        attr.read(H5::PredType::NATIVE_DOUBLE, &value);
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", value);
        return text;
      }
      case H5T_STRING: {
        std::string value;
        attr.read(attr.getStrType(), value);
        return value;
      }
      default:
        throw H5::Exception("read_attribute_h5", "neither text nor a number");
    }
  } catch (const H5::Exception& e) {
    throw InputError({path.string()}, "cannot read attribute '" + name + "': " + e.getDetailMsg());
  }
}

}  // namespace sendcast::io
