// safetensors through the whole engine: every real file (and the sharded set) lists like its
// golden, identity converts reproduce the reference writer's bytes, damaged or hostile files
// give clear errors, and other formats convert into safetensors.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checkpoint/listing.h"
#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "formats/safetensors_format.h"
#include "merge/exporter.h"
#include "golden_listing.h"
#include "test_support.h"

using namespace graft;
using graft::test::TempDir;
using graft::test::tensorBytes;
using graft::test::floats;
using graft::test::matchesGolden;
using graft::test::checksumListing;
using graft::test::convertIdentity;
namespace fs = std::filesystem;

namespace {

const char* kSharded = "safetensors/fluxml_sharded/model.safetensors.index.json";

std::vector<fs::path> realSingleFiles(const fs::path& real) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(real / "safetensors"))
    if (e.path().extension() == ".safetensors") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

const CheckpointFormat& format() { return *FormatRegistry::builtin().find("safetensors"); }

std::string le64(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s;
}

// A safetensors file: length, header (padded to 8 with spaces), data.
std::string stFile(const std::string& header, const std::string& data) {
  std::string h = header;
  h.append((8 - h.size() % 8) % 8, ' ');
  return le64(h.size()) + h + data;
}

std::string errorOf(const fs::path& path) {
  try {
    FormatRegistry::builtin().open(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Opening `bytes` as a file fails with a message that starts with the file and contains `what`.
void expectError(const std::string& bytes, const std::string& what, const char* name = "bad.safetensors") {
  TempDir tmp;
  const fs::path p = tmp / name;
  test::writeFile(p, bytes);
  const std::string message = errorOf(p);
  EXPECT_EQ(message.rfind(p.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

}  // namespace

TEST(SafetensorsGolden, EveryRealSafetensorsCheckpointMatchesItsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  std::vector<fs::path> files;
  for (const auto& f : realSingleFiles(real)) files.push_back(fs::relative(f, real));
  ASSERT_EQ(files.size(), 6u) << "the real test set has 6 single safetensors files and one sharded set";
  files.push_back(kSharded);
  int matched = 0;
  for (const auto& rel : files) matched += matchesGolden(real, rel);
  EXPECT_EQ(matched, 7);
}

TEST(SafetensorsGolden, TheShardedSetOpensFromItsFolderAndListsEveryFile) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  EXPECT_TRUE(matchesGolden(real, kSharded, real / "safetensors/fluxml_sharded"));
  // Any one of its shards opens the whole set too.
  EXPECT_TRUE(matchesGolden(real, kSharded, real / "safetensors/fluxml_sharded/model-00003-of-00006.safetensors"));
  const auto c = FormatRegistry::builtin().open(real / kSharded);
  EXPECT_EQ(c->formatId(), "safetensors");
  ASSERT_EQ(c->files().size(), 7u);  // the index + 6 shards
  EXPECT_EQ(c->files().front().filename(), "model.safetensors.index.json");
  EXPECT_EQ(c->files().back().filename(), "model-00006-of-00006.safetensors");
  EXPECT_EQ(c->metadata().get("format"), "pt");
  EXPECT_EQ(c->metadata().get("index total_size"), "4305");
  // The single-file set holds the same tensors (README: "hold identical tensors").
  const auto single = FormatRegistry::builtin().open(real / "safetensors/fluxml_all_dtypes.safetensors");
  EXPECT_EQ(checksumListing(*c)["variables"], checksumListing(*single)["variables"]);
}

TEST(SafetensorsReader, TreeMetadataAndKernelSideExtents) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto c = FormatRegistry::builtin().open(real / "safetensors/peft_lora_distilbert_adapter_model.safetensors");
  EXPECT_EQ(c->metadata().get("format"), "pt");
  EXPECT_EQ(c->framework(), "PyTorch");
  const Node* q = c->findNode("base_model/model/distilbert/transformer/layer/0/attention/q_lin/lora_A");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->kind(), NodeKind::Layer);
  EXPECT_EQ(q->parent()->kind(), NodeKind::Group);  // q_lin holds layers, no tensors
  const Node* w = c->findByKey("base_model.model.distilbert.transformer.layer.0.attention.q_lin.lora_A.weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->path(), "base_model/model/distilbert/transformer/layer/0/attention/q_lin/lora_A/weight");
  const auto stream = c->openTensor(*w);
  ASSERT_TRUE(stream->extent());
  EXPECT_GE(stream->extent()->offset, 8u + 3840u);

  const auto coffee = FormatRegistry::builtin().open(real / "safetensors/coffee_custom_metadata.safetensors");
  EXPECT_EQ(coffee->metadata().get("version"), "1.0");
  EXPECT_EQ(coffee->metadata().get("git_tag"), "v1.45");
  // Layers sort numerically ("layer.2" before "layer.10").
  const Node* layer = c->findNode("base_model/model/distilbert/transformer/layer");
  ASSERT_NE(layer, nullptr);
  for (std::size_t i = 0; i < layer->childCount(); ++i) EXPECT_EQ(layer->child(i)->name(), std::to_string(i));
}

TEST(SafetensorsSniff, RecognisedByContentAndThroughFolders) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  // Any name: content decides.
  fs::copy_file(real / "safetensors/tinygrad_mnist.safetensors", tmp / "weights.bin");
  EXPECT_EQ(FormatRegistry::builtin().detect(tmp / "weights.bin").id(), "safetensors");
  // A folder with exactly one .safetensors file.
  fs::create_directory(tmp / "one");
  fs::copy_file(real / "safetensors/tinygrad_mnist.safetensors", tmp / "one/model.safetensors");
  EXPECT_EQ(FormatRegistry::builtin().open(tmp / "one")->path(), tmp / "one/model.safetensors");
  EXPECT_EQ(FormatRegistry::builtin().detect(real / kSharded).id(), "safetensors");
}

TEST(SafetensorsWriter, IdentityConvertOfEveryRealFileReopensEqualAndReproducesTheReferenceLayout) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  std::vector<std::string> identical, differing;
  for (const auto& file : realSingleFiles(real)) {
    SCOPED_TRACE(file.string());
    const auto in = FormatRegistry::builtin().open(file);
    const fs::path out = tmp / file.filename();
    const ExportReport report = convertIdentity(*in, out);
    EXPECT_EQ(report.output, out);
    const auto written = FormatRegistry::builtin().open(out);
    EXPECT_EQ(checksumListing(*written), checksumListing(*in));
    EXPECT_EQ(written->formatAttributes().get(safetensors::kMetadataAttribute),
              in->formatAttributes().get(safetensors::kMetadataAttribute));
    (test::readFile(out) == test::readFile(file) ? identical : differing).push_back(file.filename().string());
  }
  // Every real file was written in the reference layout (§5.3: dtype-then-name order, back to
  // back, header padded to 8 with spaces; candle and tinygrad happen to follow it too), and
  // `__metadata__` is kept verbatim (absent stays absent), so each one is reproduced byte for
  // byte. coffee's metadata members are not sorted: their file order is kept.
  EXPECT_EQ(differing, std::vector<std::string>{});
  EXPECT_EQ(identical.size(), 6u);
}

TEST(SafetensorsWriter, OrdersByDtypeThenNameAndPadsTheHeader) {
  TempDir tmp;
  MemoryCheckpointBuilder b("keras2-h5");
  auto layer = b.layer("dense", "Dense");
  layer.variable("b", DType::UInt8, Shape{3}, {std::byte{1}, std::byte{2}, std::byte{3}});
  layer.variable("kernel:0", Shape{2}, {1.5f, 2.5f});
  layer.variable("a", DType::Int64, Shape{}, std::vector<std::byte>(8, std::byte{7}));
  layer.variable("z", DType::Float16, Shape{0}, {});
  const auto memory = b.build("memory");
  convertIdentity(*memory, tmp / "out.safetensors", &format());
  const std::string bytes = test::readFile(tmp / "out.safetensors");
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  ASSERT_EQ(n % 8, 0u);
  const std::string header = bytes.substr(8, n);
  std::string expected =
      R"({"__metadata__":{"format":"pt"},"dense.a":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
      R"("dense.kernel":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
      R"("dense.z":{"dtype":"F16","shape":[0],"data_offsets":[16,16]},)"
      R"("dense.b":{"dtype":"U8","shape":[3],"data_offsets":[16,19]}})";
  expected.append((8 - expected.size() % 8) % 8, ' ');
  EXPECT_EQ(header, expected);
  EXPECT_EQ(bytes.size(), 8 + n + 19);
}

TEST(SafetensorsConvert, Keras2ToSafetensorsKeepsEveryTensor) {
  TempDir tmp;
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("input_1", "InputLayer");
  b.layer("conv", "Conv2D").variable("kernel:0", Shape{1, 1, 2, 3}, {1, 2, 3, 4, 5, 6}).variable("bias:0", Shape{3}, {7, 8, 9});
  b.layer("dense", "Dense").variable("kernel:0", Shape{3, 2}, {-1, -2, -3, -4, -5, -6}).variable("bias:0", Shape{2}, {0.5f, 0.25f});
  b.setFormatAttribute("layout", "weights");
  b.setFormatAttribute("keras_version", "2.2.4");
  const auto memory = b.build("memory");
  const fs::path h5 = tmp / "model.h5";
  convertIdentity(*memory, h5, FormatRegistry::builtin().find("keras2-h5"));
  const auto keras = FormatRegistry::builtin().open(h5);
  const ExportReport report = convertIdentity(*keras, tmp / "model.safetensors", &format());
  EXPECT_TRUE(report.verified);
  const auto st = FormatRegistry::builtin().open(tmp / "model.safetensors");
  EXPECT_EQ(st->formatId(), "safetensors");
  EXPECT_EQ(st->metadata().get("format"), "pt");
  ASSERT_EQ(st->variables().size(), keras->variables().size());
  // Keras' "conv/conv/kernel:0" becomes the PyTorch-style "conv.kernel".
  for (const Node* v : keras->variables()) {
    const std::string name = v->parent()->name() + "." + v->name().substr(0, v->name().find(':'));
    const Node* got = st->findByKey(name);
    ASSERT_NE(got, nullptr) << name;
    EXPECT_EQ(got->tensor()->shape, v->tensor()->shape);
    EXPECT_EQ(got->tensor()->dtype, v->tensor()->dtype);
    EXPECT_EQ(tensorBytes(*st, name), tensorBytes(*keras, v->tensor()->key));
  }
  EXPECT_EQ(floats(tensorBytes(*st, "dense.bias")), (std::vector<float>{0.5f, 0.25f}));
  EXPECT_EQ(st->findNode("dense")->kind(), NodeKind::Layer);
}

TEST(SafetensorsErrors, DamagedFilesNameTheFileAndTheProblem) {
  const std::string w = R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::string data8(8, '\x01');
  // Sanity: the undamaged file opens.
  {
    TempDir tmp;
    test::writeFile(tmp / "ok.safetensors", stFile("{" + w + "}", data8));
    EXPECT_EQ(FormatRegistry::builtin().open(tmp / "ok.safetensors")->variables().size(), 1u);
  }
  // Header length beyond the file (the sniff refuses it, naming why).
  expectError(le64(1000) + "{}", "header length (1000) does not fit in the file");
  {
    TempDir tmp;  // opened as safetensors directly, the reader says the same
    test::writeFile(tmp / "x", le64(1000) + "{}      ");
    try {
      format().open(tmp / "x");
      ADD_FAILURE() << "opened";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("goes beyond the end of the file"), std::string::npos) << e.what();
    }
  }
  expectError(le64(200'000'000) + "{" + std::string(40, ' '), "does not fit in the file");
  // A header or a tensor claiming 2^60 bytes: refused before anything that size is allocated.
  expectError(le64(std::uint64_t{1} << 60) + "{" + std::string(40, ' '), "does not fit in the file");
  expectError(stFile(R"({"w":{"dtype":"U8","shape":[1152921504606846976],"data_offsets":[0,1152921504606846976]}})", data8), "describes 1152921504606846976 bytes of tensor data but the file holds 8");
  expectError(stFile("{" + w + ",}", data8), "not valid JSON");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                     std::string(16, 'x')),
              "gap in the data before tensor 'v'");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8),
              "tensor 'v' overlaps");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data8), "tensor 'w' stores 8 bytes but its dtype and shape need 12");
  expectError(stFile(R"({"w":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", data8), "tensor 'w' has unknown dtype 'F33'");
  expectError(stFile(R"({"w":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}})", "x"), "dtype F4, which Graft does not support");
  expectError(stFile("{" + w + "}", "abc"), "truncated");
  expectError(stFile("{" + w + "}", data8 + "zz"), "2 trailing bytes");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8), "tensor 'w' has an invalid shape");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", data8),
              "tensor 'w' has a shape whose size overflows");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}})", data8), "tensor 'w' has invalid data_offsets");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[2]}})", data8), "tensor 'w' lacks dtype, shape or data_offsets");
  expectError(stFile(R"({"__metadata__":{"n":1},)" + w + "}", data8), "__metadata__ value of 'n' is not a string");
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[[[[2]]]],"data_offsets":[0,8]}})", data8), "nests deeper");
  std::string manyDims = "1";
  for (int i = 0; i < 100; ++i) manyDims += ",1";
  expectError(stFile(R"({"w":{"dtype":"F32","shape":[)" + manyDims + R"(],"data_offsets":[0,4]}})", "abcd"), "implausibly long array");
  expectError(stFile("[1,2]", ""), "does not start with a JSON object");
}

TEST(SafetensorsErrors, ABrokenShardedSetNamesTheFileAndTheTensor) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  for (const auto& e : fs::directory_iterator(real / "safetensors/fluxml_sharded")) fs::copy_file(e.path(), tmp / e.path().filename());
  const fs::path index = tmp / "model.safetensors.index.json";
  auto j = nlohmann::json::parse(test::readFile(index));
  // A tensor the weight map places in a shard that lacks it.
  j["weight_map"]["int64_3"] = "model-00002-of-00006.safetensors";
  test::writeFile(index, j.dump());
  std::string message = errorOf(index);
  EXPECT_NE(message.find("model-00002-of-00006.safetensors: tensor 'int64_3'"), std::string::npos) << message;
  // A missing shard.
  j["weight_map"]["int64_3"] = "model-00001-of-00006.safetensors";
  test::writeFile(index, j.dump());
  fs::remove(tmp / "model-00004-of-00006.safetensors");
  message = errorOf(index);
  EXPECT_EQ(message.rfind(index.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("model-00004-of-00006.safetensors"), std::string::npos) << message;
  // A shard outside the folder.
  j["weight_map"]["int64_3"] = "../elsewhere.safetensors";
  test::writeFile(index, j.dump());
  EXPECT_NE(errorOf(index).find("outside the index's folder"), std::string::npos);
  // Not JSON at all.
  test::writeFile(index, "{ nope");
  message = errorOf(index);
  EXPECT_EQ(message.rfind(index.string() + ": ", 0), 0u) << message;
}

TEST(SafetensorsReader, ZeroElementTensorsAndNamesThatAreAlsoGroups) {
  TempDir tmp;
  const fs::path p = tmp / "odd.safetensors";
  // "a.b" is a tensor and a group ("a.b.c"); "e" is empty; header members in no particular order.
  test::writeFile(p, stFile(R"({"a.b.c":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},"e":{"dtype":"F32","shape":[0,4],"data_offsets":[1,1]},)"
                            R"("a.b":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}})",
                            "\x01\x02\x03"));
  const auto c = FormatRegistry::builtin().open(p);
  ASSERT_EQ(c->variables().size(), 3u);
  ASSERT_NE(c->findByKey("a.b"), nullptr);
  EXPECT_EQ(c->findByKey("a.b")->path(), "a.b");  // at the root under its whole name
  EXPECT_EQ(c->findByKey("a.b.c")->path(), "a/b/c");
  EXPECT_EQ(c->findByKey("e")->tensor()->byteSize, 0u);
  EXPECT_EQ(tensorBytes(*c, "a.b.c"), (std::vector<std::byte>{std::byte{2}, std::byte{3}}));
}
