// Keras 3 writers: identity rewrites of real .weights.h5 files are identical to h5diff and in
// every attribute; .keras archives keep their config and metadata and store every member;
// Keras 2 weights become numbered Keras 3 variables; bfloat16 is Keras' opaque type.

#include <gtest/gtest.h>

#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "formats/keras3_weights_writer.h"
#include "golden_listing.h"
#include "io/error.h"
#include "io/zip_archive.h"
#include "test_support.h"

using namespace graft;
using graft::test::convertIdentity;
using graft::test::runCommand;
using graft::test::TempDir;
namespace fs = std::filesystem;

namespace {

const CheckpointFormat& keras3() { return *FormatRegistry::builtin().find("keras3-weights-h5"); }

}  // namespace

TEST(Keras3Writer, IdentityRewritesAreH5diffIdenticalWithEveryAttribute) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  for (const char* name : {"snake_model.weights.h5", "pinn_model.weights.h5"}) {
    const fs::path in = real / "keras3-weights-h5" / name, out = tmp / name;
    const auto c = FormatRegistry::builtin().open(in);
    EXPECT_TRUE(convertIdentity(*c, out).verified);
    const auto diff = runCommand({"/usr/bin/h5diff", in.string(), out.string()});
    EXPECT_EQ(diff.exitCode, 0) << name << ": " << diff.out << diff.err;
    // Attributes too (the name of every vars group), and the empty vars groups.
    const auto a = runCommand({"/usr/bin/h5dump", "-A", in.string()}), b = runCommand({"/usr/bin/h5dump", "-A", out.string()});
    ASSERT_EQ(a.exitCode, 0);
    EXPECT_EQ(a.out.substr(a.out.find('\n')), b.out.substr(b.out.find('\n'))) << name;
  }
}

TEST(Keras3Writer, KerasArchivesKeepConfigMetadataAndStoreEveryMember) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  for (const auto& e : fs::directory_iterator(real / "keras3-zip")) {
    const fs::path out = tmp / e.path().filename();
    const auto c = FormatRegistry::builtin().open(e.path());
    EXPECT_TRUE(convertIdentity(*c, out).verified) << e.path();
    const ZipArchive in(e.path()), written(out);
    ASSERT_EQ(written.members().size(), 3u);
    EXPECT_EQ(written.members()[0].name, "metadata.json");
    EXPECT_EQ(written.members()[1].name, "config.json");
    EXPECT_EQ(written.members()[2].name, "model.weights.h5");
    for (const auto& m : written.members()) EXPECT_TRUE(m.stored) << m.name;
    for (const char* json : {"metadata.json", "config.json"})
      EXPECT_EQ(written.read(*written.find(json), 1 << 24), in.read(*in.find(json), 1 << 24)) << json;
    // The written archive lists exactly like the original's golden.
    EXPECT_TRUE(test::matchesGolden(real, fs::relative(e.path(), real), out)) << out;
  }
}

TEST(Keras3Writer, AKerasArchiveNeedsAConfig) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  const auto c = FormatRegistry::builtin().open(real / "keras3-weights-h5/snake_model.weights.h5");
  try {
    convertIdentity(*c, tmp / "x.keras", FormatRegistry::builtin().find("keras3-zip"));
    ADD_FAILURE() << "a .keras without config.json was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.json"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp / "x.keras"));
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "no temporary file left behind";
}

TEST(Keras3Writer, Keras2WeightsBecomeNumberedKeras3Variables) {
  TempDir tmp;
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("conv2d", "Conv2D").variable("kernel:0", Shape{1, 1, 1, 2}, {1, 2}).variable("bias:0", Shape{2}, {3, 4});
  b.layer("dense", "Dense").variable("kernel:0", Shape{2, 1}, {5, 6}).variable("bias:0", Shape{1}, {7});
  const auto memory = b.build("memory");
  convertIdentity(*memory, tmp / "out.weights.h5", &keras3());
  const auto k3 = FormatRegistry::builtin().open(tmp / "out.weights.h5");
  EXPECT_EQ(k3->formatId(), "keras3-weights-h5");
  std::vector<std::string> keys;
  for (const Node* v : k3->variables()) keys.push_back(v->tensor()->key);
  EXPECT_EQ(keys, (std::vector<std::string>{"layers/conv2d/vars/0", "layers/conv2d/vars/1", "layers/dense/vars/0", "layers/dense/vars/1"}));
  EXPECT_EQ(test::tensorBytes(*k3, "layers/dense/vars/0"), test::tensorBytes(*memory, memory->variables()[2]->tensor()->key));
}

TEST(Keras3Writer, Bfloat16IsKerasOpaqueTypeWithADtypeAttribute) {
  TempDir tmp;
  MemoryCheckpointBuilder b("safetensors");
  b.layer("dense", "").variable("kernel", DType::BFloat16, Shape{2}, {std::byte{0x80}, std::byte{0x3f}, std::byte{0x00}, std::byte{0x40}});
  const auto memory = b.build("memory");
  convertIdentity(*memory, tmp / "bf.weights.h5", &keras3());
  const auto r = runCommand({"/usr/bin/python3", "-c",
                             "import sys, h5py\n"
                             "d = h5py.File(sys.argv[1])['layers/dense/vars/0']\n"
                             "print(d.dtype.kind, d.dtype.itemsize, d.attrs['dtype'], d[()].tobytes().hex())\n",
                             (tmp / "bf.weights.h5").string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "V 2 bfloat16 803f0040\n");
  const auto back = FormatRegistry::builtin().open(tmp / "bf.weights.h5");
  ASSERT_EQ(back->variables().size(), 1u);
  EXPECT_EQ(back->variables()[0]->tensor()->dtype, DType::BFloat16);
}

TEST(Keras3Writer, ForeignKeysAreNumberedPerOwner) {
  EXPECT_EQ(keras3KeysFor({"dense/dense/kernel:0", "dense/dense/bias:0", "lstm/lstm/cell/kernel:0", "head/w"},
                          {"a", "b", "c", "d"}),
            (std::vector<std::string>{"layers/dense/vars/0", "layers/dense/vars/1", "layers/lstm/cell/vars/0", "layers/head/vars/0"}));
  EXPECT_EQ(keras3KeysFor({"conv2d/0"}, {"layers/conv2d/vars/0"}), std::vector<std::string>{"layers/conv2d/vars/0"});
  EXPECT_TRUE(isKeras3VariableKey("layers/dense/vars/12"));
  EXPECT_TRUE(isKeras3VariableKey("vars/0"));
  EXPECT_FALSE(isKeras3VariableKey("layers/dense/vars/x"));
  EXPECT_FALSE(isKeras3VariableKey("layers/dense/myvars/0"));
}
