#include <gtest/gtest.h>

#include <set>

#include "types/dtype.h"

using namespace graft;

TEST(DType, CanonicalNamesAndSizes) {
  EXPECT_EQ(dtypeName(DType::Float32), "float32");
  EXPECT_EQ(dtypeName(DType::BFloat16), "bfloat16");
  EXPECT_EQ(dtypeName(DType::Float16), "float16");
  EXPECT_EQ(dtypeName(DType::Int64), "int64");
  EXPECT_EQ(dtypeName(DType::UInt8), "uint8");
  EXPECT_EQ(dtypeName(DType::Bool), "bool");
  EXPECT_EQ(dtypeName(DType::String), "string");
  EXPECT_EQ(dtypeName(DType::Float8E4M3FN), "float8_e4m3fn");
  EXPECT_EQ(dtypeName(DType::Float8E5M2), "float8_e5m2");
  EXPECT_EQ(dtypeName(DType::Complex64), "complex64");

  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::Float8E5M2), 1u);
  EXPECT_EQ(dtypeSize(DType::BFloat16), 2u);
  EXPECT_EQ(dtypeSize(DType::Float16), 2u);
  EXPECT_EQ(dtypeSize(DType::Float32), 4u);
  EXPECT_EQ(dtypeSize(DType::Float64), 8u);
  EXPECT_EQ(dtypeSize(DType::Int64), 8u);
  EXPECT_EQ(dtypeSize(DType::UInt16), 2u);
  EXPECT_EQ(dtypeSize(DType::Complex64), 8u);
  EXPECT_EQ(dtypeSize(DType::Complex128), 16u);
  EXPECT_EQ(dtypeSize(DType::String), 0u);
}

TEST(DType, EveryTypeHasAUniqueLowercaseNameThatRoundTrips) {
  std::set<std::string_view> names;
  for (DType t : allDTypes()) {
    const auto name = dtypeName(t);
    EXPECT_TRUE(names.insert(name).second) << name;
    for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
    EXPECT_EQ(dtypeFromName(name), t) << name;
  }
  EXPECT_EQ(names.size(), 26u);
  EXPECT_FALSE(dtypeFromName("float"));
  EXPECT_FALSE(dtypeFromName("Float32"));
}

TEST(DType, Categories) {
  EXPECT_TRUE(isFloatingPoint(DType::BFloat16));
  EXPECT_TRUE(isFloatingPoint(DType::Float8E4M3FN));
  EXPECT_FALSE(isFloatingPoint(DType::Complex64));
  EXPECT_FALSE(isFloatingPoint(DType::Int8));
  EXPECT_TRUE(isInteger(DType::UInt64));
  EXPECT_FALSE(isInteger(DType::Bool));
}
