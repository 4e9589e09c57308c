#include "inspector/inspection.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

namespace graft::ui {
namespace {

// Progress over several passes of known sizes, reported as one fraction of the whole job.
class PassProgress {
 public:
  PassProgress(std::uint64_t totalBytes, const std::function<void(double)>& report) : total_(totalBytes), report_(report) {}

  // A core progress callback for the next pass; its bytes count after those of earlier passes.
  ProgressCallback pass(std::uint64_t passBytes) {
    const std::uint64_t base = planned_;
    planned_ += passBytes;
    if (!report_ || total_ == 0) return {};
    return [this, base](std::uint64_t done, std::uint64_t) {
      report_(std::min(1.0, static_cast<double>(base + done) / static_cast<double>(total_)));
    };
  }

 private:
  std::uint64_t total_;
  std::uint64_t planned_ = 0;
  const std::function<void(double)>& report_;
};

std::uint64_t bytesOf(const InspectedVariable& v) { return v.node->tensor()->byteSize; }

bool hasValues(const InspectedVariable& v) { return v.node->tensor() && hasStatistics(v.node->tensor()->dtype); }

// Statistics of one variable; read errors become the findings' message, cancellation propagates.
void computeInto(VariableFindings& findings, const InspectedVariable& v, StatisticsOptions options) {
  const Checkpoint& checkpoint = *v.checkpoint;
  const Node& node = *v.node;
  options.openStream = [&checkpoint, &node] { return checkpoint.openTensor(node); };  // a second reader thread
  try {
    auto stream = checkpoint.openTensor(node);
    TensorStatistics s = computeStatistics(*stream, node.tensor()->dtype, options);
    if (findings.statistics && options.range)
      findings.statistics->histogram = std::move(s.histogram);  // the first pass already has the rest
    else
      findings.statistics = std::move(s);
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    findings.statistics.reset();
    findings.error = e.what();
  }
}

void computeSingle(const InspectionRequest& request, const CancelToken& cancel, const std::function<void(double)>& progress,
                   InspectionResult& result) {
  const InspectedVariable& v = request.variables.front();
  if (!hasValues(v)) return;
  PassProgress passes(2 * bytesOf(v), progress);
  StatisticsOptions options;
  options.bins = request.bins;  // range from the data: core's own two-pass histogram
  options.cancel = &cancel;
  options.progress = passes.pass(2 * bytesOf(v));
  computeInto(result.variables.front(), v, options);
}

void computePair(const InspectionRequest& request, const CancelToken& cancel, const std::function<void(double)>& progress,
                 InspectionResult& result) {
  const InspectedVariable& a = request.variables[0];
  const InspectedVariable& b = request.variables[1];
  const bool diff = comparable(*a.node, *b.node);
  std::uint64_t total = 0;
  for (const auto& v : request.variables)
    if (hasValues(v)) total += 2 * bytesOf(v);
  if (diff) total += bytesOf(a) + bytesOf(b);
  PassProgress passes(total, progress);

  // Pass 1: statistics alone, to learn the range both histograms share.
  for (std::size_t i = 0; i < 2; ++i) {
    if (!hasValues(request.variables[i])) continue;
    StatisticsOptions options;
    options.cancel = &cancel;
    options.progress = passes.pass(bytesOf(request.variables[i]));
    computeInto(result.variables[i], request.variables[i], options);
  }
  std::vector<const TensorStatistics*> known;
  for (const auto& f : result.variables)
    if (f.statistics) known.push_back(&*f.statistics);
  // Pass 2: histograms over the union range, so bin i means the same values on both sides.
  if (const auto range = unionRange(known))
    for (std::size_t i = 0; i < 2; ++i) {
      if (!result.variables[i].statistics) continue;
      StatisticsOptions options;
      options.bins = request.bins;
      options.range = range;
      options.cancel = &cancel;
      options.progress = passes.pass(bytesOf(request.variables[i]));
      computeInto(result.variables[i], request.variables[i], options);
    }

  if (!diff || !result.variables[0].error.empty() || !result.variables[1].error.empty()) return;
  DiffOptions options;
  options.cancel = &cancel;
  options.progress = passes.pass(bytesOf(a) + bytesOf(b));
  try {
    auto sa = a.checkpoint->openTensor(*a.node);
    auto sb = b.checkpoint->openTensor(*b.node);
    result.diff = diffTensors(*sa, a.node->tensor()->dtype, *sb, b.node->tensor()->dtype, options);
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    result.diffError = e.what();
  }
}

}  // namespace

std::optional<std::pair<double, double>> unionRange(const std::vector<const TensorStatistics*>& statistics) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const TensorStatistics* s : statistics)
    if (s && s->finiteCount() > 0) {
      lo = std::min(lo, s->min);
      hi = std::max(hi, s->max);
    }
  if (lo > hi) return std::nullopt;
  if (lo < hi) return std::pair{lo, hi};
  // One value everywhere: numpy's widening, or the next doubles where 0.5 is below their ulp.
  if (lo - 0.5 < hi + 0.5) return std::pair{lo - 0.5, hi + 0.5};
  return std::pair{std::nextafter(lo, -HUGE_VAL), std::nextafter(hi, HUGE_VAL)};
}

bool comparable(const Node& a, const Node& b) {
  const TensorInfo* x = a.tensor();
  const TensorInfo* y = b.tensor();
  return x && y && x->shape == y->shape && x->dtype != DType::String && y->dtype != DType::String;
}

InspectionResult runInspection(const InspectionRequest& request, const CancelToken& cancel,
                               const std::function<void(double)>& progress) {
  InspectionResult result;
  result.variables.resize(request.variables.size());
  try {
    if (cancel.cancelled()) throw Cancelled();  // superseded while it waited for a thread
    if (request.variables.size() == 1) computeSingle(request, cancel, progress, result);
    if (request.variables.size() == 2) computePair(request, cancel, progress, result);
  } catch (const Cancelled&) {
    result = InspectionResult{};
    result.cancelled = true;
  }
  return result;
}

}  // namespace graft::ui
