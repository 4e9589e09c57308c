// Files are recognised by their bytes, never by their extension.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "formats/format_registry.h"
#include "formats/output_name.h"
#include "io/error.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;

TEST(Sniffing, DotKerasFileThatIsHdf5IsReadAsKeras2) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto& format = FormatRegistry::builtin().detect(real / "keras2-model-h5/mario_model.keras");
  EXPECT_EQ(format.id(), "keras2-h5");
}

TEST(Sniffing, ModelNamedH5ThatHoldsOnlyWeightsIsReadAsSaveWeights) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto ckpt = FormatRegistry::builtin().open(real / "keras2-weights-h5/emoji_model.h5");
  EXPECT_EQ(ckpt->metadata().get("layout"), "save_weights (weights only)");
}

TEST(Sniffing, ExtensionIsIgnored) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  fs::copy_file(real / "keras2-model-h5/dl4j_cnn_batch_norm.h5", dir / "weights.safetensors");
  EXPECT_EQ(FormatRegistry::builtin().detect(dir / "weights.safetensors").id(), "keras2-h5");
}

TEST(Sniffing, HdfSignatureAfterAUserBlockIsFound) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  // A 512-byte user block moves the signature; HDF5 itself finds the superblock there.
  std::string bytes(512, '\0');
  bytes += test::readFile(real / "keras2-model-h5/dl4j_cnn_batch_norm.h5");
  test::writeFile(dir / "ub.h5", bytes);
  const FileProbe probe(dir / "ub.h5");
  EXPECT_TRUE(probe.looksLikeHdf5());
  EXPECT_FALSE(probe.hasBytesAt(0, {0x89, 'H', 'D', 'F'}));
}

// The window parses in a helper process first exactly the files whose structure libhdf5 or
// libzip reads (panes/isolated_parse_check.cpp).
TEST(Sniffing, TheFilesAThirdPartyLibraryParsesAreTheHdf5AndZipFormats) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const std::set<std::string> thirdParty{"keras2-h5", "keras3-weights-h5", "keras3-zip", "pytorch"};
  std::map<std::string, int> seen;
  for (const auto& entry : fs::recursive_directory_iterator(real)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".json" || entry.path().extension() == ".md") continue;
    const FileProbe probe(entry.path());
    const CheckpointFormat* format = nullptr;
    try {
      format = &FormatRegistry::builtin().detect(probe);
    } catch (const Error&) {
      continue;  // a TF data shard, opened through its index
    }
    ++seen[format->id()];
    EXPECT_EQ(probe.parsedByThirdPartyLibrary(), thirdParty.count(format->id()) == 1) << entry.path() << " (" << format->id() << ")";
  }
  for (const char* id : {"keras2-h5", "keras3-weights-h5", "keras3-zip", "pytorch", "safetensors", "tf-bundle"})
    EXPECT_GT(seen[id], 0) << "no real " << id << " file was checked";
}

TEST(Sniffing, Keras3WeightsAreNotMistakenForKeras2) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const FileProbe probe(real / "keras3-weights-h5/snake_model.weights.h5");
  const SniffResult keras2 = FormatRegistry::builtin().find("keras2-h5")->sniff(probe);
  EXPECT_EQ(keras2.score, 0) << "a Keras 3 file was claimed by the Keras 2 reader";
  EXPECT_NE(keras2.reason.find("HDF5 file without Keras weights"), std::string::npos) << keras2.reason;
  EXPECT_EQ(FormatRegistry::builtin().detect(probe).id(), "keras3-weights-h5");
}

TEST(Sniffing, RegistryBuildsTheFileDialogFilterFromItsFormats) {
  const auto filter = FormatRegistry::builtin().fileDialogFilter();
  EXPECT_NE(filter.find("Keras 2 HDF5 (*.h5 *.hdf5 *.keras)"), std::string::npos) << filter;
  EXPECT_NE(filter.find("All files (*)"), std::string::npos);
  EXPECT_NE(FormatRegistry::builtin().find("keras2-h5"), nullptr);
  EXPECT_EQ(FormatRegistry::builtin().find("nope"), nullptr);
}

TEST(OutputName, TheLongestFittingExtensionNamesTheFormatsAnOutputAsksFor) {
  const FormatRegistry& r = FormatRegistry::builtin();
  auto ids = [&r](const char* name) {  // the format chosen, or the tied ones
    const OutputNameChoice choice = formatForOutputName(r, name, nullptr);
    std::set<std::string> s;
    if (choice.format) s.insert(choice.format->id());
    for (const auto* f : choice.tied) s.insert(f->id());
    EXPECT_TRUE(!choice.format || choice.tied.empty()) << name;
    return s;
  };
  EXPECT_EQ(ids("out/model.safetensors"), std::set<std::string>{"safetensors"});
  EXPECT_EQ(ids("MODEL.SAFETENSORS"), std::set<std::string>{"safetensors"});
  EXPECT_EQ(ids("model.safetensors.index.json"), std::set<std::string>{"safetensors"});
  EXPECT_EQ(ids("model.pth"), std::set<std::string>{"pytorch"});
  EXPECT_EQ(ids("model.weights.h5"), std::set<std::string>{"keras3-weights-h5"});
  EXPECT_EQ(ids("model.h5"), (std::set<std::string>{"keras2-h5", "keras3-weights-h5"}));
  EXPECT_EQ(ids("model.keras"), (std::set<std::string>{"keras2-h5", "keras3-zip"}));
  EXPECT_EQ(ids("model.ckpt"), (std::set<std::string>{"pytorch", "tf-bundle"})) << "Lightning's and TF1's name";
  EXPECT_TRUE(ids("ckpt/model").empty());
  EXPECT_TRUE(ids("model.json").empty());
  EXPECT_TRUE(ids(".h5").empty()) << "a name that is only an extension names no format";
}

TEST(OutputName, ANameKeepsAFormatItFitsAndAPreferredFormatWinsATie) {
  const FormatRegistry& r = FormatRegistry::builtin();
  const CheckpointFormat* keras2 = r.find("keras2-h5");
  const CheckpointFormat* keras3 = r.find("keras3-weights-h5");
  const CheckpointFormat* safetensors = r.find("safetensors");
  auto kept = [](const OutputNameChoice& c) { return c.format == nullptr && c.tied.empty(); };
  EXPECT_TRUE(kept(formatForOutputName(r, "x.weights.h5", keras2))) << "Keras 2 also writes .weights.h5";
  EXPECT_TRUE(kept(formatForOutputName(r, "ckpt/model", safetensors))) << "a name without a format's extension";
  EXPECT_EQ(formatForOutputName(r, "x.h5", safetensors).tied.size(), 2u);
  EXPECT_EQ(formatForOutputName(r, "x.h5", safetensors, keras3).format, keras3);
  EXPECT_EQ(formatForOutputName(r, "x.h5", nullptr, keras2).format, keras2);
  EXPECT_EQ(formatForOutputName(r, "x.pt", keras2, keras2).format, r.find("pytorch")) << "a preferred format the name does not fit";
  EXPECT_EQ(formatForOutputName(r, "X.SAFETENSORS", keras2).format, safetensors);
}

TEST(OutputName, ChoosingAFormatRenamesAnOutputNamedForAnother) {
  const FormatRegistry& r = FormatRegistry::builtin();
  EXPECT_EQ(renamedForFormat(r, "out/Merged.H5", *r.find("pytorch")), fs::path("out/Merged.pt"));
  EXPECT_EQ(renamedForFormat(r, "m.weights.h5", *r.find("safetensors")), fs::path("m.safetensors"));
  EXPECT_EQ(renamedForFormat(r, "m.safetensors", *r.find("tf-bundle")), fs::path("m.index"));
  EXPECT_EQ(renamedForFormat(r, "m.weights.h5", *r.find("keras2-h5")), fs::path("m.weights.h5")) << "fits already";
  EXPECT_EQ(renamedForFormat(r, "ckpt/model", *r.find("pytorch")), fs::path("ckpt/model")) << "names no format";
}
