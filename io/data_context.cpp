#include "io/data_context.h"

#include <algorithm>

#include "io/data_dir.h"

namespace sendcast::io {

namespace {

std::vector<std::filesystem::path> snpp_files(const std::filesystem::path& data_dir) {
  std::vector<std::filesystem::path> files;
  const auto dir = data_dir / "ons";
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("snpp", 0) == 0 && (name.ends_with(".csv") || name.ends_with(".csv.gz")))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // directory order is not stable across machines
  return files;
}

}  // namespace

DataContext load_data_context(const std::string& explicit_data_dir) {
  const auto dir = resolve_data_dir(explicit_data_dir);
  return DataContext{dir, load_sen2_tables(dir), read_snpp(snpp_files(dir))};
}

}  // namespace sendcast::io
