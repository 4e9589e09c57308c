#pragma once
// Tensor shape, outermost dimension first; an empty shape is a scalar.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace graft {

class Shape {
 public:
  Shape() = default;
  explicit Shape(std::vector<std::int64_t> dims) : dims_(std::move(dims)) {}
  Shape(std::initializer_list<std::int64_t> dims) : dims_(dims) {}

  const std::vector<std::int64_t>& dims() const { return dims_; }
  std::size_t rank() const { return dims_.size(); }
  bool isScalar() const { return dims_.empty(); }
  std::int64_t operator[](std::size_t i) const { return dims_[i]; }

  // Number of elements; nullopt if a dimension is negative or the product overflows
  // int64 (hostile files claim absurd shapes).
  std::optional<std::uint64_t> elementCount() const;

  // "(128, 10)", "()" for a scalar, "(5,)" for rank 1 — the way researchers read shapes.
  std::string toString() const;

  friend bool operator==(const Shape&, const Shape&) = default;

 private:
  std::vector<std::int64_t> dims_;
};

}  // namespace graft
