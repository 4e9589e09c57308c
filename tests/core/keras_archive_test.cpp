// .keras archives: every real one equals its golden; a stored weights member is read in place
// inside the zip, a deflated one through a temporary file that does not outlive the open;
// layer classes come from config.json; hostile archives are refused with a clear error.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "checkpoint/listing.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "formats/keras_archive_format.h"
#include "golden_listing.h"
#include "io/error.h"
#include "io/zip_archive.h"
#include "test_support.h"

using namespace graft;
using graft::test::matchesGolden;
using graft::test::runCommand;
using graft::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Runs a Python snippet (zipfile only: the standard library) with argv[1..].
void python(const std::string& code, const std::vector<std::string>& args) {
  std::vector<std::string> argv{kPython, "-c", code};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = runCommand(argv);
  ASSERT_EQ(r.exitCode, 0) << r.err;
}

const Node* layerNamed(const Checkpoint& c, const std::string& name) { return c.findNode(name); }

}  // namespace

TEST(KerasArchiveGolden, EveryRealKerasArchiveMatchesItsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  int files = 0, matched = 0;
  for (const auto& e : fs::directory_iterator(real / "keras3-zip")) {
    ++files;
    matched += matchesGolden(real, fs::relative(e.path(), real));
  }
  EXPECT_EQ(files, 5);
  EXPECT_EQ(matched, files);
}

TEST(KerasArchive, StoredWeightsAreReadInPlaceInsideTheZip) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const fs::path file = real / "keras3-zip/aman_fashion_cnn.keras";
  const auto c = FormatRegistry::builtin().open(file);
  EXPECT_EQ(c->formatId(), "keras3-zip");
  EXPECT_EQ(c->metadata().get("weights member"), "stored, read in place");
  EXPECT_EQ(c->metadata().get("keras_version"), "3.10.0");
  EXPECT_EQ(c->framework(), "Keras 3.10.0");
  const ZipArchive zip(file);
  const ZipMember* weights = zip.find("model.weights.h5");
  ASSERT_TRUE(weights && weights->stored);
  // Every tensor's bytes lie inside the weights member of the zip itself.
  for (const Node* v : c->variables()) {
    const auto stream = c->openTensor(*v);
    const auto extent = stream->extent();
    ASSERT_TRUE(extent) << v->tensor()->key;
    EXPECT_GE(extent->offset, weights->dataOffset);
    EXPECT_LE(extent->offset + stream->size(), weights->dataOffset + weights->size);
  }
}

TEST(KerasArchive, LayerClassesComeFromTheConfig) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto cnn = FormatRegistry::builtin().open(real / "keras3-zip/aman_fashion_cnn.keras");
  ASSERT_TRUE(layerNamed(*cnn, "conv2d_1"));
  EXPECT_EQ(layerNamed(*cnn, "conv2d_1")->layerClass(), "Conv2D");
  EXPECT_EQ(layerNamed(*cnn, "dense_1")->layerClass(), "Dense");
  EXPECT_EQ(cnn->metadata().get("model class"), "Sequential");
  // Windows-written Keras 2.15: backslash-joined names still split into the hierarchy.
  const auto lstm = FormatRegistry::builtin().open(real / "keras3-zip/adwoam_keras2.15_windows.keras");
  ASSERT_TRUE(layerNamed(*lstm, "lstm_1"));
  EXPECT_EQ(layerNamed(*lstm, "lstm_1")->layerClass(), "LSTM");
  EXPECT_TRUE(lstm->findNode("lstm_1/cell"));
  EXPECT_EQ(lstm->framework(), "Keras 2.15.0");
}

TEST(KerasArchive, SnakeCaseFollowsKerasNaming) {
  EXPECT_EQ(kerasSnakeCase("MaxPooling2D"), "max_pooling2d");
  EXPECT_EQ(kerasSnakeCase("Conv2DTranspose"), "conv2d_transpose");
  EXPECT_EQ(kerasSnakeCase("LSTM"), "lstm");
  EXPECT_EQ(kerasSnakeCase("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(kerasSnakeCase("Dense"), "dense");
}

TEST(KerasArchive, DeflatedWeightsGoThroughATemporaryFileThatIsGoneAfterwards) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir dir, tmp;
  const fs::path original = real / "keras3-zip/aman_fashion_cnn.keras", deflated = dir / "deflated.keras";
  python("import sys, zipfile\n"
         "src = zipfile.ZipFile(sys.argv[1])\n"
         "with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as out:\n"
         "    for n in src.namelist(): out.writestr(n, src.read(n))\n",
         {original.string(), deflated.string()});
  const ZipArchive zip(deflated);
  ASSERT_FALSE(zip.find("model.weights.h5")->stored);
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old ? old : "";
  setenv("TMPDIR", tmp.path().c_str(), 1);
  const auto a = FormatRegistry::builtin().open(deflated);
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "the inflated weights must not stay on disk";
  if (old) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
  EXPECT_EQ(a->metadata().get("weights member"), "deflated, inflated to a temporary file");
  const auto b = FormatRegistry::builtin().open(original);
  ListingOptions withSums;
  withSums.checksums = true;
  EXPECT_EQ(listingJson(*a, withSums)["variables"], listingJson(*b, withSums)["variables"]);
}

TEST(KerasArchive, HostileArchivesAreRefusedClearly) {
  TempDir dir;
  // A member escaping the archive's folder.
  python("import sys, zipfile\n"
         "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
         "    z.writestr('config.json', '{}'); z.writestr('model.weights.h5', b'x'); z.writestr('../evil', b'x')\n",
         {(dir / "slip.keras").string()});
  EXPECT_NE(test::openError(dir / "slip.keras").find("points outside the archive"), std::string::npos);
  // A config.json that inflates to 200 MB from a few hundred KB: refused before inflating.
  python("import sys, zipfile\n"
         "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
         "    z.writestr('config.json', b' ' * (200 << 20)); z.writestr('model.weights.h5', b'x')\n",
         {(dir / "bomb.keras").string()});
  const auto start = std::chrono::steady_clock::now();
  const std::string bomb = test::openError(dir / "bomb.keras");
  EXPECT_NE(bomb.find("more than the"), std::string::npos) << bomb;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // A config.json whose headers say 10 bytes and whose data inflates to 5 KB: stopped at byte 11.
  python("import struct, sys, zipfile\n"
         "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
         "    z.writestr('config.json', '{\"a\": \"' + 'x' * 5000 + '\"}'); z.writestr('model.weights.h5', b'x')\n"
         "b = bytearray(open(sys.argv[1], 'rb').read())\n"
         "struct.pack_into('<I', b, b.find(b'PK\\x03\\x04') + 22, 10)\n"
         "struct.pack_into('<I', b, b.find(b'PK\\x01\\x02') + 24, 10)\n"
         "open(sys.argv[1], 'wb').write(b)\n",
         {(dir / "liar.keras").string()});
  const std::string liar = test::openError(dir / "liar.keras");
  EXPECT_NE(liar.find("'config.json' inflates past its declared size"), std::string::npos) << liar;
  // Weights saved as .npz (pickled numpy objects): named, not attempted.
  python("import sys, zipfile\n"
         "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
         "    z.writestr('config.json', '{}'); z.writestr('model.weights.npz', b'x')\n",
         {(dir / "npz.keras").string()});
  EXPECT_NE(test::openError(dir / "npz.keras").find("model.weights.npz"), std::string::npos);
  // A weights member that is not HDF5.
  python("import sys, zipfile\n"
         "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
         "    z.writestr('config.json', '{}'); z.writestr('model.weights.h5', b'not hdf5 at all' * 100)\n",
         {(dir / "garbage.keras").string()});
  const std::string garbage = test::openError(dir / "garbage.keras");
  EXPECT_NE(garbage.find("garbage.keras"), std::string::npos) << garbage;
}

TEST(KerasArchive, TruncatedArchivesNeverCrash) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir dir;
  const std::string bytes = test::readFile(real / "keras3-zip/keras_pr22359_fixed_model.keras");
  for (int k = 1; k < 16; ++k) {
    const fs::path cut = dir / ("cut" + std::to_string(k) + ".keras");
    test::writeFile(cut, bytes.substr(0, bytes.size() * static_cast<std::size_t>(k) / 16));
    EXPECT_FALSE(test::openError(cut).empty()) << "a truncated archive at " << k << "/16 opened";
  }
}
