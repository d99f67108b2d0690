#pragma once
// Counter-based random numbers and the samplers the Monte Carlo draws from.
//
// Every draw is a pure function of (seed, run, year, named stream, substream, draw index):
// Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3") keyed by
// the seed and counting through the rest. No generator is shared between threads, so
// results do not depend on the thread or rank count, and streams that the capacity and cost
// scenarios do not touch give common random numbers across scenarios.
//
// Samplers follow Stan Math's calling convention, `binomial_rng(n, p, rng)`. Arguments that
// no user input can produce (negative n, p outside [0, 1], NaN) are programmer errors and
// throw std::invalid_argument, not InputError.
#include <Random123/philox.h>

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sendcast::sim {

namespace detail {

//! Throws std::invalid_argument "<function>: <name> = <value>: expected <expected>". Out of
//! line, like the next one, so that a check in an inline sampler costs one branch.
[[noreturn]] void throw_invalid(const char* function, const char* name, double value,
                                const char* expected);
[[noreturn]] void throw_exhausted();

//! Philox blocks this thread has generated: one thread-local increment per block, read by
//! benchmarks to count draws per run without touching the simulator.
inline thread_local std::uint64_t philox_blocks = 0;
inline thread_local std::uint64_t words_drawn = 0;

//! Which vector code Rng::first_blocks uses: the best this CPU has (AVX-512F, else AVX2,
//! else scalar), or at most AVX2, or scalar. All give the same blocks; tests and benchmarks
//! set it to compare them. Not for use while other threads draw.
enum class PhiloxPath { Best, Avx2, Scalar };
inline PhiloxPath philox_path = PhiloxPath::Best;

//! Largest binomial n or Poisson mean accepted. The rejection tests lose about
//! n * 2^-53 in log-probability to rounding, so beyond 2^40 (1.1e12) they would drift.
constexpr double MAX_COUNT = 0x1.0p40;

}  // namespace detail

//! Named random streams: one per kind of draw, so adding draws to one part of the model
//! leaves every other part's numbers unchanged. Values go into 16 bits of the counter.
enum class Stream : std::uint32_t {
  Parameters = 0,
  Leavers,
  Transitions,
  Joiners,
  JoinerNeed,
  JoinerPlacement,
  Trend,
  Township,
  Matching,
  Costs,
  NetFlow,      //!< transfers in / extra leaving by age band
  NeedChanges,  //!< reserved for a model of changes of primary need
};

//! Lower-case name of a stream ("joiner_need"), for logs and provenance.
std::string_view stream_name(Stream stream);

//! Philox blocks (four 32-bit words each) generated so far on the calling thread, by every
//! Rng and by Rng::first_blocks: the generator's work, for "draws per run" in benchmarks.
inline std::uint64_t philox_blocks_generated() {
  return detail::philox_blocks;
}
//! 32-bit words drawn so far on the calling thread by Rngs that have gone out of scope: each
//! adds its draws() when destroyed (one thread-local add). "Draws per run", for benchmarks.
inline std::uint64_t words_drawn() {
  return detail::words_drawn;
}

//! Philox4x32-10 with the counter laid out as {block, substream, stream << 16 | year, run}
//! and the key as the two halves of the seed. About 180 bytes: make one per task, on the
//! stack, rather than sharing.
//!
//! Words come from a buffer of up to eight blocks made together (several blocks per
//! instruction with AVX2), so a stream that draws more than a few words pays for its blocks
//! about what one block alone costs. Which words a stream gives does not depend on it.
class Rng {
 public:
  using Philox = r123::Philox4x32;
  using Block = Philox::ctr_type;  //!< four 32-bit words

  //! Only the low 16 bits of year are used; calendar years fit.
  Rng(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
      std::uint32_t substream = 0)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        counter_{
            {0, substream, (static_cast<std::uint32_t>(stream) << 16) | (year & 0xFFFF), run}} {}

  //! The same stream as Rng(seed, run, year, stream, substream), given its first block as
  //! first_blocks() made it: the words that follow are identical.
  Rng(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
      std::uint32_t substream, const Block& first)
      : Rng(seed, run, year, stream, substream) {
    for (std::uint32_t i = 0; i < BLOCK_SIZE; ++i) words_[i] = first.v[i];
    blocks_ = 1;
    available_ = BLOCK_SIZE;
  }

  Rng(const Rng&) = default;
  Rng& operator=(const Rng&) = default;
  ~Rng() { detail::words_drawn += draws(); }  // a copy counts its own draws too

  //! Block 0 of the streams (seed, run, year, stream, substreams[i]), i < n, into out[i]:
  //! several blocks per instruction where the CPU has AVX2 (eight lanes, up to three groups
  //! interleaved), bit for bit what Philox gives one block at a time. For code that opens a
  //! stream per cell: generate a batch of cells' first blocks, then construct from them.
  static void first_blocks(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
                           const std::uint32_t* substreams, std::size_t n, Block* out);

  //! Block block_indices[i] of the stream (seed, run, year, stream, substreams[i]), i < n,
  //! into out[i]: first_blocks for any blocks, so that code reading a few blocks of many
  //! streams makes them all in vector lanes rather than stream by stream. Word w of a stream
  //! is word w % 4 of its block w / 4, as next_u32() gives it.
  static void blocks_at(std::uint64_t seed, std::uint32_t run, std::uint32_t year, Stream stream,
                        const std::uint32_t* substreams, const std::uint32_t* block_indices,
                        std::size_t n, Block* out);

  std::uint32_t next_u32() {
    if (position_ == available_) refill();
    return words_[position_++];
  }

  //! The high word is drawn first.
  std::uint64_t next_u64() {
    const std::uint64_t high = next_u32();
    const std::uint64_t low = next_u32();
    return (high << 32) | low;
  }

  //! Uniform on (0, 1): 53 random bits on the grid k * 2^-53, with k = 0 redrawn (chance
  //! 2^-53), so log(uniform()) and 1 / uniform() are always finite. Two words per value.
  double uniform() {
    for (;;) {
      const std::uint64_t bits = next_u64() >> 11;
      if (bits != 0) return static_cast<double>(bits) * 0x1.0p-53;
    }
  }

  //! 32-bit words consumed so far, for "draws per run" in benchmarks.
  std::uint64_t draws() const { return BLOCK_SIZE * blocks_ - (available_ - position_); }

 private:
  static constexpr std::uint32_t BLOCK_SIZE = 4;
  static constexpr std::uint32_t BUFFER_BLOCKS = 8;
  void refill();

  Philox::key_type key_;
  Philox::ctr_type counter_;     //!< v[1..3] identify the stream; v[0] is unused here
  std::uint64_t blocks_ = 0;     //!< blocks generated; 2^32 blocks exhaust the stream
  std::uint32_t position_ = 0;   //!< next word in words_
  std::uint32_t available_ = 0;  //!< words in words_
  std::uint32_t words_[BLOCK_SIZE * BUFFER_BLOCKS];
};

namespace detail {
//! Blocks first, ..., first + n - 1 (n <= 8) of the stream counter = {., v1, v2, v3} under
//! `key`, into words[0 .. 4n).
void philox_sequence(const Rng::Philox::key_type& key, const Rng::Philox::ctr_type& counter,
                     std::uint32_t first, std::uint32_t n, std::uint32_t* words);
}  // namespace detail

inline void Rng::refill() {
  // The draw index is one 32-bit counter word: beyond 2^32 blocks the stream would repeat.
  constexpr std::uint64_t LIMIT = std::uint64_t{1} << 32;
  if (blocks_ >= LIMIT) [[unlikely]]
    detail::throw_exhausted();
  // A stream opened from its first block (one per cell) that needs more usually needs one
  // block more: make just that, then eight at a time.
  const std::uint64_t want = blocks_ == 1 ? 1 : BUFFER_BLOCKS;
  const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(want, LIMIT - blocks_));
  detail::philox_sequence(key_, counter_, static_cast<std::uint32_t>(blocks_), n, words_);
  detail::philox_blocks += n;
  blocks_ += n;
  position_ = 0;
  available_ = BLOCK_SIZE * n;
}

namespace detail {

std::int64_t poisson_ptrs(double mean, Rng& rng);
std::int64_t binomial_btrs(std::int64_t n, double p, Rng& rng);

//! a if c, else b, without a branch (compilers turn a conditional expression on doubles into
//! one, mispredicted whenever c is a fresh random outcome).
inline double choose(bool c, double a, double b) {
  const std::uint64_t mask = -static_cast<std::uint64_t>(c);
  return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & mask) |
                               (std::bit_cast<std::uint64_t>(b) & ~mask));
}

//! Poisson by inversion: one uniform, then a search of the CDF upward from 0 with the pmf
//! recurrence f(k) = f(k-1) * mean / k, starting from f(0) = exp(-mean). Expected cost
//! mean + 1 steps, so small means only. The first step (k = 0 or more?) is taken without a
//! branch, since its outcome is the draw itself; the arithmetic is the loop's (x / 1 = x).
inline std::int64_t poisson_inversion(double mean, Rng& rng) {
  double u = rng.uniform();
  double pmf = std::exp(-mean);
  // pmf > 0 ends the loop if rounding leaves the summed CDF just short of u near 1.
  const bool step = u > pmf && pmf > 0;
  u = choose(step, u - pmf, u);
  pmf = choose(step, pmf * mean, pmf);
  std::int64_t k = step;
  // One branch, rarely taken (two or more events), rather than one on each condition.
  if (!(step & (u > pmf) & (pmf > 0))) return k;
  while (u > pmf && pmf > 0) {
    u -= pmf;
    ++k;
    pmf *= mean / static_cast<double>(k);
  }
  return k;
}

//! base^n for 0 <= n < 128 by squaring, without branches on the bits of n (which would be
//! mispredicted when n varies from call to call). Below 8, a table of the powers built in
//! square-and-multiply order (base^5 = base * base^4, ...), so every n gets the product the
//! bitwise loop would give; above, the loop with a mask for the factor of each bit.
inline double small_power(double base, std::int64_t n) {
  if (n < 8) {  // almost always: counts per cell are small, and the branch is predicted
    const double b2 = base * base, b4 = b2 * b2;
    const double powers[8] = {1, base, b2, base * b2, b4, base * b4, b2 * b4, (base * b2) * b4};
    return powers[n];
  }
  constexpr auto ONE = std::bit_cast<std::uint64_t>(1.0);
  double result = 1;
  for (int bit = 0; bit < 7; ++bit, base *= base) {
    const std::uint64_t set = -static_cast<std::uint64_t>((n >> bit) & 1);
    result *= std::bit_cast<double>((std::bit_cast<std::uint64_t>(base) & set) | (ONE & ~set));
  }
  return result;
}

//! (1 - p)^n: by squaring for small n, a few multiplies instead of a log and an exp
//! (multinomials split small counts many times over); otherwise exp(n log1p(-p)), which
//! keeps tiny p that 1 - p would round away.
inline double complement_power(double p, std::int64_t n) {
  if (n > 64) return std::exp(static_cast<double>(n) * std::log1p(-p));
  return small_power(1 - p, n);
}

//! Binomial by sequential search with the pmf recurrence
//! f(k) = f(k-1) * ((n + 1) / k - 1) * p / q (Kachitvichyanukul & Schmeiser 1988, BINV).
//! Expected cost n p + 1 steps; with p <= 0.5 and n p < 10, f(0) = (1 - p)^n > e^-14.
inline std::int64_t binomial_inversion(std::int64_t n, double p, Rng& rng) {
  double u = rng.uniform();
  // f(0) = q^n and f(1) = n p q^(n-1): for small n both from one table of powers, so the
  // common outcomes 0 and 1 need no division.
  const double q = 1 - p;
  double pmf, next;
  if (n < 8) {
    const double q2 = q * q, q4 = q2 * q2;
    const double powers[8] = {1, q, q2, q * q2, q4, q * q4, q2 * q4, (q * q2) * q4};
    pmf = powers[n];
    next = static_cast<double>(n) * p * powers[n - 1];
  } else {
    pmf = complement_power(p, n);
    next = pmf * (static_cast<double>(n) * p / q);
  }
  // The first step without a branch (n >= 1), as in poisson_inversion.
  const bool step = u > pmf;
  u = choose(step, u - pmf, u);
  pmf = choose(step, next, pmf);
  std::int64_t k = step;
  // One branch, rarely taken (two or more successes), rather than one on each condition.
  if (!(step & (u > pmf) & (k < n))) return k;
  const double odds = p / q;
  const double scaled = static_cast<double>(n + 1) * odds;
  while (u > pmf && k < n) {
    u -= pmf;
    ++k;
    pmf *= scaled / static_cast<double>(k) - odds;
  }
  return k;
}

//! The threshold T in [0, 2^32] for which a word w < T has probability p (to within 2^-33):
//! round(p 2^32), at least 1 for any p > 0, so that no positive probability is lost to
//! rounding. Draws of one word per Bernoulli trial compare the word with T.
inline std::uint64_t word_threshold(double p) {
  if (!(p > 0)) return 0;
  if (p >= 1) return std::uint64_t{1} << 32;
  const auto t = static_cast<std::uint64_t>(p * 0x1.0p32 + 0.5);
  return t == 0 ? 1 : t;
}

}  // namespace detail

//! Uniform on {0, ..., n - 1}, n >= 1, exactly: Lemire's (2019) multiply-and-reject, one word
//! a draw save with chance (2^32 mod n) / 2^32.
inline std::uint32_t uniform_below(std::uint32_t n, Rng& rng) {
  std::uint64_t m = static_cast<std::uint64_t>(rng.next_u32()) * n;
  if (static_cast<std::uint32_t>(m) < n) {
    const std::uint32_t reject_below = (0u - n) % n;  // 2^32 mod n
    while (static_cast<std::uint32_t>(m) < reject_below)
      m = static_cast<std::uint64_t>(rng.next_u32()) * n;
  }
  return static_cast<std::uint32_t>(m >> 32);
}

//! Normal(mu, sigma), sigma >= 0 (sigma = 0 returns mu and draws nothing: uncertainty off), by the
//! ziggurat of Marsaglia & Tsang (2000) with 256 layers, taking layer, sign and abscissa from
//! disjoint bits (Doornik 2005's fix for the original's correlated bits). Two words per variate
//! about 99% of the time.
double normal_rng(double mu, double sigma, Rng& rng);

//! Gamma with shape k > 0 and scale theta > 0 (mean k theta), by Marsaglia & Tsang (2000);
//! for k < 1, their boost Gamma(k + 1) * U^(1/k).
double gamma_rng(double shape, double scale, Rng& rng);

//! Beta(a, b), a, b > 0, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); in log space when a
//! shape is below 1 so tiny shapes do not give 0 / 0 (as Stan's beta_rng).
double beta_rng(double a, double b, Rng& rng);

//! Dirichlet(alpha), every alpha > 0, by normalised gammas; log space when any alpha < 1.
Eigen::ArrayXd dirichlet_rng(const Eigen::ArrayXd& alpha, Rng& rng);

//! The same draw into out[0..k) without allocating: the same words give the same numbers.
void dirichlet_rng(const double* alpha, int k, double* out, Rng& rng);

//! Poisson(mean), 0 <= mean <= 2^40: inversion below 10, otherwise PTRS, Hörmann's (1993)
//! transformed rejection with squeeze. Mean 0 returns 0 without drawing.
inline std::int64_t poisson_rng(double mean, Rng& rng) {
  if (!(mean >= 0 && mean <= detail::MAX_COUNT)) [[unlikely]]
    detail::throw_invalid("poisson_rng", "mean", mean, "a number in [0, 2^40]");
  if (mean == 0) return 0;
  if (mean < 10) return detail::poisson_inversion(mean, rng);
  return detail::poisson_ptrs(mean, rng);
}

//! Binomial(n, p), 0 <= n <= 2^40, p in [0, 1]. Uses Binomial(n, p) = n - Binomial(n, 1 - p)
//! to keep p <= 0.5; then inversion when n p < 10, otherwise BTRS (Hörmann 1993,
//! "The generation of binomial random variates"). n = 0, p = 0 and p = 1 draw nothing.
//! Always inlined, so that each call site's branches (p > 0.5? n p < 10?) are predicted from
//! that site's own history.
[[gnu::always_inline]] inline std::int64_t binomial_rng(std::int64_t n, double p, Rng& rng) {
  if (n < 0 || n > static_cast<std::int64_t>(detail::MAX_COUNT)) [[unlikely]]
    detail::throw_invalid("binomial_rng", "n", static_cast<double>(n), "an integer in [0, 2^40]");
  if (!(p >= 0 && p <= 1)) [[unlikely]]
    detail::throw_invalid("binomial_rng", "p", p, "a probability in [0, 1]");
  if (n == 0 || p == 0) return 0;
  if (p == 1) return n;
  const bool flip = p > 0.5;
  const double p_small = flip ? 1 - p : p;  // exact for p in [0.5, 1]
  const std::int64_t k = static_cast<double>(n) * p_small < 10
                             ? detail::binomial_inversion(n, p_small, rng)
                             : detail::binomial_btrs(n, p_small, rng);
  return flip ? n - k : k;
}

//! Multinomial(n, probs[0..k)) into out[0..k), by conditional binomials: category i gets
//! Binomial(remaining n, probs[i] / remaining probability). Counts sum to n exactly and
//! categories with probability 0 get exactly 0. probs must be a simplex (each in [0, 1],
//! sum within 1e-8 of 1, as Stan's check_simplex); k >= 1. No allocation.
void multinomial_rng(std::int64_t n, const double* probs, int k, std::int64_t* out, Rng& rng);

//! A discrete distribution on {0, ..., k-1} with weights proportional to w[i] >= 0, sampled
//! by inversion: one uniform per draw, located among the cumulative weights from a guide
//! table (Chen & Asau 1974, "On generating random variates from an empirical
//! distribution"), so a draw costs about two comparisons whatever k. Build once, draw often:
//! n draws from it are an exact Multinomial(n, w / sum w), and cheaper than conditional
//! binomials when n is small against k.
class DiscreteDistribution {
 public:
  DiscreteDistribution() = default;
  //! Weights must be finite and >= 0 with a positive sum.
  explicit DiscreteDistribution(std::span<const double> weights);

  //! One category; consumes one uniform (two words).
  int operator()(Rng& rng) const {
    const double v = rng.uniform();
    const double u = v * total_;
    int i = guide_[static_cast<std::size_t>(v * static_cast<double>(guide_.size()))];
    // The guide entry is the answer or a little below it; the backward step only guards
    // against rounding in the guide's thresholds.
    while (i > 0 && cumulative_[i - 1] > u) --i;
    while (i < last_ && cumulative_[i] <= u) ++i;
    return i;
  }

  int size() const { return static_cast<int>(cumulative_.size()); }
  double total() const { return total_; }  //!< sum of the weights
  //! Weight of category i, normalised (for the conditional-binomial path of large counts).
  double probability(int i) const {
    return (cumulative_[i] - (i > 0 ? cumulative_[i - 1] : 0.0)) / total_;
  }

 private:
  std::vector<double> cumulative_;  //!< running sums of the weights
  std::vector<int> guide_;          //!< guide_[j]: first i with cumulative_[i] > total j / m
  double total_ = 0;
  int last_ = 0;  //!< last category with positive weight
};

//! A discrete distribution on {0, ..., k-1} with weights proportional to w[i] >= 0, sampled
//! by Walker's alias method (Vose 1991, "A linear algorithm for generating random numbers
//! with a given distribution") from one 32-bit word: its product with k gives the column (the
//! high half) and the coin (the low half), and the draw is the column or its alias, without a
//! branch or a search. Probabilities are exact to 2^-32 per column. For many draws from one
//! fixed distribution (the joiners' need x placement x township).
class AliasTable {
 public:
  AliasTable() = default;
  //! Weights must be finite and >= 0 with a positive sum.
  explicit AliasTable(std::span<const double> weights);

  //! The category word w gives.
  int at(std::uint32_t w) const {
    const std::uint64_t x = static_cast<std::uint64_t>(w) * size_;
    const auto i = static_cast<int>(x >> 32);
    return static_cast<std::uint32_t>(x) < columns_[i].keep ? i : columns_[i].alias;
  }

  int size() const { return static_cast<int>(size_); }
  //! The probability of category i that the table gives (for tests).
  double probability(int i) const;

 private:
  //! Column i: category i, or `alias` for coins at or above `keep`.
  struct Column {
    std::uint32_t keep = 0;
    std::int32_t alias = 0;
  };
  std::vector<Column> columns_;
  std::uint64_t size_ = 0;
};

//! Negative binomial with the given mean >= 0 and dispersion (size) r, variance
//! mean + mean^2 / r, as Poisson(Gamma(r, mean / r)). r = infinity or r <= 0 means Poisson.
std::int64_t neg_binomial_rng(double mean, double dispersion, Rng& rng);

}  // namespace sendcast::sim
