#include "io/codes.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sendcast {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

NeedArea need_area(Need need) {
  switch (need) {
    case Need::ASD:
    case Need::SLCN:
      return NeedArea::CI;
    case Need::MLD:
    case Need::SLD:
    case Need::PMLD:
    case Need::SPLD:
      return NeedArea::CL;
    case Need::SEMH:
      return NeedArea::SEMH;
    case Need::HI:
    case Need::VI:
    case Need::MSI:
    case Need::PD:
    case Need::OTH:
      return NeedArea::SP;
  }
  return NeedArea::SP;
}

std::optional<Need> parse_need(std::string_view code) {
  std::string up(code);
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int i = 0; i < N_NEEDS; ++i)
    if (NEED_CODES[i] == up) return static_cast<Need>(i);
  return std::nullopt;
}

std::string_view dsg_category(Placement p) {
  switch (p) {
    case Placement::Mainstream:
      return "MmSoA";
    case Placement::ResourcedProvision:
      return "RPSEN";
    case Placement::StateSpecial:
      return "MdSSA";
    case Placement::IndependentSpecial:
      return "NMISS";
    case Placement::AlternativeProvision:
      return "HspAP";
    case Placement::PostSixteenFe:
    case Placement::SpecialistPostSixteen:
      return "P16FE";
    case Placement::Elsewhere:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<Placement> parse_placement(std::string_view code) {
  for (int i = 0; i < N_PLACEMENTS; ++i)
    if (PLACEMENT_CODES[i] == code) return static_cast<Placement>(i);
  return std::nullopt;
}

const std::array<PlacementColumn, 18> PLACEMENT_COLUMNS = {{
    {"mainstream_la_maintained", Placement::Mainstream},
    {"mainstream_academy", Placement::Mainstream},
    {"mainstream_free_school", Placement::Mainstream},
    {"mainstream_independent", Placement::Mainstream},
    {"mainstream_la_maintained_resourced_provision", Placement::ResourcedProvision},
    {"mainstream_la_maintained_senunit", Placement::ResourcedProvision},
    {"mainstream_academy_resourced_provision", Placement::ResourcedProvision},
    {"mainstream_academy_senunit", Placement::ResourcedProvision},
    {"mainstream_free_school_resourced_provision", Placement::ResourcedProvision},
    {"mainstream_free_school_senunit", Placement::ResourcedProvision},
    {"special_la_maintained", Placement::StateSpecial},
    {"special_academy_free", Placement::StateSpecial},
    {"special_independent", Placement::IndependentSpecial},
    {"special_non_maintained", Placement::IndependentSpecial},
    {"ap_pru_total", Placement::AlternativeProvision},
    {"general_fe_tertiary_colleges", Placement::PostSixteenFe},
    {"ukrlp_provider", Placement::PostSixteenFe},
    {"specialist_post_16_institutions", Placement::SpecialistPostSixteen},
}};

std::optional<Placement> placement_from_label(std::string_view label_in) {
  const std::string label = lower(label_in);
  if (label.find("total") != std::string::npos) return std::nullopt;
  if (starts_with(label, "mainstream")) {
    if (label.find("sen unit") != std::string::npos ||
        label.find("resourced provision") != std::string::npos)
      return Placement::ResourcedProvision;
    return Placement::Mainstream;
  }
  if (starts_with(label, "special")) {
    if (label.find("independent") != std::string::npos ||
        label.find("non-maintained") != std::string::npos ||
        label.find("non maintained") != std::string::npos)
      return Placement::IndependentSpecial;
    return Placement::StateSpecial;
  }
  if (starts_with(label, "ap/pru") || starts_with(label, "alternative provision"))
    return Placement::AlternativeProvision;
  if (starts_with(label, "fe")) {
    if (label.find("specialist post-16") != std::string::npos)
      return Placement::SpecialistPostSixteen;
    return Placement::PostSixteenFe;
  }
  if (starts_with(label, "educated elsewhere") ||
      starts_with(label, "non-maintained early years") ||
      starts_with(label, "placement not recorded") || starts_with(label, "awaiting"))
    return Placement::Elsewhere;
  return std::nullopt;
}

int age_band(int age) {
  for (int b = 0; b < N_AGE_BANDS; ++b)
    if (age <= AGE_BAND_MAX[b]) return b;
  return N_AGE_BANDS - 1;
}

namespace {

std::optional<AgeRange> parse_age_words(std::string_view label_in) {
  std::string label = lower(label_in);
  for (std::string_view prefix : {"aged ", "age "})
    if (starts_with(label, prefix)) {
      label = label.substr(prefix.size());
      break;
    }
  if (starts_with(label, "under ")) {
    auto n = to_int(std::string_view(label).substr(6));
    if (!n || *n < 1) return std::nullopt;
    return AgeRange{0, *n - 1};
  }
  if (auto pos = label.find(" and under"); pos != std::string::npos) {
    auto n = to_int(std::string_view(label).substr(0, pos));
    if (!n) return std::nullopt;
    return AgeRange{0, *n};
  }
  if (auto pos = label.find(" and over"); pos != std::string::npos) {
    auto n = to_int(std::string_view(label).substr(0, pos));
    if (!n) return std::nullopt;
    return AgeRange{*n, MAX_AGE};
  }
  if (auto pos = label.find(" to "); pos != std::string::npos) {
    auto a = to_int(std::string_view(label).substr(0, pos));
    auto b = to_int(std::string_view(label).substr(pos + 4));
    if (!a || !b || *a > *b) return std::nullopt;
    return AgeRange{*a, *b};
  }
  if (auto n = to_int(label)) return AgeRange{*n, *n};
  return std::nullopt;
}

}  // namespace

// Ages outside 0..MAX_AGE are not a label we can file plans under: a row saying "age 30" or
// "age -3" is a broken file, and an age below 0 would index before the start of every
// per-age array downstream.
std::optional<AgeRange> parse_age_label(std::string_view label) {
  const auto range = parse_age_words(label);
  if (!range || range->min < 0 || range->max > MAX_AGE || range->min > range->max)
    return std::nullopt;
  return range;
}

bool is_unknown_age_label(std::string_view label) {
  return lower(label).find("unknown") != std::string::npos;
}

std::optional<int> census_year(std::string_view tp) {
  if (tp.size() == 6) {  // "202425": academic year 2024/25, census January 2025
    auto start = to_int(tp.substr(0, 4));
    auto end = to_int(tp.substr(4, 2));
    if (!start || !end || (*start + 1) % 100 != *end) return std::nullopt;
    return *start + 1;
  }
  if (tp.size() == 4) return to_int(tp);  // the 2022 release labels the January census year
  return std::nullopt;
}

std::optional<int> calendar_year(std::string_view tp) {
  if (tp.size() == 4) return to_int(tp);
  return std::nullopt;
}

}  // namespace sendcast
