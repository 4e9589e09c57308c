#include "types/shape.h"

#include <limits>

namespace graft {

std::optional<std::uint64_t> Shape::elementCount() const {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t n = 1;
  for (std::int64_t d : dims_) {
    if (d < 0) return std::nullopt;
    const auto ud = static_cast<std::uint64_t>(d);
    if (ud != 0 && n > kMax / ud) return std::nullopt;
    n *= ud;
  }
  return n;
}

std::string Shape::toString() const {
  std::string s = "(";
  for (std::size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  if (dims_.size() == 1) s += ",";
  s += ")";
  return s;
}

}  // namespace graft
