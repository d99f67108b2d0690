#include "io/sufficiency_csv.h"

#include "io/csv_writer.h"

namespace sendcast::io {

void write_sufficiency_csv(const std::filesystem::path& file,
                           const std::vector<SufficiencyRow>& rows, bool illustrative) {
  std::ofstream out = open_csv(file);
  out << "year,measure,group,phase,need_area,township,provision,mean,sd,p05,p10,p25,p50,p75,p80,"
         "p90,p95,probability_positive,capacities\n";
  const char* capacities = illustrative ? "illustrative" : "supplied";
  for (const SufficiencyRow& r : rows) {
    const sim::Summary& s = r.summary;
    out << r.year << ',' << r.measure << ',' << r.group << ',' << r.phase << ','
        << csv_field(r.need_area) << ',' << csv_field(r.township) << ',' << csv_field(r.provision)
        << ',' << format_number(s.mean) << ',' << format_number(s.sd) << ',' << format_number(s.p05)
        << ',' << format_number(s.p10) << ',' << format_number(s.p25) << ',' << format_number(s.p50)
        << ',' << format_number(s.p75) << ',' << (r.p80 ? format_number(*r.p80) : "") << ','
        << format_number(s.p90) << ',' << format_number(s.p95) << ','
        << format_number(r.probability_positive) << ',' << capacities << '\n';
  }
  close_csv(out, file);
}

}  // namespace sendcast::io
