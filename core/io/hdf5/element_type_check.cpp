#include "io/hdf5/element_type_check.h"

#include <cstdint>

#include "io/hdf5/hdf5_library.h"

namespace graft::hdf5 {
namespace {

std::string bitsOf(std::uint64_t first, std::uint64_t count) {
  return "bits " + std::to_string(first) + " to " + std::to_string(first + count - 1);
}

// The value bits (offset, precision) of an integer or float type must lie inside its bytes, and
// a float's sign, exponent and mantissa inside its value bits.
std::string numberProblem(hid_t type, H5T_class_t typeClass) {
  const bool isFloat = typeClass == H5T_FLOAT;
  const std::uint64_t bytes = H5Tget_size(type), precision = H5Tget_precision(type);
  const int offset = H5Tget_offset(type);
  const std::string what = "a " + std::to_string(bytes) + "-byte " + (isFloat ? "float" : "integer");
  if (bytes == 0 || precision == 0 || offset < 0) return what + " with no value bits";
  if (static_cast<std::uint64_t>(offset) + precision > 8 * bytes)
    return what + " whose value is said to be in " + bitsOf(static_cast<std::uint64_t>(offset), precision);
  if (!isFloat) return {};
  std::size_t sign = 0, exponentAt = 0, exponentBits = 0, mantissaAt = 0, mantissaBits = 0;
  if (H5Tget_fields(type, &sign, &exponentAt, &exponentBits, &mantissaAt, &mantissaBits) < 0)
    return what + " whose fields cannot be read";
  if (sign >= precision || exponentBits == 0 || exponentAt + exponentBits > precision || mantissaAt + mantissaBits > precision)
    return what + " of " + std::to_string(precision) + " value bits whose sign is bit " + std::to_string(sign) +
           ", exponent " + bitsOf(exponentAt, exponentBits) + " and mantissa " + bitsOf(mantissaAt, mantissaBits);
  return {};
}

}  // namespace

std::string elementTypeProblem(hid_t type) {
  auto l = lock();
  switch (const H5T_class_t typeClass = H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT: return numberProblem(type, typeClass);
    case H5T_ENUM: {
      Id base = typeId(H5Tget_super(type));
      return base ? elementTypeProblem(base.get()) : "an enum with no base type";
    }
    case H5T_COMPOUND: {
      const int members = H5Tget_nmembers(type);
      const std::uint64_t bytes = H5Tget_size(type);
      for (int i = 0; i < members; ++i) {
        Id member = typeId(H5Tget_member_type(type, static_cast<unsigned>(i)));
        if (!member) return "a compound whose member " + std::to_string(i) + " has no type";
        const std::uint64_t at = H5Tget_member_offset(type, static_cast<unsigned>(i));
        if (at > bytes || H5Tget_size(member.get()) > bytes - at)
          return "a " + std::to_string(bytes) + "-byte compound whose member " + std::to_string(i) + " lies outside it";
        if (auto problem = elementTypeProblem(member.get()); !problem.empty()) return problem;
      }
      return {};
    }
    default: return {};  // strings and opaque bytes are copied, not converted bit by bit
  }
}

}  // namespace graft::hdf5
