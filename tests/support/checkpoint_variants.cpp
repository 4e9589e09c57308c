#include "checkpoint_variants.h"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "formats/format_registry.h"
#include "io/error.h"
#include "merge/exporter.h"

namespace graft::test {

ExportReport convertIdentity(const Checkpoint& c, const std::filesystem::path& out, const CheckpointFormat* format) {
  MergePlan plan;
  plan.source = plan.target = c.path();
  ExportOptions options;
  options.format = format;
  return exportMerge(c, c, evaluatePlan(c, c, plan), out, options);
}

std::vector<std::string> childNames(const Node& n) {
  std::vector<std::string> names;
  for (const auto& c : n.children()) names.push_back(c->name());
  return names;
}

std::string openError(const std::filesystem::path& path) {
  try {
    FormatRegistry::builtin().open(path);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "opened without error: " << path;
  return {};
}

std::vector<float> floats(const std::vector<std::byte>& bytes) {
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

TensorInfo scalarTensor(std::string key) {
  TensorInfo t;
  t.key = std::move(key);
  t.dtype = DType::Float32;
  t.shape = Shape({1});
  t.elementCount = 1;
  t.byteSize = 4;
  return t;
}

Operation dropOp(const std::string& target) {
  Operation op;
  op.kind = OperationKind::Drop;
  op.target = target;
  return op;
}

Operation addOp(const std::string& source, std::vector<Transform> transforms, const std::string& target) {
  Operation op;
  op.kind = OperationKind::Add;
  op.source = source;
  op.target = target;
  op.transforms = std::move(transforms);
  return op;
}

Operation renameOp(const std::string& target, const std::string& newName) {
  Operation op;
  op.kind = OperationKind::Rename;
  op.target = target;
  op.newName = newName;
  return op;
}

void writeVariant(const std::filesystem::path& real, const std::filesystem::path& out, const std::vector<Operation>& edits) {
  const auto ckpt = FormatRegistry::builtin().open(real);
  MergePlan plan;
  plan.source = plan.target = real;
  for (const Node* v : ckpt->variables()) {
    if (v->role() != NodeRole::Weights || v->tensor()->dtype != DType::Float32) continue;
    bool edited = false;
    for (const auto& e : edits)
      if (e.kind == OperationKind::Drop && (v->path() == e.target || v->path().rfind(e.target + "/", 0) == 0)) edited = true;
    if (edited) continue;
    Operation round;
    round.source = round.target = v->path();
    round.transforms = {Transform::cast(DType::Float16), Transform::cast(DType::Float32)};
    plan.operations.push_back(round);
  }
  plan.operations.insert(plan.operations.end(), edits.begin(), edits.end());
  const MergeEvaluation evaluation = evaluatePlan(*ckpt, *ckpt, plan);
  if (evaluation.hasConflicts()) {
    std::string why;
    for (const auto& s : evaluation.slots)
      if (isConflict(s.status)) why += s.message + "; ";
    for (const auto& p : evaluation.problems) why += p.message + "; ";
    throw std::runtime_error("variant plan has conflicts: " + why);
  }
  exportMerge(*ckpt, *ckpt, evaluation, out);
}

void writeWithNewHead(const std::filesystem::path& real, const std::filesystem::path& out) {
  writeVariant(real, out,
               {dropOp("dense"), addOp("dense/kernel:0", {Transform::slice({{0, 128}, {0, 5}})}),
                addOp("dense/bias:0", {Transform::slice({{0, 5}})})});
}

std::vector<std::byte> tensorBytes(const Checkpoint& c, const std::string& key) {
  const Node* v = c.findByKey(key);
  if (!v) throw std::runtime_error("no tensor " + key);
  auto s = c.openTensor(*v);
  std::vector<std::byte> bytes(s->size());
  s->read(0, bytes);
  return bytes;
}

}  // namespace graft::test
