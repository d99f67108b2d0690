#include "cli/backtest_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "cli/progress.h"
#include "io/hash.h"
#include "io/interrupt.h"
#include "models/baselines.h"
#include "models/calibration.h"
#include "models/measures.h"
#include "sim/demand_simulator.h"
#include "sim/runner.h"

namespace sendcast::cli {

namespace {

constexpr int FIRST_BASELINE_ORIGIN =
    2012;  //!< earliest origin whose errors size baseline intervals

//! A seed per LA and origin, from the master seed, so results do not depend on which LAs are
//! run together or in what order.
std::uint64_t seed_for(std::uint64_t master, const std::string& la_code, int origin) {
  return io::fnv1a(la_code + ":" + std::to_string(origin), master ^ 0x9e3779b97f4a7c15ULL);
}

models::ScoredForecast scored(const sim::Summary& s, double actual) {
  // The 50% and 80% intervals come from the quartiles and deciles; summaries carry p05..p95.
  return {actual, s.p50, s.p25, s.p75, s.p10, s.p90, s.p05, s.p95};
}

std::vector<const io::Area*> select_areas(const io::DataContext& data,
                                          const BacktestConfig& config) {
  std::vector<const io::Area*> out;
  if (config.las.empty()) {
    for (const auto& a : data.tables.areas)
      if (a.level == "Local authority") out.push_back(&a);
  } else {
    for (const auto& q : config.las) out.push_back(&io::find_area(data.tables.areas, q));
  }
  return out;
}

//! One LA's forecasts and notes, computed on whichever rank owns the LA.
struct LaBlock {
  std::uint64_t index = 0;  //!< position in the list of LAs: results are reassembled in this order
  std::vector<io::ForecastRecord> forecasts;
  std::vector<Skipped> skipped;
  int la_origins = 0;
};

void forecast_la(const io::LaHistory& h, const io::LaHistory& england, int origin,
                 const BacktestConfig& config, LaBlock& block) {
  models::CalibrationOptions o;
  o.origin = origin;
  o.horizon = config.horizon;
  o.trend = config.trend;
  const models::ModelParameters p = models::calibrate(h, england, o);
  const sim::DemandSimulator sim(p, sim::DemandLevers::none(config.horizon), config.horizon,
                                 seed_for(config.seed, h.area.code, p.origin));
  const sim::RunResults r = sim::run_monte_carlo(sim, config.runs, config.threads);
  for (const auto& m : models::backtest_measures()) {
    if (m.needs_placements && !p.placements_known) {
      block.skipped.push_back(
          {h.area.code, h.area.name, p.origin, m.name + ": no placements published by the origin"});
      continue;
    }
    const std::vector<int> cols = models::measure_columns(r.layout, m);
    for (int step = 1; step <= config.horizon; ++step) {
      Eigen::ArrayXXd values(r.runs, 1);
      for (int run = 0; run < r.runs; ++run) {
        double v = 0;
        for (int c : cols) v += r.row(run, step)[c];
        values(run, 0) = v;
      }
      const int target = p.origin + step;
      block.forecasts.push_back({"sendcast", h.area.code, h.area.name, p.origin, target, m.name,
                                 models::measure_actual(h, m, target), sim::summarise(values)[0]});
    }
  }
  for (const auto& w : p.data_warnings)
    block.skipped.push_back({h.area.code, h.area.name, p.origin, "note: " + w});
}

// --- baselines -------------------------------------------------------------------------------

struct SeriesSet {
  std::string code, name;
  std::vector<std::map<int, double>> by_measure;  //!< measure index -> census year -> value
};

//! Log errors log(actual / forecast) of each baseline by (method, measure, horizon, origin).
using ErrorKey = std::tuple<int, int, int, int>;

std::map<ErrorKey, std::vector<double>> baseline_errors(const std::vector<SeriesSet>& all,
                                                        int last_origin, int H) {
  std::map<ErrorKey, std::vector<double>> errors;
  for (const auto& s : all)
    for (std::size_t m = 0; m < s.by_measure.size(); ++m)
      for (int method = 0; method < models::N_BASELINES; ++method)
        for (int o = FIRST_BASELINE_ORIGIN; o <= last_origin; ++o)
          for (int h = 1; h <= H; ++h) {
            const auto f = models::baseline_forecast(static_cast<models::Baseline>(method),
                                                     s.by_measure[m], o, h);
            const auto a = s.by_measure[m].find(o + h);
            if (!f || *f <= 0 || a == s.by_measure[m].end() || a->second <= 0) continue;
            errors[{method, static_cast<int>(m), h, o}].push_back(std::log(a->second / *f));
          }
  return errors;
}

//! Empirical quantiles of a baseline's own past errors at this horizon, from origins whose
//! target was published by `origin` (the six most recent, widened if fewer than 20 errors).
std::vector<double> past_errors(const std::map<ErrorKey, std::vector<double>>& errors, int method,
                                int m, int h, int origin) {
  std::vector<double> out;
  for (int window : {6, 100}) {
    out.clear();
    for (int o = origin - h; o >= origin - h - window + 1 && o >= FIRST_BASELINE_ORIGIN; --o) {
      auto it = errors.find({method, m, h, o});
      if (it != errors.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    if (out.size() >= 20) break;
  }
  return out;
}

sim::Summary baseline_summary(double point, const std::vector<double>& errors) {
  sim::Summary s;
  s.mean = s.p50 = point;
  if (errors.empty()) {
    s.p05 = s.p10 = s.p25 = s.p75 = s.p90 = s.p95 = point;
    return s;
  }
  auto q = [&](double p) { return point * std::exp(sim::quantile(errors, p)); };
  s.p05 = q(0.05), s.p10 = q(0.10), s.p25 = q(0.25), s.p75 = q(0.75), s.p90 = q(0.90),
  s.p95 = q(0.95);
  return s;
}

void score_baselines(const std::vector<SeriesSet>& all, const BacktestConfig& config,
                     BacktestResult& result) {
  const int last = *std::max_element(config.origins.begin(), config.origins.end());
  const auto errors = baseline_errors(all, last, config.horizon);
  const auto& measures = models::backtest_measures();
  for (const auto& s : all)
    for (int origin : config.origins)
      for (std::size_t m = 0; m < measures.size(); ++m)
        for (int method = 0; method < models::N_BASELINES; ++method)
          for (int h = 1; h <= config.horizon; ++h) {
            const auto f = models::baseline_forecast(static_cast<models::Baseline>(method),
                                                     s.by_measure[m], origin, h);
            if (!f) continue;
            // A measure published for too few years to have past errors (placements begin in
            // 2019) borrows the total's error distribution at that horizon.
            std::vector<double> past = past_errors(errors, method, static_cast<int>(m), h, origin);
            if (past.empty()) past = past_errors(errors, method, 0, h, origin);
            const sim::Summary sum = baseline_summary(*f, past);
            const auto a = s.by_measure[m].find(origin + h);
            const std::optional<double> actual =
                a == s.by_measure[m].end() ? std::nullopt : std::optional<double>(a->second);
            const std::string name(models::BASELINE_NAMES[method]);
            result.baselines.push_back(
                {name, s.code, s.name, origin, origin + h, measures[m].name, actual, sum});
            if (actual) result.scored[{name, measures[m].name, h}].push_back(scored(sum, *actual));
          }
}

// --- blocks between ranks ----------------------------------------------------------------------

class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& v) {
    put<std::uint64_t>(v.size());
    out_ += v;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <typename T>
  T get() {
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    std::string v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  bool done() const { return pos_ >= in_.size(); }

 private:
  const std::string& in_;
  std::size_t pos_ = 0;
};

std::string encode(const std::vector<LaBlock>& blocks) {
  Writer w;
  for (const auto& b : blocks) {
    w.put(b.index);
    w.put<std::int32_t>(b.la_origins);
    w.put<std::uint64_t>(b.forecasts.size());
    for (const auto& f : b.forecasts) {
      w.put(f.method), w.put(f.la_code), w.put(f.la_name), w.put(f.measure);
      w.put<std::int32_t>(f.origin), w.put<std::int32_t>(f.target);
      w.put<std::uint8_t>(f.actual.has_value()), w.put<double>(f.actual.value_or(0));
      w.put(f.forecast);  // a struct of doubles: copied bit for bit
    }
    w.put<std::uint64_t>(b.skipped.size());
    for (const auto& k : b.skipped)
      w.put(k.la_code), w.put(k.la_name), w.put<std::int32_t>(k.origin), w.put(k.reason);
  }
  return w.take();
}

void decode(const std::string& bytes, std::vector<LaBlock>& blocks) {
  Reader r(bytes);
  while (!r.done()) {
    LaBlock b;
    b.index = r.get<std::uint64_t>();
    b.la_origins = r.get<std::int32_t>();
    for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
      io::ForecastRecord f;
      f.method = r.get_string(), f.la_code = r.get_string(), f.la_name = r.get_string(),
      f.measure = r.get_string();
      f.origin = r.get<std::int32_t>(), f.target = r.get<std::int32_t>();
      const bool has = r.get<std::uint8_t>();
      const double actual = r.get<double>();
      if (has) f.actual = actual;
      f.forecast = r.get<sim::Summary>();
      b.forecasts.push_back(std::move(f));
    }
    for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
      Skipped k;
      k.la_code = r.get_string(), k.la_name = r.get_string(), k.origin = r.get<std::int32_t>(),
      k.reason = r.get_string();
      b.skipped.push_back(std::move(k));
    }
    blocks.push_back(std::move(b));
  }
}

SeriesSet measure_series(const io::LaHistory& h) {
  SeriesSet s{h.area.code, h.area.name, {}};
  for (const auto& m : models::backtest_measures()) {
    std::map<int, double> values;
    for (int y = 2010; y <= h.latest_census_year(); ++y)
      if (auto v = models::measure_actual(h, m, y)) values[y] = *v;
    s.by_measure.push_back(values);
  }
  return s;
}

}  // namespace

BacktestResult run_backtest(const io::DataContext& data, const BacktestConfig& config,
                            const sim::Cluster& cluster) {
  BacktestResult result;
  const auto start = std::chrono::steady_clock::now();
  const io::LaHistory england =
      io::build_la_history(data.tables, io::find_area(data.tables.areas, "England"));
  const auto areas = select_areas(data, config);
  std::vector<LaBlock> mine;
  ProgressLine progress("LAs", config.progress && cluster.root());
  for (std::size_t i = 0; i < areas.size(); ++i) {
    if (!cluster.owns(i)) continue;
    throw_if_interrupted();
    // LA-level forecasts, with population where an ONS projection is embedded and the count
    // fallback where not, exactly as `sendcast run` does.
    const io::LaHistory h = io::build_la_history(data.tables, *areas[i], &data.population);
    LaBlock block;
    block.index = i;
    for (int origin : config.origins) {
      try {
        forecast_la(h, england, origin, config, block);
        ++block.la_origins;
      } catch (const InputError& e) {
        block.skipped.push_back({areas[i]->code, areas[i]->name, origin, e.what()});
      } catch (const std::invalid_argument& e) {
        // Published tables that cannot be fitted (e.g. contradictory margins): say so, go on.
        block.skipped.push_back(
            {areas[i]->code, areas[i]->name, origin, std::string("cannot calibrate: ") + e.what()});
      }
    }
    mine.push_back(std::move(block));
    progress.update(static_cast<long>(i + 1), static_cast<long>(areas.size()));
  }
  progress.finish();
  const std::vector<std::string> parts = cluster.gather(encode(mine));
  if (!cluster.root()) return result;
  std::vector<LaBlock> blocks;
  for (const auto& part : parts) decode(part, blocks);
  std::sort(blocks.begin(), blocks.end(),
            [](const LaBlock& a, const LaBlock& b) { return a.index < b.index; });
  for (auto& b : blocks) {
    result.la_origins += b.la_origins;
    for (auto& f : b.forecasts) {
      if (f.actual)
        result.scored[{"sendcast", f.measure, f.target - f.origin}].push_back(
            scored(f.forecast, *f.actual));
      result.forecasts.push_back(std::move(f));
    }
    for (auto& k : b.skipped) result.skipped.push_back(std::move(k));
  }
  if (config.baselines) {
    std::vector<SeriesSet> series;
    for (const io::Area* area : areas)
      series.push_back(measure_series(io::build_la_history(data.tables, *area, nullptr)));
    score_baselines(series, config, result);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::optional<io::BacktestSection> recent_backtest(const io::DataContext& data,
                                                   const std::string& la_code, int origin,
                                                   int origins, int runs) {
  BacktestConfig config;
  for (int o = origin - origins; o < origin; ++o) config.origins.push_back(o);
  config.horizon = origins;
  config.las = {la_code};
  config.runs = runs;
  config.threads = 0;
  const sim::Cluster single = sim::Cluster::local();
  const BacktestResult r = run_backtest(data, config, single);
  io::BacktestSection out;
  for (const auto& f : r.forecasts) {
    if (f.measure != "total" || !f.actual || f.target > origin) continue;
    io::PastForecast p{f.origin, f.target, *f.actual, f.forecast, std::nullopt, "cagr4"};
    for (const auto& b : r.baselines)
      if (b.method == p.baseline_method && b.measure == "total" && b.origin == f.origin &&
          b.target == f.target)
        p.baseline = b.forecast.p50;
    out.la_name = f.la_name;
    out.past.push_back(p);
  }
  if (out.past.empty()) return std::nullopt;
  out.scope = out.la_name + ", origins " + std::to_string(out.past.front().origin) + " to " +
              std::to_string(out.past.back().origin) + ", " + std::to_string(runs) +
              " runs each, default model";
  return out;
}

}  // namespace sendcast::cli
