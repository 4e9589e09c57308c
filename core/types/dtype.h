#pragma once
// Element types of checkpoint tensors (checkpoint-formats.md §7.3 and §2.5).

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace graft {

enum class DType {
  Bool,
  Int8, Int16, Int32, Int64,
  UInt8, UInt16, UInt32, UInt64,
  Float16, BFloat16, Float32, Float64,
  Float8E4M3FN, Float8E5M2, Float8E4M3FNUZ, Float8E4M3B11FNUZ, Float8E5M2FNUZ,
  Complex64, Complex128,
  QInt8, QUInt8, QInt16, QUInt16, QInt32,
  String,  // variable-length bytes per element; elementSize() is 0
};

// Canonical lowercase name: "float32", "bfloat16", "float8_e4m3fn", "string", ...
std::string_view dtypeName(DType t);
// Inverse of dtypeName(); nullopt for an unknown name.
std::optional<DType> dtypeFromName(std::string_view name);
// Bytes per element; 0 for String.
std::size_t dtypeSize(DType t);
bool isFloatingPoint(DType t);  // includes float8/16 variants, excludes complex
bool isInteger(DType t);        // signed, unsigned and quantized integers
std::span<const DType> allDTypes();

}  // namespace graft
