#include "formats/pytorch/torch_types.h"

#include <array>

namespace graft::pytorch {
namespace {

struct StorageClass {
  std::string_view name;
  std::optional<DType> dtype;
};

constexpr std::array<StorageClass, 17> kStorageClasses = {{
    {"FloatStorage", DType::Float32},       {"DoubleStorage", DType::Float64},
    {"HalfStorage", DType::Float16},        {"BFloat16Storage", DType::BFloat16},
    {"ByteStorage", DType::UInt8},          {"CharStorage", DType::Int8},
    {"ShortStorage", DType::Int16},         {"IntStorage", DType::Int32},
    {"LongStorage", DType::Int64},          {"BoolStorage", DType::Bool},
    {"ComplexFloatStorage", DType::Complex64}, {"ComplexDoubleStorage", DType::Complex128},
    {"QInt8Storage", DType::QInt8},         {"QUInt8Storage", DType::QUInt8},
    {"QInt32Storage", DType::QInt32},       {"QUInt4x2Storage", std::nullopt},
    {"QUInt2x4Storage", std::nullopt},
}};

struct DtypeName {
  std::string_view name;
  DType dtype;
};

constexpr std::array<DtypeName, 27> kDtypeNames = {{
    {"float32", DType::Float32},   {"float", DType::Float32},      {"float64", DType::Float64},
    {"double", DType::Float64},    {"float16", DType::Float16},    {"half", DType::Float16},
    {"bfloat16", DType::BFloat16}, {"uint8", DType::UInt8},        {"int8", DType::Int8},
    {"int16", DType::Int16},       {"short", DType::Int16},        {"int32", DType::Int32},
    {"int", DType::Int32},         {"int64", DType::Int64},        {"long", DType::Int64},
    {"bool", DType::Bool},         {"complex64", DType::Complex64}, {"cfloat", DType::Complex64},
    {"complex128", DType::Complex128}, {"cdouble", DType::Complex128}, {"uint16", DType::UInt16},
    {"uint32", DType::UInt32},     {"uint64", DType::UInt64},      {"float8_e4m3fn", DType::Float8E4M3FN},
    {"float8_e5m2", DType::Float8E5M2}, {"float8_e4m3fnuz", DType::Float8E4M3FNUZ},
    {"float8_e5m2fnuz", DType::Float8E5M2FNUZ},
}};

// "torch.X" or "torch.cuda.X" -> "X"; empty otherwise.
std::string_view storageClassPart(std::string_view global) {
  for (std::string_view prefix : {"torch.cuda.", "torch."})
    if (global.substr(0, prefix.size()) == prefix) return global.substr(prefix.size());
  return {};
}

const StorageClass* findStorageClass(std::string_view global) {
  const std::string_view name = storageClassPart(global);
  for (const auto& c : kStorageClasses)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

std::optional<DType> storageClassDtype(std::string_view global) {
  const StorageClass* c = findStorageClass(global);
  return c ? c->dtype : std::nullopt;
}

bool isStorageClass(std::string_view global) { return findStorageClass(global) || isUntypedStorageClass(global); }

bool isUntypedStorageClass(std::string_view global) {
  return global == "torch.UntypedStorage" || global == "torch.storage.UntypedStorage";
}

std::optional<std::string_view> storageClassName(DType t) {
  switch (t) {
    case DType::QInt8:
    case DType::QUInt8:
    case DType::QInt32: return std::nullopt;  // quantized tensors need _rebuild_qtensor's scale and zero point
    default: break;
  }
  for (const auto& c : kStorageClasses)
    if (c.dtype == t) return c.name;
  return std::nullopt;
}

std::optional<DType> torchDtype(std::string_view global) {
  if (global.substr(0, 6) != "torch.") return std::nullopt;
  const std::string_view name = global.substr(6);
  for (const auto& d : kDtypeNames)
    if (d.name == name) return d.dtype;
  return std::nullopt;
}

}  // namespace graft::pytorch
