// In-process throughput of the statistics engine: summary + 256-bin histogram of N values held
// in memory (no I/O, so the figure is the engine's own), float32 / bfloat16 / float16, on 1 and 2
// threads, beside the plain scalar loop a researcher would write in C++ (min/max/mean/std, then
// a histogram) in the same run. Prints one line per case: median of the repeats and G values/s.
//
// Usage: graft-stats-bench [VALUES=100000000] [REPEATS=5]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "stats/tensor_statistics.h"
#include "types/dtype_convert.h"

namespace {

using namespace graft;

class MemoryStream : public TensorStream {
 public:
  explicit MemoryStream(const std::vector<std::byte>& bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  void read(std::uint64_t offset, std::span<std::byte> out) override {
    std::memcpy(out.data(), bytes_.data() + offset, out.size());
  }

 private:
  const std::vector<std::byte>& bytes_;
};

double seconds(auto&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// What one writes by hand: a summary loop, then a histogram loop over [min, max].
double scalarLoop(const float* x, std::size_t n, std::vector<std::uint64_t>& counts) {
  double lo = INFINITY, hi = -INFINITY, sum = 0, squares = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    squares += v * v;
  }
  const double scale = static_cast<double>(counts.size()) / (hi - lo);
  for (std::size_t i = 0; i < n; ++i) {
    auto b = static_cast<std::size_t>((x[i] - lo) * scale);
    ++counts[std::min(b, counts.size() - 1)];
  }
  return sum / static_cast<double>(n) + squares * 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000'000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<float> values(n);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  for (auto& v : values) v = normal(rng);
  const auto raw = std::as_bytes(std::span<const float>(values));
  const std::vector<std::byte> f32(raw.begin(), raw.end());
  std::vector<std::byte> bf16(n * 2), f16(n * 2);
  castElements(DType::Float32, DType::BFloat16, f32, bf16);
  castElements(DType::Float32, DType::Float16, f32, f16);

  std::printf("%-28s %8s %10s %12s\n", "case", "threads", "median_ms", "G_values/s");
  auto report = [&](const char* name, unsigned threads, const std::vector<double>& t) {
    const double m = median(t);
    std::printf("%-28s %8u %10.1f %12.2f\n", name, threads, m * 1e3, static_cast<double>(n) / m / 1e9);
  };
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    std::vector<std::uint64_t> counts(256);
    volatile double sink = 0;
    times.push_back(seconds([&] { sink = scalarLoop(values.data(), n, counts); }));
  }
  report("scalar C++ loop, float32", 1, times);
  struct Case { const char* name; DType dtype; const std::vector<std::byte>* bytes; };
  for (const Case& c : {Case{"graft float32", DType::Float32, &f32}, Case{"graft bfloat16", DType::BFloat16, &bf16},
                        Case{"graft float16", DType::Float16, &f16}}) {
    for (unsigned threads : {1u, 2u}) {
      times.clear();
      for (int r = 0; r < repeats; ++r) {
        MemoryStream stream(*c.bytes);
        StatisticsOptions options;
        options.bins = 256;
        options.threads = threads;
        options.openStream = [&] { return std::make_unique<MemoryStream>(*c.bytes); };
        times.push_back(seconds([&] { computeStatistics(stream, c.dtype, options); }));
      }
      report(c.name, threads, times);
    }
  }
}
