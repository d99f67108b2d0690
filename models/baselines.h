#pragma once
// The simple forecasts a backtest compares sendcast with: what an analyst does in a
// spreadsheet. Each takes a measure's published series known at the origin.
#include <array>
#include <map>
#include <optional>
#include <string_view>

namespace sendcast::models {

enum class Baseline { Naive, Linear, LogLinear, Cagr4 };
constexpr int N_BASELINES = 4;
constexpr std::array<std::string_view, N_BASELINES> BASELINE_NAMES = {"naive", "linear",
                                                                      "loglinear", "cagr4"};

//! Point forecast for January origin + h from the series (census year -> value) up to origin:
//! naive = last value; linear = least-squares line through the last 5 years; loglinear =
//! constant growth fitted on the last 5 years; cagr4 = the growth of the last 4 years
//! continued. Years missing from the series are skipped. nullopt without enough data.
std::optional<double> baseline_forecast(Baseline method, const std::map<int, double>& series,
                                        int origin, int h);

}  // namespace sendcast::models
