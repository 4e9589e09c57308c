#include "merge/tensor_pipeline.h"

#include <algorithm>
#include <cstring>

#include "io/error.h"
#include "types/dtype_convert.h"

namespace graft {
namespace {

constexpr std::size_t kChunkBytes = 4u << 20;

struct Layout {
  DType dtype;
  Shape shape;
  std::size_t elementSize() const { return dtypeSize(dtype); }
  std::uint64_t bytes() const { return *shape.elementCount() * elementSize(); }
  // Length of the last dimension (a "row"); 1 for scalars.
  std::uint64_t rowLength() const { return shape.isScalar() ? 1 : static_cast<std::uint64_t>(shape.dims().back()); }
};

class StreamProducer final : public ByteProducer {
 public:
  explicit StreamProducer(std::unique_ptr<TensorStream> s) : stream_(std::move(s)) {}
  std::uint64_t size() const override { return stream_->size(); }
  std::size_t produce(std::span<std::byte> out) override {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), stream_->size() - offset_));
    if (n) stream_->read(offset_, out.first(n));
    offset_ += n;
    return n;
  }

 private:
  std::unique_ptr<TensorStream> stream_;
  std::uint64_t offset_ = 0;
};

// Reads exactly n bytes from a producer (n within its remaining size).
void pull(ByteProducer& p, std::span<std::byte> out) {
  while (!out.empty()) {
    const std::size_t got = p.produce(out);
    if (got == 0) throw Error("tensor data ended early");
    out = out.subspan(got);
  }
}

class CastProducer final : public ByteProducer {
 public:
  CastProducer(std::unique_ptr<ByteProducer> in, DType from, DType to, std::uint64_t elements)
      : in_(std::move(in)), from_(from), to_(to), remaining_(elements) {}
  std::uint64_t size() const override { return (in_->size() / dtypeSize(from_)) * dtypeSize(to_); }
  std::size_t produce(std::span<std::byte> out) override {
    const std::size_t fits = std::min<std::uint64_t>({out.size() / dtypeSize(to_), kChunkBytes / dtypeSize(from_), remaining_});
    if (fits == 0) return 0;
    buffer_.resize(fits * dtypeSize(from_));
    pull(*in_, buffer_);
    castElements(from_, to_, buffer_, out.first(fits * dtypeSize(to_)));
    remaining_ -= fits;
    return fits * dtypeSize(to_);
  }

 private:
  std::unique_ptr<ByteProducer> in_;
  DType from_, to_;
  std::uint64_t remaining_;
  std::vector<std::byte> buffer_;
};

// Output rows in row-major order, each made from at most one input row; input rows are
// consumed strictly in order, so slice and pad stream in one pass.
class RowMapProducer : public ByteProducer {
 public:
  RowMapProducer(std::unique_ptr<ByteProducer> in, Layout input, Layout output)
      : in_(std::move(in)), input_(std::move(input)), output_(std::move(output)) {}
  std::uint64_t size() const override { return output_.bytes(); }

  std::size_t produce(std::span<std::byte> out) override {
    std::size_t written = 0;
    while (written < out.size() && produced_ < size()) {
      if (row_.empty() || rowOffset_ == rowBytes()) nextRow();
      const std::size_t n = std::min<std::uint64_t>(out.size() - written, rowBytes() - rowOffset_);
      std::memcpy(out.data() + written, row_.data() + rowOffset_, n);
      rowOffset_ += n;
      written += n;
      produced_ += n;
    }
    return written;
  }

 protected:
  // Builds the output row `index` (outer multi-index) into `row`, pulling input rows as needed.
  virtual void buildRow(const std::vector<std::int64_t>& outerIndex, std::vector<std::byte>& row) = 0;

  // Skips or reads input rows so that the next one read is `inputRow` (row-major number).
  void readInputRow(std::uint64_t inputRow, std::span<std::byte> into) {
    const std::uint64_t rowBytes = input_.rowLength() * input_.elementSize();
    while (nextInputRow_ < inputRow) {
      discard_.resize(static_cast<std::size_t>(rowBytes));
      pull(*in_, discard_);
      ++nextInputRow_;
    }
    pull(*in_, into);
    ++nextInputRow_;
  }

  const Layout& input() const { return input_; }
  const Layout& output() const { return output_; }

 private:
  std::uint64_t rowBytes() const { return output_.rowLength() * output_.elementSize(); }

  void nextRow() {
    std::vector<std::int64_t> outer(output_.shape.rank() > 0 ? output_.shape.rank() - 1 : 0);
    std::uint64_t r = rowIndex_++;
    for (std::size_t d = outer.size(); d-- > 0;) {
      const auto dim = static_cast<std::uint64_t>(output_.shape[d]);
      outer[d] = static_cast<std::int64_t>(r % dim);
      r /= dim;
    }
    row_.assign(static_cast<std::size_t>(rowBytes()), std::byte{0});
    buildRow(outer, row_);
    rowOffset_ = 0;
  }

  std::unique_ptr<ByteProducer> in_;
  Layout input_, output_;
  std::vector<std::byte> row_;
  std::vector<std::byte> discard_;
  std::uint64_t rowOffset_ = 0;
  std::uint64_t rowIndex_ = 0;
  std::uint64_t produced_ = 0;
  std::uint64_t nextInputRow_ = 0;
};

// Row number of an outer multi-index within a shape.
std::uint64_t rowNumber(const Shape& shape, const std::vector<std::int64_t>& outer) {
  std::uint64_t r = 0;
  for (std::size_t d = 0; d < outer.size(); ++d) r = r * static_cast<std::uint64_t>(shape[d]) + static_cast<std::uint64_t>(outer[d]);
  return r;
}

class SliceProducer final : public RowMapProducer {
 public:
  SliceProducer(std::unique_ptr<ByteProducer> in, Layout input, Layout output, std::vector<std::pair<std::int64_t, std::int64_t>> ranges)
      : RowMapProducer(std::move(in), std::move(input), std::move(output)), ranges_(std::move(ranges)) {}

 protected:
  void buildRow(const std::vector<std::int64_t>& outer, std::vector<std::byte>& row) override {
    std::vector<std::int64_t> source(outer.size());
    for (std::size_t d = 0; d < outer.size(); ++d) source[d] = outer[d] + ranges_[d].first;
    inputRow_.resize(static_cast<std::size_t>(input().rowLength() * input().elementSize()));
    readInputRow(rowNumber(input().shape, source), inputRow_);
    const std::size_t es = input().elementSize();
    const auto begin = input().shape.isScalar() ? 0 : static_cast<std::size_t>(ranges_.back().first);
    std::memcpy(row.data(), inputRow_.data() + begin * es, row.size());
  }

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges_;
  std::vector<std::byte> inputRow_;
};

class PadProducer final : public RowMapProducer {
 public:
  PadProducer(std::unique_ptr<ByteProducer> in, Layout input, Layout output, std::vector<std::byte> padElement)
      : RowMapProducer(std::move(in), std::move(input), std::move(output)), pad_(std::move(padElement)) {}

 protected:
  void buildRow(const std::vector<std::int64_t>& outer, std::vector<std::byte>& row) override {
    const std::size_t es = pad_.size();
    for (std::size_t i = 0; i < row.size(); i += es) std::memcpy(row.data() + i, pad_.data(), es);
    for (std::size_t d = 0; d < outer.size(); ++d)
      if (outer[d] >= input().shape[d]) return;  // a whole new row: padding only
    readInputRow(rowNumber(input().shape, outer), std::span<std::byte>(row.data(), static_cast<std::size_t>(input().rowLength() * es)));
  }

 private:
  std::vector<std::byte> pad_;
};

class TransposeProducer final : public ByteProducer {
 public:
  TransposeProducer(std::unique_ptr<ByteProducer> in, const Layout& input, std::vector<int> perm) {
    const std::size_t es = input.elementSize();
    std::vector<std::byte> all(static_cast<std::size_t>(input.bytes()));
    pull(*in, all);
    const auto& dims = input.shape.dims();
    const std::size_t rank = dims.size();
    std::vector<std::uint64_t> inStride(rank, 1);
    for (std::size_t d = rank; d-- > 1;) inStride[d - 1] = inStride[d] * static_cast<std::uint64_t>(dims[d]);
    std::vector<std::uint64_t> outDims(rank), strideOfOut(rank);
    for (std::size_t i = 0; i < rank; ++i) {
      outDims[i] = static_cast<std::uint64_t>(dims[static_cast<std::size_t>(perm[i])]);
      strideOfOut[i] = inStride[static_cast<std::size_t>(perm[i])];
    }
    data_.resize(all.size());
    std::vector<std::uint64_t> idx(rank, 0);
    std::uint64_t src = 0;
    const std::uint64_t n = *input.shape.elementCount();
    for (std::uint64_t o = 0; o < n; ++o) {
      std::memcpy(data_.data() + o * es, all.data() + src * es, es);
      for (std::size_t d = rank; d-- > 0;) {  // odometer over output indices
        if (++idx[d] < outDims[d]) {
          src += strideOfOut[d];
          break;
        }
        src -= strideOfOut[d] * (outDims[d] - 1);
        idx[d] = 0;
      }
    }
  }
  std::uint64_t size() const override { return data_.size(); }
  std::size_t produce(std::span<std::byte> out) override {
    const std::size_t n = std::min<std::uint64_t>(out.size(), data_.size() - offset_);
    std::memcpy(out.data(), data_.data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  std::vector<std::byte> data_;
  std::size_t offset_ = 0;
};

}  // namespace

std::unique_ptr<ByteProducer> makeTensorPipeline(std::unique_ptr<TensorStream> stream, const TensorInfo& input,
                                                 const std::vector<Transform>& transforms) {
  const TransformOutcome check = applyTransforms(input.dtype, input.shape, transforms);
  if (!check.error.empty()) throw Error(input.key + ": " + check.error);
  if (dtypeSize(input.dtype) == 0) {
    if (!transforms.empty()) throw Error(input.key + ": string tensors cannot be transformed");
    return std::make_unique<StreamProducer>(std::move(stream));
  }
  std::unique_ptr<ByteProducer> p = std::make_unique<StreamProducer>(std::move(stream));
  Layout at{input.dtype, input.shape};
  for (const auto& t : transforms) {
    switch (t.kind) {
      case TransformKind::Cast:
        if (t.dtype != at.dtype) p = std::make_unique<CastProducer>(std::move(p), at.dtype, t.dtype, *at.shape.elementCount());
        at.dtype = t.dtype;
        break;
      case TransformKind::Reshape:
        at.shape = t.shape;  // row-major bytes are unchanged
        break;
      case TransformKind::Slice: {
        Layout out = at;
        std::vector<std::int64_t> dims;
        for (const auto& [b, e] : t.ranges) dims.push_back(e - b);
        out.shape = Shape(std::move(dims));
        p = std::make_unique<SliceProducer>(std::move(p), at, out, t.ranges);
        at = out;
        break;
      }
      case TransformKind::Pad: {
        Layout out{at.dtype, t.shape};
        std::vector<std::byte> padElement(at.elementSize());
        const double value = t.padValue;
        castElements(DType::Float64, at.dtype, std::as_bytes(std::span<const double>(&value, 1)), padElement);
        p = std::make_unique<PadProducer>(std::move(p), at, out, std::move(padElement));
        at = out;
        break;
      }
      case TransformKind::Transpose: {
        if (at.bytes() > kMaxTransposeBytes)
          throw Error(input.key + ": transposing tensors over " + std::to_string(kMaxTransposeBytes >> 20) +
                      " MiB is not supported yet");
        p = std::make_unique<TransposeProducer>(std::move(p), at, t.permutation);
        std::vector<std::int64_t> dims;
        for (int i : t.permutation) dims.push_back(at.shape[static_cast<std::size_t>(i)]);
        at.shape = Shape(std::move(dims));
        break;
      }
    }
  }
  return p;
}

}  // namespace graft
