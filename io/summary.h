#pragma once
// `sendcast data summary`: one area's published history as readable tables.
#include <ostream>

#include "io/la_history.h"

namespace sendcast::io {

void print_history_summary(std::ostream& out, const LaHistory& history);

}  // namespace sendcast::io
