#include "io/summary_csv.h"

#include <cstdio>
#include <fstream>

#include "io/csv_writer.h"

namespace sendcast::io {

void write_summary_csv(const std::filesystem::path& file, const std::vector<SummaryRow>& rows) {
  std::ofstream out = open_csv(file);
  out << "year,breakdown,category,actual,mean,sd,p05,p10,p25,p50,p75,p90,p95\n";
  for (const auto& r : rows) {
    out << r.year << ',' << r.breakdown << ',' << csv_field(r.category) << ','
        << (r.actual ? format_number(*r.actual) : "");
    if (r.forecast) {
      const auto& f = *r.forecast;
      out << ',' << format_number(f.mean) << ',' << format_number(f.sd);
      for (double q : f.quantiles()) out << ',' << format_number(q);
    } else {
      out << ",,,,,,,,,";
    }
    out << '\n';
  }
  close_csv(out, file);
}

}  // namespace sendcast::io
