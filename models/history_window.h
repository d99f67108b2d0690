#pragma once
// What was published by a given January census: the one place that decides which rows a
// calibration may see, so that backtests cannot leak the future into the past.
#include "io/la_history.h"

namespace sendcast::models {

//! The history as known at the January census of `origin`: caseload up to January `origin`,
//! flows up to calendar year origin - 1. Population projections are kept whole: they are an
//! exogenous input, and the embedded 2022-based projection is backcast flat before 2022.
io::LaHistory history_as_of(const io::LaHistory& history, int origin);

}  // namespace sendcast::models
