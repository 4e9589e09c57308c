// graft-make-demo OUT_DIR: writes the demo checkpoints the window opens on first start,
// pretrained_cnn.h5 and new_cnn.h5, with Graft's own Keras 2 writer (run at build time).

#include <exception>
#include <filesystem>
#include <iostream>

#include "demo_cnn.h"
#include "formats/format_registry.h"
#include "io/error.h"
#include "merge/exporter.h"

namespace {

// An identity plan exported as Keras 2 HDF5: the same path `graft-cli convert` takes.
void writeKeras2(const graft::Checkpoint& checkpoint, const std::filesystem::path& output) {
  const graft::CheckpointFormat* keras2 = graft::FormatRegistry::builtin().find("keras2-h5");
  if (!keras2) throw graft::fileError(output, "the Keras 2 HDF5 format is not built in");
  graft::MergePlan identity;
  identity.source = identity.target = checkpoint.path();
  const graft::MergeEvaluation evaluation = graft::evaluatePlan(checkpoint, checkpoint, identity);
  graft::ExportOptions options;
  options.format = keras2;
  const graft::ExportReport report = graft::exportMerge(checkpoint, checkpoint, evaluation, output, options);
  for (const auto& w : report.warnings) std::cerr << "graft-make-demo: warning: " << output.string() << ": " << w << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: graft-make-demo OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  try {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw graft::fileError(folder, "cannot create the folder: " + ec.message());
    // Different seeds: the two share layer names, not values. The new model's head has 5 classes.
    writeKeras2(*graft::demo::makeDemoCnn({"pretrained_cnn (demo)", 20240611u, 10}), folder / "pretrained_cnn.h5");
    writeKeras2(*graft::demo::makeDemoCnn({"new_cnn (demo)", 7u, 5}), folder / "new_cnn.h5");
  } catch (const std::exception& e) {
    std::cerr << "graft-make-demo: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
