#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>

#include "io/neighbours.h"
#include "io/sen2_tables.h"
#include "io/snpp.h"
#include "io/township.h"

namespace sendcast::io {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() / ("sendcast_readers_" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return path_ / name;
  }

 private:
  fs::path path_;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string SRC = SENDCAST_SOURCE_DIR;

TEST(Snpp, ReadsPublishedLayout) {
  const auto pop =
      read_snpp({SRC + "/data/ons/snpp2022_migcat23_persons_blackcountry_age0-25.csv"});
  const AreaPopulation* dudley = pop.find("E08000027");
  ASSERT_NE(dudley, nullptr);
  EXPECT_EQ(dudley->name, "Dudley");
  EXPECT_DOUBLE_EQ(dudley->by_age.at(2022)[0], 3492.0);
  EXPECT_TRUE(dudley->has_year(2047));
  EXPECT_GT(dudley->all_ages.at(2022), 300000);
  EXPECT_NE(pop.find("E08000028"), nullptr);  // Sandwell
}

TEST(Snpp, AcceptsNinetyAndOverAndSexes) {
  TempDir dir;
  std::string text = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022,2023\n";
  for (const char* sex : {"males", "females"}) {
    for (int a = 0; a <= 25; ++a)
      text += std::string("E1,Test,Population,") + sex + "," + std::to_string(a) + ",10,11\n";
    text += std::string("E1,Test,Population,") + sex + ",90 and over,1,1\n";
    text += std::string("E1,Test,Births,") + sex + ",0,5,5\n";
  }
  const auto pop = read_snpp({dir.write("snpp.csv", text)});
  EXPECT_DOUBLE_EQ(pop.find("E1")->by_age.at(2023)[25], 22.0);  // males + females
}

TEST(Snpp, Errors) {
  TempDir dir;
  const auto missing_age = dir.write(
      "a.csv", "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022\nE1,T,Population,persons,0,5\n");
  EXPECT_NE(
      message_of([&] { read_snpp({missing_age}); }).find("no complete population row for age 1"),
      std::string::npos);
  const auto bad_value = dir.write(
      "b.csv", "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022\nE1,T,Population,persons,0,abc\n");
  EXPECT_NE(
      message_of([&] { read_snpp({bad_value}); }).find("b.csv:2: column '2022': expected a number"),
      std::string::npos);
  const auto no_col = dir.write("c.csv", "AREA_CODE,AREA_NAME,SEX,AGE_GROUP,2022\n");
  EXPECT_NE(message_of([&] { read_snpp({no_col}); }).find("missing required column 'COMPONENT'"),
            std::string::npos);
  const auto bad_age = dir.write(
      "d.csv", "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022\nE1,T,Population,persons,old,1\n");
  EXPECT_NE(message_of([&] { read_snpp({bad_age}); }).find("d.csv:2: column 'AGE_GROUP'"),
            std::string::npos);
}

TEST(Neighbours, DudleysTenNeighbours) {
  const auto sn = read_neighbours(SRC + "/data/neighbours/sn-model-long.csv");
  const auto& d = sn.at("E08000027");
  ASSERT_EQ(d.size(), 10u);
  EXPECT_EQ(d[0].name, "Wakefield");
  EXPECT_EQ(d[9].name, "Lincolnshire");
  EXPECT_EQ(sn.size(), 153u);
}

TEST(Neighbours, DuplicateRankIsAnError) {
  TempDir dir;
  const auto f = dir.write(
      "sn.csv", "la_code,la_name,SN,SN_code,SN_name,SN_prox\nA,a,1,B,b,Close\nA,a,1,C,c,Close\n");
  EXPECT_NE(message_of([&] { read_neighbours(f); }).find("sn.csv:3: column 'SN': duplicate"),
            std::string::npos);
}

TEST(Township, DudleyWardLookupSplitsByWardCount) {
  const auto split =
      read_township_split(SRC + "/data/geography/dudley_ward_to_township_2004wards.csv");
  ASSERT_EQ(split.townships.size(), 5u);
  double total = 0;
  for (double s : split.shares) total += s;
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_EQ(split.townships[0], "Brierley Hill");
  EXPECT_NEAR(split.shares[0], 5.0 / 24.0, 1e-12);
  EXPECT_NE(split.method.find("ward"), std::string::npos);
}

TEST(Township, ExplicitSharesAndErrors) {
  TempDir dir;
  const auto ok = dir.write("s.csv", "township,share\nNorth,3\nSouth,1\n");
  const auto split = read_township_split(ok);
  EXPECT_NEAR(split.shares[0], 0.75, 1e-12);
  const auto neg = dir.write("n.csv", "township,share\nNorth,-1\n");
  EXPECT_NE(message_of([&] { read_township_split(neg); }).find("n.csv:2: column 'share'"),
            std::string::npos);
  const auto dup = dir.write("d.csv", "ward_name,township\nW1,A\nW1,B\n");
  EXPECT_NE(message_of([&] {
              read_township_split(dup);
            }).find("d.csv:3: column 'ward_name': ward listed twice"),
            std::string::npos);
}

TEST(Sen2Tables, MissingDataFileNamesThePath) {
  TempDir dir;
  EXPECT_NE(
      message_of([&] { load_sen2_tables(dir.write("x", "").parent_path()); }).find("caseload.csv"),
      std::string::npos);
}

}  // namespace
}  // namespace sendcast::io
