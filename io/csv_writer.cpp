#include "io/csv_writer.h"

#include <cstdio>

#include "io/error.h"

namespace sendcast::io {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::ofstream open_csv(const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw InputError({file.string()}, "cannot write file");
  return out;
}

void close_csv(std::ofstream& out, const std::filesystem::path& file) {
  out.flush();
  if (!out) throw InputError({file.string()}, "write failed (disk full?)");
}

void write_rows_csv(const std::filesystem::path& file, const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& rows) {
  std::ofstream out = open_csv(file);
  for (std::size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << header[i];
  out << '\n';
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << '\n';
  }
  close_csv(out, file);
}

}  // namespace sendcast::io
