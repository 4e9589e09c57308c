// Streaming statistics, histograms and diff metrics against naive references written here:
// every dtype, NaN and infinities, values on bin edges, odd chunk sizes, threads, cancel.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <atomic>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/error.h"
#include "stats/block_kernels.h"
#include "stats/histogram.h"
#include "stats/summary_accumulator.h"
#include "stats/tensor_statistics.h"
#include "types/dtype_convert.h"

using namespace graft;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class MemoryStream final : public TensorStream {
 public:
  explicit MemoryStream(std::shared_ptr<const std::vector<std::byte>> bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_->size(); }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    reads++;
    if (failAt && offset >= *failAt) throw Error("memory.bin: injected read failure");
    std::memcpy(out.data(), bytes_->data() + offset, out.size());
  }
  std::atomic<int> reads{0};
  std::optional<std::uint64_t> failAt;

 private:
  std::shared_ptr<const std::vector<std::byte>> bytes_;
};

template <typename T>
std::vector<std::byte> bytesOf(const std::vector<T>& values) {
  std::vector<std::byte> out(values.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());  // an empty vector's data() may be null
  return out;
}

TensorStatistics stats(const std::vector<std::byte>& bytes, DType dtype, StatisticsOptions options = {}) {
  MemoryStream stream(std::make_shared<const std::vector<std::byte>>(bytes));
  return computeStatistics(stream, dtype, options);
}

template <typename T>
TensorStatistics statsOf(const std::vector<T>& values, DType dtype, StatisticsOptions options = {}) {
  return stats(bytesOf(values), dtype, std::move(options));
}

std::vector<double> decoded(const std::vector<std::byte>& bytes, DType dtype) {
  std::vector<double> values(bytes.size() / dtypeSize(dtype));
  toFloat64(dtype, bytes, values);
  return values;
}

// Two passes in long double over the finite values.
struct Reference {
  std::uint64_t count = 0, zeros = 0, nans = 0, positiveInfs = 0, negativeInfs = 0;
  double min = kNaN, max = kNaN, mean = kNaN, std = kNaN;
};

Reference reference(const std::vector<double>& values) {
  Reference r;
  r.count = values.size();
  long double sum = 0;
  std::uint64_t finite = 0;
  for (double v : values) {
    if (std::isnan(v)) {
      ++r.nans;
    } else if (std::isinf(v)) {
      ++(v > 0 ? r.positiveInfs : r.negativeInfs);
    } else {
      r.zeros += v == 0;
      r.min = finite ? std::min(r.min, v) : v;
      r.max = finite ? std::max(r.max, v) : v;
      sum += v;
      ++finite;
    }
  }
  if (!finite) return r;
  const long double mean = sum / static_cast<long double>(finite);
  long double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  r.mean = static_cast<double>(mean);
  r.std = static_cast<double>(std::sqrt(squares / static_cast<long double>(finite)));
  return r;
}

// numpy.histogram's edges, and a linear scan for each value.
struct NaiveHistogram {
  std::vector<std::uint64_t> counts;
  std::uint64_t underflow = 0, overflow = 0;
};

NaiveHistogram naiveHistogram(const std::vector<double>& values, double lo, double hi, std::size_t bins) {
  std::vector<double> edges(bins + 1);
  for (std::size_t i = 0; i < bins; ++i) edges[i] = static_cast<double>(i) * ((hi - lo) / static_cast<double>(bins)) + lo;
  edges[bins] = hi;
  NaiveHistogram h;
  h.counts.assign(bins, 0);
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (v < lo) {
      ++h.underflow;
    } else if (v > hi) {
      ++h.overflow;
    } else {
      std::size_t bin = bins - 1;
      for (std::size_t i = 1; i < bins; ++i)
        if (v < edges[i]) {
          bin = i - 1;
          break;
        }
      ++h.counts[bin];
    }
  }
  return h;
}

void expectMatchesReference(const TensorStatistics& s, const Reference& r, double tolerance, const std::string& what) {
  EXPECT_EQ(s.count, r.count) << what;
  EXPECT_EQ(s.zeros, r.zeros) << what;
  EXPECT_EQ(s.nans, r.nans) << what;
  EXPECT_EQ(s.positiveInfs, r.positiveInfs) << what;
  EXPECT_EQ(s.negativeInfs, r.negativeInfs) << what;
  if (std::isnan(r.min)) {
    EXPECT_TRUE(std::isnan(s.min) && std::isnan(s.max) && std::isnan(s.mean) && std::isnan(s.std)) << what;
    return;
  }
  EXPECT_EQ(s.min, r.min) << what;
  EXPECT_EQ(s.max, r.max) << what;
  const double scale = std::max(r.std, std::fabs(r.mean)) + 1e-300;
  EXPECT_NEAR(s.mean, r.mean, tolerance * scale) << what;
  EXPECT_NEAR(s.std, r.std, tolerance * scale) << what;
}

// Typical weights with a sprinkling of zeros, NaN and infinities; random bytes for dtypes
// whose every bit pattern is a plausible value.
std::vector<std::byte> randomTensor(DType dtype, std::size_t n, std::mt19937& rng) {
  std::normal_distribution<double> normal(0.01, 0.05);
  auto special = [&](std::size_t i, double v) {
    switch (i % 211) {
      case 5: return 0.0;
      case 17: return -0.0;
      case 60: return kNaN;
      case 99: return kInf;
      case 150: return -kInf;
      default: return v;
    }
  };
  if (dtype == DType::Float32) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(special(i, normal(rng)));
    return bytesOf(v);
  }
  if (dtype == DType::Float64) {
    std::vector<double> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = special(i, normal(rng) * 1e3);
    return bytesOf(v);
  }
  std::vector<std::byte> bytes(n * dtypeSize(dtype));
  for (auto& b : bytes) b = static_cast<std::byte>(rng());
  return bytes;
}

std::vector<DType> numericDTypes() {
  std::vector<DType> out;
  for (DType t : allDTypes())
    if (hasStatistics(t)) out.push_back(t);
  return out;
}

}  // namespace

TEST(TensorStatistics, SummaryCountsZerosNaNAndInfinitiesApart) {
  const float inf = std::numeric_limits<float>::infinity();
  const auto s = statsOf(std::vector<float>{1, 2, 3, 4, 0, -0.0f, std::nanf(""), inf, -inf, -inf}, DType::Float32);
  EXPECT_EQ(s.count, 10u);
  EXPECT_EQ(s.finiteCount(), 6u);
  EXPECT_EQ(s.zeros, 2u);
  EXPECT_EQ(s.nans, 1u);
  EXPECT_EQ(s.positiveInfs, 1u);
  EXPECT_EQ(s.negativeInfs, 2u);
  EXPECT_EQ(s.min, 0.0);
  EXPECT_EQ(s.max, 4.0);
  EXPECT_DOUBLE_EQ(s.mean, 10.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.std, std::sqrt(30.0 / 6.0 - (10.0 / 6.0) * (10.0 / 6.0)));
  EXPECT_FALSE(s.histogram);
}

TEST(TensorStatistics, EveryDtypeMatchesANaiveTwoPassReference) {
  std::mt19937 rng(11);
  for (DType dtype : numericDTypes()) {
    const auto bytes = randomTensor(dtype, 5003, rng);  // full blocks and a tail
    const auto s = stats(bytes, dtype);
    expectMatchesReference(s, reference(decoded(bytes, dtype)), 1e-12, std::string(dtypeName(dtype)));
  }
}

TEST(TensorStatistics, HistogramOfEveryFloatDtypeMatchesNaiveCount) {
  std::mt19937 rng(5);
  for (DType dtype : numericDTypes()) {
    if (!isFloatingPoint(dtype)) continue;
    const auto bytes = randomTensor(dtype, 4099, rng);
    const auto values = decoded(bytes, dtype);
    for (std::size_t bins : {1u, 7u, 256u}) {
      StatisticsOptions options;
      options.bins = bins;
      const auto s = stats(bytes, dtype, options);
      ASSERT_TRUE(s.histogram) << dtypeName(dtype);
      EXPECT_EQ(s.histogram->lo, s.min);
      EXPECT_EQ(s.histogram->hi, s.max);
      const auto naive = naiveHistogram(values, s.min, s.max, bins);
      EXPECT_EQ(s.histogram->counts, naive.counts) << dtypeName(dtype) << " bins " << bins;
      EXPECT_EQ(s.histogram->underflow + s.histogram->overflow, 0u);

      options.range = {-0.05, 0.1};  // a given range: one fused pass, values outside counted apart
      const auto ranged = stats(bytes, dtype, options);
      const auto naiveRanged = naiveHistogram(values, -0.05, 0.1, bins);
      EXPECT_EQ(ranged.histogram->counts, naiveRanged.counts) << dtypeName(dtype) << " bins " << bins;
      EXPECT_EQ(ranged.histogram->underflow, naiveRanged.underflow) << dtypeName(dtype);
      EXPECT_EQ(ranged.histogram->overflow, naiveRanged.overflow) << dtypeName(dtype);
      EXPECT_EQ(ranged.mean, s.mean);  // the summary does not depend on the histogram
    }
  }
}

TEST(TensorStatistics, ValuesOnAndBesideEveryEdgeLandInTheNaiveBin) {
  for (std::size_t bins : {10u, 256u, 1000u, 5000u}) {  // 5000: one counter lane instead of four
    const double lo = -1.0, hi = 3.0;
    std::vector<float> f;
    std::vector<double> d;
    for (std::size_t i = 0; i <= bins; ++i) {
      const double edge = static_cast<double>(i) * ((hi - lo) / static_cast<double>(bins)) + lo;
      const float e = static_cast<float>(edge);
      for (float v : {std::nextafter(e, -10.0f), e, std::nextafter(e, 10.0f)}) f.push_back(v);
      for (double v : {std::nextafter(edge, -10.0), edge, std::nextafter(edge, 10.0)}) d.push_back(v);
    }
    f.resize(f.size() / 256 * 256 + 256, 1.0f);  // whole vectorized blocks
    d.resize(d.size() / 256 * 256 + 256, 1.0);
    StatisticsOptions options;
    options.bins = bins;
    options.range = {lo, hi};
    const auto fs = statsOf(f, DType::Float32, options);
    const auto fn = naiveHistogram(std::vector<double>(f.begin(), f.end()), lo, hi, bins);
    EXPECT_EQ(fs.histogram->counts, fn.counts) << bins;
    EXPECT_EQ(fs.histogram->underflow, fn.underflow);
    EXPECT_EQ(fs.histogram->overflow, fn.overflow);
    const auto ds = statsOf(d, DType::Float64, options);
    const auto dn = naiveHistogram(d, lo, hi, bins);
    EXPECT_EQ(ds.histogram->counts, dn.counts) << bins;
    EXPECT_EQ(ds.histogram->underflow, dn.underflow);
    EXPECT_EQ(ds.histogram->overflow, dn.overflow);
  }
}

TEST(TensorStatistics, OddChunkSizesAndThreadCountsGiveTheSameResult) {
  std::mt19937 rng(2);
  for (DType dtype : {DType::Float32, DType::Float16, DType::Float64, DType::Int32}) {
    const auto bytes = std::make_shared<const std::vector<std::byte>>(randomTensor(dtype, 20011, rng));
    StatisticsOptions base;
    base.bins = 64;
    base.threads = 1;
    MemoryStream one(bytes);
    const auto expected = computeStatistics(one, dtype, base);
    for (std::size_t chunk : {1u, 7u, 1001u, 4099u, 1u << 20}) {  // cut elements and blocks anywhere
      for (unsigned threads : {1u, 2u, 3u}) {
        for (bool parallelReads : {false, true}) {
          StatisticsOptions options = base;
          options.chunkBytes = chunk;
          options.threads = threads;
          if (parallelReads) options.openStream = [&] { return std::make_unique<MemoryStream>(bytes); };
          MemoryStream stream(bytes);
          const auto s = computeStatistics(stream, dtype, options);
          const std::string what = std::string(dtypeName(dtype)) + " chunk " + std::to_string(chunk) + " threads " +
                                   std::to_string(threads);
          EXPECT_EQ(s.count, expected.count) << what;
          EXPECT_EQ(s.zeros, expected.zeros) << what;
          EXPECT_EQ(s.nans, expected.nans) << what;
          EXPECT_EQ(s.min, expected.min) << what;
          EXPECT_EQ(s.max, expected.max) << what;
          EXPECT_NEAR(s.mean, expected.mean, 1e-12 * expected.std) << what;
          EXPECT_NEAR(s.std, expected.std, 1e-12 * expected.std) << what;
          EXPECT_EQ(s.histogram->counts, expected.histogram->counts) << what;
        }
      }
    }
  }
}

TEST(TensorStatistics, MeanAndStdStayAccurateFarFromZero) {
  std::vector<double> wide(100000);
  for (std::size_t i = 0; i < wide.size(); ++i) wide[i] = 1e9 + static_cast<double>(i % 7) * 0.1;
  const auto w = statsOf(wide, DType::Float64);
  const auto wr = reference(wide);
  EXPECT_NEAR(w.mean, wr.mean, 1e-6);
  EXPECT_NEAR(w.std, wr.std, 1e-9 * wr.std);  // a naive sum of squares would lose every digit here

  std::mt19937 rng(9);
  std::normal_distribution<float> noise(0.0f, 0.001f);
  std::vector<float> narrow(100000);
  for (auto& v : narrow) v = 1000.0f + noise(rng);
  const auto n = statsOf(narrow, DType::Float32);
  const auto nr = reference(std::vector<double>(narrow.begin(), narrow.end()));
  EXPECT_NEAR(n.mean, nr.mean, 1e-9 * nr.std);
  EXPECT_NEAR(n.std, nr.std, 1e-9 * nr.std);
}

TEST(TensorStatistics, GivenRangeCountsValuesOutsideButNotNaNOrInfinities) {
  const double inf = kInf;
  std::vector<double> v{-2, -1, -0.5, 0, 0.5, 1, 2, kNaN, inf, -inf};
  StatisticsOptions options;
  options.bins = 4;
  options.range = {-1.0, 1.0};
  const auto s = statsOf(v, DType::Float64, options);
  EXPECT_EQ(s.histogram->counts, (std::vector<std::uint64_t>{1, 1, 1, 2}));  // 1 falls in the closed last bin
  EXPECT_EQ(s.histogram->underflow, 1u);
  EXPECT_EQ(s.histogram->overflow, 1u);
}

TEST(TensorStatistics, HistogramRangeFollowsNumpyForDataAndConstants) {
  StatisticsOptions options;
  options.bins = 4;
  EXPECT_EQ(statsOf(std::vector<float>{0, 1, 2, 3, 4}, DType::Float32, options).histogram->counts,
            (std::vector<std::uint64_t>{1, 1, 1, 2}));
  options.bins = 3;
  const auto constant = statsOf(std::vector<float>{5, 5, 5}, DType::Float32, options);
  EXPECT_EQ(constant.histogram->lo, 4.5);  // numpy widens an empty range by 0.5 each side
  EXPECT_EQ(constant.histogram->hi, 5.5);
  EXPECT_EQ(constant.histogram->counts, (std::vector<std::uint64_t>{0, 3, 0}));
  EXPECT_EQ(constant.std, 0.0);
}

TEST(TensorStatistics, NoFiniteValuesMeansNaNSummaryAndNoHistogram) {
  StatisticsOptions options;
  options.bins = 10;
  const auto s = statsOf(std::vector<float>{std::nanf(""), std::numeric_limits<float>::infinity()}, DType::Float32, options);
  EXPECT_TRUE(std::isnan(s.min) && std::isnan(s.max) && std::isnan(s.mean) && std::isnan(s.std));
  EXPECT_FALSE(s.histogram);
  const auto empty = statsOf(std::vector<float>{}, DType::Float32, options);
  EXPECT_EQ(empty.count, 0u);
  EXPECT_FALSE(empty.histogram);
}

TEST(TensorStatistics, IntegersAndBoolsAreSummarizedByValue) {
  const std::int64_t big = std::int64_t{1} << 40;
  const auto i = statsOf(std::vector<std::int64_t>{-big, 0, big + 3, 5}, DType::Int64);
  EXPECT_EQ(i.min, -static_cast<double>(big));
  EXPECT_EQ(i.max, static_cast<double>(big + 3));
  EXPECT_EQ(i.zeros, 1u);
  EXPECT_DOUBLE_EQ(i.mean, 2.0);
  const auto b = statsOf(std::vector<std::uint8_t>{0, 1, 1, 7}, DType::Bool);  // any non-zero byte is true
  EXPECT_EQ(b.max, 1.0);
  EXPECT_DOUBLE_EQ(b.mean, 0.75);
  EXPECT_EQ(b.zeros, 1u);
}

TEST(TensorStatistics, ComplexAndStringTensorsHaveNoStatistics) {
  EXPECT_FALSE(hasStatistics(DType::Complex64));
  EXPECT_FALSE(hasStatistics(DType::String));
  EXPECT_THROW(statsOf(std::vector<float>{1, 2}, DType::Complex64), Error);
  StatisticsOptions options;
  options.bins = 4;
  options.range = {1.0, 1.0};
  EXPECT_THROW(statsOf(std::vector<float>{1, 2}, DType::Float32, options), Error);
}

TEST(TensorStatistics, ProgressCoversBothPassesAndCancelStopsEarly) {
  std::mt19937 rng(4);
  const auto bytes = std::make_shared<const std::vector<std::byte>>(randomTensor(DType::Float32, 100000, rng));
  StatisticsOptions options;
  options.bins = 16;
  options.chunkBytes = 4096;
  std::uint64_t last = 0, total = 0;
  bool monotonic = true;
  options.progress = [&](std::uint64_t done, std::uint64_t all) {
    monotonic = monotonic && done > last;
    last = done;
    total = all;
  };
  MemoryStream stream(bytes);
  computeStatistics(stream, DType::Float32, options);
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(total, 2 * bytes->size());  // [min, max] histogram: two passes
  EXPECT_EQ(last, total);

  CancelToken cancel;
  options.cancel = &cancel;
  options.progress = [&](std::uint64_t, std::uint64_t) { cancel.cancel(); };
  MemoryStream cancelled(bytes);
  EXPECT_THROW(computeStatistics(cancelled, DType::Float32, options), Cancelled);
  EXPECT_LE(cancelled.reads.load(), 4);  // of 98 chunks: each thread finishes at most the chunk it holds
}

TEST(TensorStatistics, AReadErrorOnAnyThreadIsReported) {
  const auto bytes = std::make_shared<const std::vector<std::byte>>(std::vector<std::byte>(400000));
  for (std::uint64_t failAt : {0u, 4096u, 300000u}) {
    StatisticsOptions options;
    options.chunkBytes = 4096;
    MemoryStream stream(bytes);
    stream.failAt = failAt;
    try {
      computeStatistics(stream, DType::Float32, options);
      FAIL() << "no error for a failing read at " << failAt;
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "memory.bin: injected read failure");
    }
  }
}

// The 16-byte and the AVX2 kernels (where this CPU has AVX2) must agree to the bit: results
// may not depend on the machine. Blocks of ordinary values, values on every edge, and blocks
// with NaN, infinities and values outside the range.
template <typename V>
void expectEveryKernelSetAgrees() {
  const auto sets = supportedBlockKernels<V>();
  std::mt19937 rng(11);
  std::normal_distribution<V> normal(V(0.3), V(2));
  const HistogramBinner binner(-3.0, 4.5, 256);
  std::vector<V> values(kBlockValues * 64);
  for (auto& v : values) v = normal(rng);
  for (std::size_t i = 0; i < 257; ++i) values[kBlockValues * 8 + i] = static_cast<V>(binner.edges()[i]);
  values[kBlockValues * 20 + 3] = std::numeric_limits<V>::quiet_NaN();
  values[kBlockValues * 21 + 5] = std::numeric_limits<V>::infinity();
  struct Result {
    SummaryAccumulator summary;
    std::vector<std::uint32_t> inRange, checked;
    std::uint64_t underflow = 0, overflow = 0;
  };
  auto run = [&](const BlockKernels<V>& k) {
    Result r;
    r.inRange.assign(4 * 258, 0);
    r.checked.assign(4 * 258, 0);
    HistogramLanes inRange{r.inRange.data(), 258, 257}, checked{r.checked.data(), 258, 257};
    for (std::size_t b = 0; b < values.size(); b += kBlockValues) {
      const V* x = values.data() + b;
      k.summarizeFinite(r.summary, x);
      k.countChecked(binner, x, checked);
      if (std::all_of(x, x + kBlockValues, [](V v) { return v >= V(-3) && v <= V(4.5); })) k.countInRange(binner, x, inRange);
    }
    r.underflow = checked.underflow;
    r.overflow = checked.overflow;
    return r;
  };
  const Result reference = run(sets.front());
  EXPECT_GT(reference.underflow + reference.overflow, 0u);
  for (const auto& k : sets) {
    SCOPED_TRACE(k.name);
    const Result r = run(k);
    EXPECT_EQ(r.summary.count, reference.summary.count);
    EXPECT_EQ(r.summary.zeros, reference.summary.zeros);
    EXPECT_EQ(r.summary.min, reference.summary.min);
    EXPECT_EQ(r.summary.max, reference.summary.max);
    EXPECT_EQ(r.summary.moments.mean, reference.summary.moments.mean);
    EXPECT_EQ(r.summary.moments.m2, reference.summary.moments.m2);
    EXPECT_EQ(r.inRange, reference.inRange);
    EXPECT_EQ(r.checked, reference.checked);
    EXPECT_EQ(r.underflow, reference.underflow);
    EXPECT_EQ(r.overflow, reference.overflow);
  }
}

// Every one of the 65,536 bfloat16 and float16 bit patterns widens as the scalar conversion
// does (NaNs to NaN), on every kernel set.
TEST(TensorStatistics, VectorWideningOfEvery16BitFloatEqualsTheScalarConversion) {
  std::vector<std::byte> bits(2 * 65536);
  for (std::uint32_t i = 0; i < 65536; ++i) {
    bits[2 * i] = static_cast<std::byte>(i & 0xff);
    bits[2 * i + 1] = static_cast<std::byte>(i >> 8);
  }
  for (const DType dtype : {DType::BFloat16, DType::Float16}) {
    std::vector<float> expected(65536), got(65536);
    toFloat32(dtype, bits, expected);
    std::vector<double> expectedDouble(65536), gotDouble(65536);
    toFloat64(dtype, bits, expectedDouble);
    for (const auto& k : supportedBlockKernels<float>()) {
      SCOPED_TRACE(std::string(k.name) + " " + std::string(dtypeName(dtype)));
      (dtype == DType::BFloat16 ? k.widenBfloat16 : k.widenHalf)(bits.data(), got.data(), got.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(expected[i])) {
          EXPECT_TRUE(std::isnan(got[i])) << i;
        } else {
          EXPECT_EQ(std::bit_cast<std::uint32_t>(got[i]), std::bit_cast<std::uint32_t>(expected[i])) << i;
        }
      }
    }
    for (const auto& k : supportedBlockKernels<double>()) {
      (dtype == DType::BFloat16 ? k.widenBfloat16 : k.widenHalf)(bits.data(), gotDouble.data(), gotDouble.size());
      for (std::size_t i = 0; i < gotDouble.size(); ++i)
        if (!std::isnan(expectedDouble[i])) {
          EXPECT_EQ(gotDouble[i], expectedDouble[i]) << k.name << " " << i;
        }
    }
  }
}

TEST(TensorStatistics, EveryKernelWidthTheCpuRunsGivesBitIdenticalResults) {
  expectEveryKernelSetAgrees<float>();
  expectEveryKernelSetAgrees<double>();
  std::printf("kernel sets on this CPU: %zu (in use: %s)\n", supportedBlockKernels<float>().size(), blockKernels<float>().name);
}

TEST(TensorDiff, MetricsOfKnownVectors) {
  auto diff = [](const std::vector<float>& a, const std::vector<float>& b) {
    MemoryStream sa(std::make_shared<const std::vector<std::byte>>(bytesOf(a)));
    MemoryStream sb(std::make_shared<const std::vector<std::byte>>(bytesOf(b)));
    return diffTensors(sa, DType::Float32, sb, DType::Float32);
  };
  const auto m = diff({1, 2, 3}, {1, 2, 4});
  EXPECT_EQ(m.count, 3u);
  EXPECT_EQ(m.maxAbsDiff, 1.0);
  EXPECT_DOUBLE_EQ(m.relativeL2, 1.0 / std::sqrt(21.0));
  EXPECT_DOUBLE_EQ(m.cosine, 17.0 / std::sqrt(14.0 * 21.0));
  const auto same = diff({1, -2, 3}, {1, -2, 3});
  EXPECT_EQ(same.maxAbsDiff, 0.0);
  EXPECT_EQ(same.relativeL2, 0.0);
  EXPECT_EQ(same.cosine, 1.0);
  EXPECT_DOUBLE_EQ(diff({1, 2}, {-1, -2}).cosine, -1.0);
  EXPECT_EQ(diff({1, 0}, {0, 0}).relativeL2, kInf);
  EXPECT_EQ(diff({1, 0}, {0, 0}).cosine, 0.0);
  EXPECT_EQ(diff({0, 0}, {0, 0}).cosine, 1.0);
  EXPECT_TRUE(std::isnan(diff({1, std::nanf("")}, {1, 2}).maxAbsDiff));
}

TEST(TensorDiff, ComparesAcrossDtypesChunksAndComplexParts) {
  std::vector<float> a(10000);
  std::vector<std::uint16_t> b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(i % 100) * 0.37f - 10.0f;
    b[i] = floatToHalf(a[i]);
  }
  double maxAbs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(a[i]) - halfToFloat(b[i])));
  MemoryStream sa(std::make_shared<const std::vector<std::byte>>(bytesOf(a)));
  MemoryStream sb(std::make_shared<const std::vector<std::byte>>(bytesOf(b)));
  DiffOptions options;
  options.chunkBytes = 1001;
  const auto m = diffTensors(sa, DType::Float32, sb, DType::Float16, options);
  EXPECT_EQ(m.maxAbsDiff, maxAbs);
  EXPECT_GT(m.cosine, 0.999999);

  MemoryStream ca(std::make_shared<const std::vector<std::byte>>(bytesOf(std::vector<float>{1, 2, 3, 4})));
  MemoryStream cb(std::make_shared<const std::vector<std::byte>>(bytesOf(std::vector<double>{1, 2, 3, 5})));
  const auto c = diffTensors(ca, DType::Complex64, cb, DType::Complex128);
  EXPECT_EQ(c.count, 2u);
  EXPECT_EQ(c.maxAbsDiff, 1.0);
}

TEST(TensorDiff, DifferentElementCountsAreAnErrorAndCancelStops) {
  MemoryStream a(std::make_shared<const std::vector<std::byte>>(bytesOf(std::vector<float>(10))));
  MemoryStream b(std::make_shared<const std::vector<std::byte>>(bytesOf(std::vector<float>(11))));
  EXPECT_THROW(diffTensors(a, DType::Float32, b, DType::Float32), Error);

  const auto big = std::make_shared<const std::vector<std::byte>>(bytesOf(std::vector<float>(100000)));
  MemoryStream x(big), y(big);
  CancelToken cancel;
  DiffOptions options;
  options.chunkBytes = 4096;
  options.cancel = &cancel;
  options.progress = [&](std::uint64_t, std::uint64_t) { cancel.cancel(); };
  EXPECT_THROW(diffTensors(x, DType::Float32, y, DType::Float32, options), Cancelled);
  EXPECT_EQ(x.reads.load(), 1);
}
