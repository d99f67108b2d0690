#include "io/township_distances.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "io/capacity_register.h"
#include "io/csv.h"
#include "io/data_dir.h"

namespace sendcast::io {

namespace {

double radians(double degrees) {
  return degrees * std::numbers::pi / 180.0;
}

double coordinate(const CsvTable& t, std::size_t row, std::size_t col, double limit) {
  const auto value = t.number(row, col);
  if (!value || std::fabs(*value) > limit)
    throw t.column_error(row, col,
                         "expected degrees from -" + std::to_string(static_cast<int>(limit)) +
                             " to " + std::to_string(static_cast<int>(limit)) + ", found " +
                             in_quotes(t.cell(row, col)));
  return *value;
}

}  // namespace

double haversine_km(double latitude_a, double longitude_a, double latitude_b, double longitude_b) {
  const double dlat = radians(latitude_b - latitude_a);
  const double dlon = radians(longitude_b - longitude_a);
  const double h = std::pow(std::sin(dlat / 2), 2) + std::cos(radians(latitude_a)) *
                                                         std::cos(radians(latitude_b)) *
                                                         std::pow(std::sin(dlon / 2), 2);
  return 2 * EARTH_RADIUS_KM * std::asin(std::min(1.0, std::sqrt(h)));
}

TownshipDistances read_township_distances(const std::filesystem::path& file,
                                          const std::vector<std::string>& townships) {
  const CsvTable t = CsvTable::read(file, display_path(file));
  const std::size_t name = t.column("township"), lat = t.column("latitude"),
                    lon = t.column("longitude");
  const std::size_t n = townships.size();
  std::vector<double> latitude(n), longitude(n);
  std::vector<bool> seen(n, false);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    const std::string township(t.cell(row, name));
    if (auto problem = township_problem(township, townships))
      throw t.column_error(row, name, *problem);
    const auto i = static_cast<std::size_t>(
        std::find(townships.begin(), townships.end(), township) - townships.begin());
    if (seen[i]) throw t.column_error(row, name, "township listed twice: " + in_quotes(township));
    seen[i] = true;
    latitude[i] = coordinate(t, row, lat, 90);
    longitude[i] = coordinate(t, row, lon, 180);
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!seen[i])
      throw InputError({t.source()}, "no centre for township " + in_quotes(townships[i]));
  TownshipDistances out{t.source(), townships, std::vector<double>(n * n, 0.0)};
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      out.km[a * n + b] = haversine_km(latitude[a], longitude[a], latitude[b], longitude[b]);
  return out;
}

TownshipDistances zero_distances(const std::vector<std::string>& townships) {
  return {"", townships, std::vector<double>(townships.size() * townships.size(), 0.0)};
}

}  // namespace sendcast::io
