#pragma once
// A CSV table read whole into memory, for the published DfE and ONS formats: UTF-8 byte-order
// mark, quoted fields with commas and doubled quotes, LF or CRLF line ends, optional gzip.
// Columns are found by name; cells are read as counts or numbers with the statistical
// markers (x, z, c, low, ...) returned as missing, never as zero.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/error.h"

namespace sendcast::io {

//! Reads a whole file, gunzipping it when the name ends in ".gz". Throws InputError.
std::string read_file_text(const std::filesystem::path& path);

//! True for the published "no number here" markers: x, z, c, low, u, :, .., empty.
bool is_missing_marker(std::string_view cell);

class CsvTable {
 public:
  //! Reads `path` (".csv" or ".csv.gz"); `display_name` is what error messages call it.
  static CsvTable read(const std::filesystem::path& path, std::string display_name = "");
  //! Parses CSV text already in memory; `source` names it in error messages.
  static CsvTable parse(std::string text, std::string source);

  const std::string& source() const { return source_; }
  std::size_t rows() const { return line_.size(); }
  std::size_t columns() const { return header_.size(); }
  const std::vector<std::string>& header() const { return header_; }

  //! Index of a required column; throws "missing required column" naming the file.
  std::size_t column(std::string_view name) const;
  std::optional<std::size_t> find_column(std::string_view name) const;

  std::string_view cell(std::size_t row, std::size_t col) const;
  //! The 1-based line in the file where `row` starts.
  long line(std::size_t row) const { return line_[row]; }
  Location where(std::size_t row) const { return {source_, line_[row]}; }

  //! A count from 0 to a billion, or nullopt for a marker. Throws on anything else.
  std::optional<std::int64_t> count(std::size_t row, std::size_t col) const;
  //! A finite number, or nullopt for a marker. Throws on anything else.
  std::optional<double> number(std::size_t row, std::size_t col) const;
  //! An error about one cell: "<file>:<line>: column '<name>': <what>".
  InputError column_error(std::size_t row, std::size_t col, const std::string& what) const;

 private:
  struct Span {
    std::uint32_t begin;
    std::uint32_t size;
  };
  std::string source_;
  std::string text_;  //!< unescaped cell text, cells back to back
  std::vector<std::string> header_;
  std::vector<Span> cells_;  //!< rows() * columns()
  std::vector<long> line_;
};

}  // namespace sendcast::io
