#include "stats/tensor_statistics.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "io/error.h"
#include "stats/block_kernels.h"
#include "stats/histogram.h"
#include "stats/summary_accumulator.h"
#include "types/dtype_convert.h"

namespace graft {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kConvertBlock = 4096;  // elements widened at a time: the values stay in L1

// float holds every value of the narrow dtypes exactly; double those of float64 and 32/64-bit
// integers (up to 2^53).
bool summarizedAsDouble(DType t) {
  switch (t) {
    case DType::Float64: case DType::Int32: case DType::UInt32: case DType::Int64: case DType::UInt64:
    case DType::QInt32:
      return true;
    default:
      return false;
  }
}

// fn(worker, chunk, values) over every chunk; float32 / float64 chunks are read straight into
// values, other dtypes are widened a block at a time (16-bit floats by the vector kernels).
template <typename V, typename Fn>
void forEachValues(ChunkWorkers& workers, DType dtype, Fn&& fn) {
  if (dtype == (std::is_same_v<V, float> ? DType::Float32 : DType::Float64)) {
    workers.forEachChunk<V>(fn);
    return;
  }
  const auto& kernels = blockKernels<V>();
  const auto widen = dtype == DType::BFloat16 ? kernels.widenBfloat16 : dtype == DType::Float16 ? kernels.widenHalf : nullptr;
  const std::size_t elementBytes = dtypeSize(dtype), blockBytes = kConvertBlock * elementBytes;
  std::vector<std::vector<V>> scratch(workers.threads(), std::vector<V>(kConvertBlock));
  workers.forEachChunk<std::byte>([&](unsigned worker, std::uint64_t chunk, std::span<const std::byte> bytes) {
    for (std::size_t i = 0; i < bytes.size(); i += blockBytes) {
      const auto part = bytes.subspan(i, std::min(blockBytes, bytes.size() - i));
      const std::span<V> values(scratch[worker].data(), part.size() / elementBytes);
      if (widen && values.size() == kConvertBlock)
        widen(part.data(), values.data(), values.size());
      else if constexpr (std::is_same_v<V, float>)
        toFloat32(dtype, part, values);
      else
        toFloat64(dtype, part, values);
      fn(worker, chunk, std::span<const V>(values));
    }
  });
}

std::uint64_t nonFinite(const SummaryAccumulator& s) { return s.nans + s.positiveInfs + s.negativeInfs; }

HistogramResult histogramResult(const HistogramBinner& binner, std::vector<HistogramAccumulator>& perWorker) {
  for (std::size_t w = 1; w < perWorker.size(); ++w) perWorker[0].merge(perWorker[w]);
  return HistogramResult{binner.lo(), binner.hi(), perWorker[0].counts(), perWorker[0].underflow(),
                         perWorker[0].overflow()};
}

// The range numpy.histogram takes from the data.
std::pair<double, double> dataRange(double min, double max) {
  if (min < max) return {min, max};
  if (min - 0.5 < max + 0.5) return {min - 0.5, max + 0.5};
  return {std::nextafter(min, -HUGE_VAL), std::nextafter(max, HUGE_VAL)};  // 0.5 is below their ulp
}

template <typename V>
TensorStatistics computeAs(TensorStream& stream, DType dtype, const StatisticsOptions& options) {
  const bool rangeFromData = options.bins > 0 && !options.range;
  std::optional<HistogramBinner> binner;
  if (options.bins > 0 && options.range) binner.emplace(options.range->first, options.range->second, options.bins);

  // Pass 1: summaries, and the histogram when its range is known.
  ChunkWorkers workers(stream, dtypeSize(dtype), options, rangeFromData ? 2 : 1);
  std::vector<SummaryAccumulator> summaries(workers.threads());
  std::vector<HistogramAccumulator> histograms;
  if (binner) histograms.assign(workers.threads(), HistogramAccumulator(*binner));
  std::vector<std::uint8_t> chunkAllFinite(workers.chunkCount(), 1);  // pass 2 skips range tests there
  forEachValues<V>(workers, dtype, [&](unsigned worker, std::uint64_t chunk, std::span<const V> values) {
    SummaryAccumulator& summary = summaries[worker];
    const std::uint64_t nonFiniteBefore = nonFinite(summary);
    summary.add(values);
    if (nonFinite(summary) != nonFiniteBefore) chunkAllFinite[chunk] = 0;
    if (binner) histograms[worker].add(values);
  });
  SummaryAccumulator total;
  for (const auto& s : summaries) total.merge(s);

  // Pass 2: the histogram over [min, max] of the finite values.
  if (rangeFromData && total.moments.count > 0) {
    const auto [lo, hi] = dataRange(total.min, total.max);
    binner.emplace(lo, hi, options.bins);
    histograms.assign(workers.threads(), HistogramAccumulator(*binner));
    forEachValues<V>(workers, dtype, [&](unsigned worker, std::uint64_t chunk, std::span<const V> values) {
      histograms[worker].add(values, chunkAllFinite[chunk] != 0);
    });
  }

  TensorStatistics result;
  result.count = total.count;
  result.zeros = total.zeros;
  result.nans = total.nans;
  result.positiveInfs = total.positiveInfs;
  result.negativeInfs = total.negativeInfs;
  const bool anyFinite = total.moments.count > 0;
  result.min = anyFinite ? total.min : kNaN;
  result.max = anyFinite ? total.max : kNaN;
  result.mean = anyFinite ? total.moments.mean : kNaN;
  result.std = std::sqrt(total.moments.variance());
  if (binner) result.histogram = histogramResult(*binner, histograms);
  return result;
}

void requireStatistics(DType dtype) {
  if (!hasStatistics(dtype)) throw Error("no statistics for " + std::string(dtypeName(dtype)) + " tensors");
}

// Complex tensors compare as their real and imaginary parts, interleaved.
DType comparedAs(DType t) {
  if (t == DType::Complex64) return DType::Float32;
  if (t == DType::Complex128) return DType::Float64;
  requireStatistics(t);
  return t;
}

}  // namespace

bool hasStatistics(DType dtype) {
  return dtype != DType::String && dtype != DType::Complex64 && dtype != DType::Complex128;
}

TensorStatistics computeStatistics(TensorStream& stream, DType dtype, const StatisticsOptions& options) {
  requireStatistics(dtype);
  if (options.bins > HistogramBinner::kMaxBins)
    throw Error("histogram bins must be at most " + std::to_string(HistogramBinner::kMaxBins));
  return summarizedAsDouble(dtype) ? computeAs<double>(stream, dtype, options)
                                   : computeAs<float>(stream, dtype, options);
}

DiffMetrics diffTensors(TensorStream& a, DType aType, TensorStream& b, DType bType, const DiffOptions& options) {
  const std::uint64_t aCount = a.size() / dtypeSize(aType), bCount = b.size() / dtypeSize(bType);
  if (aCount != bCount)
    throw Error("cannot compare tensors of " + std::to_string(aCount) + " and " + std::to_string(bCount) +
                " elements");
  aType = comparedAs(aType);
  bType = comparedAs(bType);
  const std::size_t aSize = dtypeSize(aType), bSize = dtypeSize(bType);
  const std::uint64_t n = a.size() / aSize;
  if (b.size() / bSize != n) throw Error("cannot compare complex and real tensors");
  const std::size_t chunk = std::max<std::size_t>(1, options.chunkBytes / sizeof(double));
  std::vector<std::byte> aBytes(chunk * aSize), bBytes(chunk * bSize);
  std::vector<double> x(chunk), y(chunk);
  double maxAbs = 0, diffSquares = 0, aSquares = 0, bSquares = 0, dot = 0;
  bool sawNaN = false;
  for (std::uint64_t i = 0; i < n; i += chunk) {
    if (options.cancel && options.cancel->cancelled()) throw Cancelled();
    const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, n - i));
    const auto aPart = std::span(aBytes).first(m * aSize), bPart = std::span(bBytes).first(m * bSize);
    a.read(i * aSize, aPart);
    b.read(i * bSize, bPart);
    toFloat64(aType, aPart, std::span(x).first(m));
    toFloat64(bType, bPart, std::span(y).first(m));
    const Eigen::Map<const Eigen::ArrayXd> ea(x.data(), static_cast<Eigen::Index>(m)), eb(y.data(), static_cast<Eigen::Index>(m));
    const double blockMax = (ea - eb).abs().maxCoeff<Eigen::PropagateNaN>();
    sawNaN = sawNaN || std::isnan(blockMax);
    maxAbs = std::max(maxAbs, blockMax);
    diffSquares += (ea - eb).square().sum();
    aSquares += ea.square().sum();
    bSquares += eb.square().sum();
    dot += (ea * eb).sum();
    if (options.progress) options.progress((i + m) * (aSize + bSize), n * (aSize + bSize));
  }
  DiffMetrics metrics;
  metrics.count = aCount;
  if (sawNaN || std::isnan(diffSquares + aSquares + bSquares + dot)) {
    metrics.maxAbsDiff = metrics.relativeL2 = metrics.cosine = kNaN;
    return metrics;
  }
  metrics.maxAbsDiff = maxAbs;
  metrics.relativeL2 = bSquares > 0 ? std::sqrt(diffSquares) / std::sqrt(bSquares)
                                    : (diffSquares > 0 ? HUGE_VAL : 0.0);
  if (aSquares == 0 || bSquares == 0)
    metrics.cosine = aSquares == bSquares ? 1.0 : 0.0;
  else
    metrics.cosine = std::clamp(dot / (std::sqrt(aSquares) * std::sqrt(bSquares)), -1.0, 1.0);
  return metrics;
}

}  // namespace graft
