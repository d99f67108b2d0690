#include "sim/rng.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace sendcast::sim {
namespace {

constexpr std::uint64_t SEED = 0x5e4dca57'00002024;
constexpr int DRAWS = 200000;

// ---------------------------------------------------------------------------------------
// Helpers. Statistical tests use fixed seeds, so they pass or fail deterministically; the
// tolerances say how unlikely a failure would be for a correct sampler at a random seed.

struct Moments {
  double mean = 0;
  double variance = 0;     //!< unbiased
  double mean_se = 0;      //!< standard error of the mean
  double variance_se = 0;  //!< standard error of the variance, from the spread of (x - mean)^2
};

Moments moments_of(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  Moments m;
  m.mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double sum_sq = 0;
  double sum_fourth = 0;
  for (double value : x) {
    const double sq = (value - m.mean) * (value - m.mean);
    sum_sq += sq;
    sum_fourth += sq * sq;
  }
  m.variance = sum_sq / (n - 1);
  m.mean_se = std::sqrt(m.variance / n);
  const double mean_sq = sum_sq / n;
  m.variance_se = std::sqrt((sum_fourth / n - mean_sq * mean_sq) / n);
  return m;
}

std::vector<double> sample(int count, const std::function<double()>& draw) {
  std::vector<double> x(count);
  for (double& value : x) value = draw();
  return x;
}

// Mean and variance within 4 standard errors: a correct sampler fails either with chance
// about 6e-5.
void expect_moments(const std::vector<double>& x, double mean, double variance) {
  const Moments m = moments_of(x);
  EXPECT_NEAR(m.mean, mean, 4 * m.mean_se) << "mean";
  EXPECT_NEAR(m.variance, variance, 4 * m.variance_se) << "variance";
}

double poisson_pmf(int k, double mean) {
  return std::exp(k * std::log(mean) - mean - std::lgamma(k + 1.0));
}

double binomial_pmf(int k, int n, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                  k * std::log(p) + (n - k) * std::log1p(-p));
}

// Upper 0.1% point of chi-square with `df` degrees of freedom, by Wilson & Hilferty (1931);
// within 1% of the exact value for df >= 3.
double chi_square_critical(int df) {
  constexpr double Z_999 = 3.090232;
  const double h = 2.0 / (9.0 * df);
  return df * std::pow(1 - h + Z_999 * std::sqrt(h), 3);
}

// Pearson goodness of fit of integer draws to pmf(k) for k = 0..support, with values at or
// below lo and at or above hi pooled into the end bins (chosen so every bin expects >= 5).
void expect_fits(const std::vector<std::int64_t>& draws, const std::function<double(int)>& pmf,
                 int support, int lo, int hi) {
  std::vector<double> expected(hi - lo + 1, 0.0);
  for (int k = 0; k <= support; ++k) expected[std::clamp(k, lo, hi) - lo] += pmf(k);
  std::vector<double> observed(expected.size(), 0.0);
  for (std::int64_t k : draws) {
    ASSERT_GE(k, 0);
    ASSERT_LE(k, support);
    observed[std::clamp<std::int64_t>(k, lo, hi) - lo] += 1;
  }
  double statistic = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i] * static_cast<double>(draws.size());
    ASSERT_GE(e, 5) << "bin " << lo + static_cast<int>(i) << " too sparse for chi-square";
    statistic += (observed[i] - e) * (observed[i] - e) / e;
  }
  const int df = static_cast<int>(expected.size()) - 1;
  EXPECT_LT(statistic, chi_square_critical(df)) << "chi-square with " << df << " df";
}

std::vector<std::uint32_t> words(Rng rng, int count) {
  std::vector<std::uint32_t> out(count);
  for (auto& word : out) word = rng.next_u32();
  return out;
}

// ---------------------------------------------------------------------------------------
// The generator.

TEST(Rng, SameKeyGivesTheSameSequence) {
  const Rng a(SEED, 7, 2025, Stream::Joiners, 3);
  const Rng b(SEED, 7, 2025, Stream::Joiners, 3);
  EXPECT_EQ(words(a, 1001), words(b, 1001));
}

TEST(Rng, EveryPartOfTheKeyChangesTheSequence) {
  const auto base = words(Rng(SEED, 7, 2025, Stream::Joiners, 3), 8);
  EXPECT_NE(base, words(Rng(SEED + 1, 7, 2025, Stream::Joiners, 3), 8));
  EXPECT_NE(base, words(Rng(SEED ^ (1ULL << 40), 7, 2025, Stream::Joiners, 3), 8));
  EXPECT_NE(base, words(Rng(SEED, 8, 2025, Stream::Joiners, 3), 8));
  EXPECT_NE(base, words(Rng(SEED, 7, 2026, Stream::Joiners, 3), 8));
  EXPECT_NE(base, words(Rng(SEED, 7, 2025, Stream::Leavers, 3), 8));
  EXPECT_NE(base, words(Rng(SEED, 7, 2025, Stream::Joiners, 4), 8));
}

// Known-answer test from Random123's kat_vectors: Philox4x32-10 of a zero counter and key.
TEST(Rng, MatchesPhiloxKnownAnswer) {
  EXPECT_EQ(words(Rng(0, 0, 0, Stream::Parameters), 4),
            (std::vector<std::uint32_t>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
}

// The documented layout: key = seed halves, counter = {block, substream, stream|year, run}.
TEST(Rng, CounterLayoutIsAsDocumented) {
  const std::uint64_t seed = 0x299f31d0'a4093822;
  const Rng::Philox::key_type key = {{0xa4093822, 0x299f31d0}};
  const std::uint32_t stream_year = (static_cast<std::uint32_t>(Stream::Township) << 16) | 2031;
  std::vector<std::uint32_t> expected;
  for (std::uint32_t block = 0; block < 2; ++block) {
    const Rng::Philox::ctr_type counter = {{block, 5, stream_year, 11}};
    const auto out = Rng::Philox()(counter, key);
    expected.insert(expected.end(), out.v, out.v + 4);
  }
  EXPECT_EQ(words(Rng(seed, 11, 2031, Stream::Township, 5), 8), expected);
}

// Streams longer than the generator's buffer of blocks: every block as Philox gives it.
TEST(Rng, LongStreamsMatchPhiloxBlockByBlock) {
  const std::uint64_t seed = 0x299f31d0'a4093822;
  const Rng::Philox::key_type key = {{0xa4093822, 0x299f31d0}};
  const std::uint32_t stream_year = (static_cast<std::uint32_t>(Stream::Leavers) << 16) | 2030;
  std::vector<std::uint32_t> expected;
  for (std::uint32_t block = 0; block < 37; ++block) {
    const auto out = Rng::Philox()({{block, 9, stream_year, 3}}, key);
    expected.insert(expected.end(), out.v, out.v + 4);
  }
  EXPECT_EQ(words(Rng(seed, 3, 2030, Stream::Leavers, 9), 148), expected);
}

// Batched first blocks, for every tail length of the eight- and sixteen-lane groups and on
// every vector path this CPU has (AVX-512F, AVX2, scalar), start the same streams as fresh
// generators do.
TEST(Rng, FirstBlocksStartEachSubstreamsStream) {
  using detail::PhiloxPath;
  for (PhiloxPath path : {PhiloxPath::Best, PhiloxPath::Avx2, PhiloxPath::Scalar}) {
    detail::philox_path = path;
    for (std::size_t n : {1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 47, 48, 49, 60, 97, 200}) {
      std::vector<std::uint32_t> substreams(n);
      for (std::size_t i = 0; i < n; ++i) substreams[i] = static_cast<std::uint32_t>(i * 37 + 5);
      std::vector<Rng::Block> blocks(n);
      Rng::first_blocks(SEED, 4, 2027, Stream::Transitions, substreams.data(), n, blocks.data());
      for (std::size_t i = 0; i < n; ++i) {
        const Rng fresh(SEED, 4, 2027, Stream::Transitions, substreams[i]);
        const Rng given(SEED, 4, 2027, Stream::Transitions, substreams[i], blocks[i]);
        EXPECT_EQ(given.draws(), 0u);
        ASSERT_EQ(words(given, 40), words(fresh, 40))
            << n << " substreams, number " << i << ", path " << static_cast<int>(path);
      }
    }
  }
  detail::philox_path = PhiloxPath::Best;
}

// Any blocks of many streams at once give the words those streams' generators give there,
// on every vector path.
TEST(Rng, BlocksAtAreTheStreamsWords) {
  using detail::PhiloxPath;
  for (PhiloxPath path : {PhiloxPath::Best, PhiloxPath::Avx2, PhiloxPath::Scalar}) {
    detail::philox_path = path;
    for (std::size_t n : {1, 9, 17, 33, 49, 130}) {
      std::vector<std::uint32_t> substreams(n), indices(n);
      for (std::size_t i = 0; i < n; ++i) {
        substreams[i] = static_cast<std::uint32_t>(i * 11 + 2);
        indices[i] = static_cast<std::uint32_t>((i * 7) % 13);
      }
      std::vector<Rng::Block> blocks(n);
      Rng::blocks_at(SEED, 6, 2031, Stream::Leavers, substreams.data(), indices.data(), n,
                     blocks.data());
      for (std::size_t i = 0; i < n; ++i) {
        const std::vector<std::uint32_t> stream =
            words(Rng(SEED, 6, 2031, Stream::Leavers, substreams[i]),
                  static_cast<int>(4 * (indices[i] + 1)));
        for (int w = 0; w < 4; ++w)
          ASSERT_EQ(blocks[i].v[w], stream[4 * indices[i] + w])
              << n << " streams, number " << i << ", word " << w << ", path "
              << static_cast<int>(path);
      }
    }
  }
  detail::philox_path = PhiloxPath::Best;
}

// Small enough to keep one per task on the stack and pass by reference into inner loops
// (its buffer holds eight blocks, made together).
static_assert(sizeof(Rng) <= 192);

TEST(Rng, CopiesContinueIdentically) {
  Rng a(SEED, 1, 2025, Stream::Trend);
  a.next_u32();
  Rng b = a;
  for (int i = 0; i < 9; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(Rng, CountsWordsDrawn) {
  Rng rng(SEED, 0, 2025, Stream::Costs);
  EXPECT_EQ(rng.draws(), 0u);
  rng.next_u32();
  EXPECT_EQ(rng.draws(), 1u);
  rng.next_u64();
  EXPECT_EQ(rng.draws(), 3u);
  for (int i = 0; i < 10; ++i) rng.next_u32();
  EXPECT_EQ(rng.draws(), 13u);
}

TEST(Rng, U64AndUniformAreBuiltFromWordsInOrder) {
  Rng words_rng(SEED, 0, 2025, Stream::Matching);
  Rng rng = words_rng;
  const std::uint64_t high = words_rng.next_u32();
  const std::uint64_t low = words_rng.next_u32();
  EXPECT_EQ(rng.next_u64(), (high << 32) | low);
  const std::uint64_t bits = words_rng.next_u64() >> 11;
  EXPECT_EQ(rng.uniform(), static_cast<double>(bits) * 0x1.0p-53);
}

TEST(Rng, UniformIsInsideTheOpenInterval) {
  Rng rng(SEED, 0, 2025, Stream::Parameters);
  for (int i = 0; i < 1000000; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, StreamNames) {
  EXPECT_EQ(stream_name(Stream::Parameters), "parameters");
  EXPECT_EQ(stream_name(Stream::JoinerNeed), "joiner_need");
  EXPECT_EQ(stream_name(Stream::JoinerPlacement), "joiner_placement");
  EXPECT_EQ(stream_name(Stream::Costs), "costs");
  EXPECT_EQ(stream_name(Stream::NetFlow), "net_flow");
}

// ---------------------------------------------------------------------------------------
// Continuous samplers.

TEST(Samplers, UniformMoments) {
  Rng rng(SEED, 0, 2025, Stream::Parameters);
  expect_moments(sample(DRAWS, [&] { return rng.uniform(); }), 0.5, 1.0 / 12);
}

TEST(Samplers, NormalMoments) {
  Rng rng(SEED, 1, 2025, Stream::Parameters);
  expect_moments(sample(DRAWS, [&] { return normal_rng(2, 3, rng); }), 2, 9);
}

// The ziggurat's layers, wedges and tail each shape part of the curve: binned fit from -4 to
// 4 in steps of 0.25, tails pooled. Ten times the usual draws, so that a wedge or tail bug
// (about 1% and 0.03% of the mass) shows.
TEST(Samplers, NormalFitsTheBellCurve) {
  Rng rng(SEED, 2, 2025, Stream::Parameters);
  constexpr double WIDTH = 0.25;
  constexpr int BINS = 34;  // (-inf, -4), 32 bins of [-4, 4), [4, inf)
  std::vector<std::int64_t> draws(10 * DRAWS);
  for (auto& bin : draws) {
    const double x = normal_rng(0, 1, rng);
    bin = std::clamp(static_cast<int>(std::floor(x / WIDTH)) + 17, 0, BINS - 1);
  }
  const auto pmf = [](int bin) {
    const auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
    const double lo = bin == 0 ? -INFINITY : (bin - 17) * WIDTH;
    const double hi = bin == BINS - 1 ? INFINITY : (bin - 16) * WIDTH;
    return cdf(hi) - cdf(lo);
  };
  expect_fits(draws, pmf, BINS - 1, 0, BINS - 1);
}

TEST(Samplers, GammaMoments) {
  constexpr double SCALE = 2;
  for (double shape : {0.5, 3.0, 50.0}) {
    SCOPED_TRACE(shape);
    Rng rng(SEED, 0, 2025, Stream::Parameters, static_cast<std::uint32_t>(shape * 10));
    expect_moments(sample(DRAWS, [&] { return gamma_rng(shape, SCALE, rng); }), shape * SCALE,
                   shape * SCALE * SCALE);
  }
}

TEST(Samplers, BetaMoments) {
  struct Case {
    double a;
    double b;
  };
  // Shapes below 1 take the log-space path.
  for (Case c : {Case{2.0, 5.0}, Case{0.5, 0.5}, Case{0.3, 4.0}}) {
    SCOPED_TRACE(c.a);
    Rng rng(SEED, 0, 2025, Stream::Transitions, static_cast<std::uint32_t>(c.a * 10));
    const double sum = c.a + c.b;
    expect_moments(sample(DRAWS, [&] { return beta_rng(c.a, c.b, rng); }), c.a / sum,
                   c.a * c.b / (sum * sum * (sum + 1)));
  }
}

TEST(Samplers, BetaStaysInTheUnitIntervalForTinyShapes) {
  Rng rng(SEED, 0, 2025, Stream::Transitions);
  for (int i = 0; i < 10000; ++i) {
    const double x = beta_rng(0.01, 0.02, rng);
    ASSERT_GE(x, 0.0);
    ASSERT_LE(x, 1.0);
  }
}

TEST(Samplers, DirichletMeanVector) {
  for (const Eigen::ArrayXd& alpha :
       {Eigen::ArrayXd{{1.5, 2.0, 6.5}}, Eigen::ArrayXd{{0.3, 0.2, 0.5, 1.0}}}) {
    SCOPED_TRACE(alpha.size());
    Rng rng(SEED, 0, 2025, Stream::JoinerPlacement, static_cast<std::uint32_t>(alpha.size()));
    std::vector<std::vector<double>> components(alpha.size(), std::vector<double>(DRAWS));
    for (int d = 0; d < DRAWS; ++d) {
      const Eigen::ArrayXd x = dirichlet_rng(alpha, rng);
      ASSERT_NEAR(x.sum(), 1.0, 1e-12);
      for (Eigen::Index i = 0; i < alpha.size(); ++i) components[i][d] = x[i];
    }
    const double total = alpha.sum();
    for (Eigen::Index i = 0; i < alpha.size(); ++i) {
      const double mean = alpha[i] / total;
      expect_moments(components[i], mean, mean * (1 - mean) / (total + 1));
    }
  }
}

TEST(Samplers, DirichletSumsToOneForTinyAlpha) {
  Rng rng(SEED, 0, 2025, Stream::JoinerPlacement);
  const Eigen::ArrayXd alpha = Eigen::ArrayXd::Constant(5, 1e-3);
  for (int i = 0; i < 1000; ++i) {
    const Eigen::ArrayXd x = dirichlet_rng(alpha, rng);
    ASSERT_TRUE(x.allFinite());
    ASSERT_NEAR(x.sum(), 1.0, 1e-12);
  }
}

//! dirichlet_rng's log path as first written: every component's log variate, then the
//! exponentials. Gamma(shape >= 1, scale 1) is the Marsaglia-Tsang draw the sampler uses.
std::vector<double> plain_dirichlet(const std::vector<double>& alpha, Rng& rng) {
  std::vector<double> out(alpha.size());
  double log_max = -std::numeric_limits<double>::infinity(), total = 0;
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    out[i] = alpha[i] >= 1
                 ? std::log(gamma_rng(alpha[i], 1, rng))
                 : std::log(gamma_rng(alpha[i] + 1, 1, rng)) + std::log(rng.uniform()) / alpha[i];
    log_max = std::max(log_max, out[i]);
  }
  for (double& x : out) total += x = std::exp(x - log_max);
  for (double& x : out) x /= total;
  return out;
}

TEST(Samplers, DirichletWithTinyShapesIsTheLogComputationBitForBit) {
  // Rows like the calibrated transition rows: a few real shapes and floors of 1e-6, and some
  // where every shape is tiny or only small ones are left to set the largest log variate.
  const std::array<double, 9> shapes = {1e-6, 1e-9, 1e-6, 2e-4, 0.02, 0.4, 1.0, 3.5, 250.0};
  std::uint64_t pick = 12345;
  const auto next = [&pick] {
    pick = pick * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(pick >> 33);
  };
  for (const std::size_t k : {2u, 8u, 26u, 40u}) {
    for (int trial = 0; trial < 3000; ++trial) {
      std::vector<double> alpha(k);
      const std::size_t limit = trial % 3 == 0 ? 3 : trial % 3 == 1 ? 6 : shapes.size();
      for (double& a : alpha) a = shapes[next() % limit];
      Rng fast(SEED, static_cast<std::uint32_t>(trial), 2025, Stream::Parameters,
               static_cast<std::uint32_t>(k));
      Rng plain = fast;
      std::vector<double> x(k);
      dirichlet_rng(alpha.data(), static_cast<int>(k), x.data(), fast);
      if (*std::min_element(alpha.begin(), alpha.end()) >= 1) continue;  // not the log path
      const std::vector<double> expected = plain_dirichlet(alpha, plain);
      for (std::size_t i = 0; i < k; ++i)
        ASSERT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(expected[i]))
            << "k " << k << " trial " << trial << " component " << i << " shape " << alpha[i];
      ASSERT_EQ(fast.next_u64(), plain.next_u64()) << "the words drawn differ, trial " << trial;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Count samplers.

std::vector<double> as_doubles(const std::vector<std::int64_t>& x) {
  return std::vector<double>(x.begin(), x.end());
}

std::vector<std::int64_t> counts(int count, const std::function<std::int64_t()>& draw) {
  std::vector<std::int64_t> x(count);
  for (auto& value : x) value = draw();
  return x;
}

TEST(Samplers, PoissonMoments) {
  // 0.5 and 5 by inversion; 30 and 1e4 by PTRS.
  for (double mean : {0.5, 5.0, 30.0, 1e4}) {
    SCOPED_TRACE(mean);
    Rng rng(SEED, 0, 2025, Stream::Joiners, static_cast<std::uint32_t>(mean));
    expect_moments(as_doubles(counts(DRAWS, [&] { return poisson_rng(mean, rng); })), mean, mean);
  }
}

TEST(Samplers, PoissonMeanNearTheLimit) {
  constexpr double MEAN = 1e12;
  Rng rng(SEED, 0, 2025, Stream::Joiners);
  const Moments m = moments_of(as_doubles(counts(20000, [&] { return poisson_rng(MEAN, rng); })));
  EXPECT_NEAR(m.mean, MEAN, 4 * std::sqrt(MEAN / 20000));
}

TEST(Samplers, PoissonFitsSmallMean) {
  Rng rng(SEED, 1, 2025, Stream::Joiners);
  const auto draws = counts(DRAWS, [&] { return poisson_rng(3, rng); });
  expect_fits(
      draws, [](int k) { return poisson_pmf(k, 3); }, 60, 0, 11);
}

TEST(Samplers, PoissonFitsLargeMean) {
  Rng rng(SEED, 2, 2025, Stream::Joiners);
  const auto draws = counts(DRAWS, [&] { return poisson_rng(30, rng); });
  expect_fits(
      draws, [](int k) { return poisson_pmf(k, 30); }, 200, 12, 52);
}

TEST(Samplers, BinomialMoments) {
  struct Case {
    std::int64_t n;
    double p;
  };
  // Inversion, BTRS, BTRS at large n, and p > 0.5 through symmetry into each method.
  for (Case c :
       {Case{10, 0.3}, Case{1000, 0.02}, Case{1000000, 0.4}, Case{30, 0.9}, Case{1000, 0.9}}) {
    SCOPED_TRACE(c.n);
    SCOPED_TRACE(c.p);
    Rng rng(SEED, 0, 2025, Stream::Leavers, static_cast<std::uint32_t>(c.n));
    const double n = static_cast<double>(c.n);
    expect_moments(as_doubles(counts(DRAWS, [&] { return binomial_rng(c.n, c.p, rng); })), n * c.p,
                   n * c.p * (1 - c.p));
  }
}

TEST(Samplers, BinomialFitsSmallMean) {
  Rng rng(SEED, 1, 2025, Stream::Leavers);
  const auto draws = counts(DRAWS, [&] { return binomial_rng(20, 0.25, rng); });
  expect_fits(
      draws, [](int k) { return binomial_pmf(k, 20, 0.25); }, 20, 0, 12);
}

TEST(Samplers, BinomialFitsLargeMean) {
  Rng rng(SEED, 2, 2025, Stream::Leavers);
  const auto draws = counts(DRAWS, [&] { return binomial_rng(100, 0.3, rng); });
  expect_fits(
      draws, [](int k) { return binomial_pmf(k, 100, 0.3); }, 100, 13, 48);
}

TEST(Samplers, BinomialFitsSymmetricCase) {
  Rng rng(SEED, 3, 2025, Stream::Leavers);
  const auto draws = counts(DRAWS, [&] { return binomial_rng(60, 0.8, rng); });
  expect_fits(
      draws, [](int k) { return binomial_pmf(k, 60, 0.8); }, 60, 36, 57);
}

TEST(Samplers, MultinomialSumsToNAndHasBinomialMarginals) {
  constexpr std::int64_t N = 1000;
  constexpr int K = 6;
  const std::array<double, K> probs = {0.5, 0.2, 0.0, 0.15, 0.149, 0.001};
  Rng rng(SEED, 0, 2025, Stream::JoinerNeed);
  std::array<std::int64_t, K> out{};
  std::vector<std::vector<double>> components(K, std::vector<double>(DRAWS));
  for (int d = 0; d < DRAWS; ++d) {
    multinomial_rng(N, probs.data(), K, out.data(), rng);
    ASSERT_EQ(std::accumulate(out.begin(), out.end(), std::int64_t{0}), N);
    ASSERT_EQ(out[2], 0);
    for (int i = 0; i < K; ++i) components[i][d] = static_cast<double>(out[i]);
  }
  for (int i = 0; i < K; ++i) {
    if (probs[i] == 0) continue;
    SCOPED_TRACE(i);
    expect_moments(components[i], N * probs[i], N * probs[i] * (1 - probs[i]));
  }
}

TEST(Samplers, MultinomialLeavesTrailingZeroCategoriesEmpty) {
  const std::array<double, 4> probs = {0.3, 0.7, 0.0, 0.0};
  Rng rng(SEED, 0, 2025, Stream::JoinerNeed);
  std::array<std::int64_t, 4> out{};
  for (int d = 0; d < 10000; ++d) {
    multinomial_rng(1000000, probs.data(), 4, out.data(), rng);
    ASSERT_EQ(out[0] + out[1], 1000000);
    ASSERT_EQ(out[2], 0);
    ASSERT_EQ(out[3], 0);
  }
}

TEST(Samplers, NegBinomialMoments) {
  struct Case {
    double mean;
    double dispersion;
  };
  for (Case c : {Case{20, 3}, Case{5, 0.5}, Case{200, 50}}) {
    SCOPED_TRACE(c.mean);
    Rng rng(SEED, 0, 2025, Stream::Joiners, static_cast<std::uint32_t>(c.mean));
    expect_moments(
        as_doubles(counts(DRAWS, [&] { return neg_binomial_rng(c.mean, c.dispersion, rng); })),
        c.mean, c.mean + c.mean * c.mean / c.dispersion);
  }
}

TEST(Samplers, NegBinomialWithoutDispersionIsPoisson) {
  for (double dispersion : {std::numeric_limits<double>::infinity(), 0.0, -1.0}) {
    Rng a(SEED, 0, 2025, Stream::Joiners);
    Rng b = a;
    for (int i = 0; i < 100; ++i)
      EXPECT_EQ(neg_binomial_rng(12.5, dispersion, a), poisson_rng(12.5, b));
  }
}

// ---------------------------------------------------------------------------------------
// Edge cases return exactly, without drawing.

TEST(Samplers, DegenerateCasesReturnExactlyWithoutDrawing) {
  Rng rng(SEED, 0, 2025, Stream::Leavers);
  EXPECT_EQ(binomial_rng(0, 0.3, rng), 0);
  EXPECT_EQ(binomial_rng(17, 0.0, rng), 0);
  EXPECT_EQ(binomial_rng(17, 1.0, rng), 17);
  EXPECT_EQ(poisson_rng(0, rng), 0);
  EXPECT_EQ(neg_binomial_rng(0, 2, rng), 0);
  std::array<std::int64_t, 3> out{9, 9, 9};
  const std::array<double, 3> probs = {0.2, 0.3, 0.5};
  multinomial_rng(0, probs.data(), 3, out.data(), rng);
  EXPECT_EQ(out, (std::array<std::int64_t, 3>{0, 0, 0}));
  const std::array<double, 3> certain = {0.0, 1.0, 0.0};
  multinomial_rng(42, certain.data(), 3, out.data(), rng);
  EXPECT_EQ(out, (std::array<std::int64_t, 3>{0, 42, 0}));
  EXPECT_EQ(rng.draws(), 0u);
}

//! Pearson chi-square of category counts against weights; categories of weight 0 must be
//! empty.
void expect_categories_fit(const std::vector<std::int64_t>& counts,
                           const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  const double n = std::accumulate(counts.begin(), counts.end(), 0.0);
  double statistic = 0;
  int df = -1;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    if (weights[k] == 0) {
      EXPECT_EQ(counts[k], 0) << "category " << k << " has weight 0";
      continue;
    }
    const double e = n * weights[k] / total;
    ASSERT_GE(e, 5) << "category " << k << " too sparse for chi-square";
    statistic += (static_cast<double>(counts[k]) - e) * (static_cast<double>(counts[k]) - e) / e;
    ++df;
  }
  EXPECT_LT(statistic, chi_square_critical(df)) << "chi-square with " << df << " df";
}

TEST(Samplers, DiscreteDistributionFitsItsWeights) {
  // Zero weights first, inside and last; weights that do not sum to 1.
  const std::vector<double> weights = {0.0, 3.0, 0.5, 0.0, 1.5, 0.01, 2.0, 0.0};
  const DiscreteDistribution d(weights);
  EXPECT_EQ(d.size(), 8);
  EXPECT_DOUBLE_EQ(d.total(), 7.01);
  EXPECT_DOUBLE_EQ(d.probability(4), 1.5 / 7.01);
  Rng rng(SEED, 0, 2025, Stream::JoinerNeed);
  std::vector<std::int64_t> counts(weights.size(), 0);
  for (int i = 0; i < DRAWS; ++i) ++counts[d(rng)];
  expect_categories_fit(counts, weights);
  EXPECT_EQ(rng.draws(), 2u * DRAWS);  // one uniform per draw
}

TEST(Samplers, DiscreteDistributionFitsManyCategories) {
  // 480 categories (need x placement x five townships), some empty, widely spread weights.
  std::vector<double> weights(480);
  Rng weight_rng(SEED, 1, 2025, Stream::Parameters);
  for (std::size_t k = 0; k < weights.size(); ++k)
    weights[k] = k % 7 == 3 ? 0.0 : std::exp(3 * weight_rng.uniform());
  const DiscreteDistribution d(weights);
  Rng rng(SEED, 1, 2025, Stream::JoinerNeed);
  std::vector<std::int64_t> counts(weights.size(), 0);
  for (int i = 0; i < 2000000; ++i) ++counts[d(rng)];
  expect_categories_fit(counts, weights);
}

TEST(Samplers, DiscreteDistributionNeedsPositiveWeights) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(DiscreteDistribution(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(DiscreteDistribution(std::vector<double>{0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(DiscreteDistribution(std::vector<double>{1.0, -0.5}), std::invalid_argument);
  EXPECT_THROW(DiscreteDistribution(std::vector<double>{1.0, nan}), std::invalid_argument);
}

TEST(Samplers, AliasTableGivesItsWeights) {
  // The table's probabilities are the weights' to within 2^-32 per column, with zero weights
  // exactly zero; draws from Philox words fit them.
  const std::vector<double> weights = {0.0, 3.0, 0.5, 0.0, 1.5, 0.01, 2.0, 0.0};
  const AliasTable table(weights);
  EXPECT_EQ(table.size(), 8);
  for (int i = 0; i < 8; ++i) {
    if (weights[i] == 0) {
      EXPECT_EQ(table.probability(i), 0.0) << "category " << i;
    } else {
      EXPECT_NEAR(table.probability(i), weights[i] / 7.01, 8 * 0x1.0p-32) << "category " << i;
    }
  }
  Rng rng(SEED, 0, 2025, Stream::JoinerNeed);
  std::vector<std::int64_t> counts(weights.size(), 0);
  for (int i = 0; i < DRAWS; ++i) ++counts[table.at(rng.next_u32())];
  for (int i : {0, 3, 7}) EXPECT_EQ(counts[i], 0) << "category " << i;
  expect_categories_fit(counts, weights);
  // The extreme words fall in the first and last columns.
  EXPECT_GE(table.at(0), 0);
  EXPECT_LT(table.at(0xFFFFFFFFu), 8);
}

TEST(Samplers, UniformBelowIsExactlyUniform) {
  // n = 1 draws 0; small ranges fit. n = 3 x 2^30 catches a sampler without rejection: a
  // plain multiply-shift maps 2 words to every value = 0 (mod 3) and 1 to the others, so
  // v mod 3 would be 1/2, 1/4, 1/4 rather than thirds, and a quarter of first words are
  // redrawn.
  Rng rng(SEED, 0, 2025, Stream::NetFlow);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(uniform_below(1, rng), 0u);
  for (const std::uint32_t n : {3u, 10u}) {
    std::vector<std::int64_t> counts(n, 0);
    for (int i = 0; i < DRAWS; ++i) {
      const std::uint32_t v = uniform_below(n, rng);
      ASSERT_LT(v, n);
      ++counts[v];
    }
    expect_categories_fit(counts, std::vector<double>(n, 1.0));
  }
  constexpr std::uint32_t BIG = 3u << 30;
  std::vector<std::int64_t> residues(3, 0);
  Rng big(SEED, 1, 2025, Stream::NetFlow);
  for (int i = 0; i < DRAWS; ++i) {
    const std::uint32_t v = uniform_below(BIG, big);
    ASSERT_LT(v, BIG);
    ++residues[v % 3];
  }
  expect_categories_fit(residues, {1.0, 1.0, 1.0});
  EXPECT_NEAR(static_cast<double>(big.draws()) / DRAWS, 4.0 / 3, 0.01);
}

TEST(Samplers, AliasTableFitsManyCategories) {
  // 480 categories (need x placement x five townships), some empty, widely spread weights.
  std::vector<double> weights(480);
  Rng weight_rng(SEED, 1, 2025, Stream::Parameters);
  double total = 0;
  for (std::size_t k = 0; k < weights.size(); ++k)
    total += weights[k] = k % 7 == 3 ? 0.0 : std::exp(3 * weight_rng.uniform());
  const AliasTable table(weights);
  double sum = 0;
  for (int i = 0; i < 480; ++i) {
    sum += table.probability(i);
    ASSERT_NEAR(table.probability(i), weights[i] / total, 1e-9) << "category " << i;
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  Rng rng(SEED, 1, 2025, Stream::JoinerNeed);
  std::vector<std::int64_t> counts(weights.size(), 0);
  for (int i = 0; i < 2000000; ++i) ++counts[table.at(rng.next_u32())];
  expect_categories_fit(counts, weights);
}

TEST(Samplers, AliasTableOfOneCategoryAndBadWeights) {
  const AliasTable one(std::vector<double>{2.5});
  for (std::uint32_t w : {0u, 1u, 0x80000000u, 0xFFFFFFFFu}) EXPECT_EQ(one.at(w), 0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(AliasTable(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW(AliasTable(std::vector<double>{0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(AliasTable(std::vector<double>{1.0, -0.5}), std::invalid_argument);
  EXPECT_THROW(AliasTable(std::vector<double>{1.0, nan}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Error paths: programmer errors throw std::invalid_argument.

TEST(Samplers, NegativeCountThrows) {
  Rng rng(SEED, 0, 2025, Stream::Leavers);
  try {
    binomial_rng(-1, 0.5, rng);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "binomial_rng: n = -1: expected an integer in [0, 2^40]");
  }
  std::array<std::int64_t, 2> out{};
  const std::array<double, 2> probs = {0.5, 0.5};
  EXPECT_THROW(multinomial_rng(-3, probs.data(), 2, out.data(), rng), std::invalid_argument);
}

TEST(Samplers, InvalidArgumentsThrow) {
  Rng rng(SEED, 0, 2025, Stream::Leavers);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(binomial_rng(10, -0.1, rng), std::invalid_argument);
  EXPECT_THROW(binomial_rng(10, 1.1, rng), std::invalid_argument);
  EXPECT_THROW(binomial_rng(10, nan, rng), std::invalid_argument);
  EXPECT_THROW(poisson_rng(-1, rng), std::invalid_argument);
  EXPECT_THROW(poisson_rng(nan, rng), std::invalid_argument);
  EXPECT_THROW(poisson_rng(inf, rng), std::invalid_argument);
  EXPECT_EQ(normal_rng(1.5, 0, rng), 1.5);  // sigma 0 switches the noise off
  EXPECT_THROW(normal_rng(0, -1, rng), std::invalid_argument);
  EXPECT_THROW(normal_rng(nan, 1, rng), std::invalid_argument);
  EXPECT_THROW(gamma_rng(0, 1, rng), std::invalid_argument);
  EXPECT_THROW(gamma_rng(1, -2, rng), std::invalid_argument);
  EXPECT_THROW(beta_rng(1, 0, rng), std::invalid_argument);
  EXPECT_THROW(dirichlet_rng(Eigen::ArrayXd(0), rng), std::invalid_argument);
  EXPECT_THROW(dirichlet_rng(Eigen::ArrayXd{{1.0, 0.0}}, rng), std::invalid_argument);
  EXPECT_THROW(neg_binomial_rng(-1, 2, rng), std::invalid_argument);
  EXPECT_THROW(neg_binomial_rng(3, nan, rng), std::invalid_argument);
  std::array<std::int64_t, 2> out{};
  const std::array<double, 2> not_simplex = {0.5, 0.6};
  const std::array<double, 2> negative = {-0.1, 1.1};
  EXPECT_THROW(multinomial_rng(5, not_simplex.data(), 2, out.data(), rng), std::invalid_argument);
  EXPECT_THROW(multinomial_rng(5, negative.data(), 2, out.data(), rng), std::invalid_argument);
  EXPECT_THROW(multinomial_rng(5, not_simplex.data(), 0, out.data(), rng), std::invalid_argument);
}

}  // namespace
}  // namespace sendcast::sim
