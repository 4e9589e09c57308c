#include "formats/pytorch/pickle_writer.h"

#include <map>

namespace graft::pytorch {
namespace {

constexpr std::size_t kBatch = 1000;  // pairs per SETITEMS, as Python's pickler batches them

class PickleOut {
 public:
  void op(char c) { out_ += c; }
  void integer(std::uint64_t v) {
    if (v < 0x100) {
      out_ += 'K';
      le(v, 1);
    } else if (v < 0x10000) {
      out_ += 'M';
      le(v, 2);
    } else if (v < 0x80000000u) {
      out_ += 'J';
      le(v, 4);
    } else {  // LONG1: little-endian two's complement, with a zero byte when the top bit is set
      std::string bytes;
      for (std::uint64_t x = v; x; x >>= 8) bytes += static_cast<char>(x & 0xFF);
      if (static_cast<unsigned char>(bytes.back()) & 0x80) bytes += '\0';
      out_ += '\x8a';
      out_ += static_cast<char>(bytes.size());
      out_ += bytes;
    }
  }
  void string(std::string_view s) {
    out_ += 'X';
    le(s.size(), 4);
    out_ += s;
  }
  void tuple(const std::vector<std::uint64_t>& values) {
    if (values.empty()) return op(')');
    if (values.size() > 3) op('(');
    for (const auto v : values) integer(v);
    op(values.size() > 3 ? 't' : static_cast<char>(0x84 + values.size()));
  }
  // GLOBAL, memoized: later uses fetch it from the memo.
  void global(const std::string& module, const std::string& name) {
    const std::string full = module + "\n" + name + "\n";
    if (const auto it = memo_.find(full); it != memo_.end()) {
      memoOp(it->second, 'h', 'j');
      return;
    }
    out_ += 'c';
    out_ += full;
    const auto index = memo_.size();
    memo_.emplace(full, index);
    memoOp(index, 'q', 'r');
  }
  std::string take() { return std::move(out_); }

 private:
  void le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  void memoOp(std::size_t index, char shortOp, char longOp) {
    if (index < 0x100) {
      out_ += shortOp;
      le(index, 1);
    } else {
      out_ += longOp;
      le(index, 4);
    }
  }
  std::string out_;
  std::map<std::string, std::size_t> memo_;
};

std::vector<std::uint64_t> rowMajorStrides(const std::vector<std::uint64_t>& shape) {
  std::vector<std::uint64_t> strides(shape.size());
  std::uint64_t s = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i] ? shape[i] : 1;
  }
  return strides;
}

}  // namespace

std::string stateDictPickle(const std::vector<PickledTensor>& tensors) {
  PickleOut p;
  p.op('\x80');
  p.op('\x02');
  p.global("collections", "OrderedDict");
  p.op(')');
  p.op('R');
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (i % kBatch == 0) p.op('(');
    const PickledTensor& t = tensors[i];
    std::uint64_t numel = 1;
    for (const auto d : t.shape) numel *= d;
    p.string(t.key);
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.op('(');
    p.op('(');  // persistent id ('storage', class, key, location, numel)
    p.string("storage");
    p.global("torch", std::string(t.storageClass));
    p.string(t.storageKey);
    p.string("cpu");
    p.integer(numel);
    p.op('t');
    p.op('Q');
    p.integer(0);  // storage offset
    p.tuple(t.shape);
    p.tuple(rowMajorStrides(t.shape));
    p.op('\x89');  // requires_grad = False
    p.global("collections", "OrderedDict");
    p.op(')');
    p.op('R');  // backward hooks
    p.op('t');
    p.op('R');
    if (i % kBatch == kBatch - 1 || i + 1 == tensors.size()) p.op('u');
  }
  p.op('.');
  return p.take();
}

}  // namespace graft::pytorch
