#include "io/csv.h"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace sendcast::io {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_gzip(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw InputError({path.string()}, "cannot open file");
  std::string out;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  int err = 0;
  const char* message = gzerror(file, &err);
  const bool failed = n < 0 || (err != Z_OK && err != Z_STREAM_END);
  std::string reason = failed ? message : "";
  // zlib's message starts with the path, which the error names already.
  if (reason.rfind(path.string() + ": ", 0) == 0) reason.erase(0, path.string().size() + 2);
  gzclose(file);
  if (failed) throw InputError({path.string()}, "cannot decompress: " + reason);
  return out;
}

// No published count comes near a billion (England has about 640,000 EHC plans and 12 million
// children); a larger one is a broken file, and sums of such values would overflow downstream.
constexpr std::int64_t MAX_COUNT = 1'000'000'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string read_file_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError({path.string()}, "file does not exist");
  if (std::filesystem::is_directory(path, ec))
    throw InputError({path.string()}, "is a directory, not a file");
  // A device such as /dev/zero never ends: reading it would hang and then exhaust memory.
  if (!std::filesystem::is_regular_file(path, ec) && !std::filesystem::is_fifo(path, ec))
    throw InputError({path.string()}, "is not a regular file");
  if (ends_with(path.string(), ".gz")) return read_gzip(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path.string()}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_missing_marker(std::string_view cell) {
  cell = trim(cell);
  return cell.empty() || cell == "x" || cell == "z" || cell == "c" || cell == "low" ||
         cell == "u" || cell == ":" || cell == ".." || cell == "k" || cell == "~";
}

CsvTable CsvTable::read(const std::filesystem::path& path, std::string display_name) {
  if (display_name.empty()) display_name = path.string();
  std::string text;
  try {
    text = read_file_text(path);
  } catch (const InputError& e) {
    throw InputError({display_name},
                     std::string(e.what()).substr(e.where().to_string().size() + 2));
  }
  return parse(std::move(text), std::move(display_name));
}

CsvTable CsvTable::parse(std::string text, std::string source) {
  CsvTable t;
  t.source_ = std::move(source);
  std::string_view in(text);
  if (in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);
  if (trim(in).empty() || in.find_first_not_of("\r\n \t") == std::string_view::npos)
    throw InputError({t.source_}, "file is empty: expected a header line");
  if (in.size() >= (1ull << 32)) throw InputError({t.source_}, "file too large (over 4 GiB)");
  t.text_.reserve(in.size());

  std::vector<Span> record;
  std::size_t pos = 0;
  long line = 1;
  bool have_header = false;
  while (pos < in.size()) {
    const long record_line = line;
    record.clear();
    bool end_of_record = false;
    while (!end_of_record) {
      const auto begin = static_cast<std::uint32_t>(t.text_.size());
      if (pos < in.size() && in[pos] == '"') {
        ++pos;
        bool closed = false;
        while (pos < in.size()) {
          const char ch = in[pos];
          if (ch == '"') {
            if (pos + 1 < in.size() && in[pos + 1] == '"') {
              t.text_ += '"';
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          if (ch == '\n') ++line;
          t.text_ += ch;
          ++pos;
        }
        if (!closed)
          throw InputError({t.source_, record_line}, "unterminated quoted field (truncated file?)");
        // Anything between the closing quote and the delimiter is an error.
        if (pos < in.size() && in[pos] != ',' && in[pos] != '\n' && in[pos] != '\r')
          throw InputError({t.source_, line}, "unexpected text after a closing quote");
      } else {
        while (pos < in.size() && in[pos] != ',' && in[pos] != '\n' && in[pos] != '\r') {
          t.text_ += in[pos];
          ++pos;
        }
      }
      record.push_back({begin, static_cast<std::uint32_t>(t.text_.size() - begin)});
      if (pos >= in.size()) {
        end_of_record = true;
      } else if (in[pos] == ',') {
        ++pos;
      } else {
        if (in[pos] == '\r') ++pos;
        if (pos < in.size() && in[pos] == '\n') ++pos;
        ++line;
        end_of_record = true;
      }
    }
    const bool blank = record.size() == 1 && record[0].size == 0;
    if (blank) continue;  // blank lines (e.g. a trailing empty line) carry nothing
    if (!have_header) {
      for (const auto& span : record) {
        std::string name(trim(std::string_view(t.text_).substr(span.begin, span.size)));
        t.header_.push_back(name);
      }
      t.text_.clear();
      have_header = true;
      continue;
    }
    if (record.size() != t.header_.size())
      throw InputError({t.source_, record_line},
                       "expected " + std::to_string(t.header_.size()) + " fields, found " +
                           std::to_string(record.size()) + " (truncated or malformed line)");
    t.cells_.insert(t.cells_.end(), record.begin(), record.end());
    t.line_.push_back(record_line);
  }
  if (!have_header) throw InputError({t.source_}, "file is empty: expected a header line");
  return t;
}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::size_t CsvTable::column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  throw InputError({source_, 1}, "missing required column '" + std::string(name) + "'");
}

InputError CsvTable::column_error(std::size_t row, std::size_t col, const std::string& what) const {
  return InputError(where(row), "column '" + header_[col] + "': " + what);
}

std::string_view CsvTable::cell(std::size_t row, std::size_t col) const {
  const Span s = cells_[row * header_.size() + col];
  return std::string_view(text_).substr(s.begin, s.size);
}

std::optional<std::int64_t> CsvTable::count(std::size_t row, std::size_t col) const {
  const std::string_view raw = trim(cell(row, col));
  if (is_missing_marker(raw)) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (ec == std::errc::result_out_of_range)
    throw column_error(row, col, "count out of range: " + in_quotes(raw));
  if (ec != std::errc() || end != raw.data() + raw.size()) {
    // Published counts are integers, but some files write them as "12.0".
    double d = 0;
    auto [end2, ec2] = std::from_chars(raw.data(), raw.data() + raw.size(), d);
    if (ec2 != std::errc() || end2 != raw.data() + raw.size() || !std::isfinite(d) ||
        d != std::floor(d) || std::fabs(d) > 9e15)
      throw column_error(row, col, "expected a count, found " + in_quotes(raw));
    value = static_cast<std::int64_t>(d);
  }
  if (value < 0) throw column_error(row, col, "expected a count, found " + in_quotes(raw));
  if (value > MAX_COUNT)
    throw column_error(row, col,
                       "count out of range: " + in_quotes(raw) + " (more than a billion)");
  return value;
}

std::optional<double> CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string_view raw = trim(cell(row, col));
  if (is_missing_marker(raw)) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (ec != std::errc() || end != raw.data() + raw.size() || !std::isfinite(value))
    throw column_error(row, col, "expected a number, found " + in_quotes(raw));
  return value;
}

}  // namespace sendcast::io
