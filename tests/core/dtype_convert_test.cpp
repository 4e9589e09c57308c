// Element conversions: the §7 examples, every float16 and float8 value, and the rules of
// castElements (single rounding, saturation, NaN, bool, complex).

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "io/error.h"
#include "types/dtype_convert.h"

using namespace graft;

namespace {

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }
float fromBits(std::uint32_t b) { return std::bit_cast<float>(b); }

// checkpoint-formats.md §7.2, verbatim apart from casts: the reference the fast code must equal.
std::uint16_t referenceF32ToF16(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  std::uint16_t sign = (x >> 16) & 0x8000;
  std::uint32_t a = x & 0x7FFFFFFFu;
  if (a >= 0x7F800000u) return sign | (a == 0x7F800000u ? 0x7C00 : 0x7E00 | ((a >> 13) & 0x3FF));
  if (a >= 0x477FF000u) return sign | 0x7C00;
  if (a < 0x38800000u) {
    if (a < 0x33000000u) return sign;
    std::uint32_t e = a >> 23, m = (a & 0x7FFFFF) | 0x800000;
    int sh = 126 - static_cast<int>(e);
    std::uint32_t r = m >> sh, rem = m & ((1u << sh) - 1), half = 1u << (sh - 1);
    if (rem > half || (rem == half && (r & 1))) ++r;
    return static_cast<std::uint16_t>(sign | r);
  }
  std::uint32_t r = a - 0x38000000u;
  std::uint32_t rem = r & 0x1FFF;
  r >>= 13;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) ++r;
  return static_cast<std::uint16_t>(sign | r);
}

float referenceF16ToF32(std::uint16_t h) {
  std::uint32_t s = static_cast<std::uint32_t>(h & 0x8000) << 16, e = (h >> 10) & 0x1F, m = h & 0x3FF, x;
  if (e == 0) {
    float v = static_cast<float>(m) * 5.9604644775390625e-8f;
    return s ? -v : v;
  }
  x = (e == 31) ? (s | 0x7F800000u | (m << 13)) : (s | ((e + 112) << 23) | (m << 13));
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

template <typename T>
std::vector<std::byte> bytesOf(const std::vector<T>& values) {
  std::vector<std::byte> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

template <typename T>
std::vector<T> cast(DType from, DType to, const std::vector<std::byte>& in) {
  std::vector<T> out(in.size() / dtypeSize(from) * dtypeSize(to) / sizeof(T));
  castElements(from, to, in, std::as_writable_bytes(std::span<T>(out)));
  return out;
}

using Float8Decoder = float (*)(std::uint8_t);

// The float8 value nearest to f, ties to the even code; `overflow` is the value one step past
// the largest finite one, which stands for inf / NaN. Brute force over the decode table.
int nearestFloat8(float f, Float8Decoder decode, std::uint8_t maxCode, float overflow) {
  int best = -1;
  double bestDistance = HUGE_VAL;
  for (int code = 0; code <= maxCode + 1; ++code) {
    const double v = code <= maxCode ? decode(static_cast<std::uint8_t>(code)) : overflow;
    const double d = std::fabs(std::fabs(static_cast<double>(f)) - v);
    if (d < bestDistance || (d == bestDistance && code % 2 == 0)) {
      best = code;
      bestDistance = d;
    }
  }
  return best;  // maxCode + 1 means overflow
}

}  // namespace

TEST(DTypeConvert, Bfloat16RoundsToNearestEvenAsTheDocSays) {
  EXPECT_EQ(floatToBfloat16(fromBits(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(floatToBfloat16(fromBits(0x3F818000u)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(floatToBfloat16(fromBits(0x3F808001u)), 0x3F81);
  EXPECT_EQ(floatToBfloat16(FLT_MAX), 0x7F80);  // +inf through the carry
  EXPECT_EQ(floatToBfloat16(-FLT_MAX), 0xFF80);
  EXPECT_EQ(floatToBfloat16(-0.0f), 0x8000);
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(fromBits(0x7F800001u)))));  // payload in the low bits
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBfloat16(fromBits(0xFFFFFFFFu)))));
  for (std::uint32_t b = 0; b < 0x10000; ++b)
    ASSERT_EQ(bits(bfloat16ToFloat(static_cast<std::uint16_t>(b))), b << 16);
}

TEST(DTypeConvert, EveryHalfValueDecodesAsTheReferenceAndRoundTrips) {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto half = static_cast<std::uint16_t>(h);
    const float f = halfToFloat(half);
    ASSERT_EQ(bits(f), bits(referenceF16ToF32(half))) << std::hex << h;
    if (std::isnan(f))
      EXPECT_EQ(floatToHalf(f) & 0x7E00, 0x7E00) << std::hex << h;  // stays a quiet NaN
    else
      ASSERT_EQ(floatToHalf(f), half) << std::hex << h;
  }
}

TEST(DTypeConvert, FloatToHalfEqualsTheReferenceOnSampledAndBoundaryInputs) {
  for (std::uint64_t b = 0; b <= 0xFFFFFFFFu; b += 4099)
    ASSERT_EQ(floatToHalf(fromBits(static_cast<std::uint32_t>(b))), referenceF32ToF16(fromBits(static_cast<std::uint32_t>(b))))
        << std::hex << b;
  // Around the overflow threshold, the normal/subnormal border, the smallest subnormal and zero.
  for (std::uint32_t center : {0x477FF000u, 0x477FE000u, 0x38800000u, 0x33800000u, 0x33000000u, 0x00000000u})
    for (std::uint32_t d = 0; d < 4096; ++d)
      for (std::uint32_t b : {center + d, center - d, (center + d) | 0x80000000u})
        ASSERT_EQ(floatToHalf(fromBits(b)), referenceF32ToF16(fromBits(b))) << std::hex << b;
}

TEST(DTypeConvert, HalfOverflowAndSubnormalsRoundToNearestEven) {
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65519.996f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);  // the midpoint to 65536 ties to the even infinity
  EXPECT_EQ(floatToHalf(-65520.0f), 0xFC00);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);  // half of it ties to zero
  EXPECT_EQ(floatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);  // 1.5 subnormal steps: tie to even 2
  EXPECT_EQ(halfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x7C00), std::numeric_limits<float>::infinity());
}

TEST(DTypeConvert, Float8DecodesToTheMlDtypesValues) {
  EXPECT_EQ(float8E4M3FNToFloat(0x7E), 448.0f);
  EXPECT_TRUE(std::isnan(float8E4M3FNToFloat(0x7F)));
  EXPECT_TRUE(std::isnan(float8E4M3FNToFloat(0xFF)));
  EXPECT_EQ(float8E4M3FNToFloat(0x38), 1.0f);
  EXPECT_EQ(float8E4M3FNToFloat(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(float8E4M3FNToFloat(0x08), std::ldexp(1.0f, -6));
  EXPECT_TRUE(std::signbit(float8E4M3FNToFloat(0x80)));  // -0
  EXPECT_EQ(float8E4M3FNToFloat(0xFE), -448.0f);

  EXPECT_EQ(float8E5M2ToFloat(0x7B), 57344.0f);
  EXPECT_EQ(float8E5M2ToFloat(0x7C), std::numeric_limits<float>::infinity());
  EXPECT_EQ(float8E5M2ToFloat(0xFC), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(float8E5M2ToFloat(0x7D)));
  EXPECT_EQ(float8E5M2ToFloat(0x3C), 1.0f);
  EXPECT_EQ(float8E5M2ToFloat(0x01), std::ldexp(1.0f, -16));

  EXPECT_TRUE(std::isnan(float8E4M3FNUZToFloat(0x80)));
  EXPECT_EQ(float8E4M3FNUZToFloat(0x7F), 240.0f);
  EXPECT_EQ(float8E4M3FNUZToFloat(0x40), 1.0f);
  EXPECT_EQ(float8E4M3FNUZToFloat(0x01), std::ldexp(1.0f, -10));

  EXPECT_TRUE(std::isnan(float8E5M2FNUZToFloat(0x80)));
  EXPECT_EQ(float8E5M2FNUZToFloat(0x7F), 57344.0f);
  EXPECT_EQ(float8E5M2FNUZToFloat(0x40), 1.0f);
  EXPECT_EQ(float8E5M2FNUZToFloat(0x01), std::ldexp(1.0f, -17));

  EXPECT_TRUE(std::isnan(float8E4M3B11FNUZToFloat(0x80)));
  EXPECT_EQ(float8E4M3B11FNUZToFloat(0x7F), 30.0f);
  EXPECT_EQ(float8E4M3B11FNUZToFloat(0x58), 1.0f);
  EXPECT_EQ(float8E4M3B11FNUZToFloat(0x01), std::ldexp(1.0f, -13));

  // Codes of the same sign are ordered like their values; negative codes mirror positive ones.
  for (Float8Decoder decode : {float8E4M3FNToFloat, float8E5M2ToFloat, float8E4M3FNUZToFloat, float8E5M2FNUZToFloat,
                               float8E4M3B11FNUZToFloat}) {
    for (int code = 1; code < 0x80; ++code) {
      const float v = decode(static_cast<std::uint8_t>(code)), previous = decode(static_cast<std::uint8_t>(code - 1));
      if (std::isnan(v)) continue;
      EXPECT_GT(v, previous) << code;
      const float negative = decode(static_cast<std::uint8_t>(code | 0x80));
      EXPECT_EQ(negative, -v) << code;
    }
  }
}

TEST(DTypeConvert, Float8EncodersRoundToNearestEvenAndSaturateAsOcp) {
  for (int code = 0; code < 256; ++code) {  // every value round-trips
    const auto b = static_cast<std::uint8_t>(code);
    if (!std::isnan(float8E4M3FNToFloat(b))) {
      EXPECT_EQ(floatToFloat8E4M3FN(float8E4M3FNToFloat(b)), b);
    }
    if (!std::isnan(float8E5M2ToFloat(b))) {
      EXPECT_EQ(floatToFloat8E5M2(float8E5M2ToFloat(b)), b);
    }
  }
  EXPECT_EQ(floatToFloat8E4M3FN(464.0f), 0x7E);  // midpoint to 480 ties to 448 (even)
  EXPECT_TRUE(std::isnan(float8E4M3FNToFloat(floatToFloat8E4M3FN(465.0f))));  // no infinity: NaN
  EXPECT_TRUE(std::isnan(float8E4M3FNToFloat(floatToFloat8E4M3FN(std::numeric_limits<float>::infinity()))));
  EXPECT_EQ(floatToFloat8E4M3FN(1.0625f), 0x38);  // tie between 1 and 1.125: even 1
  EXPECT_EQ(floatToFloat8E4M3FN(1.1875f), 0x3A);  // tie between 1.125 and 1.25: even 1.25
  EXPECT_EQ(floatToFloat8E4M3FN(std::ldexp(1.0f, -10)), 0x00);  // half the smallest subnormal
  EXPECT_EQ(floatToFloat8E4M3FN(std::ldexp(1.5f, -10)), 0x01);
  EXPECT_EQ(floatToFloat8E5M2(61440.0f), 0x7C);  // midpoint to 65536 ties to the even infinity
  EXPECT_EQ(floatToFloat8E5M2(61439.0f), 0x7B);
  EXPECT_EQ(floatToFloat8E5M2(-1e9f), 0xFC);
  EXPECT_TRUE(std::isnan(float8E5M2ToFloat(floatToFloat8E5M2(std::numeric_limits<float>::quiet_NaN()))));

  // Random magnitudes across both formats' ranges against a brute-force nearest search.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> exponent(-20.0f, 17.0f);
  for (int i = 0; i < 20000; ++i) {
    const float f = std::exp2(exponent(rng)) * (i % 2 ? -1.0f : 1.0f);
    const int e4 = nearestFloat8(f, float8E4M3FNToFloat, 0x7E, 480.0f);
    const std::uint8_t sign = f < 0 ? 0x80 : 0;
    if (e4 == 0x7F)
      EXPECT_TRUE(std::isnan(float8E4M3FNToFloat(floatToFloat8E4M3FN(f)))) << f;
    else
      EXPECT_EQ(floatToFloat8E4M3FN(f), sign | e4) << f;
    const int e5 = nearestFloat8(f, float8E5M2ToFloat, 0x7B, 65536.0f);
    EXPECT_EQ(floatToFloat8E5M2(f), sign | e5) << f;  // 0x7C, one past the largest, is inf
  }
}

TEST(DTypeConvert, BulkConversionsEqualTheScalarOnesAtAnyLength) {
  std::mt19937 rng(3);
  std::vector<std::uint32_t> raw(1001);  // not a multiple of any block size
  for (auto& r : raw) r = rng();
  std::vector<float> floats(raw.size());
  std::memcpy(floats.data(), raw.data(), raw.size() * 4);
  const auto in = bytesOf(floats);
  const auto bf = cast<std::uint16_t>(DType::Float32, DType::BFloat16, in);
  const auto half = cast<std::uint16_t>(DType::Float32, DType::Float16, in);
  for (std::size_t i = 0; i < floats.size(); ++i) {
    ASSERT_EQ(bf[i], floatToBfloat16(floats[i])) << i;
    ASSERT_EQ(half[i], floatToHalf(floats[i])) << i;
  }
  std::vector<std::uint16_t> all(0x10000);
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  const auto fromHalf = cast<float>(DType::Float16, DType::Float32, bytesOf(all));
  const auto fromBf = cast<float>(DType::BFloat16, DType::Float32, bytesOf(all));
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(bits(fromHalf[i]), bits(halfToFloat(all[i])));
    ASSERT_EQ(bits(fromBf[i]), bits(bfloat16ToFloat(all[i])));
  }
  std::vector<std::uint8_t> codes(256);
  for (int i = 0; i < 256; ++i) codes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  std::vector<double> asDouble(256);
  toFloat64(DType::Float8E4M3B11FNUZ, bytesOf(codes), asDouble);
  for (int i = 0; i < 256; ++i) {
    const float expected = float8E4M3B11FNUZToFloat(static_cast<std::uint8_t>(i));
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(asDouble[static_cast<std::size_t>(i)]));
    else
      EXPECT_EQ(asDouble[static_cast<std::size_t>(i)], expected);
  }
}

TEST(DTypeConvert, WideSourcesRoundOnceNotTwice) {
  // Through float first, each would land exactly on a bfloat16 / float16 tie and round to even.
  const double justAboveTie = 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30);
  EXPECT_EQ(cast<std::uint16_t>(DType::Float64, DType::BFloat16, bytesOf(std::vector<double>{justAboveTie}))[0], 0x3F81);
  const double halfTie = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);
  EXPECT_EQ(cast<std::uint16_t>(DType::Float64, DType::Float16, bytesOf(std::vector<double>{halfTie}))[0], 0x3C01);
  const std::int64_t big = (std::int64_t{1} << 40) + (std::int64_t{1} << 32) + 1;
  EXPECT_EQ(cast<std::uint16_t>(DType::Int64, DType::BFloat16, bytesOf(std::vector<std::int64_t>{big, -big})),
            (std::vector<std::uint16_t>{0x5381, 0xD381}));
  // Beyond float's range: FLT_MAX up to the midpoint to 2^128, infinity from it on.
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(cast<float>(DType::Float64, DType::Float32,
                        bytesOf(std::vector<double>{3.4028235e38, 0x1.ffffffp127, 1e300, -1e300})),
            (std::vector<float>{FLT_MAX, inf, inf, -inf}));
  EXPECT_EQ(cast<std::uint16_t>(DType::Float64, DType::BFloat16, bytesOf(std::vector<double>{1e300}))[0], 0x7F80);
}

TEST(DTypeConvert, FloatToIntegerTruncatesSaturatesAndMapsNaNToZero) {
  const float inf = std::numeric_limits<float>::infinity();
  const auto in = bytesOf(std::vector<float>{1.9f, -1.9f, 300.0f, -300.0f, std::nanf(""), inf, -inf});
  EXPECT_EQ(cast<std::int8_t>(DType::Float32, DType::Int8, in), (std::vector<std::int8_t>{1, -1, 127, -128, 0, 127, -128}));
  EXPECT_EQ(cast<std::uint8_t>(DType::Float32, DType::UInt8, in), (std::vector<std::uint8_t>{1, 0, 255, 0, 0, 255, 0}));
  const auto wide = bytesOf(std::vector<double>{1e20, -1e20, 9.3e18, 1.8e19, 2e19});
  const auto i64 = cast<std::int64_t>(DType::Float64, DType::Int64, wide);
  EXPECT_EQ(i64[0], std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(i64[1], std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(i64[2], std::numeric_limits<std::int64_t>::max());
  const auto u64 = cast<std::uint64_t>(DType::Float64, DType::UInt64, wide);
  EXPECT_EQ(u64[1], 0u);
  EXPECT_EQ(u64[3], 18000000000000000000u);
  EXPECT_EQ(u64[4], std::numeric_limits<std::uint64_t>::max());
}

TEST(DTypeConvert, IntegerCastsSaturateAndBoolIsNonZero) {
  EXPECT_EQ(cast<std::uint16_t>(DType::Int32, DType::UInt16, bytesOf(std::vector<std::int32_t>{-5, 70000, 12})),
            (std::vector<std::uint16_t>{0, 65535, 12}));
  EXPECT_EQ(cast<std::int64_t>(DType::UInt64, DType::Int64, bytesOf(std::vector<std::uint64_t>{~std::uint64_t{0}, 3})),
            (std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::max(), 3}));
  EXPECT_EQ(cast<std::int8_t>(DType::QInt16, DType::QInt8, bytesOf(std::vector<std::int16_t>{-1000, 5})),
            (std::vector<std::int8_t>{-128, 5}));
  EXPECT_EQ(cast<std::uint8_t>(DType::Float32, DType::Bool, bytesOf(std::vector<float>{0.0f, -0.0f, 0.5f, std::nanf("")})),
            (std::vector<std::uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(cast<float>(DType::Bool, DType::Float32, bytesOf(std::vector<std::uint8_t>{0, 1, 2})),
            (std::vector<float>{0.0f, 1.0f, 1.0f}));
}

TEST(DTypeConvert, ComplexKeepsItsPartsAndRealsGetZeroImaginary) {
  EXPECT_EQ(cast<double>(DType::Complex64, DType::Complex128, bytesOf(std::vector<float>{1.5f, -2.0f})),
            (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(cast<float>(DType::Int16, DType::Complex64, bytesOf(std::vector<std::int16_t>{3, -4})),
            (std::vector<float>{3.0f, 0.0f, -4.0f, 0.0f}));
  EXPECT_FALSE(canCast(DType::Complex64, DType::Float32));
  std::vector<float> out(1);
  EXPECT_THROW(castElements(DType::Complex64, DType::Float32, bytesOf(std::vector<float>{1, 2}),
                            std::as_writable_bytes(std::span<float>(out))),
               Error);
}

TEST(DTypeConvert, CanCastEveryNumericPairButStringsComplexToRealAndUnencodableFloat8) {
  for (DType from : allDTypes())
    for (DType to : allDTypes()) {
      const bool complexFrom = from == DType::Complex64 || from == DType::Complex128;
      const bool complexTo = to == DType::Complex64 || to == DType::Complex128;
      const bool noEncoder = to == DType::Float8E4M3FNUZ || to == DType::Float8E5M2FNUZ || to == DType::Float8E4M3B11FNUZ;
      const bool expected = from != DType::String && to != DType::String && (!complexFrom || complexTo) && !noEncoder;
      EXPECT_EQ(canCast(from, to), expected) << dtypeName(from) << " -> " << dtypeName(to);
    }
}

TEST(DTypeConvert, MismatchedBufferSizesAreErrors) {
  std::vector<float> out(2);
  const std::vector<std::byte> threeBytes(3);
  EXPECT_THROW(castElements(DType::Float16, DType::Float32, threeBytes, std::as_writable_bytes(std::span<float>(out))), Error);
  const std::vector<std::byte> oneHalf(2);
  EXPECT_THROW(castElements(DType::Float16, DType::Float32, oneHalf, std::as_writable_bytes(std::span<float>(out))), Error);
}
