// TensorFlow checkpoints through the whole engine: identity rewrites byte for byte, the
// object graph kept consistent, transplants between real TF2 checkpoints and across formats,
// and clear errors for damaged files.

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "checkpoint/listing.h"
#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "formats/tensor_bundle/bundle_paths.h"
#include "formats/tensor_bundle/bundle_proto.h"
#include "formats/tensor_bundle/crc32c.h"
#include "formats/tensor_bundle/slice_key.h"
#include "formats/tensor_bundle/string_tensor.h"
#include "formats/tensor_bundle/table_reader.h"
#include "formats/tensor_bundle/table_writer.h"
#include "merge/exporter.h"
#include "merge/matcher.h"
#include "golden_listing.h"
#include "test_support.h"

using namespace graft;
using graft::test::TempDir;
using graft::test::tensorBytes;
using graft::test::floats;
using graft::test::convertIdentity;
using graft::test::checksumListing;
namespace fs = std::filesystem;

namespace {

const char* kGan = "tf2-checkpoint/vince_gan_ckpt-1/ckpt-1.index";
const char* kLso = "tf2-checkpoint/tfkeras_lso_ckpt_tf2.2/ckpt.index";

std::vector<fs::path> dataShards(const fs::path& index) {
  std::vector<fs::path> out;
  const std::string stem = tfbundle::prefixOf(index).filename().string() + ".data-";
  for (const auto& e : fs::directory_iterator(index.parent_path()))
    if (e.path().filename().string().rfind(stem, 0) == 0) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}


// A copy of a real bundle's files in `dir`, returning the copied .index.
fs::path copyBundle(const fs::path& index, const fs::path& dir) {
  fs::copy_file(index, dir / index.filename());
  for (const auto& shard : dataShards(index)) fs::copy_file(shard, dir / shard.filename());
  return dir / index.filename();
}

void flipByte(const fs::path& file, std::uint64_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

std::string errorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TensorBundleWriter, IdentityConvertOfEveryRealBundleIsByteIdenticalWhereTheIndexIsUncompressed) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  int byteIdentical = 0, equalContent = 0;
  for (const auto& index : test::realBundleIndexes(real)) {
    SCOPED_TRACE(index.string());
    const auto in = FormatRegistry::builtin().open(index);
    const fs::path out = tmp / (std::to_string(byteIdentical + equalContent) + "-copy");
    const ExportReport report = convertIdentity(*in, out);
    EXPECT_EQ(report.output, fs::path(out.string() + ".index"));
    tfbundle::TableFacts facts;
    tfbundle::readTable(index, &facts);
    const auto written = FormatRegistry::builtin().open(report.output);
    EXPECT_EQ(checksumListing(*written), checksumListing(*in));
    if (facts.anySnappy) {
      ++equalContent;  // TF itself writes uncompressed indexes; ours are too
      continue;
    }
    EXPECT_EQ(test::readFile(report.output), test::readFile(index)) << "index differs";
    const auto shardsIn = dataShards(index);
    const auto shardsOut = dataShards(report.output);
    ASSERT_EQ(shardsIn.size(), shardsOut.size());
    for (std::size_t s = 0; s < shardsIn.size(); ++s) EXPECT_EQ(test::readFile(shardsOut[s]), test::readFile(shardsIn[s])) << shardsIn[s];
    ++byteIdentical;
  }
  EXPECT_EQ(byteIdentical, 7);
  EXPECT_EQ(equalContent, 2);
  // Nothing but the results is left in the folder (no temporary files).
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) files += e.path().filename().string()[0] != '.';
  EXPECT_EQ(files, static_cast<std::size_t>(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator())));
}

TEST(TensorBundleWriter, DroppedVariablesLeaveTheObjectGraphConsistent) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  test::writeVariant(real / kGan, tmp / "gan-small", {test::dropOp("generator/layer_with_weights-6")});
  const auto out = FormatRegistry::builtin().open(tmp / "gan-small");
  EXPECT_EQ(out->findNode("generator/layer_with_weights-6"), nullptr);
  EXPECT_EQ(out->findByKey("generator/layer_with_weights-6/kernel/.ATTRIBUTES/VARIABLE_VALUE"), nullptr);
  ASSERT_NE(out->findNode("generator/layer_with_weights-5"), nullptr);
  // The graph names no key the file lacks: every attribute resolves.
  const Node* graphNode = out->findByKey("_CHECKPOINTABLE_OBJECT_GRAPH");
  ASSERT_NE(graphNode, nullptr);
  const auto canonical = tensorBytes(*out, "_CHECKPOINTABLE_OBJECT_GRAPH");
  const std::string graphBytes(reinterpret_cast<const char*>(canonical.data()) + 8, canonical.size() - 8);
  const auto graph = tfbundle::decodeObjectGraph(graphBytes);
  std::size_t attributes = 0;
  for (const auto& n : graph.nodes)
    for (const auto& a : n.attributes) {
      ++attributes;
      EXPECT_NE(out->findByKey(a.checkpointKey), nullptr) << a.checkpointKey;
    }
  EXPECT_EQ(attributes + 1, out->variables().size());  // every tensor but the graph itself
  EXPECT_NE(out->metadata().get("kind").find("object-based"), std::string::npos);
}

TEST(TensorBundleWriter, AddedTf2KeysAreLinkedIntoTheObjectGraph) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  // Add the discriminator's first layer to the generator as a new object.
  test::writeVariant(real / kGan, tmp / "gan-more",
                     {test::addOp("discriminator/layer_with_weights-0", {}, "generator/layer_with_weights-7")});
  const auto out = FormatRegistry::builtin().open(tmp / "gan-more");
  const Node* kernel = out->findNode("generator/layer_with_weights-7/kernel");
  ASSERT_NE(kernel, nullptr);
  EXPECT_EQ(kernel->tensor()->key, "generator/layer_with_weights-7/kernel/.ATTRIBUTES/VARIABLE_VALUE");
  const auto canonical = tensorBytes(*out, "_CHECKPOINTABLE_OBJECT_GRAPH");
  const auto graph = tfbundle::decodeObjectGraph(std::string(reinterpret_cast<const char*>(canonical.data()) + 8, canonical.size() - 8));
  bool linked = false;
  for (const auto& n : graph.nodes)
    for (const auto& a : n.attributes) linked = linked || a.checkpointKey == kernel->tensor()->key;
  EXPECT_TRUE(linked);
}

TEST(TensorBundleTransplant, GeneratorLayerIntoAModifiedCopyOfTheGanCheckpoint) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  test::writeVariant(real / kGan, tmp / "gan-rounded", {});  // every weight rounded through float16
  const auto original = FormatRegistry::builtin().open(real / kGan);
  const auto modified = FormatRegistry::builtin().open(tmp / "gan-rounded.index");
  const std::string kernel = "generator/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE";
  const std::string other = "generator/layer_with_weights-2/kernel/.ATTRIBUTES/VARIABLE_VALUE";
  ASSERT_NE(tensorBytes(*original, kernel), tensorBytes(*modified, kernel));

  MergePlan plan;
  plan.source = original->path();
  plan.target = modified->path();
  Operation op;
  op.kind = OperationKind::CopyLayer;
  op.source = op.target = "generator/layer_with_weights-0";
  plan.operations.push_back(op);
  const MergeEvaluation evaluation = evaluatePlan(*original, *modified, plan);
  ASSERT_FALSE(evaluation.hasConflicts());
  exportMerge(*original, *modified, evaluation, tmp / "result");
  const auto result = FormatRegistry::builtin().open(tmp / "result");
  EXPECT_EQ(floats(tensorBytes(*result, kernel)), floats(tensorBytes(*original, kernel)));
  EXPECT_EQ(floats(tensorBytes(*result, other)), floats(tensorBytes(*modified, other)));
  EXPECT_EQ(result->variables().size(), original->variables().size());
}

TEST(TensorBundleTransplant, Tf2IntoKeras2AndBackByNormalisedNames) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  TempDir tmp;
  const auto tf = FormatRegistry::builtin().open(real / kLso);  // one Dense(2): kernel (2, 2), bias (2,)
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("input_1", "InputLayer");
  b.layer("dense", "Dense").variable("kernel:0", Shape{2, 2}, {9, 9, 9, 9}).variable("bias:0", Shape{2}, {7, 7});
  b.setFormatAttribute("layout", "weights");
  b.setFormatAttribute("keras_version", "2.2.4");
  const auto memory = b.build("memory");
  convertIdentity(*memory, tmp / "keras.h5", FormatRegistry::builtin().find("keras2-h5"));
  const auto keras = FormatRegistry::builtin().open(tmp / "keras.h5");

  MatchOptions options;
  options.strategy = MatchStrategy::Normalized;
  MergePlan toKeras = planFromMatches(*tf, *keras, options);
  ASSERT_EQ(toKeras.operations.size(), 2u);
  EXPECT_NE(toKeras.operations[0].reason.find("layer with weights #1"), std::string::npos) << toKeras.operations[0].reason;
  exportMerge(*tf, *keras, evaluatePlan(*tf, *keras, toKeras), tmp / "from-tf.h5");
  const auto fromTf = FormatRegistry::builtin().open(tmp / "from-tf.h5");
  EXPECT_EQ(tensorBytes(*fromTf, "dense/dense/kernel:0"), tensorBytes(*tf, "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
  EXPECT_EQ(tensorBytes(*fromTf, "dense/dense/bias:0"), tensorBytes(*tf, "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE"));

  MergePlan toTf = planFromMatches(*keras, *tf, options);
  ASSERT_EQ(toTf.operations.size(), 2u);
  exportMerge(*keras, *tf, evaluatePlan(*keras, *tf, toTf), tmp / "from-keras");
  const auto fromKeras = FormatRegistry::builtin().open(tmp / "from-keras");
  EXPECT_EQ(floats(tensorBytes(*fromKeras, "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")), (std::vector<float>{9, 9, 9, 9}));
  EXPECT_EQ(floats(tensorBytes(*fromKeras, "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE")), (std::vector<float>{7, 7}));
  // The rest of the TF checkpoint (optimizer slots, loss scale, graph) is kept.
  EXPECT_EQ(fromKeras->variables().size(), tf->variables().size());
}

TEST(TensorBundleErrors, DamagedFilesGiveClearErrors) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const fs::path source = real / "tf1-checkpoint/onnx_regression/model.index";
  auto open = [](const fs::path& p) { return [p] { FormatRegistry::builtin().open(p); }; };
  {  // a tensor's bytes changed: opening works, reading names the tensor
    TempDir tmp;
    const fs::path index = copyBundle(source, tmp.path());
    flipByte(dataShards(index).at(0), 1);
    const auto c = FormatRegistry::builtin().open(index);
    const std::string why = errorOf([&] { tensorBytes(*c, c->variables().front()->tensor()->key); });
    EXPECT_NE(why.find("checksum mismatch in tensor '" + c->variables().front()->tensor()->key + "'"), std::string::npos) << why;
  }
  {  // the index's data block changed
    TempDir tmp;
    const fs::path index = copyBundle(source, tmp.path());
    flipByte(index, 12);
    const std::string why = errorOf(open(index));
    EXPECT_NE(why.find(index.string()), std::string::npos) << why;
    EXPECT_NE(why.find("checksum"), std::string::npos) << why;
  }
  {  // truncated index: no magic at its end any more
    TempDir tmp;
    const fs::path index = copyBundle(source, tmp.path());
    fs::resize_file(index, fs::file_size(index) - 10);
    const std::string why = errorOf(open(index));
    EXPECT_NE(why.find("not a checkpoint Graft can read"), std::string::npos) << why;
  }
  {  // missing data shard
    TempDir tmp;
    const fs::path index = copyBundle(source, tmp.path());
    fs::remove(dataShards(index).at(0));
    const auto c = FormatRegistry::builtin().open(index);
    const std::string why = errorOf([&] { tensorBytes(*c, c->variables().front()->tensor()->key); });
    EXPECT_NE(why.find("data shard missing"), std::string::npos) << why;
  }
}

TEST(TensorBundleErrors, AbsurdEntriesAreRefusedBeforeAnythingIsAllocated) {
  TempDir tmp;
  auto bundle = [&](const tfbundle::BundleEntry& entry) {
    tfbundle::BundleHeader h;
    h.numShards = 1;
    const fs::path index = tmp / "absurd.index";
    test::writeFile(index, tfbundle::buildTable({{"", tfbundle::encodeHeader(h)}, {"w", tfbundle::encodeEntry(entry)}}));
    test::writeFile(tmp / "absurd.data-00000-of-00001", std::string(16, '\0'));
    return errorOf([index] { FormatRegistry::builtin().open(index); });
  };
  tfbundle::BundleEntry huge;
  huge.dtype = 1;
  huge.shape = {std::int64_t{1} << 40, std::int64_t{1} << 40};
  huge.size = 16;
  EXPECT_NE(bundle(huge).find("impossible shape"), std::string::npos) << bundle(huge);
  tfbundle::BundleEntry wrongSize;
  wrongSize.dtype = 1;
  wrongSize.shape = {1000};
  wrongSize.size = 16;
  EXPECT_NE(bundle(wrongSize).find("stores 16 bytes but its shape and dtype need 4000"), std::string::npos) << bundle(wrongSize);
  tfbundle::BundleEntry badShard;
  badShard.dtype = 1;
  badShard.shape = {4};
  badShard.size = 16;
  badShard.shardId = 7;
  EXPECT_NE(bundle(badShard).find("names data shard 7 of 1"), std::string::npos) << bundle(badShard);
  tfbundle::BundleEntry hugeString;
  hugeString.dtype = 7;
  hugeString.size = std::int64_t{1} << 40;
  EXPECT_NE(bundle(hugeString).find("implausibly large"), std::string::npos) << bundle(hugeString);
}

TEST(TensorBundlePartitioned, SliceKeysAreEncodedLikeTensorFlow) {
  // checkpoint-formats.md §2.8: var[0:5, :] -> 00 | 76 61 72 00 01 | 01 02 | 80 85 | 80 7F
  const std::string want("\x00" "var" "\x00\x01" "\x01\x02" "\x80\x85" "\x80\x7f", 12);
  EXPECT_EQ(tfbundle::sliceKey("var", {{0, 5}, {0, std::nullopt}}), want);
  EXPECT_EQ(tfbundle::signedNumIncreasing(0), std::string("\x80", 1));
  EXPECT_EQ(tfbundle::signedNumIncreasing(-64), std::string("\x40", 1));
  EXPECT_EQ(tfbundle::signedNumIncreasing(64), std::string("\xc0\x40", 2));  // two bytes from 64 on
  EXPECT_EQ(tfbundle::signedNumIncreasing(-65), std::string("\x3f\xbf", 2));
}

TEST(TensorBundlePartitioned, ARowPartitionedVariableIsListedWholeAndReadsInRowOrder) {
  TempDir tmp;
  // emb (5, 2) float32 saved as rows [3:5] then rows [0:3], in two data shards.
  const std::vector<float> rows03 = {0, 1, 2, 3, 4, 5}, rows35 = {6, 7, 8, 9};
  auto bytesOf = [](const std::vector<float>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4); };
  auto crcOf = [](const std::string& b) { return tfbundle::maskCrc(tfbundle::crc32c(std::as_bytes(std::span(b.data(), b.size())))); };
  test::writeFile(tmp / "p.data-00000-of-00002", bytesOf(rows35));
  test::writeFile(tmp / "p.data-00001-of-00002", bytesOf(rows03));
  tfbundle::BundleHeader h;
  h.numShards = 2;
  tfbundle::BundleEntry full;
  full.dtype = 1;
  full.shape = {5, 2};
  full.slices = {{{3, 2}, {0, std::nullopt}}, {{0, 3}, {0, std::nullopt}}};
  tfbundle::BundleEntry low;  // rows [0:3]
  low.dtype = 1;
  low.shape = {3, 2};
  low.shardId = 1;
  low.size = 24;
  low.crc32c = crcOf(bytesOf(rows03));
  tfbundle::BundleEntry high;  // rows [3:5]
  high.dtype = 1;
  high.shape = {2, 2};
  high.size = 16;
  high.crc32c = crcOf(bytesOf(rows35));
  std::vector<tfbundle::TableEntry> table = {{"", tfbundle::encodeHeader(h)},
                                             {tfbundle::sliceKey("emb", full.slices[1]), tfbundle::encodeEntry(low)},
                                             {tfbundle::sliceKey("emb", full.slices[0]), tfbundle::encodeEntry(high)},
                                             {"emb", tfbundle::encodeEntry(full)}};
  std::sort(table.begin() + 1, table.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  test::writeFile(tmp / "p.index", tfbundle::buildTable(table));

  const auto c = FormatRegistry::builtin().open(tmp / "p.index");
  ASSERT_EQ(c->variables().size(), 1u);
  const Node* emb = c->findByKey("emb");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->tensor()->shape, (Shape{5, 2}));
  EXPECT_EQ(floats(tensorBytes(*c, "emb")), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_NE(c->metadata().get("partitioned tensors").find("1"), std::string::npos);
  // Rewritten, it is an ordinary (whole) variable with the same bytes.
  const ExportReport r = convertIdentity(*c, tmp / "whole");
  ASSERT_FALSE(r.warnings.empty());
  const auto whole = FormatRegistry::builtin().open(r.output);
  EXPECT_EQ(floats(tensorBytes(*whole, "emb")), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_TRUE(whole->metadata().get("partitioned tensors").empty());
}

TEST(TensorBundleWriter, AKeras2FileConvertsToATf1NameBasedCheckpoint) {
  TempDir tmp;
  MemoryCheckpointBuilder b("keras2-h5");
  b.layer("conv2d", "Conv2D").variable("kernel:0", Shape{1, 1, 1, 2}, {1, 2}).variable("bias:0", Shape{2}, {3, 4});
  b.layer("dense", "Dense").variable("kernel:0", Shape{2, 1}, {5, 6});
  b.setFormatAttribute("layout", "weights");
  const auto keras = b.build("memory");
  const ExportReport r = convertIdentity(*keras, tmp / "tf", FormatRegistry::builtin().find("tf-bundle"));
  const auto tf = FormatRegistry::builtin().open(r.output);
  // TF1 Saver names: the scopes without Keras' ":0" (checkpoint-formats.md §2.9).
  std::vector<std::string> keys;
  for (const Node* v : tf->variables()) keys.push_back(v->tensor()->key);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"conv2d/bias", "conv2d/kernel", "dense/kernel"}));
  EXPECT_EQ(floats(tensorBytes(*tf, "conv2d/kernel")), (std::vector<float>{1, 2}));
  EXPECT_EQ(floats(tensorBytes(*tf, "dense/kernel")), (std::vector<float>{5, 6}));
  EXPECT_EQ(tf->findNode("conv2d")->kind(), NodeKind::Layer);
}

TEST(TensorBundleErrors, MutatedObjectGraphsNeverCrash) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  // The GAN's object graph, mutated byte by byte and stored with valid checksums, so that the
  // graph decoder and the tree built from it see the damage: each open either works or throws
  // graft::Error, never crashes or hangs.
  const auto gan = FormatRegistry::builtin().open(real / kGan);
  const auto canonical = tensorBytes(*gan, "_CHECKPOINTABLE_OBJECT_GRAPH");
  const std::string graph(reinterpret_cast<const char*>(canonical.data()) + 8, canonical.size() - 8);
  TempDir tmp;
  std::uint64_t seed = 88172645463325252ull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int opened = 0, refused = 0;
  for (int round = 0; round < 300; ++round) {
    std::string mutated = graph;
    for (int k = 0, n = 1 + static_cast<int>(next() % 4); k < n; ++k)
      mutated[next() % mutated.size()] = static_cast<char>(next() & 0xff);
    const auto region = tfbundle::encodeStringTensor({mutated});
    tfbundle::BundleHeader h;
    h.numShards = 1;
    std::vector<tfbundle::TableEntry> table = {{"", tfbundle::encodeHeader(h)}};
    tfbundle::BundleEntry g;
    g.dtype = 7;
    g.size = static_cast<std::int64_t>(region.region.size());
    g.crc32c = region.entryCrcMasked;
    table.push_back({"_CHECKPOINTABLE_OBJECT_GRAPH", tfbundle::encodeEntry(g)});
    // Every other tensor of the GAN, with its bytes after the graph.
    std::string data = region.region;
    std::vector<std::pair<std::string, tfbundle::BundleEntry>> rest;
    for (const Node* v : gan->variables()) {
      if (v->tensor()->dtype == DType::String) continue;
      const auto bytes = tensorBytes(*gan, v->tensor()->key);
      tfbundle::BundleEntry e;
      e.dtype = v->tensor()->dtype == DType::Int64 ? 9 : 1;
      e.shape = v->tensor()->shape.dims();
      e.offset = static_cast<std::int64_t>(data.size());
      e.size = static_cast<std::int64_t>(bytes.size());
      e.crc32c = tfbundle::maskCrc(tfbundle::crc32c(bytes));
      data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      table.push_back({v->tensor()->key, tfbundle::encodeEntry(e)});
    }
    std::sort(table.begin() + 1, table.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    test::writeFile(tmp / "m.index", tfbundle::buildTable(table));
    test::writeFile(tmp / "m.data-00000-of-00001", data);
    try {
      const auto c = FormatRegistry::builtin().open(tmp / "m.index");
      ++opened;
      EXPECT_EQ(c->variables().size(), gan->variables().size());  // every tensor still has a place
    } catch (const Error& e) {
      ++refused;
      EXPECT_NE(std::string(e.what()).find("m.index"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(opened + refused, 300);
  std::cout << "mutated object graphs: " << opened << " opened, " << refused << " refused\n";
}
