#include "io/backtest_csv.h"

#include "io/csv_writer.h"

namespace sendcast::io {

void write_forecasts_csv(const std::filesystem::path& file, const std::vector<ForecastRecord>& rows,
                         bool with_method) {
  std::ofstream out = open_csv(file);
  if (with_method) out << "method,";
  out << "la_code,la_name,origin,target,horizon,measure,actual,mean,p05,p10,p25,p50,p75,p90,p95\n";
  for (const auto& r : rows) {
    if (with_method) out << r.method << ',';
    out << r.la_code << ',' << csv_field(r.la_name) << ',' << r.origin << ',' << r.target << ','
        << r.target - r.origin << ',' << r.measure << ','
        << (r.actual ? format_number(*r.actual) : "") << ',' << format_number(r.forecast.mean);
    for (double q : r.forecast.quantiles()) out << ',' << format_number(q);
    out << '\n';
  }
  close_csv(out, file);
}

void write_metrics_csv(const std::filesystem::path& file, const models::AccuracyTable& table) {
  std::ofstream out = open_csv(file);
  out << "method,measure,horizon,n,mape,median_ape,bias,coverage50,coverage80,coverage90,interval_"
         "score\n";
  for (const auto& [key, forecasts] : table) {
    const auto& [method, measure, horizon] = key;
    const models::AccuracySummary s = models::summarise_accuracy(forecasts);
    out << method << ',' << measure << ',' << horizon << ',' << s.n << ',' << format_number(s.mape)
        << ',' << format_number(s.median_ape) << ',' << format_number(s.bias) << ','
        << format_number(s.coverage50) << ',' << format_number(s.coverage80) << ','
        << format_number(s.coverage90) << ',' << format_number(s.interval_score) << '\n';
  }
  close_csv(out, file);
}

}  // namespace sendcast::io
