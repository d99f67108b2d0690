#pragma once
// Distances between an LA's townships, for the sufficiency matching's travel cost: great-circle
// (haversine) distances between representative points, read from a CSV of
// `township,latitude,longitude` (WGS84 degrees). A straight line between town centres is a
// crude proxy for a journey to school, but it ranks "same township", "next township" and
// "across the borough" correctly, which is all the matching needs.
#include <filesystem>
#include <string>
#include <vector>

namespace sendcast::io {

constexpr double EARTH_RADIUS_KM = 6371.0088;  //!< IUGG mean radius

//! Great-circle distance in km between two WGS84 points given in degrees.
double haversine_km(double latitude_a, double longitude_a, double latitude_b, double longitude_b);

struct TownshipDistances {
  std::string source;                  //!< file they came from ("" = none: all zero)
  std::vector<std::string> townships;  //!< in the LA's order
  std::vector<double> km;              //!< townships x townships, row-major
  double at(std::size_t from, std::size_t to) const { return km[from * townships.size() + to]; }
};

//! Reads the centres of `townships` (every one must be listed; others are errors naming the
//! file, line and column) and computes the distance matrix.
TownshipDistances read_township_distances(const std::filesystem::path& file,
                                          const std::vector<std::string>& townships);

//! Every distance zero: no locality (used when a scenario names no centres file).
TownshipDistances zero_distances(const std::vector<std::string>& townships);

}  // namespace sendcast::io
