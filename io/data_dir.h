#pragma once
// Where the embedded data live, and the path of each input file inside them.
#include <filesystem>
#include <string>

namespace sendcast::io {

//! The data directory: an explicit choice, else $SENDCAST_DATA_DIR, else the data/ folder of
//! the source tree this binary was built from, else ./data.
std::filesystem::path resolve_data_dir(const std::string& explicit_dir = "");

//! `relative` inside `data_dir`, preferring a gzipped copy ("x.csv.gz") over "x.csv".
//! Throws InputError naming the path when neither exists.
std::filesystem::path data_file(const std::filesystem::path& data_dir, const std::string& relative);

//! A path as users should see it in messages: relative to the current directory when shorter.
std::string display_path(const std::filesystem::path& path);

}  // namespace sendcast::io
