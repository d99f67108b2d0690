#include "io/neighbours.h"

#include <algorithm>

#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

std::map<std::string, std::vector<Neighbour>> read_neighbours(const std::filesystem::path& file) {
  const CsvTable t = CsvTable::read(file, display_path(file));
  const std::size_t la = t.column("la_code"), rank = t.column("SN"), code = t.column("SN_code"),
                    name = t.column("SN_name"), prox = t.column("SN_prox");
  std::map<std::string, std::vector<Neighbour>> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto rk = t.count(r, rank);
    if (!rk || *rk < 1 || *rk > 50)
      throw t.column_error(r, rank,
                           "expected a rank from 1 to 50, found " + in_quotes(t.cell(r, rank)));
    std::string closeness(t.cell(r, prox));
    while (!closeness.empty() && closeness.back() == ' ') closeness.pop_back();
    auto& list = out[std::string(t.cell(r, la))];
    for (const auto& n : list)
      if (n.rank == *rk)
        throw t.column_error(r, rank, "duplicate neighbour rank " + std::to_string(*rk));
    list.push_back({static_cast<int>(*rk), std::string(t.cell(r, code)),
                    std::string(t.cell(r, name)), closeness});
  }
  for (auto& [la_code, list] : out)
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.rank < b.rank; });
  return out;
}

}  // namespace sendcast::io
