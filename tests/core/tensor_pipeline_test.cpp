// Transforms applied to tensor bytes in bounded chunks give exactly the expected elements.

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "merge/tensor_pipeline.h"
#include "types/dtype_convert.h"

using namespace graft;

namespace {

class MemoryStream final : public TensorStream {
 public:
  explicit MemoryStream(std::vector<float> v) : bytes_(v.size() * 4) { std::memcpy(bytes_.data(), v.data(), bytes_.size()); }
  std::uint64_t size() const override { return bytes_.size(); }
  void read(std::uint64_t offset, std::span<std::byte> out) override { std::memcpy(out.data(), bytes_.data() + offset, out.size()); }

 private:
  std::vector<std::byte> bytes_;
};

TensorInfo info(Shape shape) {
  TensorInfo t;
  t.key = "t";
  t.dtype = DType::Float32;
  t.shape = std::move(shape);
  t.elementCount = *t.shape.elementCount();
  t.byteSize = t.elementCount * 4;
  return t;
}

// Runs the pipeline with an awkward chunk size and returns floats.
std::vector<float> run(Shape shape, std::vector<Transform> transforms, std::size_t chunk = 7) {
  std::vector<float> values(*shape.elementCount());
  std::iota(values.begin(), values.end(), 0.0f);
  auto p = makeTensorPipeline(std::make_unique<MemoryStream>(values), info(shape), transforms);
  std::vector<std::byte> out;
  std::vector<std::byte> buf(chunk);
  while (std::size_t n = p->produce(buf)) out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  EXPECT_EQ(out.size(), p->size());
  std::vector<float> f(out.size() / 4);
  std::memcpy(f.data(), out.data(), f.size() * 4);
  return f;
}

}  // namespace

TEST(TensorPipeline, SliceKeepsTheSelectedBlock) {
  // 3x4: rows 0..2, cols 0..3; take rows 1..2, cols 1..2
  EXPECT_EQ(run(Shape{3, 4}, {Transform::slice({{1, 3}, {1, 3}})}), (std::vector<float>{5, 6, 9, 10}));
  EXPECT_EQ(run(Shape{2, 2, 3}, {Transform::slice({{1, 2}, {0, 2}, {2, 3}})}), (std::vector<float>{8, 11}));
}

TEST(TensorPipeline, PadAppendsFillValues) {
  EXPECT_EQ(run(Shape{2, 2}, {Transform::pad(Shape{3, 3})}), (std::vector<float>{0, 1, 0, 2, 3, 0, 0, 0, 0}));
  EXPECT_EQ(run(Shape{2, 2}, {Transform::pad(Shape{2, 3}, -1.5)}), (std::vector<float>{0, 1, -1.5f, 2, 3, -1.5f}));
}

TEST(TensorPipeline, TransposeReordersElements) {
  EXPECT_EQ(run(Shape{2, 3}, {Transform::transpose({1, 0})}), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  // (2,3,4) -> perm (2,0,1): out[k][i][j] = in[i][j][k]
  const auto out = run(Shape{2, 3, 4}, {Transform::transpose({2, 0, 1})});
  ASSERT_EQ(out.size(), 24u);
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_EQ(out[static_cast<std::size_t>(k * 6 + i * 3 + j)], static_cast<float>(i * 12 + j * 4 + k));
}

TEST(TensorPipeline, CastRoundsToNearestEvenAndChainsWithShapeTransforms) {
  auto p = makeTensorPipeline(std::make_unique<MemoryStream>(std::vector<float>{1.0f, 1.00390625f, 2.5f, 3.0f}), info(Shape{2, 2}),
                              {Transform::transpose({1, 0}), Transform::cast(DType::BFloat16)});
  std::vector<std::byte> out(p->size());
  ASSERT_EQ(p->produce(out), 8u);
  std::uint16_t bf[4];
  std::memcpy(bf, out.data(), 8);
  EXPECT_EQ(bfloat16ToFloat(bf[0]), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(bf[1]), 2.5f);
  EXPECT_EQ(bfloat16ToFloat(bf[2]), 1.0f);  // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even wins
  EXPECT_EQ(bfloat16ToFloat(bf[3]), 3.0f);
}

TEST(TensorPipeline, ReshapeThenSliceAndPadCompose) {
  EXPECT_EQ(run(Shape{6}, {Transform::reshape(Shape{2, 3}), Transform::slice({{0, 2}, {0, 2}}), Transform::pad(Shape{2, 4})}, 3),
            (std::vector<float>{0, 1, 0, 0, 3, 4, 0, 0}));
}
