#pragma once
// Writing CSV: quoting, number format, and whole-file writes that report failure.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sendcast::io {

//! Quotes a field when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);
//! Six significant digits, no trailing zeros: counts print as integers.
std::string format_number(double v);
//! Opens `file` for writing; throws InputError naming it if that fails.
std::ofstream open_csv(const std::filesystem::path& file);
//! Flushes and throws InputError if anything failed (e.g. a full disk).
void close_csv(std::ofstream& out, const std::filesystem::path& file);
//! A CSV with a header line and rows of already-formatted fields (quoted as needed).
void write_rows_csv(const std::filesystem::path& file, const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& rows);

}  // namespace sendcast::io
