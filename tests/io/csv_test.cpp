#include "io/csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <zlib.h>

namespace sendcast::io {
namespace {

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CsvTable, ReadsBomQuotesCrlfAndMarkers) {
  const auto t = CsvTable::parse(
      "\xEF\xBB\xBFla_name,ehcplans,pc\r\n\"Bristol, City of\",12,1.5\r\n\"He said "
      "\"\"hi\"\"\",x,low\r\n",
      "t.csv");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.header()[0], "la_name");  // the BOM is not part of the first name
  EXPECT_EQ(t.cell(0, t.column("la_name")), "Bristol, City of");
  EXPECT_EQ(t.cell(1, 0), "He said \"hi\"");
  EXPECT_EQ(t.count(0, 1), 12);
  EXPECT_EQ(t.count(1, 1), std::nullopt);  // x is missing, never zero
  EXPECT_EQ(t.number(1, 2), std::nullopt);
  EXPECT_DOUBLE_EQ(*t.number(0, 2), 1.5);
  EXPECT_EQ(t.line(1), 3);
}

TEST(CsvTable, MarkersAreMissing) {
  for (const char* m : {"x", "z", "c", "low", "u", ":", ""}) EXPECT_TRUE(is_missing_marker(m)) << m;
  EXPECT_FALSE(is_missing_marker("0"));
}

TEST(CsvTable, ColumnsFoundByNameNotPosition) {
  const auto a = CsvTable::parse("a,b\n1,2\n", "a.csv");
  const auto b = CsvTable::parse("b,extra,a\n2,9,1\n", "b.csv");
  EXPECT_EQ(a.count(0, a.column("a")), b.count(0, b.column("a")));
  EXPECT_EQ(a.count(0, a.column("b")), b.count(0, b.column("b")));
}

TEST(CsvTable, NonNumericCellNamesFileLineAndColumn) {
  const auto t = CsvTable::parse("la,ehcplans\nA,1\nB,12a\n", "data/x.csv");
  EXPECT_EQ(message_of([&] { (void)t.count(1, 1); }),
            "data/x.csv:3: column 'ehcplans': expected a count, found \"12a\"");
  EXPECT_EQ(message_of([&] { (void)t.count(0, 0); }),
            "data/x.csv:2: column 'la': expected a count, found \"A\"");
}

TEST(CsvTable, NegativeCountIsAnError) {
  const auto t = CsvTable::parse("n\n-3\n", "n.csv");
  EXPECT_NE(message_of([&] { (void)t.count(0, 0); }).find("n.csv:2: column 'n'"),
            std::string::npos);
}

TEST(CsvTable, MissingColumnIsAnError) {
  const auto t = CsvTable::parse("a,b\n1,2\n", "m.csv");
  EXPECT_EQ(message_of([&] { (void)t.column("ehcplans"); }),
            "m.csv:1: missing required column 'ehcplans'");
}

TEST(CsvTable, TruncatedLineIsAnError) {
  EXPECT_EQ(message_of([] { CsvTable::parse("a,b,c\n1,2,3\n4,5\n", "t.csv"); }),
            "t.csv:3: expected 3 fields, found 2 (truncated or malformed line)");
  EXPECT_NE(
      message_of([] { CsvTable::parse("a,b\n1,\"open\n", "q.csv"); }).find("q.csv:2: unterminated"),
      std::string::npos);
}

TEST(CsvTable, EmptyFileAndLoneBomAreErrors) {
  EXPECT_EQ(message_of([] { CsvTable::parse("", "e.csv"); }),
            "e.csv: file is empty: expected a header line");
  EXPECT_EQ(message_of([] { CsvTable::parse("\xEF\xBB\xBF", "b.csv"); }),
            "b.csv: file is empty: expected a header line");
}

TEST(CsvTable, HugeNumberIsAnError) {
  const auto t = CsvTable::parse("n\n99999999999999999999999\n", "h.csv");
  EXPECT_NE(message_of([&] { (void)t.count(0, 0); }).find("h.csv:2"), std::string::npos);
  const auto u = CsvTable::parse("n\nnan\n", "nan.csv");
  EXPECT_NE(message_of([&] { (void)u.number(0, 0); }).find("nan.csv:2: column 'n'"),
            std::string::npos);
}

TEST(CsvTable, ReadsGzipAndReportsMissingFile) {
  const auto dir = std::filesystem::temp_directory_path() / "sendcast_csv_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "t.csv.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  const std::string text = "a,b\n1,2\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  const auto t = CsvTable::read(path);
  EXPECT_EQ(t.count(0, 1), 2);
  EXPECT_NE(message_of([&] { CsvTable::read(dir / "nope.csv"); }).find("file does not exist"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sendcast::io
