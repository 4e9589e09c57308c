#include "merge/name_normalizer.h"

#include <vector>

#include "checkpoint/tree_builder.h"

namespace graft {
namespace {

constexpr std::string_view kTfSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";

}  // namespace

std::string normalizeName(std::string_view name) {
  std::string s(name);
  if (s.size() >= kTfSuffix.size() && s.compare(s.size() - kTfSuffix.size(), kTfSuffix.size(), kTfSuffix) == 0)
    s.erase(s.size() - kTfSuffix.size());
  // PyTorch and safetensors separate with '.', Keras and TF with '/'.
  if (s.find('/') == std::string::npos)
    for (char& c : s)
      if (c == '.') c = '/';
  auto parts = splitPath(s);
  if (!parts.empty() && parts.front() == "module") parts.erase(parts.begin());
  std::vector<std::string> kept;
  for (auto& p : parts) {
    stripOutputIndex(p);
    if (p.empty()) continue;
    if (!kept.empty() && kept.back() == p) continue;  // Keras 2 repeats the layer name
    kept.push_back(std::move(p));
  }
  return joinPath(kept);
}

std::string withoutNumbering(std::string_view normalized) {
  auto parts = splitPath(normalized);
  for (auto& p : parts) {
    const auto underscore = p.rfind('_');
    if (underscore == std::string::npos || underscore == 0 || underscore + 1 == p.size()) continue;
    bool digits = true;
    for (std::size_t i = underscore + 1; i < p.size(); ++i) digits = digits && p[i] >= '0' && p[i] <= '9';
    if (digits) p.erase(underscore);
  }
  return joinPath(parts);
}

}  // namespace graft
