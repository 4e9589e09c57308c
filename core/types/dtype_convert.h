#pragma once
// Exact element conversions between dtypes (checkpoint-formats.md §7; float8 as in OCP /
// ml_dtypes). Every narrowing rounds to nearest, ties to even, with a single rounding step.
//
// Rules of castElements() beyond plain rounding:
//  * float -> integer: round toward zero, saturate to the target's range, NaN -> 0.
//  * integer -> integer: saturate to the target's range (no wrap-around).
//  * anything -> bool: value != 0 (so NaN -> true, as in NumPy).
//  * float -> float8_e4m3fn (no infinity): out of range or ±inf -> NaN; -> float8_e5m2: -> ±inf.
//  * real -> complex: imaginary part 0. complex -> real is not a cast (canCast() is false).
//  * quantized integers (qint8, ...) convert as the plain integers they are stored as.
// Element bytes are little-endian; spans need no alignment.

#include <cstddef>
#include <cstdint>
#include <span>

#include "types/dtype.h"

namespace graft {

float halfToFloat(std::uint16_t h);           // exact
std::uint16_t floatToHalf(float f);           // RNE; >= 65520 -> inf; NaN stays NaN
float bfloat16ToFloat(std::uint16_t b);       // exact
std::uint16_t floatToBfloat16(float f);       // RNE; NaN stays (quiet) NaN

// float8 -> float, exact (every float8 value is a float).
float float8E4M3FNToFloat(std::uint8_t bits);       // bias 7, no inf, NaN = S.1111.111, max 448
float float8E5M2ToFloat(std::uint8_t bits);         // bias 15, IEEE-like inf/NaN, max 57344
float float8E4M3FNUZToFloat(std::uint8_t bits);     // bias 8, no inf, no -0, NaN = 0x80, max 240
float float8E5M2FNUZToFloat(std::uint8_t bits);     // bias 16, no inf, no -0, NaN = 0x80, max 57344
float float8E4M3B11FNUZToFloat(std::uint8_t bits);  // bias 11, no inf, no -0, NaN = 0x80, max 30
std::uint8_t floatToFloat8E4M3FN(float f);          // RNE; beyond ±448 after rounding -> NaN
std::uint8_t floatToFloat8E5M2(float f);            // RNE; beyond ±57344 after rounding -> ±inf

// True for every pair of numeric dtypes (bool, integers, quantized, floats, complex) except
// complex -> real; false for string.
bool canCast(DType from, DType to);

// Converts in (whole elements of `from`) into out (exactly as many elements of `to`).
// Throws graft::Error if !canCast(from, to) or the sizes do not match.
void castElements(DType from, DType to, std::span<const std::byte> in, std::span<std::byte> out);

// Every real numeric dtype as float (exact for float32 and narrower floats, integers up to
// 2^24) or double (exact for float64 and integers up to 2^53). out.size() is the element count.
void toFloat32(DType from, std::span<const std::byte> in, std::span<float> out);
void toFloat64(DType from, std::span<const std::byte> in, std::span<double> out);

}  // namespace graft
