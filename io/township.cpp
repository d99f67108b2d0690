#include "io/township.h"

#include <algorithm>
#include <set>

#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

namespace {

std::size_t index_of(std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

TownshipSplit from_table(const CsvTable& t) {
  if (t.rows() == 0) throw InputError({t.source()}, "no rows: expected at least one township");
  TownshipSplit out;
  out.source = t.source();
  const auto share_col = t.find_column("share");
  if (share_col) {
    const std::size_t township = t.column("township");
    out.method = "explicit shares";
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::string name(t.cell(r, township));
      if (name.empty()) throw t.column_error(r, township, "empty township name");
      const auto s = t.number(r, *share_col);
      if (!s || *s <= 0)
        throw t.column_error(
            r, *share_col, "expected a positive share, found " + in_quotes(t.cell(r, *share_col)));
      const std::size_t i = index_of(out.townships, name);
      if (i < out.shares.size())
        throw t.column_error(r, township, "township listed twice: " + in_quotes(name));
      out.shares.push_back(*s);
    }
  } else {
    const std::size_t ward = t.column("ward_name"), township = t.column("township");
    out.method = "share of wards (equal-electorate assumption: no ward population published)";
    std::set<std::string> wards;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::string w(t.cell(r, ward)), name(t.cell(r, township));
      if (w.empty()) throw t.column_error(r, ward, "empty ward name");
      if (name.empty()) throw t.column_error(r, township, "empty township name");
      if (!wards.insert(w).second)
        throw t.column_error(r, ward, "ward listed twice: " + in_quotes(w));
      const std::size_t i = index_of(out.townships, name);
      if (i >= out.shares.size()) out.shares.push_back(0);
      out.shares[i] += 1;
    }
  }
  double total = 0;
  for (double s : out.shares) total += s;
  for (double& s : out.shares) s /= total;
  return out;
}

}  // namespace

TownshipSplit read_ward_township_lookup(const std::filesystem::path& file) {
  const CsvTable t = CsvTable::read(file, display_path(file));
  t.column("ward_name");
  return from_table(t);
}

TownshipSplit read_township_shares(const std::filesystem::path& file) {
  const CsvTable t = CsvTable::read(file, display_path(file));
  t.column("share");
  return from_table(t);
}

TownshipSplit read_township_split(const std::filesystem::path& file) {
  return from_table(CsvTable::read(file, display_path(file)));
}

}  // namespace sendcast::io
