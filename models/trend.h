#pragma once
// The trend in the joiner rate: the driver of EHCP growth and its main uncertainty.
// A log-linear fit over the last few years gives the current growth and its standard error;
// the projection then damps the growth toward a long-run value (Gardner and McKenzie's damped
// trend, 1985), continues it, holds it flat, or converges it to England's growth.
#include <map>
#include <optional>
#include <vector>

namespace sendcast::models {

enum class TrendModel { Damped, Continue, Flat, ConvergeToEngland };

struct TrendSpec {
  TrendModel model = TrendModel::Damped;
  double damping = 0.75;         //!< phi: growth multiplier per year toward the long-run growth
  double long_run_growth = 0.0;  //!< log growth per year the damped trend tends to
  int fit_years = 6;             //!< years of history in the fit
  int converge_years = 5;        //!< ConvergeToEngland: years to reach England's growth
};

//! A random walk with drift in the log rate (ARIMA(0,1,0) with drift), fitted on the last
//! years' changes: the drift is the mean change, its standard error sd/sqrt(n), and the sd of
//! the changes is the year-to-year innovation. Unlike a least-squares line through the levels,
//! this starts from the latest observed year and does not treat autocorrelated years as
//! independent, so its intervals do not understate how far a rate can wander.
struct TrendFit {
  int last_year = 0;       //!< calendar year the level refers to
  double level = 0;        //!< fitted log rate at last_year
  double level_se = 0;     //!< its standard error
  double growth = 0;       //!< log growth per year
  double growth_se = 0;    //!< its standard error
  double residual_sd = 0;  //!< sd of the residuals: year-to-year noise of the log rate
  int points = 0;          //!< years used
};

//! Fits the last `fit_years` positive values of `series` (calendar year -> rate): fit_years - 1
//! changes. With one point the growth is 0 with a wide standard error; with none, nullopt.
std::optional<TrendFit> fit_log_linear(const std::map<int, double>& series, int fit_years);

//! Growth in projection year h = 1, 2, ... given the starting growth g0 (drawn per run) and,
//! for ConvergeToEngland, England's growth.
double projected_growth(const TrendSpec& spec, double g0, double england_growth, int h);

}  // namespace sendcast::models
