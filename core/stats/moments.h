#pragma once
// Count, mean and sum of squared deviations (M2) of a set of values, mergeable without
// loss of precision (Chan, Golub & LeVeque's pairwise update), so partial results of chunks
// and threads combine into the same numbers a single exact pass would give.

#include <cstdint>
#include <limits>

namespace graft {

struct Moments {
  std::uint64_t count = 0;
  double mean = 0;
  double m2 = 0;

  void merge(const Moments& other) {
    if (other.count == 0) return;
    if (count == 0) {
      *this = other;
      return;
    }
    const double n = static_cast<double>(count), m = static_cast<double>(other.count), total = n + m;
    const double delta = other.mean - mean;
    mean += delta * (m / total);
    m2 += other.m2 + delta * delta * (n * m / total);
    count += other.count;
  }

  // Population variance (divides by count); NaN when empty.
  double variance() const {
    return count ? m2 / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
  }
};

}  // namespace graft
