#include "checkpoint/checkpoint_diff.h"

#include <algorithm>
#include <cstring>

#include "stats/tensor_statistics.h"

namespace graft {
namespace {

std::vector<std::string> sortedKeys(const Checkpoint& c) {
  std::vector<std::string> keys;
  for (const Node* v : c.variables()) keys.push_back(v->tensor()->key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool sameBytes(TensorStream& a, TensorStream& b) {
  constexpr std::size_t kChunk = 4u << 20;
  std::vector<std::byte> x(kChunk), y(kChunk);
  for (std::uint64_t off = 0; off < a.size();) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, a.size() - off));
    a.read(off, std::span<std::byte>(x.data(), n));
    b.read(off, std::span<std::byte>(y.data(), n));
    if (std::memcmp(x.data(), y.data(), n) != 0) return false;
    off += n;
  }
  return true;
}

}  // namespace

CheckpointDiff diffCheckpoints(const Checkpoint& a, const Checkpoint& b, bool values) {
  CheckpointDiff d;
  const auto ka = sortedKeys(a), kb = sortedKeys(b);
  std::set_difference(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(d.onlyInA));
  std::set_difference(kb.begin(), kb.end(), ka.begin(), ka.end(), std::back_inserter(d.onlyInB));
  std::vector<std::string> common;
  std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(common));
  for (const auto& key : common) {
    const TensorInfo& ta = *a.findByKey(key)->tensor();
    const TensorInfo& tb = *b.findByKey(key)->tensor();
    if (ta.shape != tb.shape || ta.dtype != tb.dtype)
      d.different.push_back({key, ta, tb});
    else
      d.same.push_back(key);
  }
  if (!values) return d;
  for (const auto& key : d.same) {
    const Node& va = *a.findByKey(key);
    const Node& vb = *b.findByKey(key);
    ValueDifference v;
    v.key = key;
    auto sa = a.openTensor(va);
    auto sb = b.openTensor(vb);
    v.identical = sameBytes(*sa, *sb);
    if (!v.identical && dtypeSize(va.tensor()->dtype) > 0) {
      auto ra = a.openTensor(va);
      auto rb = b.openTensor(vb);
      const DiffMetrics m = diffTensors(*ra, va.tensor()->dtype, *rb, vb.tensor()->dtype);
      v.maxAbsDiff = m.maxAbsDiff;
      v.relativeL2 = m.relativeL2;
      v.cosine = m.cosine;
    }
    d.values.push_back(std::move(v));
  }
  return d;
}

}  // namespace graft
