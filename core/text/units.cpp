#include "text/units.h"

#include <array>
#include <cstdio>

namespace graft {

std::string humanBytes(std::uint64_t bytes) {
  static constexpr std::array kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1024.0 && u + 1 < kUnits.size()) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[u]);
  return buf;
}

std::string groupedNumber(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string compactCount(std::uint64_t n) {
  static constexpr std::array kSuffix{"", "K", "M", "B", "T"};
  if (n < 1000) return std::to_string(n);
  double v = static_cast<double>(n);
  std::size_t s = 0;
  while (v >= 1000.0 && s + 1 < kSuffix.size()) {
    v /= 1000.0;
    ++s;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 100 ? "%.1f%s" : "%.0f%s", v, kSuffix[s]);
  return buf;
}

}  // namespace graft
