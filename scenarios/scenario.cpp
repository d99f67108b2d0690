#include "scenarios/scenario.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>

#include "io/error.h"
#include "io/hash.h"

namespace sendcast::scenarios {

namespace fs = std::filesystem;

namespace {

constexpr bool REQUIRED = true;
constexpr bool OPTIONAL = false;
constexpr long FIRST_YEAR = 2000;  //!< earliest census year a scenario may name
constexpr long LATEST_START = 2100;

// ---------------------------------------------------------------------------------------------
// Small text helpers for messages.

template <class Words>
std::string join(const Words& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string quoted_path(const fs::path& path) {
  return "\"" + path.generic_string() + "\"";
}

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
  }
  return "value";
}

Location location_of(const toml::source_region& source, const Location& fallback) {
  if (!source.path || source.path->empty()) return fallback;
  return Location{*source.path, static_cast<long>(source.begin.line)};
}

// ---------------------------------------------------------------------------------------------
// Field: one value of the resolved table, with what an error needs to point at it.

struct Context {
  Location file;      //!< the top scenario file, line 0: for errors about the whole file
  fs::path base_dir;  //!< its absolute folder, against which relative paths resolve
};

//! A value and its dotted key. Its file and line are its own (an included file's when it
//! came from there), because merging moves nodes with their source positions.
class Field {
 public:
  Field(const toml::node& node, std::string key, const Context& context)
      : node_(&node), key_(std::move(key)), context_(&context) {}

  const std::string& key() const { return key_; }
  Location where() const { return location_of(node_->source(), context_->file); }
  const Location& whole_file() const { return context_->file; }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(where(), key_, what); }
  void check(bool ok, const std::string& what) const {
    if (!ok) fail(what);
  }

  Field child(const toml::node& node, std::string_view key) const {
    return Field(node, key_.empty() ? std::string(key) : key_ + "." + std::string(key), *context_);
  }
  //! The member `key` of this table, or the table itself (keyed as the member) when absent.
  Field member(std::string_view key) const {
    const toml::table* table = node_->as_table();
    const toml::node* node = table ? table->get(key) : nullptr;
    return child(node ? *node : *node_, key);
  }
  //! Elements share their array's key: the line tells them apart.
  Field element(const toml::node& node) const { return Field(node, key_, *context_); }
  std::vector<Field> elements() const {
    const toml::array* array = node_->as_array();
    if (!array) wrong_type("an array");
    std::vector<Field> out;
    for (const toml::node& node : *array) out.push_back(element(node));
    return out;
  }

  const toml::table& table() const {
    const toml::table* table = node_->as_table();
    if (!table) wrong_type("a table ([" + key_ + "])");
    return *table;
  }
  const toml::array& table_array() const {
    const toml::array* array = node_->as_array();
    if (!array) wrong_type("an array of tables ([[" + key_ + "]])");
    check(array->empty() || array->is_array_of_tables(),
          "expected an array of tables ([[" + key_ + "]]), found an array of other values");
    return *array;
  }
  std::string string() const {
    const toml::value<std::string>* value = node_->as_string();
    if (!value) wrong_type("a string");
    return value->get();
  }
  std::string non_empty_string() const {
    std::string text = string();
    check(!text.empty(), "expected a non-empty string");
    return text;
  }
  bool boolean() const {
    const toml::value<bool>* value = node_->as_boolean();
    if (!value) wrong_type("true or false");
    return value->get();
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const {
    const toml::value<std::int64_t>* value = node_->as_integer();
    if (!value) wrong_type("an integer");
    check_range(where(), key_, value->get(), lo, hi);
    return value->get();
  }
  //! A float key takes an integer too: `factor = 1` is what people write.
  double number(double lo, double hi) const {
    double value = 0;
    if (const auto* real = node_->as_floating_point())
      value = real->get();
    else if (const auto* whole = node_->as_integer())
      value = static_cast<double>(whole->get());
    else
      wrong_type("a number");
    const std::string range = std::isinf(hi) ? ">= " + number_text(lo)
                                             : "from " + number_text(lo) + " to " + number_text(hi);
    check(std::isfinite(value) && value >= lo && value <= hi,
          "expected a number " + range + ", found " + number_text(value));
    return value;
  }
  //! Relative to the top scenario file's folder (included files' paths were rebased to it).
  fs::path path() const {
    const std::string text = string();
    if (text.empty()) return {};
    return (context_->base_dir / text).lexically_normal();
  }
  std::vector<fs::path> paths() const {
    std::vector<fs::path> out;
    for (const Field& element : elements()) {
      out.push_back(element.path());
      element.check(!out.back().empty(), "expected a file path, found an empty string");
    }
    return out;
  }

 private:
  [[noreturn]] void wrong_type(std::string_view expected) const {
    fail("expected " + std::string(expected) + ", found " + std::string(type_name(node_->type())));
  }

  const toml::node* node_;
  std::string key_;
  const Context* context_;
};

// ---------------------------------------------------------------------------------------------
// Readers for the domain vocabularies.

std::optional<NeedArea> parse_need_area(std::string_view code) {
  for (int i = 0; i < N_NEED_AREAS; ++i) {
    const std::string_view area = NEED_AREA_CODES[i];
    const bool same =
        std::equal(area.begin(), area.end(), code.begin(), code.end(),
                   [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); });
    if (same) return static_cast<NeedArea>(i);
  }
  return std::nullopt;
}

std::array<bool, N_NEEDS> read_needs(const Field& field) {
  std::array<bool, N_NEEDS> out{};
  const std::vector<Field> codes = field.elements();
  field.check(!codes.empty(), "empty list: leave the key out to mean every need");
  for (const Field& element : codes) {
    const std::string code = element.string();
    if (const std::optional<Need> need = parse_need(code)) {
      out[static_cast<int>(*need)] = true;
      continue;
    }
    const std::optional<NeedArea> area = parse_need_area(code);
    element.check(area.has_value(), "unknown need " + in_quotes(code) + "; expected a SEN2 code (" +
                                        join(NEED_CODES) + ") or a broad area (" +
                                        join(NEED_AREA_CODES) + ")");
    for (int n = 0; n < N_NEEDS; ++n)
      if (need_area(static_cast<Need>(n)) == *area) out[n] = true;
  }
  return out;
}

Placement read_placement(const Field& field) {
  const std::string code = field.string();
  const std::optional<Placement> placement = parse_placement(code);
  field.check(placement.has_value(), "unknown placement group " + in_quotes(code) +
                                         "; expected one of " + join(PLACEMENT_CODES));
  return *placement;
}

std::array<bool, N_PLACEMENTS> read_placements(const Field& field) {
  std::array<bool, N_PLACEMENTS> out{};
  const std::vector<Field> codes = field.elements();
  field.check(!codes.empty(), "empty list: leave the key out to mean every placement group");
  for (const Field& element : codes) out[static_cast<int>(read_placement(element))] = true;
  return out;
}

std::pair<int, int> read_ages(const Field& field) {
  const std::vector<Field> ends = field.elements();
  field.check(ends.size() == 2,
              "expected [min, max], two ages, found " + std::to_string(ends.size()) + " values");
  const int lo = static_cast<int>(ends[0].integer(0, MAX_AGE));
  const int hi = static_cast<int>(ends[1].integer(0, MAX_AGE));
  field.check(lo <= hi,
              "min age " + std::to_string(lo) + " is above max age " + std::to_string(hi));
  return {lo, hi};
}

int read_year(const Field& field) {
  return static_cast<int>(field.integer(FIRST_YEAR, LAST_YEAR));
}

TrendModel read_trend_model(const Field& field) {
  const std::string name = field.string();
  const auto* found = std::find(TREND_MODEL_NAMES.begin(), TREND_MODEL_NAMES.end(), name);
  field.check(found != TREND_MODEL_NAMES.end(), "unknown trend model " + in_quotes(name) +
                                                    "; expected one of " + join(TREND_MODEL_NAMES));
  return static_cast<TrendModel>(found - TREND_MODEL_NAMES.begin());
}

int read_start_year(const Field& field) {
  const auto year = field.integer(0, LATEST_START);
  field.check(year == 0 || year >= FIRST_YEAR,
              "expected 0 (the latest census in the data) or a census year from " +
                  std::to_string(FIRST_YEAR) + ", found " + std::to_string(year));
  return static_cast<int>(year);
}

double read_damping(const Field& field) {
  const double phi = field.number(0, 1);
  field.check(phi > 0, "expected a number in (0, 1], found 0: use trend.model = \"flat\"");
  return phi;
}

io::ProvisionType read_provision_type(const Field& field) {
  const std::string code = field.string();
  const std::optional<io::ProvisionType> type = io::parse_provision_type(code);
  field.check(type.has_value(), "unknown provision type " + in_quotes(code) + "; expected one of " +
                                    join(io::PROVISION_TYPE_CODES));
  return *type;
}

CapacityOverflow read_overflow(const Field& field) {
  const std::string name = field.string();
  const auto* found =
      std::find(CAPACITY_OVERFLOW_NAMES.begin(), CAPACITY_OVERFLOW_NAMES.end(), name);
  field.check(
      found != CAPACITY_OVERFLOW_NAMES.end(),
      "unknown overflow " + in_quotes(name) + "; expected one of " + join(CAPACITY_OVERFLOW_NAMES));
  return static_cast<CapacityOverflow>(found - CAPACITY_OVERFLOW_NAMES.begin());
}

//! A provision's designated needs: SEN2 codes, broad areas or "any", as in the register.
void read_designation(const Field& field, io::Provision& p) {
  const std::vector<Field> words = field.elements();
  field.check(!words.empty(), "empty list: give the designated needs, or [\"any\"]");
  p.designation = {};
  p.needs.clear();
  for (const Field& element : words) {
    const std::string word = element.string();
    element.check(io::add_designation(word, p.designation),
                  "unknown need " + in_quotes(word) + "; expected " + io::designation_words());
    p.needs += (p.needs.empty() ? "" : ";") + word;
  }
}

// ---------------------------------------------------------------------------------------------
// Option tables: one per section, each key with whether it is required and how it is read.
// read_section rejects keys not in the table, so the tables are the schema.

template <class Target>
struct Option {
  std::string_view key;
  bool required = false;
  void (*read)(const Field& field, Target& out) = nullptr;
};

template <class Target, std::size_t N, std::size_t M>
constexpr std::array<Option<Target>, N + M> concat(const std::array<Option<Target>, N>& a,
                                                   const std::array<Option<Target>, M>& b) {
  std::array<Option<Target>, N + M> out{};
  std::copy(a.begin(), a.end(), out.begin());
  std::copy(b.begin(), b.end(), out.begin() + N);
  return out;
}

template <class Target, std::size_t N>
void read_section(const Field& field, const std::array<Option<Target>, N>& options, Target& out) {
  const toml::table& table = field.table();
  std::vector<std::string_view> allowed;
  for (const Option<Target>& option : options) allowed.push_back(option.key);
  for (auto&& [key, node] : table) {
    const bool known = std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end();
    if (!known) field.child(node, key.str()).fail("unknown key; allowed keys are " + join(allowed));
  }
  for (const Option<Target>& option : options) {
    if (const toml::node* node = table.get(option.key)) {
      option.read(field.child(*node, option.key), out);
    } else if (option.required) {
      const Field missing = field.member(option.key);
      // A missing top-level key is about the whole file, not the line the table starts on.
      const std::string what = "required key is missing";
      if (field.key().empty()) throw InputError(field.whole_file(), missing.key(), what);
      missing.fail(what);
    }
  }
}

// from_year 0 means start_year + 1; with start_year 0 (not yet known) it bounds nothing.
int first_year(int from_year, int start_year) {
  if (from_year != 0) return from_year;
  return start_year != 0 ? start_year + 1 : 0;
}

void check_years(const Field& item, int from_year, int to_year, int start_year) {
  const int first = first_year(from_year, start_year);
  if (first == 0 || to_year >= first) return;
  const std::string after = from_year != 0 ? "from_year " + std::to_string(from_year)
                                           : "the first projected year " + std::to_string(first);
  item.member("to_year").fail("to_year " + std::to_string(to_year) + " is before " + after);
}

void check_consistent(const Field& item, const RateMultiplier& multiplier, int start_year) {
  check_years(item, multiplier.from_year, multiplier.to_year, start_year);
}

void check_consistent(const Field& item, const PlacementShift& shift, int start_year) {
  check_years(item, shift.from_year, shift.to_year, start_year);
  item.member("to").check(shift.from != shift.to, "same placement group as 'from'");
}

void check_consistent(const Field& item, CapacityChange& change, int) {
  const bool has_places = item.table().contains("places");
  item.check(has_places != change.close,
             has_places ? "give either places (a change such as +24) or close = true, not both"
                        : "expected places (a change such as +24 or -6) or close = true");
  if (has_places) item.member("places").check(change.places != 0, "a change of 0 places");
  change.where = item.where();
}

void check_consistent(const Field& item, io::Provision& p, int) {
  item.member("age_max").check(
      p.age_min <= p.age_max,
      "age_max " + std::to_string(p.age_max) + " is below age_min " + std::to_string(p.age_min));
  if (p.opens != 0 && p.closes != 0)
    item.member("closes").check(
        p.closes > p.opens,
        "closes " + std::to_string(p.closes) + " is not after opens " + std::to_string(p.opens));
  p.where = item.where();
}

//! Reads [[key]] elements in order. start_year is known by then: ROOT_OPTIONS reads it before
//! the sections that hold table arrays.
template <class Target, std::size_t N>
std::vector<Target> read_table_array(const Field& field,
                                     const std::array<Option<Target>, N>& options, int start_year) {
  std::vector<Target> out;
  for (const toml::node& node : field.table_array()) {
    const Field item = field.element(node);
    Target target;
    read_section(item, options, target);
    check_consistent(item, target, start_year);
    out.push_back(target);
  }
  return out;
}

// Keys shared by multipliers and shifts.
template <class Target>
void read_from_year(const Field& field, Target& out) {
  out.from_year = read_year(field);
}
template <class Target>
void read_to_year(const Field& field, Target& out) {
  out.to_year = read_year(field);
}
template <class Target>
void read_age_range(const Field& field, Target& out) {
  std::tie(out.age_min, out.age_max) = read_ages(field);
}

constexpr auto JOINER_MULTIPLIER_OPTIONS = std::to_array<Option<RateMultiplier>>({
    {"factor", REQUIRED,
     [](const Field& f, RateMultiplier& m) {
       m.factor = f.number(0, std::numeric_limits<double>::infinity());
     }},
    {"from_year", OPTIONAL, read_from_year<RateMultiplier>},
    {"to_year", OPTIONAL, read_to_year<RateMultiplier>},
    {"needs", OPTIONAL, [](const Field& f, RateMultiplier& m) { m.needs = read_needs(f); }},
    {"ages", OPTIONAL, read_age_range<RateMultiplier>},
});

// Leavers have a placement (joiners get theirs after joining), so only they can filter on it.
constexpr auto LEAVER_MULTIPLIER_OPTIONS =
    concat(JOINER_MULTIPLIER_OPTIONS,
           std::to_array<Option<RateMultiplier>>({
               {"placements", OPTIONAL,
                [](const Field& f, RateMultiplier& m) { m.placements = read_placements(f); }},
           }));

constexpr auto PLACEMENT_SHIFT_OPTIONS = std::to_array<Option<PlacementShift>>({
    {"from", REQUIRED, [](const Field& f, PlacementShift& s) { s.from = read_placement(f); }},
    {"to", REQUIRED, [](const Field& f, PlacementShift& s) { s.to = read_placement(f); }},
    {"share", REQUIRED, [](const Field& f, PlacementShift& s) { s.share = f.number(0, 1); }},
    {"from_year", OPTIONAL, read_from_year<PlacementShift>},
    {"to_year", OPTIONAL, read_to_year<PlacementShift>},
    {"ages", OPTIONAL, read_age_range<PlacementShift>},
});

constexpr auto CAPACITY_CHANGE_OPTIONS = std::to_array<Option<CapacityChange>>({
    {"id", REQUIRED, [](const Field& f, CapacityChange& c) { c.id = f.non_empty_string(); }},
    {"year", REQUIRED, [](const Field& f, CapacityChange& c) { c.year = read_year(f); }},
    {"places", OPTIONAL,
     [](const Field& f, CapacityChange& c) {
       c.places = static_cast<int>(f.integer(-100'000, 100'000));
     }},
    {"close", OPTIONAL, [](const Field& f, CapacityChange& c) { c.close = f.boolean(); }},
});

int read_age(const Field& field) {
  return static_cast<int>(field.integer(0, MAX_AGE));
}

constexpr auto CAPACITY_ADD_OPTIONS = std::to_array<Option<io::Provision>>({
    {"id", REQUIRED, [](const Field& f, io::Provision& p) { p.id = f.non_empty_string(); }},
    {"name", REQUIRED, [](const Field& f, io::Provision& p) { p.name = f.non_empty_string(); }},
    {"type", REQUIRED, [](const Field& f, io::Provision& p) { p.type = read_provision_type(f); }},
    {"township", REQUIRED,
     [](const Field& f, io::Provision& p) { p.township = f.non_empty_string(); }},
    {"age_min", REQUIRED, [](const Field& f, io::Provision& p) { p.age_min = read_age(f); }},
    {"age_max", REQUIRED, [](const Field& f, io::Provision& p) { p.age_max = read_age(f); }},
    {"needs", REQUIRED, read_designation},
    {"places", REQUIRED,
     [](const Field& f, io::Provision& p) { p.places = static_cast<int>(f.integer(0, 100'000)); }},
    {"opens", OPTIONAL, [](const Field& f, io::Provision& p) { p.opens = read_year(f); }},
    {"closes", OPTIONAL, [](const Field& f, io::Provision& p) { p.closes = read_year(f); }},
    {"place_funding", OPTIONAL,
     [](const Field& f,
        io::Provision&
            p) { p.place_funding = f.number(0, std::numeric_limits<double>::infinity()); }},
    {"top_up", OPTIONAL,
     [](const Field& f,
        io::Provision& p) { p.top_up = f.number(0, std::numeric_limits<double>::infinity()); }},
});

constexpr auto CAPACITY_POLICY_OPTIONS = std::to_array<Option<CapacitySection>>({
    {"divert_to_resourced_provision", OPTIONAL,
     [](const Field& f, CapacitySection& c) { c.divert_to_resourced_provision = f.number(0, 1); }},
});

//! [[capacity.add]] ids must be unique among themselves (the register is checked later).
void read_additions(const Field& field, Scenario& s) {
  s.capacity.additions = read_table_array(field, CAPACITY_ADD_OPTIONS, s.start_year);
  const std::vector<Field> items = field.elements();
  for (std::size_t i = 0; i < items.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      items[i].member("id").check(s.capacity.additions[i].id != s.capacity.additions[j].id,
                                  "duplicate id " + in_quotes(s.capacity.additions[i].id));
}

constexpr auto CAPACITY_OPTIONS = std::to_array<Option<Scenario>>({
    {"register", OPTIONAL,
     [](const Field& f, Scenario& s) { s.capacity.register_file = f.path(); }},
    {"overflow", OPTIONAL,
     [](const Field& f, Scenario& s) { s.capacity.overflow = read_overflow(f); }},
    {"change", OPTIONAL,
     [](const Field& f, Scenario& s) {
       s.capacity.changes = read_table_array(f, CAPACITY_CHANGE_OPTIONS, s.start_year);
     }},
    {"add", OPTIONAL, read_additions},
    {"policy", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, CAPACITY_POLICY_OPTIONS, s.capacity); }},
});

// [finance]: money is never negative; a known gap is a difference and may be.
constexpr double NO_LIMIT = std::numeric_limits<double>::infinity();

double read_money(const Field& field) {
  return field.number(0, NO_LIMIT);
}

double read_rate(const Field& field) {
  return field.number(-0.5, 0.5);
}

int read_financial_year(const Field& field) {
  const std::string label = field.string();
  const std::optional<int> year = models::parse_financial_year(label);
  field.check(year.has_value() && *year >= FIRST_YEAR && *year < LAST_YEAR,
              "expected a financial year like \"2025-26\", found " + in_quotes(label));
  return *year;
}

struct KnownGap {
  int year = 0;
  double gap_gbp = 0;
};

void check_consistent(const Field&, KnownGap&, int) {}

void check_consistent(const Field& item, models::UnitCostOverride& o, int) {
  item.check(o.place_gbp || o.top_up_gbp || o.fee_gbp || o.inflation,
             "give at least one of place_gbp, top_up_gbp, fee_gbp, inflation");
}

std::array<bool, N_NEED_AREAS> read_cost_need_area(const Field& field) {
  const std::string code = field.string();
  if (code == "all") return {true, true, true, true};
  const std::optional<NeedArea> area = parse_need_area(code);
  field.check(area.has_value(), "unknown need area " + in_quotes(code) + "; expected one of " +
                                    join(NEED_AREA_CODES) + " or all");
  std::array<bool, N_NEED_AREAS> out{};
  out[static_cast<int>(*area)] = true;
  return out;
}

constexpr auto KNOWN_GAP_OPTIONS = std::to_array<Option<KnownGap>>({
    {"year", REQUIRED, [](const Field& f, KnownGap& g) { g.year = read_financial_year(f); }},
    {"gap_gbp", REQUIRED,
     [](const Field& f, KnownGap& g) { g.gap_gbp = f.number(-NO_LIMIT, NO_LIMIT); }},
});

using models::UnitCostOverride;
constexpr auto UNIT_COST_OPTIONS = std::to_array<Option<UnitCostOverride>>({
    {"placement", REQUIRED,
     [](const Field& f, UnitCostOverride& o) { o.placement = read_placement(f); }},
    {"need_area", OPTIONAL,
     [](const Field& f, UnitCostOverride& o) { o.need_areas = read_cost_need_area(f); }},
    {"place_gbp", OPTIONAL,
     [](const Field& f, UnitCostOverride& o) { o.place_gbp = read_money(f); }},
    {"top_up_gbp", OPTIONAL,
     [](const Field& f, UnitCostOverride& o) { o.top_up_gbp = read_money(f); }},
    {"fee_gbp", OPTIONAL, [](const Field& f, UnitCostOverride& o) { o.fee_gbp = read_money(f); }},
    {"inflation", OPTIONAL,
     [](const Field& f, UnitCostOverride& o) { o.inflation = read_rate(f); }},
});

using models::TransportCosts;
constexpr auto TRANSPORT_OPTIONS = std::to_array<Option<TransportCosts>>({
    {"per_child_gbp", OPTIONAL,
     [](const Field& f, TransportCosts& t) { t.per_child_gbp = read_money(f); }},
    {"per_km_gbp", OPTIONAL,
     [](const Field& f, TransportCosts& t) { t.per_km_gbp = read_money(f); }},
    {"independent_km", OPTIONAL,
     [](const Field& f, TransportCosts& t) { t.independent_km = f.number(0, 1000); }},
    {"inflation", OPTIONAL, [](const Field& f, TransportCosts& t) { t.inflation = read_rate(f); }},
    {"prices", OPTIONAL,
     [](const Field& f, TransportCosts& t) { t.prices = read_financial_year(f); }},
});

using models::FinanceAssumptions;
constexpr auto FINANCE_OPTIONS = std::to_array<Option<FinanceAssumptions>>({
    {"cost_table", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) {
       a.cost_table_file = f.path().string();
       f.check(!a.cost_table_file.empty(), "expected a file path, found an empty string");
     }},
    {"allocations", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) {
       a.allocations_file = f.path().string();
       f.check(!a.allocations_file.empty(), "expected a file path, found an empty string");
     }},
    {"income_growth", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) { a.income_growth = read_rate(f); }},
    {"opening_year", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) { a.opening_year = read_financial_year(f); }},
    {"opening_deficit_gbp", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) { a.opening_deficit_gbp = read_money(f); }},
    {"deficit_threshold_gbp", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) { a.deficit_threshold_gbp = read_money(f); }},
    {"known_gap", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) {
       a.known_gaps.clear();
       const std::vector<KnownGap> gaps = read_table_array(f, KNOWN_GAP_OPTIONS, 0);
       const std::vector<Field> items = f.elements();
       for (std::size_t i = 0; i < gaps.size(); ++i) {
         for (const auto& [year, gap] : a.known_gaps)
           items[i].member("year").check(
               year != gaps[i].year,
               "duplicate year " + models::financial_year_label(gaps[i].year));
         a.known_gaps.emplace_back(gaps[i].year, gaps[i].gap_gbp);
       }
     }},
    {"unit_cost", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) {
       a.unit_costs = read_table_array(f, UNIT_COST_OPTIONS, 0);
     }},
    {"transport", OPTIONAL,
     [](const Field& f, FinanceAssumptions& a) {
       read_section(f, TRANSPORT_OPTIONS, a.transport);
     }},
});

constexpr auto POPULATION_OPTIONS = std::to_array<Option<PopulationSection>>({
    {"files", OPTIONAL, [](const Field& f, PopulationSection& p) { p.files = f.paths(); }},
    {"use", OPTIONAL, [](const Field& f, PopulationSection& p) { p.use = f.boolean(); }},
});

constexpr auto TOWNSHIPS_OPTIONS = std::to_array<Option<TownshipsSection>>({
    {"split_file", OPTIONAL, [](const Field& f, TownshipsSection& t) { t.split_file = f.path(); }},
    {"centres_file", OPTIONAL,
     [](const Field& f, TownshipsSection& t) { t.centres_file = f.path(); }},
});

constexpr auto TREND_OPTIONS = std::to_array<Option<TrendSection>>({
    {"model", OPTIONAL, [](const Field& f, TrendSection& t) { t.model = read_trend_model(f); }},
    {"damping", OPTIONAL, [](const Field& f, TrendSection& t) { t.damping = read_damping(f); }},
    {"long_run_growth", OPTIONAL,
     [](const Field& f, TrendSection& t) { t.long_run_growth = f.number(-0.5, 0.5); }},
    {"fit_years", OPTIONAL,
     [](const Field& f, TrendSection& t) { t.fit_years = static_cast<int>(f.integer(3, 15)); }},
    {"converge_years", OPTIONAL,
     [](const Field& f, TrendSection& t) {
       t.converge_years = static_cast<int>(f.integer(1, 30));
     }},
});

constexpr auto JOINERS_OPTIONS = std::to_array<Option<Scenario>>({
    {"multiplier", OPTIONAL,
     [](const Field& f, Scenario& s) {
       s.joiner_multipliers = read_table_array(f, JOINER_MULTIPLIER_OPTIONS, s.start_year);
     }},
    {"placement_shift", OPTIONAL,
     [](const Field& f, Scenario& s) {
       s.placement_shifts = read_table_array(f, PLACEMENT_SHIFT_OPTIONS, s.start_year);
     }},
});

constexpr auto LEAVERS_OPTIONS = std::to_array<Option<Scenario>>({
    {"multiplier", OPTIONAL,
     [](const Field& f, Scenario& s) {
       s.leaver_multipliers = read_table_array(f, LEAVER_MULTIPLIER_OPTIONS, s.start_year);
     }},
});

// Read in this order: start_year before joiners and leavers, whose years are checked against it.
constexpr auto ROOT_OPTIONS = std::to_array<Option<Scenario>>({
    {"name", REQUIRED, [](const Field& f, Scenario& s) { s.name = f.non_empty_string(); }},
    {"description", OPTIONAL, [](const Field& f, Scenario& s) { s.description = f.string(); }},
    {"la", OPTIONAL, [](const Field& f, Scenario& s) { s.la = f.non_empty_string(); }},
    {"start_year", OPTIONAL,
     [](const Field& f, Scenario& s) { s.start_year = read_start_year(f); }},
    {"years", OPTIONAL,
     [](const Field& f, Scenario& s) { s.years = static_cast<int>(f.integer(1, 30)); }},
    {"runs", OPTIONAL,
     [](const Field& f, Scenario& s) { s.runs = static_cast<int>(f.integer(1, 10'000'000)); }},
    {"seed", OPTIONAL,
     [](const Field& f, Scenario& s) {
       s.seed = static_cast<std::uint64_t>(f.integer(0, std::numeric_limits<std::int64_t>::max()));
     }},
    // Consumed (and removed) by resolve_includes; listed so that it is a known key.
    {"include", OPTIONAL, [](const Field&, Scenario&) {}},
    {"population", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, POPULATION_OPTIONS, s.population); }},
    {"townships", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, TOWNSHIPS_OPTIONS, s.townships); }},
    {"trend", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, TREND_OPTIONS, s.trend); }},
    {"joiners", OPTIONAL, [](const Field& f, Scenario& s) { read_section(f, JOINERS_OPTIONS, s); }},
    {"leavers", OPTIONAL, [](const Field& f, Scenario& s) { read_section(f, LEAVERS_OPTIONS, s); }},
    {"capacity", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, CAPACITY_OPTIONS, s); }},
    {"finance", OPTIONAL,
     [](const Field& f, Scenario& s) { read_section(f, FINANCE_OPTIONS, s.finance); }},
});

// ---------------------------------------------------------------------------------------------
// Files and includes.

fs::path absolute_dir(const fs::path& file) {
  return fs::absolute(file).lexically_normal().parent_path();
}

//! What a cycle check compares: the real file where it exists, else the normalised path.
fs::path identity(const fs::path& file) {
  std::error_code error;
  fs::path real = fs::weakly_canonical(file, error);
  return error ? fs::absolute(file).lexically_normal() : real;
}

//! Empty if `file` can be read, else why not.
std::string why_unreadable(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) return "no such file";
  if (fs::is_directory(file, error)) return "is a folder, not a file";
  // A device such as /dev/zero never ends: reading it would hang and then exhaust memory.
  if (!fs::is_regular_file(file, error) && !fs::is_fifo(file, error))
    return "is not a regular file";
  if (!std::ifstream(file)) return "cannot be opened";
  return {};
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

toml::table parse_toml(std::string_view text, const fs::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& error) {
    const Location where{file.string(), static_cast<long>(error.source().begin.line)};
    throw InputError(where, "TOML syntax: " + std::string(error.description()));
  }
}

// Keys whose values are file paths, each relative to the file that wrote it. An included
// file's paths are rewritten relative to the top file's folder, so the merged table resolves
// against one folder and source_text holds no machine-specific absolute path.
constexpr std::array<std::string_view, 6> PATH_KEYS = {
    "population.files",  "townships.split_file", "townships.centres_file",
    "capacity.register", "finance.cost_table",   "finance.allocations"};

void rebase(toml::node& node, const fs::path& from_dir, const fs::path& to_dir) {
  toml::value<std::string>* value = node.as_string();
  if (!value || value->get().empty() || fs::path(value->get()).is_absolute()) return;
  const fs::path path = (from_dir / value->get()).lexically_normal();
  value->get() = path.lexically_relative(to_dir).generic_string();
}

void rebase_paths(toml::table& table, const fs::path& from_dir, const fs::path& to_dir) {
  if (from_dir == to_dir) return;
  for (std::string_view key : PATH_KEYS) {
    toml::node* node = table.at_path(key).node();
    if (!node) continue;
    if (toml::array* array = node->as_array())
      for (toml::node& element : *array) rebase(element, from_dir, to_dir);
    else
      rebase(*node, from_dir, to_dir);
  }
}

bool is_table_array(const toml::node& node) {
  const toml::array* array = node.as_array();
  return array && !array->empty() && array->is_array_of_tables();
}

// Deep merge, the including file winning: tables merge key by key, arrays of tables append
// after the base's (a variant adds multipliers to its base's), anything else replaces. Nodes
// are moved, never copied, because a toml++ copy drops the source position errors point at.
void merge_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, node] : overlay) {
    toml::node* existing = base.get(key);
    if (existing && existing->is_table() && node.is_table()) {
      merge_into(*existing->as_table(), std::move(*node.as_table()));
    } else if (existing && is_table_array(*existing) && is_table_array(node)) {
      for (toml::node& element : *node.as_array())
        existing->as_array()->push_back(std::move(element));
    } else {
      base.erase(key);  // so that the key's position, too, is this file's
      base.insert(key, std::move(node));
    }
  }
}

std::string chain_text(const std::vector<fs::path>& chain, const fs::path& last) {
  std::string out;
  for (const fs::path& file : chain) out += file.generic_string() + " -> ";
  return out + last.generic_string();
}

//! Replaces `include` by the merged base, recursively. `chain` is the files being included.
toml::table resolve_includes(toml::table table, const fs::path& file, const fs::path& root_dir,
                             std::vector<fs::path>& chain) {
  rebase_paths(table, absolute_dir(file), root_dir);
  const toml::node* include = table.get("include");
  if (!include) return table;
  const Context context{Location{file.string()}, root_dir};
  const Field field(*include, "include", context);
  const fs::path base_file = (file.parent_path() / field.non_empty_string()).lexically_normal();
  chain.push_back(file);
  for (const fs::path& seen : chain)
    field.check(identity(seen) != identity(base_file),
                "include cycle: " + chain_text(chain, base_file));
  const std::string why = why_unreadable(base_file);
  field.check(why.empty(), "cannot read " + quoted_path(base_file) + ": " + why);
  toml::table base =
      resolve_includes(parse_toml(read_text(base_file), base_file), base_file, root_dir, chain);
  chain.pop_back();
  table.erase("include");
  merge_into(base, std::move(table));
  return base;
}

std::string canonical_text(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter(table) << '\n';
  return out.str();
}

Scenario read_scenario(const toml::table& table, const fs::path& file) {
  const Context context{Location{file.string()}, absolute_dir(file)};
  Scenario scenario;
  read_section(Field(table, "", context), ROOT_OPTIONS, scenario);
  scenario.file = file;
  scenario.source_text = canonical_text(table);
  scenario.hash = io::hex64(io::fnv1a(scenario.source_text));
  return scenario;
}

}  // namespace

std::string_view trend_model_name(TrendModel model) {
  return TREND_MODEL_NAMES.at(static_cast<std::size_t>(model));
}

int RateMultiplier::effective_from(int start_year) const {
  return first_year(from_year, start_year);
}

bool RateMultiplier::applies(int year, int start_year, int need, int age) const {
  return year >= effective_from(start_year) && year <= to_year && needs.at(need) &&
         age >= age_min && age <= age_max;
}

int PlacementShift::effective_from(int start_year) const {
  return first_year(from_year, start_year);
}

bool PlacementShift::applies(int year, int start_year, int age) const {
  return year >= effective_from(start_year) && year <= to_year && age >= age_min && age <= age_max;
}

Scenario parse_scenario(std::string_view toml_text, const fs::path& pretend_file) {
  std::vector<fs::path> chain;
  toml::table table = resolve_includes(parse_toml(toml_text, pretend_file), pretend_file,
                                       absolute_dir(pretend_file), chain);
  return read_scenario(table, pretend_file);
}

Scenario load_scenario(const fs::path& file) {
  const std::string why = why_unreadable(file);
  if (!why.empty()) throw InputError(Location{file.string()}, "cannot read scenario file: " + why);
  return parse_scenario(read_text(file), file);
}

Scenario default_scenario() {
  Scenario scenario;
  scenario.name = "default";
  scenario.source_text = canonical_text(toml::table{{"name", scenario.name}});
  scenario.hash = io::hex64(io::fnv1a(scenario.source_text));
  return scenario;
}

double joiner_multiplier(const Scenario& scenario, int year, int need, int age) {
  double product = 1.0;
  for (const RateMultiplier& m : scenario.joiner_multipliers)
    if (m.applies(year, scenario.start_year, need, age)) product *= m.factor;
  return product;
}

double leaver_multiplier(const Scenario& scenario, int year, int need, int age, int placement) {
  double product = 1.0;
  for (const RateMultiplier& m : scenario.leaver_multipliers)
    if (m.applies(year, scenario.start_year, need, age) && m.placements.at(placement))
      product *= m.factor;
  return product;
}

}  // namespace sendcast::scenarios
