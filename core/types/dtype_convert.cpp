#include "types/dtype_convert.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "io/error.h"

namespace graft {
namespace {

template <typename T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
void store(std::byte* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

std::uint32_t bitsOf(float f) { return std::bit_cast<std::uint32_t>(f); }

// ---- float8 decoding: one 256-entry table per format, built at compile time ----

// Where a float8 format keeps its special values.
enum class Float8Specials {
  Ieee,  // exponent all ones: inf (mantissa 0) or NaN (e5m2)
  Fn,    // no inf; only S.1111.111 is NaN (e4m3fn)
  Fnuz,  // no inf, no -0; 0x80 is the only NaN
};

constexpr float kInf = std::numeric_limits<float>::infinity();

constexpr float pow2(int e) { return std::bit_cast<float>(static_cast<std::uint32_t>(e + 127) << 23); }

template <int kExpBits, int kManBits, int kBias, Float8Specials kSpecials>
constexpr float float8Value(int bits) {
  constexpr int kExpMax = (1 << kExpBits) - 1;
  constexpr int kManMax = (1 << kManBits) - 1;
  const bool negative = (bits & 0x80) != 0;
  const int e = (bits >> kManBits) & kExpMax;
  const int m = bits & kManMax;
  const float nan = std::bit_cast<float>(negative ? 0xFFC00000u : 0x7FC00000u);
  if (kSpecials == Float8Specials::Fnuz && bits == 0x80) return std::numeric_limits<float>::quiet_NaN();
  if (kSpecials == Float8Specials::Ieee && e == kExpMax) return m != 0 ? nan : negative ? -kInf : kInf;
  if (kSpecials == Float8Specials::Fn && e == kExpMax && m == kManMax) return nan;
  const float v = e == 0 ? static_cast<float>(m) * pow2(1 - kBias - kManBits)  // subnormal
                         : static_cast<float>((1 << kManBits) + m) * pow2(e - kBias - kManBits);
  return negative ? -v : v;
}

template <int kExpBits, int kManBits, int kBias, Float8Specials kSpecials>
constexpr std::array<float, 256> float8Table() {
  std::array<float, 256> table{};
  for (int bits = 0; bits < 256; ++bits)
    table[static_cast<std::size_t>(bits)] = float8Value<kExpBits, kManBits, kBias, kSpecials>(bits);
  return table;
}

constexpr auto kE4M3FN = float8Table<4, 3, 7, Float8Specials::Fn>();
constexpr auto kE5M2 = float8Table<5, 2, 15, Float8Specials::Ieee>();
constexpr auto kE4M3FNUZ = float8Table<4, 3, 8, Float8Specials::Fnuz>();
constexpr auto kE5M2FNUZ = float8Table<5, 2, 16, Float8Specials::Fnuz>();
constexpr auto kE4M3B11FNUZ = float8Table<4, 3, 11, Float8Specials::Fnuz>();

const std::array<float, 256>* float8TableOf(DType t) {
  switch (t) {
    case DType::Float8E4M3FN: return &kE4M3FN;
    case DType::Float8E5M2: return &kE5M2;
    case DType::Float8E4M3FNUZ: return &kE4M3FNUZ;
    case DType::Float8E5M2FNUZ: return &kE5M2FNUZ;
    case DType::Float8E4M3B11FNUZ: return &kE4M3B11FNUZ;
    default: return nullptr;
  }
}

// ---- narrowing float -> small float (the §7.2 algorithm, for any mantissa width and bias) ----

// Magnitude bits of |f| (finite float bits `a`) rounded to nearest even in a format with
// kManBits mantissa bits and exponent bias kBias. Results at or past the all-ones exponent
// mean overflow; the caller decides between inf and NaN.
template <int kManBits, int kBias>
inline std::uint32_t roundMagnitude(std::uint32_t a) {
  constexpr std::uint32_t kMinNormal = static_cast<std::uint32_t>(128 - kBias) << 23;      // 2^(1-bias)
  constexpr std::uint32_t kHalfMinSub = static_cast<std::uint32_t>(127 - kBias - kManBits) << 23;  // ties to 0
  constexpr int kDrop = 23 - kManBits;
  if (a < kMinNormal) {  // result is subnormal or zero
    if (a <= kHalfMinSub) return 0;
    const std::uint32_t e = a >> 23, m = (a & 0x7FFFFFu) | 0x800000u;
    const int sh = (151 - kBias - kManBits) - static_cast<int>(e);
    std::uint32_t r = m >> sh;
    const std::uint32_t rem = m & ((1u << sh) - 1), half = 1u << (sh - 1);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return r;
  }
  std::uint32_t r = a - (static_cast<std::uint32_t>(127 - kBias) << 23);  // rebias
  const std::uint32_t rem = r & ((1u << kDrop) - 1), half = 1u << (kDrop - 1);
  r >>= kDrop;
  if (rem > half || (rem == half && (r & 1u))) ++r;  // a carry may bump the exponent: correct
  return r;
}

// §7.2's f16_to_f32 with its branches turned into masks, so loops over it vectorize.
inline float decodeHalf(std::uint16_t h) {
  const std::int32_t em = h & 0x7FFF, sign = (h & 0x8000) << 16;
  const std::int32_t normal = (em << 13) + 0x38000000;  // rebias 15 -> 127
  const std::int32_t special = (em << 13) | 0x7F800000;  // inf and NaN
  const std::int32_t subnormal = std::bit_cast<std::int32_t>(static_cast<float>(em) * 5.9604644775390625e-8f);  // m * 2^-24
  const std::int32_t isSpecial = -static_cast<std::int32_t>(em >= 0x7C00), isSubnormal = -static_cast<std::int32_t>(em < 0x400);
  const std::int32_t x = (isSubnormal & subnormal) | (~isSubnormal & ((isSpecial & special) | (~isSpecial & normal)));
  return std::bit_cast<float>(sign | x);
}

// §7.2's f32_to_f16 computed branch-free, so loops over it vectorize (equal to the reference
// for every input, tested): all three cases are computed and the right one selected.
inline std::uint16_t encodeHalf(float f) {
  const std::uint32_t x = bitsOf(f), a = x & 0x7FFFFFFFu, sign = (x >> 16) & 0x8000u;
  // inf, NaN (keeping the top of its payload) and everything that rounds past 65504
  const std::uint32_t special = a > 0x7F800000u ? 0x7E00u | ((a >> 13) & 0x3FFu) : 0x7C00u;
  // rebias 127 -> 15 and round to nearest even: + half - 1, + 1 more when the kept bit is odd
  const std::uint32_t normal = (a - 0x38000000u + 0xFFFu + ((a >> 13) & 1u)) >> 13;
  // below 2^-14: adding 0.5 aligns the result's bits with float's last ones, rounding as float does
  const std::uint32_t subnormal = bitsOf(std::bit_cast<float>(a) + 0.5f) - 0x3F000000u;
  // Masks rather than ?:, which GCC would turn back into branches around the float addition.
  const std::uint32_t isSpecial = 0u - (a >= 0x477FF000u), isSubnormal = 0u - (a < 0x38800000u);
  const std::uint32_t r = (isSpecial & special) | (~isSpecial & ((isSubnormal & subnormal) | (~isSubnormal & normal)));
  return static_cast<std::uint16_t>(sign | r);
}

// §7.1 with the NaN branch as a select, so loops over it vectorize.
inline std::uint16_t encodeBfloat16(float f) {
  const std::uint32_t x = bitsOf(f);
  const std::uint32_t quietNaN = (x >> 16) | 0x0040u;
  const std::uint32_t rounded = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;  // the carry turns FLT_MAX into inf
  return static_cast<std::uint16_t>((x & 0x7FFFFFFFu) > 0x7F800000u ? quietNaN : rounded);
}

// double -> float rounded to nearest even, as the hardware does, without the undefined
// behaviour C++ gives a finite value beyond float's range: it becomes ±FLT_MAX or ±inf.
float nearestFloat(double d) {
  constexpr double kMidpoint = 0x1.ffffffp127;  // halfway from FLT_MAX to 2^128: ties go to inf
  if (std::isfinite(d) && std::fabs(d) > FLT_MAX)
    return static_cast<float>(std::copysign(std::fabs(d) < kMidpoint ? FLT_MAX : HUGE_VAL, d));
  return static_cast<float>(d);
}

// Round-to-odd narrowing to float: rounding this result again to any format with at most 22
// mantissa bits gives the correctly rounded value (no double-rounding error).
float oddFloat(double d) {
  if (!std::isfinite(d)) return static_cast<float>(d);
  if (std::fabs(d) > FLT_MAX) return static_cast<float>(std::copysign(FLT_MAX, d));  // odd: rounds on up
  float f = static_cast<float>(d);
  if (static_cast<double>(f) == d) return f;
  if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);  // truncate toward zero
  return std::bit_cast<float>(bitsOf(f) | 1u);  // sticky bit
}

template <typename I>
float oddFloat(I v) {
  if constexpr (std::is_signed_v<I>) {
    const auto magnitude = v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    const float f = oddFloat(magnitude);
    return v < 0 ? -f : f;
  } else {
    const std::uint64_t m = v;
    const int shift = std::max(0, static_cast<int>(std::bit_width(m)) - 24);
    if (shift == 0) return static_cast<float>(m);
    const std::uint64_t sticky = (m & ((std::uint64_t{1} << shift) - 1)) != 0;
    return std::ldexp(static_cast<float>((m >> shift) | sticky), shift);
  }
}

// ---- element codecs: every dtype widens losslessly to double, int64 or uint64 ----

enum class Wide { Double, Signed, Unsigned };

Wide wideOf(DType t) {
  if (isFloatingPoint(t)) return Wide::Double;
  switch (t) {
    case DType::Int8: case DType::Int16: case DType::Int32: case DType::Int64:
    case DType::QInt8: case DType::QInt16: case DType::QInt32:
      return Wide::Signed;
    default:
      return Wide::Unsigned;  // bool, unsigned and quantized unsigned integers
  }
}

template <typename W>
void decodeAs(DType from, const std::byte* in, std::size_t n, W* out) {
  const std::size_t size = dtypeSize(from);
  auto each = [&](auto decode) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<W>(decode(in + i * size));
  };
  switch (from) {
    case DType::Bool: return each([](const std::byte* p) { return load<std::uint8_t>(p) != 0 ? 1 : 0; });
    case DType::Int8: case DType::QInt8: return each(load<std::int8_t>);
    case DType::Int16: case DType::QInt16: return each(load<std::int16_t>);
    case DType::Int32: case DType::QInt32: return each(load<std::int32_t>);
    case DType::Int64: return each(load<std::int64_t>);
    case DType::UInt8: case DType::QUInt8: return each(load<std::uint8_t>);
    case DType::UInt16: case DType::QUInt16: return each(load<std::uint16_t>);
    case DType::UInt32: return each(load<std::uint32_t>);
    case DType::UInt64: return each(load<std::uint64_t>);
    case DType::Float16: return each([](const std::byte* p) { return decodeHalf(load<std::uint16_t>(p)); });
    case DType::BFloat16: return each([](const std::byte* p) { return bfloat16ToFloat(load<std::uint16_t>(p)); });
    case DType::Float32: return each(load<float>);
    case DType::Float64: return each(load<double>);
    default: {
      const auto* table = float8TableOf(from);
      return each([table](const std::byte* p) { return (*table)[load<std::uint8_t>(p)]; });
    }
  }
}

// Float sources: toward zero, saturating, NaN -> 0. Integer sources: saturating.
template <typename I, typename W>
I saturate(W w) {
  using L = std::numeric_limits<I>;
  if constexpr (std::is_floating_point_v<W>) {
    if (std::isnan(w)) return 0;
    if (w <= static_cast<W>(L::lowest())) return L::lowest();
    // max() of 64-bit types rounds up to 2^63 / 2^64 as a double: w >= it overflows too.
    if (w >= static_cast<W>(L::max())) return L::max();
    return static_cast<I>(w);
  } else {
    if constexpr (std::is_signed_v<W>) {
      if (w < 0) return std::is_signed_v<I> && w >= static_cast<std::int64_t>(L::lowest()) ? static_cast<I>(w) : L::lowest();
    }
    const auto u = static_cast<std::uint64_t>(w);
    return u > static_cast<std::uint64_t>(L::max()) ? L::max() : static_cast<I>(u);
  }
}

template <typename W>
float toFloat(W w) {
  if constexpr (std::is_floating_point_v<W>)
    return nearestFloat(w);
  else
    return static_cast<float>(w);
}
template <typename W>
double toDouble(W w) {
  return static_cast<double>(w);
}

template <typename W>
void encodeFrom(DType to, const W* in, std::size_t n, std::byte* out) {
  const std::size_t size = dtypeSize(to);
  auto each = [&](auto encode) {
    for (std::size_t i = 0; i < n; ++i) store(out + i * size, encode(in[i]));
  };
  switch (to) {
    case DType::Bool: return each([](W w) { return static_cast<std::uint8_t>(w != 0); });
    case DType::Int8: case DType::QInt8: return each(saturate<std::int8_t, W>);
    case DType::Int16: case DType::QInt16: return each(saturate<std::int16_t, W>);
    case DType::Int32: case DType::QInt32: return each(saturate<std::int32_t, W>);
    case DType::Int64: return each(saturate<std::int64_t, W>);
    case DType::UInt8: case DType::QUInt8: return each(saturate<std::uint8_t, W>);
    case DType::UInt16: case DType::QUInt16: return each(saturate<std::uint16_t, W>);
    case DType::UInt32: return each(saturate<std::uint32_t, W>);
    case DType::UInt64: return each(saturate<std::uint64_t, W>);
    case DType::Float32: return each(toFloat<W>);
    case DType::Float64: return each(toDouble<W>);
    case DType::Float16: return each([](W w) { return encodeHalf(oddFloat(w)); });
    case DType::BFloat16: return each([](W w) { return encodeBfloat16(oddFloat(w)); });
    case DType::Float8E4M3FN: return each([](W w) { return floatToFloat8E4M3FN(oddFloat(w)); });
    case DType::Float8E5M2: return each([](W w) { return floatToFloat8E5M2(oddFloat(w)); });
    default: throw Error("cannot convert to " + std::string(dtypeName(to)));
  }
}

// Applies fn element by element in fixed-size blocks copied to locals: the inner loop has a
// constant trip count and no aliasing, so GCC vectorizes it at -O2.
template <typename In, typename Out, typename Fn>
void mapElements(const std::byte* in, std::byte* out, std::size_t n, Fn fn) {
  constexpr std::size_t kBlock = 64;
  In src[kBlock];
  Out dst[kBlock];
  std::size_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    std::memcpy(src, in + i * sizeof(In), sizeof src);
    for (std::size_t j = 0; j < kBlock; ++j) dst[j] = fn(src[j]);
    std::memcpy(out + i * sizeof(Out), dst, sizeof dst);
  }
  for (; i < n; ++i) store(out + i * sizeof(Out), fn(load<In>(in + i * sizeof(In))));
}

// The hot paths of exports and statistics, without the detour through a wide type.
bool castFast(DType from, DType to, const std::byte* in, std::byte* out, std::size_t n) {
  if (from == to) {
    std::memcpy(out, in, n * dtypeSize(from));
    return true;
  }
  if (to == DType::Float32) {
    if (from == DType::BFloat16) {
      mapElements<std::uint16_t, std::uint32_t>(in, out, n, [](std::uint16_t b) { return std::uint32_t{b} << 16; });
      return true;
    }
    if (from == DType::Float16) {
      mapElements<std::uint16_t, float>(in, out, n, [](std::uint16_t h) { return decodeHalf(h); });
      return true;
    }
    if (const auto* table = float8TableOf(from)) {
      mapElements<std::uint8_t, float>(in, out, n, [table](std::uint8_t b) { return (*table)[b]; });
      return true;
    }
  }
  if (from == DType::Float32 && to == DType::BFloat16) {
    mapElements<float, std::uint16_t>(in, out, n, [](float f) { return encodeBfloat16(f); });
    return true;
  }
  if (from == DType::Float32 && to == DType::Float16) {
    mapElements<float, std::uint16_t>(in, out, n, [](float f) { return encodeHalf(f); });
    return true;
  }
  return false;
}

bool isComplex(DType t) { return t == DType::Complex64 || t == DType::Complex128; }

// Through a lossless wide type, a block at a time so the buffer stays in L1.
void castGeneral(DType from, DType to, const std::byte* in, std::byte* out, std::size_t n) {
  constexpr std::size_t kBlock = 256;
  const std::size_t inSize = dtypeSize(from), outSize = dtypeSize(to);
  auto run = [&](auto* buffer) {
    for (std::size_t i = 0; i < n; i += kBlock) {
      const std::size_t m = std::min(kBlock, n - i);
      decodeAs(from, in + i * inSize, m, buffer);
      encodeFrom(to, buffer, m, out + i * outSize);
    }
  };
  switch (wideOf(from)) {
    case Wide::Double: { double b[kBlock]; return run(b); }
    case Wide::Signed: { std::int64_t b[kBlock]; return run(b); }
    case Wide::Unsigned: { std::uint64_t b[kBlock]; return run(b); }
  }
}

// Complex targets: real and imaginary parts as float or double; real sources get imaginary 0.
void castToComplex(DType from, DType to, const std::byte* in, std::byte* out, std::size_t n) {
  const DType part = to == DType::Complex64 ? DType::Float32 : DType::Float64;
  if (isComplex(from)) {
    castGeneral(from == DType::Complex64 ? DType::Float32 : DType::Float64, part, in, out, 2 * n);
    return;
  }
  constexpr std::size_t kBlock = 256;
  const std::size_t inSize = dtypeSize(from), partSize = dtypeSize(part);
  std::byte real[kBlock * sizeof(double)];
  for (std::size_t i = 0; i < n; i += kBlock) {
    const std::size_t m = std::min(kBlock, n - i);
    castGeneral(from, part, in + i * inSize, real, m);
    for (std::size_t j = 0; j < m; ++j) {
      std::byte* element = out + (i + j) * 2 * partSize;
      std::memcpy(element, real + j * partSize, partSize);
      std::memset(element + partSize, 0, partSize);
    }
  }
}

}  // namespace

float halfToFloat(std::uint16_t h) { return decodeHalf(h); }
std::uint16_t floatToHalf(float f) { return encodeHalf(f); }
float bfloat16ToFloat(std::uint16_t b) { return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16); }
std::uint16_t floatToBfloat16(float f) { return encodeBfloat16(f); }

float float8E4M3FNToFloat(std::uint8_t bits) { return kE4M3FN[bits]; }
float float8E5M2ToFloat(std::uint8_t bits) { return kE5M2[bits]; }
float float8E4M3FNUZToFloat(std::uint8_t bits) { return kE4M3FNUZ[bits]; }
float float8E5M2FNUZToFloat(std::uint8_t bits) { return kE5M2FNUZ[bits]; }
float float8E4M3B11FNUZToFloat(std::uint8_t bits) { return kE4M3B11FNUZ[bits]; }

std::uint8_t floatToFloat8E4M3FN(float f) {
  const std::uint32_t x = bitsOf(f), a = x & 0x7FFFFFFFu;
  const auto sign = static_cast<std::uint8_t>((x >> 24) & 0x80u);
  if (a >= 0x7F800000u) return sign | 0x7Fu;  // no infinity: inf and NaN become NaN
  const std::uint32_t r = roundMagnitude<3, 7>(a);
  return static_cast<std::uint8_t>(sign | (r > 0x7Eu ? 0x7Fu : r));
}

std::uint8_t floatToFloat8E5M2(float f) {
  const std::uint32_t x = bitsOf(f), a = x & 0x7FFFFFFFu;
  const auto sign = static_cast<std::uint8_t>((x >> 24) & 0x80u);
  if (a > 0x7F800000u) return sign | 0x7Eu;  // quiet NaN
  const std::uint32_t r = a == 0x7F800000u ? 0x7Cu : roundMagnitude<2, 15>(a);
  return static_cast<std::uint8_t>(sign | (r > 0x7Cu ? 0x7Cu : r));
}

bool canCast(DType from, DType to) {
  if (from == DType::String || to == DType::String) return false;
  if (isComplex(from)) return isComplex(to);
  // Of the float8 formats, the two OCP storage formats have encoders.
  if (float8TableOf(to)) return to == DType::Float8E4M3FN || to == DType::Float8E5M2;
  return true;
}

void castElements(DType from, DType to, std::span<const std::byte> in, std::span<std::byte> out) {
  if (!canCast(from, to))
    throw Error("cannot convert " + std::string(dtypeName(from)) + " to " + std::string(dtypeName(to)));
  const std::size_t inSize = dtypeSize(from), outSize = dtypeSize(to);
  const std::size_t n = in.size() / inSize;
  if (in.size() % inSize != 0 || out.size() != n * outSize)
    throw Error("element conversion " + std::string(dtypeName(from)) + " -> " + std::string(dtypeName(to)) +
                ": " + std::to_string(in.size()) + " input bytes do not fill " + std::to_string(out.size()) +
                " output bytes");
  if (castFast(from, to, in.data(), out.data(), n)) return;
  if (isComplex(to)) return castToComplex(from, to, in.data(), out.data(), n);
  castGeneral(from, to, in.data(), out.data(), n);
}

void toFloat32(DType from, std::span<const std::byte> in, std::span<float> out) {
  castElements(from, DType::Float32, in, std::as_writable_bytes(out));
}

void toFloat64(DType from, std::span<const std::byte> in, std::span<double> out) {
  castElements(from, DType::Float64, in, std::as_writable_bytes(out));
}

}  // namespace graft
