#include "formats/format_registry.h"

#include <csignal>
#include <cstdlib>

#include "formats/keras2_h5_format.h"
#include "formats/keras3_weights_format.h"
#include "formats/keras_archive_format.h"
#include "formats/pytorch_format.h"
#include "formats/safetensors_format.h"
#include "formats/tensor_bundle_format.h"
#include "io/error.h"

namespace graft {

const FormatRegistry& FormatRegistry::builtin() {
  static const FormatRegistry registry = [] {
    FormatRegistry r;
    r.add(std::make_unique<Keras2H5Format>());
    r.add(std::make_unique<Keras3WeightsFormat>());
    r.add(std::make_unique<KerasArchiveFormat>());
    r.add(std::make_unique<TensorBundleFormat>());
    r.add(std::make_unique<SafetensorsFormat>());
    r.add(std::make_unique<PytorchFormat>());
    return r;
  }();
  return registry;
}

void FormatRegistry::add(std::unique_ptr<CheckpointFormat> format) { formats_.push_back(std::move(format)); }

const CheckpointFormat* FormatRegistry::find(const std::string& id) const {
  for (const auto& f : formats_)
    if (f->id() == id) return f.get();
  return nullptr;
}

std::filesystem::path FormatRegistry::resolve(const std::filesystem::path& path) const {
  for (const auto& f : formats_)
    if (auto resolved = f->resolve(path)) return *resolved;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw fileError(path, "is a directory holding no checkpoint Graft recognises (looked for a TensorFlow `checkpoint` file, "
                          "variables/variables.index, a single .index, a safetensors index or a single .safetensors file)");
  return path;
}

const CheckpointFormat& FormatRegistry::detect(const std::filesystem::path& path) const {
  const FileProbe probe(resolve(path));
  return detect(probe);
}

const CheckpointFormat& FormatRegistry::detect(const FileProbe& probe) const {
  const auto& path = probe.path();
  if (probe.fileSize() == 0) throw fileError(path, "empty file, not a checkpoint");
  const CheckpointFormat* best = nullptr;
  int bestScore = 0;
  std::string reason;
  for (const auto& f : formats_) {
    SniffResult r = f->sniff(probe);
    if (r.score > bestScore) {
      best = f.get();
      bestScore = r.score;
    } else if (r.score == 0 && reason.empty()) {
      reason = std::move(r.reason);
    }
  }
  if (best) return *best;
  if (!reason.empty()) throw fileError(path, "not a checkpoint Graft can read: " + reason);
  std::string known;
  for (const auto& f : formats_) known += (known.empty() ? "" : ", ") + f->displayName();
  throw fileError(path, "not a checkpoint Graft can read (it reads " + known + ")");
}

namespace {
// Test-only: stands in for a parsing library that crashes on a crafted file, so the tests can
// show the window surviving one. Inert unless the variable is set; then any file whose name
// contains its value crashes the process that opens it.
void crashIfTestAsksFor(const std::filesystem::path& path) {
  const char* marker = std::getenv("GRAFT_TEST_CRASH_WHEN_OPENING");
  if (marker && *marker && path.filename().string().find(marker) != std::string::npos) std::raise(SIGSEGV);
}
}  // namespace

std::unique_ptr<Checkpoint> FormatRegistry::open(const std::filesystem::path& path) const {
  crashIfTestAsksFor(path);
  const FileProbe probe(resolve(path));
  return detect(probe).open(probe);
}

std::string FormatRegistry::fileDialogFilter() const {
  auto patterns = [](const CheckpointFormat& f) {
    std::string p;
    for (const auto& ext : f.fileExtensions()) p += (p.empty() ? "*" : " *") + ext;
    return p;
  };
  std::string all;
  std::string each;
  for (const auto& f : formats_) {
    all += (all.empty() ? "" : " ") + patterns(*f);
    each += ";;" + f->displayName() + " (" + patterns(*f) + ")";
  }
  return "Checkpoints (" + all + ")" + each + ";;All files (*)";
}

}  // namespace graft
