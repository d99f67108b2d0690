#include "io/snpp.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

const AreaPopulation* PopulationProjection::find(const std::string& code) const {
  auto it = areas.find(code);
  return it == areas.end() ? nullptr : &it->second;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

//! -1 for "All ages", -2 for ages we do not keep (26+, "90 and over"); else the age.
int parse_age_group(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string label = lower(t.cell(row, col));
  if (label == "all ages") return -1;
  if (label == "90 and over" || label == "90+") return -2;
  int age = 0;
  auto [end, ec] = std::from_chars(label.data(), label.data() + label.size(), age);
  if (ec != std::errc() || end != label.data() + label.size() || age < 0 || age > 120)
    throw t.column_error(row, col,
                         "expected an age (0-90, \"90 and over\" or \"All ages\"), found " +
                             in_quotes(t.cell(row, col)));
  return age > MAX_AGE ? -2 : age;
}

struct Accumulator {
  AreaPopulation persons;
  AreaPopulation by_sex;  //!< males + females, used when no persons rows exist
  std::map<int, std::array<bool, N_AGES>> seen_persons;
  std::map<int, std::array<int, N_AGES>> seen_sexes;
  std::string first_file;  //!< file and line of the area's first row, for errors
  long first_line = 0;
};

void read_one(const std::filesystem::path& path, std::map<std::string, Accumulator>& acc) {
  const CsvTable t = CsvTable::read(path, display_path(path));
  const std::size_t code = t.column("AREA_CODE"), name = t.column("AREA_NAME"),
                    component = t.column("COMPONENT"), sex = t.column("SEX"),
                    age = t.column("AGE_GROUP");
  std::vector<std::pair<std::size_t, int>> years;
  for (std::size_t c = 0; c < t.columns(); ++c) {
    const std::string& h = t.header()[c];
    int y = 0;
    auto [end, ec] = std::from_chars(h.data(), h.data() + h.size(), y);
    if (ec == std::errc() && end == h.data() + h.size() && y > 1900 && y < 2200)
      years.push_back({c, y});
  }
  if (years.empty())
    throw InputError({t.source(), 1}, "no year columns (2022, 2023, ...) in the header");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (lower(t.cell(r, component)) != "population") continue;
    const std::string s = lower(t.cell(r, sex));
    const bool persons = s == "persons" || s == "all persons" || s == "all";
    const bool one_sex = s == "male" || s == "males" || s == "female" || s == "females";
    if (!persons && !one_sex)
      throw t.column_error(
          r, sex, "expected persons, males or females, found " + in_quotes(t.cell(r, sex)));
    const int a = parse_age_group(t, r, age);
    if (a == -2) continue;
    Accumulator& area = acc[std::string(t.cell(r, code))];
    if (area.first_line == 0) area.first_file = t.source(), area.first_line = t.line(r);
    AreaPopulation& target = persons ? area.persons : area.by_sex;
    target.code = t.cell(r, code);
    target.source = t.source();
    target.name = t.cell(r, name);
    for (auto [col, year] : years) {
      const auto v = t.number(r, col);
      if (!v) throw t.column_error(r, col, "population is missing");
      if (*v < 0)
        throw t.column_error(
            r, col, "expected a non-negative population, found " + in_quotes(t.cell(r, col)));
      if (a == -1) {
        target.all_ages[year] += *v;
        continue;
      }
      auto& row = target.by_age[year];
      if (persons) {
        auto& seen = area.seen_persons[year];
        if (seen[a]) throw t.column_error(r, age, "duplicate row for age " + std::to_string(a));
        seen[a] = true;
        row[a] = *v;
      } else {
        row[a] += *v;
        ++area.seen_sexes[year][a];
      }
    }
  }
}

}  // namespace

PopulationProjection read_snpp(const std::vector<std::filesystem::path>& files) {
  PopulationProjection out;
  std::map<std::string, Accumulator> acc;
  for (const auto& f : files) {
    read_one(f, acc);
    out.sources.push_back(display_path(f));
  }
  for (auto& [code, a] : acc) {
    const bool use_persons = !a.persons.by_age.empty() || !a.persons.all_ages.empty();
    AreaPopulation pop = use_persons ? a.persons : a.by_sex;
    for (const auto& [year, ages] : pop.by_age) {
      for (int age = 0; age < N_AGES; ++age) {
        const bool ok = use_persons ? a.seen_persons[year][age] : a.seen_sexes[year][age] == 2;
        if (!ok)
          throw InputError({a.first_file, a.first_line},
                           "area " + code + " has no complete population row for age " +
                               std::to_string(age) + " in " + std::to_string(year));
      }
    }
    out.areas.emplace(code, std::move(pop));
  }
  return out;
}

}  // namespace sendcast::io
