#include "io/data_dir.h"

#include <cstdlib>

#include "io/error.h"

namespace sendcast::io {

namespace fs = std::filesystem;

fs::path resolve_data_dir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) {
    std::error_code ec;
    if (fs::exists(explicit_dir, ec) && !fs::is_directory(explicit_dir, ec))
      throw InputError({explicit_dir}, "data directory is not a directory");
    if (!fs::is_directory(explicit_dir, ec))
      throw InputError({explicit_dir}, "data directory does not exist");
    return explicit_dir;
  }
  if (const char* env = std::getenv("SENDCAST_DATA_DIR"); env != nullptr && *env != '\0') {
    if (!fs::is_directory(env))
      throw InputError({env}, "SENDCAST_DATA_DIR names a directory that does not exist");
    return env;
  }
  if (fs::is_directory(SENDCAST_DEFAULT_DATA_DIR)) return SENDCAST_DEFAULT_DATA_DIR;
  return "data";
}

fs::path data_file(const fs::path& data_dir, const std::string& relative) {
  const fs::path plain = data_dir / relative;
  fs::path gz = plain;
  gz += ".gz";
  if (fs::exists(gz)) return gz;
  if (fs::exists(plain)) return plain;
  throw InputError({display_path(plain)}, "data file does not exist (nor a .gz copy)");
}

std::string display_path(const fs::path& path) {
  std::error_code ec;
  const fs::path rel = fs::relative(path, fs::current_path(ec), ec);
  if (!ec && !rel.empty() && rel.string().size() < path.string().size() &&
      rel.string().rfind("../..", 0) != 0)
    return rel.string();
  return path.string();
}

}  // namespace sendcast::io
