#include "sim/rng.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SENDCAST_PHILOX_AVX2 1
#endif

namespace sendcast::sim {

std::string_view stream_name(Stream stream) {
  switch (stream) {
    case Stream::Parameters:
      return "parameters";
    case Stream::Leavers:
      return "leavers";
    case Stream::Transitions:
      return "transitions";
    case Stream::Joiners:
      return "joiners";
    case Stream::JoinerNeed:
      return "joiner_need";
    case Stream::JoinerPlacement:
      return "joiner_placement";
    case Stream::Trend:
      return "trend";
    case Stream::Township:
      return "township";
    case Stream::Matching:
      return "matching";
    case Stream::Costs:
      return "costs";
    case Stream::NetFlow:
      return "net_flow";
    case Stream::NeedChanges:
      return "need_changes";
  }
  return "unknown";
}

namespace detail {

void throw_invalid(const char* function, const char* name, double value, const char* expected) {
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  throw std::invalid_argument(std::string(function) + ": " + name + " = " + number + ": expected " +
                              expected);
}

void throw_exhausted() {
  throw std::length_error("sendcast::sim::Rng: stream exhausted after 2^34 words");
}

}  // namespace detail

namespace {

// Philox4x32-10 (Salmon et al. 2011): the multipliers and Weyl key increments of Random123.
constexpr std::uint32_t PHILOX_M0 = 0xD2511F53, PHILOX_M1 = 0xCD9E8D57;
constexpr std::uint32_t PHILOX_W0 = 0x9E3779B9, PHILOX_W1 = 0xBB67AE85;
constexpr int PHILOX_ROUNDS = 10;

//! Philox on the counters {v0[i], v1[i], word2, word3}, i < n, one block at a time.
void philox_lanes_scalar(const Rng::Philox::key_type& key, const std::uint32_t* v0,
                         const std::uint32_t* v1, std::uint32_t word2, std::uint32_t word3,
                         std::size_t n, Rng::Block* out) {
  const Rng::Philox philox;
  for (std::size_t i = 0; i < n; ++i) out[i] = philox({{v0[i], v1[i], word2, word3}}, key);
}

#ifdef SENDCAST_PHILOX_AVX2
//! Eight 32 x 32 -> 64-bit products: the low and high halves, lane by lane.
__attribute__((target("avx2"))) inline void mulhilo8(__m256i m, __m256i x, __m256i& hi,
                                                     __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(m, x);
  const __m256i odd = _mm256_mul_epu32(m, _mm256_srli_epi64(x, 32));
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}

//! Philox on GROUPS x 8 counters {v0[i], v1[i], word2, word3} (arrays of GROUPS x 8), the
//! groups interleaved so that the multiplier's latency is hidden; out gets `count` blocks.
template <int GROUPS>
__attribute__((target("avx2"))) void philox_lanes_avx2(const Rng::Philox::key_type& key,
                                                       const std::uint32_t* v0,
                                                       const std::uint32_t* v1, std::uint32_t word2,
                                                       std::uint32_t word3, std::size_t count,
                                                       Rng::Block* out) {
  constexpr int LANES = 8;
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(PHILOX_M0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(PHILOX_M1));
  __m256i a[GROUPS], b[GROUPS], c[GROUPS], d[GROUPS];
  for (int g = 0; g < GROUPS; ++g) {
    a[g] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v0 + g * LANES));
    b[g] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v1 + g * LANES));
    c[g] = _mm256_set1_epi32(static_cast<int>(word2));
    d[g] = _mm256_set1_epi32(static_cast<int>(word3));
  }
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int round = 0; round < PHILOX_ROUNDS; ++round) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0));
    const __m256i key1 = _mm256_set1_epi32(static_cast<int>(k1));
    for (int g = 0; g < GROUPS; ++g) {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(m0, a[g], hi0, lo0);
      mulhilo8(m1, c[g], hi1, lo1);
      a[g] = _mm256_xor_si256(_mm256_xor_si256(hi1, b[g]), key0);
      b[g] = lo1;
      c[g] = _mm256_xor_si256(_mm256_xor_si256(hi0, d[g]), key1);
      d[g] = lo0;
    }
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  // Transpose lanes (a, b, c, d) into blocks {a_i, b_i, c_i, d_i}.
  alignas(32) Rng::Block blocks[GROUPS * LANES];
  for (int g = 0; g < GROUPS; ++g) {
    const __m256i ab_lo = _mm256_unpacklo_epi32(a[g], b[g]);
    const __m256i ab_hi = _mm256_unpackhi_epi32(a[g], b[g]);
    const __m256i cd_lo = _mm256_unpacklo_epi32(c[g], d[g]);
    const __m256i cd_hi = _mm256_unpackhi_epi32(c[g], d[g]);
    const __m256i r0 = _mm256_unpacklo_epi64(ab_lo, cd_lo);  // blocks 0 and 4
    const __m256i r1 = _mm256_unpackhi_epi64(ab_lo, cd_lo);  // 1 and 5
    const __m256i r2 = _mm256_unpacklo_epi64(ab_hi, cd_hi);  // 2 and 6
    const __m256i r3 = _mm256_unpackhi_epi64(ab_hi, cd_hi);  // 3 and 7
    auto* dst = reinterpret_cast<__m256i*>(blocks + g * LANES);
    _mm256_store_si256(dst + 0, _mm256_permute2x128_si256(r0, r1, 0x20));
    _mm256_store_si256(dst + 1, _mm256_permute2x128_si256(r2, r3, 0x20));
    _mm256_store_si256(dst + 2, _mm256_permute2x128_si256(r0, r1, 0x31));
    _mm256_store_si256(dst + 3, _mm256_permute2x128_si256(r2, r3, 0x31));
  }
  std::copy(blocks, blocks + count, out);
}

//! Eight consecutive blocks first .. first + 7 of one stream, the counters made in registers,
//! written as words in block order.
__attribute__((target("avx2"))) void philox_sequence_avx2(const Rng::Philox::key_type& key,
                                                          const Rng::Philox::ctr_type& counter,
                                                          std::uint32_t first,
                                                          std::uint32_t* words) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(PHILOX_M0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(PHILOX_M1));
  __m256i a = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first)),
                               _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i b = _mm256_set1_epi32(static_cast<int>(counter.v[1]));
  __m256i c = _mm256_set1_epi32(static_cast<int>(counter.v[2]));
  __m256i d = _mm256_set1_epi32(static_cast<int>(counter.v[3]));
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int round = 0; round < PHILOX_ROUNDS; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    mulhilo8(m0, a, hi0, lo0);
    mulhilo8(m1, c, hi1, lo1);
    a = _mm256_xor_si256(_mm256_xor_si256(hi1, b), _mm256_set1_epi32(static_cast<int>(k0)));
    b = lo1;
    c = _mm256_xor_si256(_mm256_xor_si256(hi0, d), _mm256_set1_epi32(static_cast<int>(k1)));
    d = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  const __m256i ab_lo = _mm256_unpacklo_epi32(a, b);
  const __m256i ab_hi = _mm256_unpackhi_epi32(a, b);
  const __m256i cd_lo = _mm256_unpacklo_epi32(c, d);
  const __m256i cd_hi = _mm256_unpackhi_epi32(c, d);
  const __m256i r0 = _mm256_unpacklo_epi64(ab_lo, cd_lo);
  const __m256i r1 = _mm256_unpackhi_epi64(ab_lo, cd_lo);
  const __m256i r2 = _mm256_unpacklo_epi64(ab_hi, cd_hi);
  const __m256i r3 = _mm256_unpackhi_epi64(ab_hi, cd_hi);
  auto* dst = reinterpret_cast<__m256i*>(words);
  _mm256_storeu_si256(dst + 0, _mm256_permute2x128_si256(r0, r1, 0x20));
  _mm256_storeu_si256(dst + 1, _mm256_permute2x128_si256(r2, r3, 0x20));
  _mm256_storeu_si256(dst + 2, _mm256_permute2x128_si256(r0, r1, 0x31));
  _mm256_storeu_si256(dst + 3, _mm256_permute2x128_si256(r2, r3, 0x31));
}

//! Sixteen 32 x 32 -> 64-bit products: the low and high halves, lane by lane.
__attribute__((target("avx512f"))) inline void mulhilo16(__m512i m, __m512i x, __m512i& hi,
                                                         __m512i& lo) {
  // The zero-masked forms with every lane kept: GCC 12's unmasked ones read an
  // "undefined" register that -Wuninitialized reports (GCC bug 105593).
  constexpr __mmask8 ALL = 0xFF;
  const __m512i even = _mm512_maskz_mul_epu32(ALL, m, x);
  const __m512i odd = _mm512_maskz_mul_epu32(ALL, m, _mm512_maskz_srli_epi64(ALL, x, 32));
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(ALL, odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(ALL, even, 32), odd);
}

//! Blocks {a_i, b_i, c_i, d_i} of eight lanes, the same transposition as philox_lanes_avx2's.
__attribute__((target("avx2"))) inline void transpose8(__m256i a, __m256i b, __m256i c, __m256i d,
                                                       Rng::Block* blocks) {
  const __m256i ab_lo = _mm256_unpacklo_epi32(a, b);
  const __m256i ab_hi = _mm256_unpackhi_epi32(a, b);
  const __m256i cd_lo = _mm256_unpacklo_epi32(c, d);
  const __m256i cd_hi = _mm256_unpackhi_epi32(c, d);
  const __m256i r0 = _mm256_unpacklo_epi64(ab_lo, cd_lo);
  const __m256i r1 = _mm256_unpackhi_epi64(ab_lo, cd_lo);
  const __m256i r2 = _mm256_unpacklo_epi64(ab_hi, cd_hi);
  const __m256i r3 = _mm256_unpackhi_epi64(ab_hi, cd_hi);
  auto* dst = reinterpret_cast<__m256i*>(blocks);
  _mm256_store_si256(dst + 0, _mm256_permute2x128_si256(r0, r1, 0x20));
  _mm256_store_si256(dst + 1, _mm256_permute2x128_si256(r2, r3, 0x20));
  _mm256_store_si256(dst + 2, _mm256_permute2x128_si256(r0, r1, 0x31));
  _mm256_store_si256(dst + 3, _mm256_permute2x128_si256(r2, r3, 0x31));
}

//! The lower (0) or upper (1) eight lanes, by zero-masked extraction with every lane kept,
//! for the reason given in mulhilo16.
template <int UPPER>
__attribute__((target("avx512f"))) inline __m256i half(__m512i x) {
  return _mm512_maskz_extracti64x4_epi64(0xF, x, UPPER);
}

//! philox_lanes_avx2 with sixteen lanes per group (AVX-512F): the same blocks, half the
//! instructions.
template <int GROUPS>
__attribute__((target("avx512f"))) void philox_lanes_avx512(
    const Rng::Philox::key_type& key, const std::uint32_t* v0, const std::uint32_t* v1,
    std::uint32_t word2, std::uint32_t word3, std::size_t count, Rng::Block* out) {
  constexpr int LANES = 16;
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(PHILOX_M0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(PHILOX_M1));
  __m512i a[GROUPS], b[GROUPS], c[GROUPS], d[GROUPS];
  for (int g = 0; g < GROUPS; ++g) {
    a[g] = _mm512_loadu_si512(v0 + g * LANES);
    b[g] = _mm512_loadu_si512(v1 + g * LANES);
    c[g] = _mm512_set1_epi32(static_cast<int>(word2));
    d[g] = _mm512_set1_epi32(static_cast<int>(word3));
  }
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int round = 0; round < PHILOX_ROUNDS; ++round) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0));
    const __m512i key1 = _mm512_set1_epi32(static_cast<int>(k1));
    for (int g = 0; g < GROUPS; ++g) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(m0, a[g], hi0, lo0);
      mulhilo16(m1, c[g], hi1, lo1);
      a[g] = _mm512_ternarylogic_epi32(hi1, b[g], key0, 0x96);  // hi1 ^ b ^ key0
      b[g] = lo1;
      c[g] = _mm512_ternarylogic_epi32(hi0, d[g], key1, 0x96);
      d[g] = lo0;
    }
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  alignas(64) Rng::Block blocks[GROUPS * LANES];
  for (int g = 0; g < GROUPS; ++g) {
    transpose8(half<0>(a[g]), half<0>(b[g]), half<0>(c[g]), half<0>(d[g]), blocks + g * LANES);
    transpose8(half<1>(a[g]), half<1>(b[g]), half<1>(c[g]), half<1>(d[g]), blocks + g * LANES + 8);
  }
  std::copy(blocks, blocks + count, out);
}

bool have_avx512() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return yes;
}

bool have_avx2() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return yes;
}
#endif

//! Philox on the counters {v0[i], v1[i], word2, word3}, i < n: sixteen lanes at a time with
//! AVX-512F or eight with AVX2, up to three groups of lanes together, else one block at a
//! time. Every path gives the same blocks (detail::philox_path picks one, for tests).
void philox_lanes(const Rng::Philox::key_type& key, const std::uint32_t* v0,
                  const std::uint32_t* v1, std::uint32_t word2, std::uint32_t word3, std::size_t n,
                  Rng::Block* out) {
#ifdef SENDCAST_PHILOX_AVX2
  if (have_avx512() && detail::philox_path == detail::PhiloxPath::Best) {
    constexpr std::size_t BATCH = 48;
    for (std::size_t first = 0; first < n; first += BATCH) {
      const std::size_t count = std::min(BATCH, n - first);
      if (count == BATCH) {
        philox_lanes_avx512<3>(key, v0 + first, v1 + first, word2, word3, count, out + first);
        continue;
      }
      std::uint32_t lane0[BATCH] = {}, lane1[BATCH] = {};  // the tail, padded
      std::copy(v0 + first, v0 + first + count, lane0);
      std::copy(v1 + first, v1 + first + count, lane1);
      if (count <= 16)
        philox_lanes_avx512<1>(key, lane0, lane1, word2, word3, count, out + first);
      else if (count <= 32)
        philox_lanes_avx512<2>(key, lane0, lane1, word2, word3, count, out + first);
      else
        philox_lanes_avx512<3>(key, lane0, lane1, word2, word3, count, out + first);
    }
    return;
  }
  if (have_avx2() && detail::philox_path != detail::PhiloxPath::Scalar) {
    constexpr std::size_t BATCH = 24;
    for (std::size_t first = 0; first < n; first += BATCH) {
      const std::size_t count = std::min(BATCH, n - first);
      if (count == BATCH) {
        philox_lanes_avx2<3>(key, v0 + first, v1 + first, word2, word3, count, out + first);
        continue;
      }
      std::uint32_t lane0[BATCH] = {}, lane1[BATCH] = {};  // the tail, padded
      std::copy(v0 + first, v0 + first + count, lane0);
      std::copy(v1 + first, v1 + first + count, lane1);
      if (count <= 8)
        philox_lanes_avx2<1>(key, lane0, lane1, word2, word3, count, out + first);
      else if (count <= 16)
        philox_lanes_avx2<2>(key, lane0, lane1, word2, word3, count, out + first);
      else
        philox_lanes_avx2<3>(key, lane0, lane1, word2, word3, count, out + first);
    }
    return;
  }
#endif
  philox_lanes_scalar(key, v0, v1, word2, word3, n, out);
}

constexpr double HALF_LOG_TWO_PI = 0.91893853320467274178;

void check_positive(const char* function, const char* name, double value) {
  if (!(std::isfinite(value) && value > 0)) [[unlikely]]
    detail::throw_invalid(function, name, value, "a positive finite number");
}

//! ln k! - [(k + 1/2) ln(k + 1) - (k + 1) + ln(2 pi) / 2], the error of Stirling's formula:
//! tabulated below 10 (Hörmann 1993, table for BTRS), otherwise the asymptotic series to
//! 1/n^7, which is good to 4e-13 there. k is a whole number held in a double.
double stirling_tail(double k) {
  static constexpr std::array<double, 10> TABLE = {
      0.081061466795327258,  0.041340695955409294, 0.027677925684998339, 0.020790672103765093,
      0.016644691189821192,  0.013876128823070748, 0.01189670994589177,  0.010411265261972096,
      0.0092554621827127329, 0.0083305634333628713};
  if (k < 10) return TABLE[static_cast<std::size_t>(k)];
  const double n = k + 1;
  const double n2 = n * n;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * n2)) / n2) / n2) / n;
}

//! ln P(K = k) for K ~ Poisson(mean), by Stirling's formula arranged so that no terms of
//! size mean ln(mean) cancel, as they do in k ln(mean) - mean - ln k!.
double log_poisson_pmf(double k, double mean) {
  return -k * std::log1p((k + 1 - mean) / mean) + (k + 1 - mean) - 0.5 * std::log(k + 1) -
         HALF_LOG_TWO_PI - stirling_tail(k);
}

// Marsaglia & Tsang (2000), "The ziggurat method for generating random variables", 256
// layers of equal area V under exp(-x^2 / 2); the base layer holds the tail beyond R.
constexpr int LAYERS = 256;
constexpr double ZIGGURAT_R = 3.6541528853610088;

struct Ziggurat {
  std::array<double, LAYERS + 1> x;  //!< right edges, decreasing; x[0] is the base's V / f(R)
  std::array<double, LAYERS + 1> f;  //!< exp(-x^2 / 2) at each edge
};

Ziggurat make_ziggurat() {
  const auto density = [](double x) { return std::exp(-0.5 * x * x); };
  const double area = ZIGGURAT_R * density(ZIGGURAT_R) +
                      std::sqrt(std::numbers::pi / 2) * std::erfc(ZIGGURAT_R / std::sqrt(2.0));
  Ziggurat table{};
  table.x[0] = area / density(ZIGGURAT_R);
  table.x[1] = ZIGGURAT_R;
  for (int i = 1; i < LAYERS - 1; ++i)
    table.x[i + 1] = std::sqrt(-2 * std::log(area / table.x[i] + density(table.x[i])));
  table.x[LAYERS] = 0;
  for (int i = 0; i <= LAYERS; ++i) table.f[i] = density(table.x[i]);
  return table;
}

const Ziggurat& ziggurat() {
  static const Ziggurat table = make_ziggurat();
  return table;
}

//! Normal tail beyond R by Marsaglia's (1964) exponential rejection.
double normal_tail(Rng& rng) {
  for (;;) {
    const double x = -std::log(rng.uniform()) / ZIGGURAT_R;
    const double y = -std::log(rng.uniform());
    if (y + y >= x * x) return ZIGGURAT_R + x;
  }
}

double standard_normal(Rng& rng) {
  const Ziggurat& table = ziggurat();
  for (;;) {
    // Disjoint bits: 0-7 pick the layer, 8 the sign, 11-63 the abscissa.
    const std::uint64_t bits = rng.next_u64();
    const int layer = static_cast<int>(bits & 0xFF);
    const double sign = (bits & 0x100) ? -1.0 : 1.0;
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * table.x[layer];
    if (x < table.x[layer + 1]) return sign * x;
    if (layer == 0) return sign * normal_tail(rng);
    const double y = table.f[layer] + rng.uniform() * (table.f[layer + 1] - table.f[layer]);
    if (y < std::exp(-0.5 * x * x)) return sign * x;
  }
}

//! Gamma(shape, 1) for shape >= 1 by Marsaglia & Tsang (2000), "A simple method for
//! generating gamma variables", with their squeeze 1 - 0.0331 x^4.
double marsaglia_tsang(double shape, Rng& rng) {
  const double d = shape - 1.0 / 3;
  const double c = 1 / std::sqrt(9 * d);
  for (;;) {
    const double x = standard_normal(rng);
    const double t = 1 + c * x;
    if (t <= 0) continue;
    const double v = t * t * t;
    const double u = rng.uniform();
    const double x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1 - v + std::log(v))) return d * v;
  }
}

//! The draws behind one Gamma(shape, 1) variate: for shape >= 1 the variate itself, for shape
//! < 1 the boost's Gamma(shape + 1), then U (the variate is gamma x U^(1 / shape)).
struct GammaDraw {
  double gamma = 1;
  double uniform = 1;
};

GammaDraw draw_gamma(double shape, Rng& rng) {
  if (shape >= 1) return {marsaglia_tsang(shape, rng), 1};
  const double gamma = marsaglia_tsang(shape + 1, rng);
  return {gamma, rng.uniform()};
}

//! ln of the variate `d` makes; for shape < 1 taken in logs, so tiny shapes give very negative
//! numbers rather than 0.
double log_variate(const GammaDraw& d, double shape) {
  if (shape >= 1) return std::log(d.gamma);
  return std::log(d.gamma) + std::log(d.uniform) / shape;
}

//! ln Gamma(shape, 1) variate.
double log_gamma_variate(double shape, Rng& rng) {
  return log_variate(draw_gamma(shape, rng), shape);
}

}  // namespace

namespace detail {

void philox_sequence(const Rng::Philox::key_type& key, const Rng::Philox::ctr_type& counter,
                     std::uint32_t first, std::uint32_t n, std::uint32_t* words) {
#ifdef SENDCAST_PHILOX_AVX2
  if (n == 8 && have_avx2()) {
    philox_sequence_avx2(key, counter, first, words);
    return;
  }
#endif
  const Rng::Philox philox;
  for (std::uint32_t i = 0; i < n; ++i) {
    const Rng::Block out = philox({{first + i, counter.v[1], counter.v[2], counter.v[3]}}, key);
    for (int w = 0; w < 4; ++w) words[4 * i + w] = out.v[w];
  }
}

}  // namespace detail

void Rng::first_blocks(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
                       const std::uint32_t* substreams, std::size_t n, Block* out) {
  // The same words as the constructor puts in the counter and key.
  const Rng layout(seed, run, year, stream);
  constexpr std::size_t CHUNK = 96;
  static constexpr std::uint32_t ZEROS[CHUNK] = {};
  for (std::size_t first = 0; first < n; first += CHUNK)
    philox_lanes(layout.key_, ZEROS, substreams + first, layout.counter_.v[2], layout.counter_.v[3],
                 std::min(CHUNK, n - first), out + first);
  detail::philox_blocks += n;
}

void Rng::blocks_at(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
                    const std::uint32_t* substreams, const std::uint32_t* block_indices,
                    std::size_t n, Block* out) {
  const Rng layout(seed, run, year, stream);
  constexpr std::size_t CHUNK = 96;
  for (std::size_t first = 0; first < n; first += CHUNK)
    philox_lanes(layout.key_, block_indices + first, substreams + first, layout.counter_.v[2],
                 layout.counter_.v[3], std::min(CHUNK, n - first), out + first);
  detail::philox_blocks += n;
}

namespace detail {

// PTRS, step numbers as in Hörmann (1993), "The transformed rejection method for generating
// Poisson random variables", Insurance: Mathematics and Economics 12, 39-45.
std::int64_t poisson_ptrs(double mean, Rng& rng) {
  const double b = 0.931 + 2.53 * std::sqrt(mean);
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = std::log(1.1239 + 1.1328 / (b - 3.4));
  const double v_r = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::abs(u);  // > 0 because uniform() excludes 0 and 1
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);  // 1: squeeze
    if (k < 0 || (us < 0.013 && v > us)) continue;                    // 2: outside hat
    if (std::log(v) + log_inv_alpha - std::log(a / (us * us) + b) <=  // 3: exact test
        log_poisson_pmf(k, mean))
      return static_cast<std::int64_t>(k);
  }
}

// BTRS from Hörmann (1993), "The generation of binomial random variates", J. Statist.
// Comput. Simul. 46, 101-110, with ln(f(k) / f(mode)) written via Stirling's formula as in
// TensorFlow's random_binomial_op, and a log1p for the term multiplied by n.
std::int64_t binomial_btrs(std::int64_t n, double p, Rng& rng) {
  const double count = static_cast<double>(n);
  const double spq = std::sqrt(count * p * (1 - p));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = count * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double odds = p / (1 - p);
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double mode = std::floor((count + 1) * p);
  const double mode_terms = (mode + 0.5) * std::log((mode + 1) / (odds * (count - mode + 1))) +
                            stirling_tail(mode) + stirling_tail(count - mode);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + c);
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    const double log_v = std::log(v * alpha / (a / (us * us) + b));
    const double log_ratio = mode_terms + (count + 1) * std::log1p((k - mode) / (count - k + 1)) +
                             (k + 0.5) * std::log(odds * (count - k + 1) / (k + 1)) -
                             stirling_tail(k) - stirling_tail(count - k);
    if (log_v <= log_ratio) return static_cast<std::int64_t>(k);
  }
}

}  // namespace detail

double normal_rng(double mu, double sigma, Rng& rng) {
  if (!std::isfinite(mu)) [[unlikely]]
    detail::throw_invalid("normal_rng", "mu", mu, "a finite number");
  if (sigma == 0) return mu;
  check_positive("normal_rng", "sigma", sigma);
  return mu + sigma * standard_normal(rng);
}

double gamma_rng(double shape, double scale, Rng& rng) {
  check_positive("gamma_rng", "shape", shape);
  check_positive("gamma_rng", "scale", scale);
  if (shape >= 1) return scale * marsaglia_tsang(shape, rng);
  return scale * marsaglia_tsang(shape + 1, rng) * std::pow(rng.uniform(), 1 / shape);
}

double beta_rng(double a, double b, Rng& rng) {
  check_positive("beta_rng", "a", a);
  check_positive("beta_rng", "b", b);
  if (a >= 1 && b >= 1) {
    const double x = marsaglia_tsang(a, rng);
    return x / (x + marsaglia_tsang(b, rng));
  }
  const double log_x = log_gamma_variate(a, rng);
  const double log_y = log_gamma_variate(b, rng);
  const double log_max = std::max(log_x, log_y);
  return std::exp(log_x - log_max) / (std::exp(log_x - log_max) + std::exp(log_y - log_max));
}

namespace {

//! Components a Dirichlet draw in logs keeps on the stack (more go to the heap).
constexpr int DIRICHLET_ON_STACK = 32;

//! The log path of dirichlet_rng: each component's log Gamma(alpha) variate (log_variate),
//! less the largest, exponentiated; returns the sum of the results, left in `out`. A
//! component with a tiny shape (a calibration floor) is almost always so far below the
//! largest that its exponential is exactly 0, and its two logarithms and exponential are
//! skipped when a bound proves it: log x <= x - 1 bounds log G + log(U) / alpha by
//! (G - 1) + (U - 1) / alpha, and exp of anything below -1000 is 0 in double precision. Every
//! component's words are drawn first, in order, so the words and every result are those of
//! taking each log as it is drawn, bit for bit.
double dirichlet_in_logs(const double* alpha, int k, double* out, Rng& rng) {
  std::array<GammaDraw, DIRICHLET_ON_STACK> stack_draws;
  std::array<char, DIRICHLET_ON_STACK> stack_exact{};
  std::vector<GammaDraw> heap_draws;
  std::vector<char> heap_exact;
  GammaDraw* draws = stack_draws.data();
  char* exact = stack_exact.data();
  if (k > DIRICHLET_ON_STACK) {
    heap_draws.resize(static_cast<std::size_t>(k));
    heap_exact.assign(static_cast<std::size_t>(k), 0);
    draws = heap_draws.data();
    exact = heap_exact.data();
  }
  for (int i = 0; i < k; ++i) draws[i] = draw_gamma(alpha[i], rng);
  constexpr double UNDERFLOW = -1000;  // exp(x - log_max) is exactly 0 below log_max - 1000
  double log_max = -std::numeric_limits<double>::infinity();
  const auto settle = [&](int i) {
    out[i] = log_variate(draws[i], alpha[i]);
    log_max = std::max(log_max, out[i]);
    exact[i] = 1;
  };
  // Shapes that are not tiny first, so that log_max has risen when the tiny ones are bounded
  // (any order gives the same numbers: log_max only rises, and a skipped component stays
  // more than 1000 below it).
  constexpr double TINY = 1e-3;
  for (int i = 0; i < k; ++i)
    if (alpha[i] >= TINY) settle(i);
  for (int i = 0; i < k; ++i) {
    if (exact[i]) continue;
    const double bound = (draws[i].gamma - 1) + (draws[i].uniform - 1) / alpha[i];
    if (!(bound < log_max + UNDERFLOW)) settle(i);
  }
  double total = 0;
  for (int i = 0; i < k; ++i) total += out[i] = exact[i] ? std::exp(out[i] - log_max) : 0.0;
  return total;
}

}  // namespace

void dirichlet_rng(const double* alpha, int k, double* out, Rng& rng) {
  if (k < 1) detail::throw_invalid("dirichlet_rng", "alpha.size()", k, "at least 1");
  double min_alpha = alpha[0];
  for (int i = 0; i < k; ++i) {
    check_positive("dirichlet_rng", "alpha", alpha[i]);
    min_alpha = std::min(min_alpha, alpha[i]);
  }
  double total = 0;
  if (min_alpha >= 1) {
    for (int i = 0; i < k; ++i) total += out[i] = marsaglia_tsang(alpha[i], rng);
  } else {
    total = dirichlet_in_logs(alpha, k, out, rng);
  }
  for (int i = 0; i < k; ++i) out[i] /= total;
}

Eigen::ArrayXd dirichlet_rng(const Eigen::ArrayXd& alpha, Rng& rng) {
  if (alpha.size() == 0) detail::throw_invalid("dirichlet_rng", "alpha.size()", 0, "at least 1");
  Eigen::ArrayXd out(alpha.size());
  dirichlet_rng(alpha.data(), static_cast<int>(alpha.size()), out.data(), rng);
  return out;
}

DiscreteDistribution::DiscreteDistribution(std::span<const double> weights)
    : cumulative_(weights.size()) {
  if (weights.empty())
    detail::throw_invalid("DiscreteDistribution", "weights.size()", 0, "at least 1");
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0 && std::isfinite(weights[i]))) [[unlikely]]
      detail::throw_invalid("DiscreteDistribution", "weight", weights[i], "a finite number >= 0");
    total_ += weights[i];
    cumulative_[i] = total_;
    if (weights[i] > 0) last_ = static_cast<int>(i);
  }
  if (!(total_ > 0 && std::isfinite(total_))) [[unlikely]]
    detail::throw_invalid("DiscreteDistribution", "sum of weights", total_, "a positive number");
  // Eight guide entries per category (at least 256): the entry is then nearly always the
  // answer itself, so the search after it rarely takes a step (a mispredicted branch each).
  // The guide only shortens the search: the category drawn is the same for any size.
  guide_.resize(std::max<std::size_t>(8 * weights.size(), 256));
  int i = 0;
  for (std::size_t j = 0; j < guide_.size(); ++j) {
    const double threshold = total_ * static_cast<double>(j) / static_cast<double>(guide_.size());
    while (i < last_ && cumulative_[i] <= threshold) ++i;
    guide_[j] = i;
  }
}

AliasTable::AliasTable(std::span<const double> weights) : size_(weights.size()) {
  if (weights.empty()) detail::throw_invalid("AliasTable", "weights.size()", 0, "at least 1");
  double total = 0;
  for (const double w : weights) {
    if (!(w >= 0 && std::isfinite(w))) [[unlikely]]
      detail::throw_invalid("AliasTable", "weight", w, "a finite number >= 0");
    total += w;
  }
  if (!(total > 0 && std::isfinite(total))) [[unlikely]]
    detail::throw_invalid("AliasTable", "sum of weights", total, "a positive number");
  // Vose: scale to mean 1, then fill each column below 1 from one above it. Worklists in
  // index order, so the table (and every draw) is the same on every machine.
  const int k = static_cast<int>(weights.size());
  std::vector<double> scaled(weights.size());
  std::vector<int> small, large;
  int heaviest = 0;
  for (int i = 0; i < k; ++i) {
    scaled[i] = weights[i] * static_cast<double>(k) / total;
    (scaled[i] < 1 ? small : large).push_back(i);
    if (weights[i] > weights[heaviest]) heaviest = i;
  }
  columns_.resize(weights.size());
  const auto keep_of = [](double p) {
    return static_cast<std::uint32_t>(std::min(std::round(p * 0x1.0p32), 0x1.0p32 - 1));
  };
  while (!small.empty() && !large.empty()) {
    const int s = small.back(), l = large.back();
    small.pop_back();
    columns_[s] = {keep_of(scaled[s]), l};
    scaled[l] -= 1 - scaled[s];
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What rounding leaves is full (its own category always), unless it has no weight at all:
  // then its column goes to the heaviest category, so that a zero weight is never drawn.
  for (const auto* rest : {&small, &large})
    for (const int i : *rest)
      columns_[i] = weights[i] > 0 ? Column{0xFFFFFFFFu, i} : Column{0, heaviest};
}

double AliasTable::probability(int i) const {
  double mass = 0;
  for (int j = 0; j < size(); ++j) {
    const Column& c = columns_[j];
    const double own = static_cast<double>(c.keep) * 0x1.0p-32;
    // keep = 2^32 - 1 with alias = j stands for a full column
    if (c.alias == j) {
      mass += j == i ? 1.0 : 0.0;
    } else {
      mass += (j == i ? own : 0.0) + (c.alias == i ? 1 - own : 0.0);
    }
  }
  return mass / static_cast<double>(size_);
}

namespace {

//! Checks probs[0..k) is a simplex; returns its sum and sets `last` to the last category
//! with positive probability.
double check_simplex(const double* probs, int k, int& last) {
  constexpr double TOLERANCE = 1e-8;  // Stan's CONSTRAINT_TOLERANCE
  if (k < 1) detail::throw_invalid("multinomial_rng", "k", k, "at least 1 category");
  double total = 0;
  last = 0;
  for (int i = 0; i < k; ++i) {
    if (!(probs[i] >= 0 && probs[i] <= 1)) [[unlikely]]
      detail::throw_invalid("multinomial_rng", "probs[i]", probs[i], "a probability in [0, 1]");
    total += probs[i];
    if (probs[i] > 0) last = i;
  }
  if (!(std::abs(total - 1) <= TOLERANCE)) [[unlikely]]
    detail::throw_invalid("multinomial_rng", "sum of probs", total, "1 within 1e-8");
  return total;
}

}  // namespace

void multinomial_rng(std::int64_t n, const double* probs, int k, std::int64_t* out, Rng& rng) {
  if (n < 0) [[unlikely]]
    detail::throw_invalid("multinomial_rng", "n", static_cast<double>(n), "a count >= 0");
  int last = 0;
  double mass = check_simplex(probs, k, last);
  std::fill(out, out + k, std::int64_t{0});
  std::int64_t remaining = n;
  // Conditioning on the probability still unassigned, not on 1, keeps a simplex that is
  // off by rounding from biasing the later categories.
  for (int i = 0; i < last && remaining > 0; ++i) {
    if (probs[i] == 0) continue;
    const double p = probs[i] >= mass ? 1.0 : probs[i] / mass;
    out[i] = binomial_rng(remaining, p, rng);
    remaining -= out[i];
    mass -= probs[i];
  }
  out[last] = remaining;
}

std::int64_t neg_binomial_rng(double mean, double dispersion, Rng& rng) {
  if (!(mean >= 0 && mean <= detail::MAX_COUNT)) [[unlikely]]
    detail::throw_invalid("neg_binomial_rng", "mean", mean, "a number in [0, 2^40]");
  if (std::isnan(dispersion)) [[unlikely]]
    detail::throw_invalid("neg_binomial_rng", "dispersion", dispersion, "a number, not NaN");
  if (mean == 0) return 0;
  if (dispersion <= 0 || std::isinf(dispersion)) return poisson_rng(mean, rng);
  // Gamma-Poisson mixture: rate ~ Gamma(r, mean / r) has mean `mean`, variance mean^2 / r.
  // A rate beyond poisson_rng's limit is capped there rather than thrown on mid-run.
  const double rate = gamma_rng(dispersion, mean / dispersion, rng);
  return poisson_rng(std::min(rate, detail::MAX_COUNT), rng);
}

}  // namespace sendcast::sim
