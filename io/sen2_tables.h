#pragma once
// The published DfE SEN2 tables ("Education, health and care plans"), read whole, with rows
// indexed by area so that building one LA's history does not rescan every file.
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/csv.h"

namespace sendcast::io {

//! One area in the tables: a local authority, a region or England.
struct Area {
  std::string code;      //!< ONS code: E08000027, E12000005 (region), E92000001 (England)
  std::string old_code;  //!< DfE LA number ("332"); empty for regions and England
  std::string name;
  std::string region;  //!< region name; empty for England
  std::string level;   //!< "Local authority", "Regional" or "National"
};

//! One published table and its rows grouped by area code.
class Sen2Table {
 public:
  explicit Sen2Table(CsvTable table);
  const CsvTable& csv() const { return csv_; }
  //! Rows for the area (LA new code, region code, or E92000001), in file order.
  const std::vector<std::size_t>& rows_for(const std::string& area_code) const;
  //! Area code of a row (LA: new_la_code; region: region_code; England: country_code).
  std::string area_code(std::size_t row) const;

 private:
  CsvTable csv_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_area_;
};

//! Every table the engine reads. Files are looked up in the data directory as
//! `sen2/release-2025/<name>.csv[.gz]` and `sen2/release-2022/<name>.csv[.gz]`.
struct Sen2Tables {
  Sen2Table caseload;            //!< 2025 release: caseload.csv
  Sen2Table needs_all_plans;     //!< 2025 release: sen_needs_all_plans.csv
  Sen2Table new_plans;           //!< 2025 release: newplans.csv
  Sen2Table need_new_plans;      //!< 2025 release: sen_need_newplans.csv
  Sen2Table ceased_plans;        //!< 2025 release: ceased_plans.csv
  Sen2Table requests;            //!< 2025 release: requests.csv
  Sen2Table age_caseload_2022;   //!< 2022 release: sen2_age_caseload.csv
  Sen2Table age_new_plans_2022;  //!< 2022 release: sen2_age_new_plans.csv
  Sen2Table mi_2022;             //!< 2022 release: sen2_mi.csv
  std::vector<Area> areas;       //!< every LA, region and England, from caseload.csv
};

//! Reads every table from `data_dir` (in parallel). Throws InputError naming file and line.
Sen2Tables load_sen2_tables(const std::filesystem::path& data_dir);

//! The area named by `query`: ONS code, DfE number, or name (case-insensitive). Throws an
//! InputError listing close matches when there is none.
const Area& find_area(const std::vector<Area>& areas, const std::string& query);

}  // namespace sendcast::io
