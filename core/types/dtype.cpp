#include "types/dtype.h"

#include <array>

namespace graft {
namespace {

struct DTypeFacts {
  DType type;
  std::string_view name;
  std::size_t size;
};

constexpr std::array kFacts{
    DTypeFacts{DType::Bool, "bool", 1},
    DTypeFacts{DType::Int8, "int8", 1},
    DTypeFacts{DType::Int16, "int16", 2},
    DTypeFacts{DType::Int32, "int32", 4},
    DTypeFacts{DType::Int64, "int64", 8},
    DTypeFacts{DType::UInt8, "uint8", 1},
    DTypeFacts{DType::UInt16, "uint16", 2},
    DTypeFacts{DType::UInt32, "uint32", 4},
    DTypeFacts{DType::UInt64, "uint64", 8},
    DTypeFacts{DType::Float16, "float16", 2},
    DTypeFacts{DType::BFloat16, "bfloat16", 2},
    DTypeFacts{DType::Float32, "float32", 4},
    DTypeFacts{DType::Float64, "float64", 8},
    DTypeFacts{DType::Float8E4M3FN, "float8_e4m3fn", 1},
    DTypeFacts{DType::Float8E5M2, "float8_e5m2", 1},
    DTypeFacts{DType::Float8E4M3FNUZ, "float8_e4m3fnuz", 1},
    DTypeFacts{DType::Float8E4M3B11FNUZ, "float8_e4m3b11fnuz", 1},
    DTypeFacts{DType::Float8E5M2FNUZ, "float8_e5m2fnuz", 1},
    DTypeFacts{DType::Complex64, "complex64", 8},
    DTypeFacts{DType::Complex128, "complex128", 16},
    DTypeFacts{DType::QInt8, "qint8", 1},
    DTypeFacts{DType::QUInt8, "quint8", 1},
    DTypeFacts{DType::QInt16, "qint16", 2},
    DTypeFacts{DType::QUInt16, "quint16", 2},
    DTypeFacts{DType::QInt32, "qint32", 4},
    DTypeFacts{DType::String, "string", 0},
};

constexpr std::array<DType, kFacts.size()> makeAll() {
  std::array<DType, kFacts.size()> all{};
  for (std::size_t i = 0; i < kFacts.size(); ++i) all[i] = kFacts[i].type;
  return all;
}
constexpr auto kAll = makeAll();

const DTypeFacts& facts(DType t) {
  for (const auto& f : kFacts)
    if (f.type == t) return f;
  return kFacts.back();  // unreachable: every enumerator is in the table (tested)
}

}  // namespace

std::string_view dtypeName(DType t) { return facts(t).name; }

std::optional<DType> dtypeFromName(std::string_view name) {
  for (const auto& f : kFacts)
    if (f.name == name) return f.type;
  return std::nullopt;
}

std::size_t dtypeSize(DType t) { return facts(t).size; }

bool isFloatingPoint(DType t) {
  switch (t) {
    case DType::Float16: case DType::BFloat16: case DType::Float32: case DType::Float64:
    case DType::Float8E4M3FN: case DType::Float8E5M2: case DType::Float8E4M3FNUZ:
    case DType::Float8E4M3B11FNUZ: case DType::Float8E5M2FNUZ:
      return true;
    default:
      return false;
  }
}

bool isInteger(DType t) {
  switch (t) {
    case DType::Int8: case DType::Int16: case DType::Int32: case DType::Int64:
    case DType::UInt8: case DType::UInt16: case DType::UInt32: case DType::UInt64:
    case DType::QInt8: case DType::QUInt8: case DType::QInt16: case DType::QUInt16: case DType::QInt32:
      return true;
    default:
      return false;
  }
}

std::span<const DType> allDTypes() { return kAll; }

}  // namespace graft
