// PyTorch zip checkpoints: the restricted unpickler on hand-made and hostile byte strings,
// every real file against its golden, damaged archives, and the writer checked by torch
// itself (torch.load(weights_only=True) from Debian's python3-torch).

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "checkpoint/memory_checkpoint.h"
#include "checkpoint_variants.h"
#include "formats/format_registry.h"
#include "formats/pytorch/pickle_reader.h"
#include "formats/pytorch/state_dict_walk.h"
#include "formats/pytorch/stored_zip.h"
#include "formats/pytorch/torch_tensor_storage.h"
#include "formats/pytorch_format.h"
#include "formats/pytorch_writer.h"
#include "golden_listing.h"
#include "io/read_only_file.h"
#include "io/write_at.h"
#include "io/zip_archive.h"
#include "stats/sha256.h"
#include "test_support.h"

using namespace graft;
using namespace graft::pytorch;
using graft::test::TempDir;
using graft::test::tensorBytes;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* kPython = "/usr/bin/python3";

// A byte-string literal that may hold NULs.
#define BYTES(s) std::string(s, sizeof(s) - 1)

const CheckpointFormat& format() { return *FormatRegistry::builtin().find("pytorch"); }

// ---- hand-made pickles ------------------------------------------------------------------

std::string le(std::uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
  return s;
}
std::string str(std::string_view s) { return "X" + le(s.size(), 4) + std::string(s); }
std::string integer(std::uint64_t v) { return v < 0x80000000u ? "J" + le(v, 4) : "\x8a\x08" + le(v, 8); }
std::string global(const std::string& module, const std::string& name) { return "c" + module + "\n" + name + "\n"; }
std::string ints(const std::vector<std::uint64_t>& v) {
  std::string s = "(";
  for (auto x : v) s += integer(x);
  return s + "t";
}

struct View {
  std::string storageKey = "0";
  std::string storageClass = "FloatStorage";
  std::uint64_t numel = 6;
  std::uint64_t offset = 0;
  std::vector<std::uint64_t> sizes{2, 3}, strides{3, 1};
};

// Pushes _rebuild_tensor_v2(...) as torch.save pickles it.
std::string tensor(const View& v) {
  return global("torch._utils", "_rebuild_tensor_v2") + "((" + str("storage") + global("torch", v.storageClass) + str(v.storageKey) +
         str("cpu") + integer(v.numel) + "tQ" + integer(v.offset) + ints(v.sizes) + ints(v.strides) + "\x89" +
         global("collections", "OrderedDict") + ")R" + "tR";
}

// {key: value, ...} in protocol 2; values are pickle fragments that push one object.
std::string dictPickle(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string s = "\x80\x02}(";
  for (const auto& [k, v] : items) s += str(k) + v;
  return s + "u.";
}

// ---- hand-made archives -----------------------------------------------------------------

// A zip of stored members, laid out like torch's writer (64-byte aligned, correct CRCs).
void writeZip(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& members, bool zip64 = false) {
  std::vector<StoredZipEntry> entries;
  for (const auto& [name, bytes] : members) entries.push_back({name, bytes.size()});
  const std::uint64_t directory = layOutStoredZip(entries, zip64);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  for (std::size_t i = 0; i < members.size(); ++i) {
    writeAt(path, fd, members[i].second, entries[i].dataOffset);
    entries[i].crc32 = crc32Update(0, members[i].second.data(), members[i].second.size());
  }
  writeStoredZipDirectory(path, fd, entries, directory, zip64);
  ::close(fd);
}

std::string iotaFloats(int n) {
  std::string s(static_cast<std::size_t>(n) * 4, '\0');
  for (int i = 0; i < n; ++i) {
    const float f = static_cast<float>(i);
    std::memcpy(s.data() + 4 * i, &f, 4);
  }
  return s;
}

// archive/data.pkl + archive/data/<key> storages + version (+ extra members).
void writeTorchZip(const fs::path& path, const std::string& pickle, const std::vector<std::pair<std::string, std::string>>& storages,
                   std::vector<std::pair<std::string, std::string>> extra = {{"archive/version", "3\n"}}) {
  std::vector<std::pair<std::string, std::string>> members{{"archive/data.pkl", pickle}};
  for (const auto& [key, bytes] : storages) members.emplace_back("archive/data/" + key, bytes);
  for (auto& m : extra) members.push_back(std::move(m));
  writeZip(path, members);
}

std::string openError(const fs::path& path) {
  try {
    format().open(path);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "opened without error: " << path;
  return {};
}

std::string pickleError(std::string_view bytes, const PickleLimits& limits = {}) {
  try {
    walkStateDict(unpickle(bytes, limits));
  } catch (const PickleError& e) {
    return e.what();
  }
  ADD_FAILURE() << "unpickled without error";
  return {};
}

std::string sha256Of(const std::vector<std::byte>& bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hexDigest();
}

// ---- torch itself -----------------------------------------------------------------------

bool torchAvailable() {
  static const bool ok = test::runCommand({kPython, "-c", "import torch"}).exitCode == 0;
  return ok;
}

#define TORCH_OR_SKIP()                                                                                           \
  if (!torchAvailable()) {                                                                                        \
    if (test::runningInCI()) FAIL() << "python3-torch is required under CI=true (/usr/bin/python3 -c 'import torch')"; \
    GTEST_SKIP() << "python3-torch not installed";                                                                \
  }

// torch.load(path, weights_only=True) flattened to {key: {dtype, shape, sha256}} like a golden.
// Also checks every zip CRC with Python's zipfile.
json torchListing(const fs::path& path) {
  static const char* script = R"(
import hashlib, json, sys, zipfile, torch
p = sys.argv[1]
assert zipfile.ZipFile(p).testzip() is None, 'bad CRC'
out = {}
def walk(prefix, v):
    if isinstance(v, torch.Tensor):
        t = v.detach().contiguous()
        a = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy()
        out[prefix] = {'dtype': str(t.dtype)[6:], 'shape': list(t.shape), 'sha256': hashlib.sha256(a.tobytes()).hexdigest()}
    elif isinstance(v, dict):
        for k, x in v.items(): walk(f'{prefix}.{k}' if prefix else str(k), x)
walk('', torch.load(p, weights_only=True, map_location='cpu'))
print(json.dumps(out))
)";
  const auto r = test::runCommand({kPython, "-c", script, path.string()});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  return r.exitCode == 0 ? json::parse(r.out) : json::object();
}

// Our listing in the same shape.
json ourListing(const Checkpoint& c) {
  json out = json::object();
  const json listing = test::checksumListing(c);
  for (const auto& v : listing["variables"]) out[v["key"].get<std::string>()] = {{"dtype", v["dtype"]}, {"shape", v["shape"]}, {"sha256", v["sha256"]}};
  return out;
}

}  // namespace

// ============================================================================================
// The unpickler on byte strings

TEST(PytorchPickle, ReadsTheDocumentedStateDict) {
  // checkpoint-formats.md §6.6, with the memo opcodes torch.save adds.
  const std::string pkl = "\x80\x02" + global("collections", "OrderedDict") + BYTES("q\x00)R(") + str("w") + tensor({}) + "u.";
  const PickleData d = unpickle(pkl);
  EXPECT_EQ(d.protocol(), 2);
  ASSERT_EQ(d.kind(d.root()), ValueKind::Dict);
  ASSERT_EQ(d.items(d.root()).size(), 2u);
  const TensorView& t = d.tensor(d.items(d.root())[1]);
  EXPECT_EQ(t.dtype, DType::Float32);
  EXPECT_EQ(t.sizes, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(t.strides, (std::vector<std::uint64_t>{3, 1}));
  EXPECT_TRUE(t.contiguous());
  ASSERT_EQ(d.storages().size(), 1u);
  EXPECT_EQ(d.storages()[0].byteSize, 24u);
  EXPECT_TRUE(d.stubbedGlobals().empty());
}

TEST(PytorchPickle, GlobalsAreNamedNeverCalled) {
  // pickle.dumps of os.system("touch ...") at protocol 0, and a class built by NEWOBJ + BUILD.
  const TempDir dir;
  const std::string marker = (dir / "marker").string();
  const PickleData d = unpickle("cos\nsystem\n(S'touch " + marker + "'\ntR.");
  ASSERT_EQ(d.kind(d.root()), ValueKind::Object);
  EXPECT_EQ(d.object(d.root()).typeName, "os.system");
  EXPECT_EQ(d.stubbedGlobals(), (std::set<std::string>{"os.system"}));
  EXPECT_FALSE(fs::exists(marker));

  const std::string newobj = "\x80\x04\x8c\x08__main__\x94\x8c\x04" "Evil\x94\x93\x94)\x81}" + str("x") + "K\x01sb.";
  const PickleData o = unpickle(newobj);
  ASSERT_EQ(o.kind(o.root()), ValueKind::Object);
  EXPECT_EQ(o.object(o.root()).typeName, "__main__.Evil");
  ASSERT_TRUE(o.object(o.root()).state);
  EXPECT_EQ(o.kind(*o.object(o.root()).state), ValueKind::Dict);
}

TEST(PytorchPickle, EveryTruncationIsAnError) {
  const std::string pkl = dictPickle({{"a", tensor({})}, {"b", tensor({.storageKey = "1", .numel = 4, .sizes = {4}, .strides = {1}})}});
  ASSERT_NO_THROW(unpickle(pkl));
  for (std::size_t n = 0; n < pkl.size(); ++n) EXPECT_THROW(unpickle(std::string_view(pkl).substr(0, n)), PickleError) << n;
}

TEST(PytorchPickle, HostileBoundsAreErrors) {
  EXPECT_NE(pickleError(std::string(10000, '(')).find("MARKs nest deeper than 4096"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02K\x01j\xff\xff\xff\xff.").find("memo index 4294967295 was never stored"), std::string::npos);
  EXPECT_NE(pickleError(BYTES("\x80\x02K\x01q\x00q\x01q\x02."), PickleLimits{.maxMemo = 2}).find("memo grows beyond 2"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02NNNNN.", PickleLimits{.maxStack = 4}).find("stack grows beyond 4"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02NNNNN.", PickleLimits{.maxValues = 3}).find("more than 3 objects"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02X\xff\xff\xff\x7f" "abc.").find("truncated pickle"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02\x8d\xff\xff\xff\xff\xff\xff\xff\xff.").find("truncated pickle"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02T\xff\xff\xff\xff.").find("negative BINSTRING length"), std::string::npos);
  EXPECT_NE(pickleError(BYTES("\x80\x02\x8b\x00\x00\x00\x7f.")).find("truncated pickle"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02\xff.").find("unknown pickle opcode 0xff"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x06N.").find("protocol 6"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02\x82\x01.").find("extension-registry"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02.").find("stack underflow"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02Na.").find("stack underflow"), std::string::npos);
  EXPECT_NE(pickleError("\x80\x02K\x01K\x02" "a.").find("APPEND on a int"), std::string::npos);
  EXPECT_NE(pickleError(BYTES("\x80\x02X\x02\x00\x00\x00\xc3\x28.")).find("not valid UTF-8"), std::string::npos);
  // Tensors that do not fit their storage, or whose sizes overflow.
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.numel = 5})}})).find("reaches past the end of storage '0'"), std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.offset = 1})}})).find("reaches past the end"), std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.numel = std::uint64_t{1} << 62})}})).find("size that overflows"), std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.sizes = {std::uint64_t{1} << 40, std::uint64_t{1} << 40}, .strides = {0, 0}})}}))
                .find("element count overflows"),
            std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.sizes = {5}, .strides = {std::uint64_t{1} << 62}})}})).find("strides overflow"), std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.sizes = std::vector<std::uint64_t>(65, 1), .strides = std::vector<std::uint64_t>(65, 1)})}}))
                .find("rank 65"),
            std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"w", tensor({.sizes = {2, 3}, .strides = {1}})}})).find("differ in rank"), std::string::npos);
  EXPECT_NE(pickleError(dictPickle({{"a", tensor({})}, {"b", tensor({.numel = 7, .sizes = {7}, .strides = {1}})}})).find("described twice"),
            std::string::npos);
  const std::string badPid = "\x80\x02(" + str("storage") + global("os", "system") + str("0") + str("cpu") + "K\x01tQ.";
  EXPECT_NE(pickleError(badPid).find("not a storage class"), std::string::npos);
}

TEST(PytorchPickle, DeepNestingIsAnErrorNotACrash) {
  // ((((...),),),): one TUPLE1 per level, a million levels; building needs no recursion,
  // walking stops at its depth cap, destroying the arena recurses nowhere.
  const std::string deep = "\x80\x02)" + std::string(1'000'000, '\x85') + ".";
  const PickleData d = unpickle(deep);
  EXPECT_EQ(d.size(), 1'000'001u);
  EXPECT_THROW(walkStateDict(d), PickleError);
  // Lists nested through the memo: [[[...]]] built by appending each new list to the previous.
  std::string lists = BYTES("\x80\x02]q\x00");
  for (int i = 1; i < 5000; ++i) lists += "]r" + le(static_cast<std::uint64_t>(i), 4) + "j" + le(static_cast<std::uint64_t>(i - 1), 4) + "j" + le(static_cast<std::uint64_t>(i), 4) + "a00";
  lists += ".";
  EXPECT_NE(pickleError(lists).find("nests deeper than 1000 levels"), std::string::npos);
}

TEST(PytorchPickle, CyclesAndSharedTensorsTerminate) {
  // A list that contains itself, a dict that contains itself, and one tensor under two keys
  // (tied weights: the second key's value is a memo fetch of the first).
  const std::string pkl = BYTES("\x80\x02}q\x00(") + str("loop") + "]q\x01h\x01" "a" + str("self") + BYTES("h\x00") + str("a") + tensor({}) +
                          "q\x02" + str("b") + "h\x02" + "u.";
  const PickleData d = unpickle(pkl);
  const auto walk = walkStateDict(d);
  ASSERT_EQ(walk.tensors.size(), 2u);
  EXPECT_EQ(walk.tensors[0].key, "a");
  EXPECT_EQ(walk.tensors[1].key, "b");
  EXPECT_EQ(walk.tensors[0].tensor, walk.tensors[1].tensor);
}

TEST(PytorchPickle, RandomDamageNeverCrashes) {
  const std::string pkl = dictPickle({{"model", global("collections", "OrderedDict") + ")R"},
                                      {"a", tensor({})},
                                      {"b", tensor({.storageKey = "1", .numel = 12, .offset = 2, .sizes = {2, 2}, .strides = {1, 3}})},
                                      {"epoch", "K\x07"}});
  std::mt19937 rng(1234);
  int parsed = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string damaged = pkl;
    for (int k = 0; k < 1 + round % 4; ++k) damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xFF);
    try {
      walkStateDict(unpickle(damaged));
      ++parsed;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(parsed, 0);  // some damage is harmless (a digit in a name)
}

TEST(PytorchPickle, TextOpcodesOfProtocolZero) {
  // {'i': 7, 'big': 2**70, 'f': 1.5, 'u': 'é', 's': b'\x01', 'l': [True, None]} with PUT/GET.
  const std::string pkl =
      "(dp0\nVi\nI7\nsVbig\nL1180591620717411303424L\nsVf\nF1.5\nsVu\nV\\u00e9\np1\nsVs\nS'\\x01'\nsVl\n(lp2\nI01\naNasVagain\ng1\ns.";
  const PickleData d = unpickle(pkl);
  const auto items = d.items(d.root());
  ASSERT_EQ(items.size(), 14u);
  EXPECT_EQ(d.integer(items[1]), 7);
  EXPECT_EQ(d.kind(items[3]), ValueKind::BigInt);
  EXPECT_EQ(d.real(items[5]), 1.5);
  EXPECT_EQ(d.text(items[7]), "\xc3\xa9");
  EXPECT_EQ(d.text(items[9]), "\x01");
  EXPECT_EQ(d.kind(items[11]), ValueKind::List);
  EXPECT_EQ(d.kind(d.items(items[11])[0]), ValueKind::Bool);
  EXPECT_EQ(items[13], items[7]);
}

TEST(PytorchPickle, ProtocolFourFramesSetsAndBytes) {
  // FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL of an allow-listed OrderedDict, sets, bytes.
  const std::string body = BYTES("\x8c\x0b" "collections\x94\x8c\x0bOrderedDict\x94\x93\x94)R\x94(\x8c\x01s\x8f(K\x01K\x02\x90\x8c\x01" "f(K\x03\x91"
                           "\x8c\x01" "b\x8e\x02\x00\x00\x00\x00\x00\x00\x00hiu.");
  const std::string pkl = "\x80\x04\x95" + le(body.size(), 8) + body;
  const PickleData d = unpickle(pkl);
  EXPECT_EQ(d.protocol(), 4);
  const auto items = d.items(d.root());
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(d.items(items[1]).size(), 2u);
  EXPECT_EQ(d.kind(items[3]), ValueKind::Set);
  EXPECT_EQ(d.text(items[5]), "hi");
  EXPECT_TRUE(d.stubbedGlobals().empty());
}

TEST(PytorchPickle, NestedKeysOptimizerRoleAndScalars) {
  const std::string opt = "}(" + str("state") + BYTES("}(K\x00}(") + str("exp_avg") + tensor({.storageKey = "1"}) + "uu" + str("param_groups") + "]}(" +
                          str("lr") + "G\x3f\x50\x62\x4d\xd2\xf1\xa9\xfcuau";
  const PickleData d = unpickle(dictPickle({{"model", "}(" + str("fc.weight") + tensor({}) + "u"}, {"optimizer", opt}, {"epoch", "K\x0c"}}));
  const auto walk = walkStateDict(d);
  ASSERT_EQ(walk.tensors.size(), 2u);
  EXPECT_EQ(walk.tensors[0].key, "model.fc.weight");
  EXPECT_EQ(walk.tensors[0].role, NodeRole::Weights);
  EXPECT_EQ(walk.tensors[1].key, "optimizer.state.0.exp_avg");
  EXPECT_EQ(walk.tensors[1].role, NodeRole::Optimizer);
  EXPECT_EQ(walk.scalars, (std::vector<std::pair<std::string, std::string>>{{"epoch", "12"}}));
}

TEST(PytorchPickle, AModuleIsWalkedLikeItsStateDict) {
  // copyreg._reconstructor(Net, object, None) + BUILD of its __dict__, as torch.save(model) pickles it.
  const std::string state = "}(" + str("_parameters") + "}(" + str("weight") + tensor({}) + str("bias") + "Nu" + str("_buffers") + "}(" +
                            str("kept") + tensor({.storageKey = "1", .numel = 1, .sizes = {}, .strides = {}}) + str("scratch") +
                            tensor({.storageKey = "2", .numel = 1, .sizes = {}, .strides = {}}) + "u" + str("_non_persistent_buffers_set") +
                            global("builtins", "set") + "(](" + str("scratch") + "et" + "R" + str("_modules") + "}u";
  const std::string pkl = "\x80\x02" + global("copyreg", "_reconstructor") + "(" + global("__main__", "Net") + global("builtins", "object") +
                          "NtR" + state + "b.";
  const PickleData d = unpickle(pkl);
  const auto walk = walkStateDict(d);
  ASSERT_EQ(walk.tensors.size(), 2u);
  EXPECT_EQ(walk.tensors[0].key, "weight");
  EXPECT_EQ(walk.tensors[1].key, "kept");
  EXPECT_EQ(d.object(d.root()).typeName, "__main__.Net");
}

// ============================================================================================
// Real files

TEST(PytorchGolden, EveryRealPytorchFileMatchesItsGolden) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(real / "pytorch")) files.push_back(fs::relative(e.path(), real));
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 4u);
  int matched = 0;
  for (const auto& rel : files) matched += test::matchesGolden(real, rel);
  EXPECT_EQ(matched, 4);
}

TEST(PytorchReader, MetadataTreeAndKernelSideExtents) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  const auto started = std::chrono::steady_clock::now();
  const auto sd = FormatRegistry::builtin().open(real / "pytorch/sd15_pytorch_lora_weights.bin");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ opened  ] sd15_pytorch_lora_weights.bin in " << ms << " ms\n";
  EXPECT_EQ(sd->formatId(), "pytorch");
  EXPECT_EQ(sd->framework(), "PyTorch");
  EXPECT_EQ(sd->metadata().get("archive prefix"), "pytorch_lora_weights");
  EXPECT_EQ(sd->metadata().get("format version"), "3");
  EXPECT_EQ(sd->metadata().get("storages"), "256");
  EXPECT_EQ(sd->metadata().get("pickle protocol"), "2");
  EXPECT_EQ(sd->metadata().get("byteorder"), "little (no byteorder record)");
  EXPECT_FALSE(sd->metadata().has("unsupported objects"));
  const Node* first = sd->variables().front();
  const auto extent = sd->openTensor(*first)->extent();
  ASSERT_TRUE(extent);
  EXPECT_EQ(extent->offset % 64, 0u);  // torch aligns storages; a contiguous tensor is its storage
  EXPECT_EQ(sd->root().child(0)->name(), "down_blocks");

  const auto rng = FormatRegistry::builtin().open(real / "pytorch/hf_trainer_rng_state.pth");
  EXPECT_EQ(rng->metadata().get("unsupported objects"),
            "numpy._core.multiarray._reconstruct, numpy.dtype, numpy.ndarray (stubbed, not executed)");
  EXPECT_EQ(rng->metadata().get("byteorder"), "little");
  EXPECT_NE(rng->metadata().get("non-tensor objects"), "");

  const auto keyed = FormatRegistry::builtin().open(real / "pytorch/candle_test_with_key.pt");
  ASSERT_EQ(keyed->root().childCount(), 1u);
  EXPECT_EQ(keyed->root().child(0)->name(), "model_state_dict");
  EXPECT_EQ(keyed->root().child(0)->kind(), NodeKind::Layer);
}

TEST(PytorchReader, HostilePickleOpensWithoutExecutingAnything) {
  const TempDir dir;
  const fs::path marker = dir / "marker";
  // {"evil": os.system("touch marker"), "w": tensor} — what `torch.load(weights_only=False)` would run.
  const std::string evil = global("os", "system") + "(" + str("touch " + marker.string()) + "tR";
  writeTorchZip(dir / "evil.pt", dictPickle({{"evil", evil}, {"w", tensor({})}}), {{"0", iotaFloats(6)}});
  const auto c = FormatRegistry::builtin().open(dir / "evil.pt");
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_EQ(c->metadata().get("unsupported objects"), "os.system (stubbed, not executed)");
  EXPECT_EQ(c->metadata().get("non-tensor objects"), "1 not shown");
  ASSERT_EQ(c->variables().size(), 1u);
  EXPECT_EQ(test::floats(tensorBytes(*c, "w")), (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

TEST(PytorchReader, StridedViewsOffsetsScalarsAndBigEndian) {
  const TempDir dir;
  const std::string pkl = dictPickle({
      {"t", tensor({.numel = 12, .sizes = {4, 3}, .strides = {1, 4}})},  // a transpose of a (3, 4) matrix
      {"row", tensor({.numel = 12, .offset = 4, .sizes = {4}, .strides = {1}})},
      {"scalar", tensor({.numel = 12, .offset = 5, .sizes = {}, .strides = {}})},
      {"step", tensor({.numel = 12, .offset = 1, .sizes = {3}, .strides = {4}})},
      {"empty", tensor({.numel = 12, .offset = 12, .sizes = {0, 3}, .strides = {3, 1}})},
  });
  auto bigEndian = iotaFloats(12);
  for (std::size_t i = 0; i < bigEndian.size(); i += 4) std::reverse(bigEndian.begin() + static_cast<std::ptrdiff_t>(i), bigEndian.begin() + static_cast<std::ptrdiff_t>(i + 4));
  writeTorchZip(dir / "little.pt", pkl, {{"0", iotaFloats(12)}});
  writeTorchZip(dir / "big.pt", pkl, {{"0", bigEndian}}, {{"archive/byteorder", "big"}, {"archive/version", "3\n"}});
  for (const char* name : {"little.pt", "big.pt"}) {
    SCOPED_TRACE(name);
    const auto c = FormatRegistry::builtin().open(dir / name);
    EXPECT_EQ(test::floats(tensorBytes(*c, "t")), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
    EXPECT_EQ(c->findByKey("t")->tensor()->shape, (Shape{4, 3}));
    EXPECT_EQ(test::floats(tensorBytes(*c, "row")), (std::vector<float>{4, 5, 6, 7}));
    EXPECT_EQ(test::floats(tensorBytes(*c, "scalar")), (std::vector<float>{5}));
    EXPECT_EQ(test::floats(tensorBytes(*c, "step")), (std::vector<float>{1, 5, 9}));
    EXPECT_TRUE(tensorBytes(*c, "empty").empty());
    // Reads that start and end inside elements.
    const auto all = tensorBytes(*c, "t");
    auto stream = c->openTensor(*c->findByKey("t"));
    std::vector<std::byte> part(13);
    stream->read(3, part);
    EXPECT_TRUE(std::equal(part.begin(), part.end(), all.begin() + 3));
    EXPECT_FALSE(stream->extent());
    EXPECT_EQ(c->openTensor(*c->findByKey("row"))->extent().has_value(), std::string(name) == "little.pt");
  }
}

TEST(PytorchReader, StridedViewsReadInRunsEqualTheWindowedRead) {
  // The same views read from a window of their storage and, with no window allowed, in runs
  // of consecutive storage positions; in whole and in chunks that split elements.
  const TempDir dir;
  test::writeFile(dir / "raw", iotaFloats(24));
  auto file = std::make_shared<const ReadOnlyFile>(dir / "raw");
  const std::vector<TensorView> views = {
      {0, DType::Float32, 0, {4, 6}, {1, 4}},        // a transpose
      {0, DType::Float32, 1, {2, 3, 2}, {12, 4, 1}},  // contiguous pairs
      {0, DType::Float32, 2, {5}, {0}},              // expand(): stride 0
  };
  std::vector<StoredTensor> stored;
  for (const auto& v : views) stored.push_back({v, 0, false, std::nullopt});
  for (const std::uint64_t window : {std::uint64_t{0}, TorchTensorStorage::kDefaultWindowLimit}) {
    const TorchTensorStorage storage(file, stored, window);
    for (std::size_t i = 0; i < views.size(); ++i) {
      SCOPED_TRACE(std::to_string(window) + " " + std::to_string(i));
      // Expected: element (i0, i1, ...) is storage[offset + sum(ik * stride_k)] = that number.
      std::vector<float> expected;
      const TensorView& v = views[i];
      std::vector<std::uint64_t> index(v.sizes.size(), 0);
      for (std::uint64_t n = 0; n < v.elementCount(); ++n) {
        std::uint64_t pos = v.offset;
        for (std::size_t k = 0; k < index.size(); ++k) pos += index[k] * v.strides[k];
        expected.push_back(static_cast<float>(pos));
        for (std::size_t k = index.size(); k-- > 0;)
          if (++index[k] < v.sizes[k]) break;
          else index[k] = 0;
      }
      TensorInfo info;
      info.key = "t" + std::to_string(i);
      info.storageSlot = i;
      auto stream = storage.open(info);
      ASSERT_EQ(stream->size(), expected.size() * 4);
      std::vector<std::byte> whole(stream->size()), chunked(stream->size());
      stream->read(0, whole);
      for (std::size_t at = 0; at < chunked.size(); at += 7)
        stream->read(at, std::span(chunked).subspan(at, std::min<std::size_t>(7, chunked.size() - at)));
      EXPECT_EQ(test::floats(whole), expected);
      EXPECT_EQ(chunked, whole);
      EXPECT_THROW(stream->read(1, std::span(whole)), Error);
    }
  }
}

TEST(PytorchReader, DamagedArchivesNameTheFileAndTheProblem) {
  const TempDir dir;
  const std::string good = dictPickle({{"w", tensor({})}});
  const std::vector<std::pair<std::string, std::string>> storage{{"0", iotaFloats(6)}};
  auto expectError = [&](const std::string& name, const std::string& what) {
    const std::string e = openError(dir / name);
    EXPECT_EQ(e.rfind((dir / name).string() + ": ", 0), 0u) << e;
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  writeZip(dir / "dotdot.pt", {{"archive/data.pkl", good}, {"archive/../../evil", "x"}, {"archive/version", "3\n"}});
  expectError("dotdot.pt", "unsafe name");
  writeZip(dir / "outside.pt", {{"archive/data.pkl", good}, {"other/data/0", iotaFloats(6)}, {"archive/version", "3\n"}});
  expectError("outside.pt", "lies outside the archive folder 'archive/'");
  writeZip(dir / "noversion.pt", {{"archive/data.pkl", good}, {"archive/data/0", iotaFloats(6)}});
  expectError("noversion.pt", "without a version record");
  writeTorchZip(dir / "version.pt", good, storage, {{"archive/version", "999\n"}});
  expectError("version.pt", "format version '999'");
  writeTorchZip(dir / "byteorder.pt", good, storage, {{"archive/version", "3\n"}, {"archive/byteorder", "middle"}});
  expectError("byteorder.pt", "byteorder record says 'middle'");
  writeTorchZip(dir / "nostorage.pt", good, {});
  expectError("nostorage.pt", "uses storage 'archive/data/0', which the archive lacks");
  writeTorchZip(dir / "short.pt", good, {{"0", iotaFloats(5)}});
  expectError("short.pt", "holds 20 bytes but the pickle describes 24");
  writeTorchZip(dir / "beyond.pt", dictPickle({{"w", tensor({.offset = 2})}}), storage);
  expectError("beyond.pt", "archive/data.pkl: byte");
  expectError("beyond.pt", "reaches past the end of storage '0'");
  writeTorchZip(dir / "truncated.pt", good.substr(0, good.size() - 5), storage);
  expectError("truncated.pt", "truncated pickle");
  writeTorchZip(dir / "script.pt", good, storage, {{"archive/version", "3\n"}, {"archive/constants.pkl", "\x80\x02)."}});
  expectError("script.pt", "TorchScript");
  writeZip(dir / "nopickle.pt", {{"archive/version", "3\n"}});
  expectError("nopickle.pt", "without 'archive/data.pkl'");
  test::writeFile(dir / "legacy.pt", std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) + std::string(100, '\0'));
  EXPECT_EQ(test::openError(dir / "legacy.pt"),
            (dir / "legacy.pt").string() + ": legacy (pre-1.6) PyTorch format is not supported; re-save it with torch.save in PyTorch >= 1.6");
  // A central directory claiming a member size that reaches past the end of the file.
  writeTorchZip(dir / "size.pt", good, storage);
  std::string bytes = test::readFile(dir / "size.pt");
  const std::size_t entry = bytes.find("PK\x01\x02", bytes.find("PK\x01\x02") + 1);
  ASSERT_NE(entry, std::string::npos);  // the second directory entry: archive/data/0
  bytes.replace(entry + 20, 8, std::string("\xf0\xff\xff\x7f\xf0\xff\xff\x7f", 8));
  test::writeFile(dir / "size.pt", bytes);
  const std::string e = openError(dir / "size.pt");
  EXPECT_EQ(e.rfind((dir / "size.pt").string() + ": ", 0), 0u) << e;
  EXPECT_NE(e.find("zip archive"), std::string::npos) << e;
}

TEST(PytorchSniff, RecognisedByContentNotByName) {
  const TempDir dir;
  writeTorchZip(dir / "weights.data", dictPickle({{"w", tensor({})}}), {{"0", iotaFloats(6)}});
  EXPECT_EQ(FormatRegistry::builtin().detect(dir / "weights.data").id(), "pytorch");
  // data.pkl not first: found through the zip's directory.
  writeZip(dir / "reordered.zip", {{"archive/version", "3\n"}, {"archive/data/0", iotaFloats(6)}, {"archive/data.pkl", dictPickle({{"w", tensor({})}})}});
  EXPECT_EQ(FormatRegistry::builtin().detect(dir / "reordered.zip").id(), "pytorch");
  EXPECT_EQ(FormatRegistry::builtin().open(dir / "reordered.zip")->variables().size(), 1u);
  writeZip(dir / "other.pt", {{"a/b.txt", "hello"}});
  EXPECT_THROW(FormatRegistry::builtin().detect(dir / "other.pt"), Error);
}

// ============================================================================================
// The writer, checked by torch

namespace {

std::vector<std::byte> patternBytes(std::size_t n, unsigned seed) {
  std::vector<std::byte> b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>((i * 131 + seed * 17 + (i >> 3)) & 0xFF);
  return b;
}

std::vector<std::byte> boolBytes(std::size_t n) {
  std::vector<std::byte> b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(i % 3 == 0);
  return b;
}

// Every dtype a legacy storage class holds, a scalar, an empty tensor, dots and non-ASCII names.
std::unique_ptr<Checkpoint> everyDtype() {
  MemoryCheckpointBuilder b;
  b.layer("dense").variable("kernel", {2, 3}, {0.5f, -1, 2, 3.25f, 4, 5}).variable("bias", DType::Float64, {3}, patternBytes(24, 1));
  b.layer("half").variable("f16", DType::Float16, {4, 1}, patternBytes(8, 2)).variable("bf16", DType::BFloat16, {5}, patternBytes(10, 3));
  b.layer("ints")
      .variable("i8", DType::Int8, {3}, patternBytes(3, 4))
      .variable("u8", DType::UInt8, {2, 2}, patternBytes(4, 5))
      .variable("i16", DType::Int16, {3}, patternBytes(6, 6))
      .variable("i32", DType::Int32, {2}, patternBytes(8, 7))
      .variable("i64", DType::Int64, {1, 1, 1, 2}, patternBytes(16, 8))
      .variable("flag", DType::Bool, {7}, boolBytes(7));
  b.layer("other")
      .variable("c64", DType::Complex64, {2}, patternBytes(16, 9))
      .variable("c128", DType::Complex128, {1}, patternBytes(16, 10))
      .variable("scalar", {}, {42.0f})
      .variable("empty", DType::Float32, {0, 4}, {});
  b.layer("naïve").variable("wéight", {1}, {7.0f});
  return b.build("every-dtype");
}

}  // namespace

TEST(PytorchWriter, EveryDtypeRoundTripsThroughTorchAndGraft) {
  TORCH_OR_SKIP();
  const TempDir dir;
  const auto source = everyDtype();
  const fs::path out = dir / "every.pt";
  test::convertIdentity(*source, out, &format());
  const auto back = format().open(out);
  EXPECT_EQ(back->metadata().get("archive prefix"), "archive");
  EXPECT_EQ(back->metadata().get("byteorder"), "little");
  const json ours = ourListing(*back);
  ASSERT_EQ(ours.size(), source->variables().size());
  for (const Node* v : source->variables()) {
    const std::string key = *format().keyForForeignPath(v->path());
    ASSERT_TRUE(ours.contains(key)) << key;
    EXPECT_EQ(ours[key]["sha256"], sha256Of(tensorBytes(*source, v->tensor()->key))) << key;
  }
  EXPECT_EQ(torchListing(out), ours);
  const ZipArchive zip(out);
  for (const auto& m : zip.members()) {
    EXPECT_TRUE(m.stored) << m.name;
    EXPECT_EQ(m.dataOffset % 64, 0u) << m.name;
  }
  EXPECT_EQ(zip.read(*zip.find("archive/version"), 8), "3\n");
}

TEST(PytorchWriter, Zip64LayoutLoadsInTorchAndGraft) {
  TORCH_OR_SKIP();
  const TempDir dir;
  const fs::path out = dir / "z64.pt";
  OutputLayout layout;
  layout.tensors.push_back({"a.weight", DType::Float32, Shape{2, 2}, 16});
  layout.tensors.push_back({"b", DType::Int64, Shape{3}, 24});
  PytorchWriter writer(/*forceZip64=*/true);
  writer.create(out, layout);
  const auto a = patternBytes(16, 11), b = patternBytes(24, 12);
  writer.tensor(0)->write(std::span(a).first(5));
  writer.tensor(0)->write(std::span(a).subspan(5));
  writer.tensor(1)->write(b);
  writer.finish();
  const auto back = format().open(out);
  EXPECT_EQ(tensorBytes(*back, "a.weight"), a);
  EXPECT_EQ(tensorBytes(*back, "b"), b);
  const json t = torchListing(out);
  EXPECT_EQ(t, ourListing(*back));
  EXPECT_EQ(t["a.weight"]["sha256"], sha256Of(a));
}

TEST(PytorchWriter, RefusesWhatNoStorageClassHolds) {
  const TempDir dir;
  MemoryCheckpointBuilder b;
  b.layer("l").variable("u16", DType::UInt16, {2}, patternBytes(4, 1));
  const auto c = b.build("u16");
  try {
    test::convertIdentity(*c, dir / "u16.pt", &format());
    ADD_FAILURE() << "wrote uint16";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is uint16, which Graft cannot write to a PyTorch checkpoint"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "u16.pt"));
}

TEST(PytorchWriter, Keras2FileConvertsToAStateDictTorchLoads) {
  TORCH_OR_SKIP();
  GRAFT_REAL_DATA_OR_SKIP(real);
  const TempDir dir;
  const auto keras = FormatRegistry::builtin().open(real / "keras2-model-h5/tf-fashion_my_model.h5");
  test::convertIdentity(*keras, dir / "fashion.pt", &format());
  const json t = torchListing(dir / "fashion.pt");
  EXPECT_EQ(t.size(), 44u);
  EXPECT_EQ(t, ourListing(*format().open(dir / "fashion.pt")));
  // Same bytes as the Keras tensors, under PyTorch-style names.
  for (const Node* v : keras->variables()) {
    const std::string key = *format().keyForForeignPath(v->path());
    ASSERT_TRUE(t.contains(key)) << key;
    EXPECT_EQ(t[key]["sha256"], sha256Of(tensorBytes(*keras, v->tensor()->key))) << key;
  }
}

TEST(PytorchWriter, CliConvertOfEveryRealFileLoadsInTorchWithEqualValues) {
  TORCH_OR_SKIP();
  GRAFT_REAL_DATA_OR_SKIP(real);
  const TempDir dir;
  for (const auto& e : fs::directory_iterator(real / "pytorch")) {
    SCOPED_TRACE(e.path().filename().string());
    const fs::path out = dir / (e.path().stem().string() + ".out.pt");
    const auto r = test::runCommand({GRAFT_CLI_PATH, "convert", "-q", e.path().string(), out.string(), "--format", "pytorch"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // torch's view of the output equals the golden (keys '.'-joined, bytes row-major).
    std::ifstream g(real / "golden/pytorch" / (e.path().filename().string() + ".json"));
    json golden = json::object();
    const json goldenFile = json::parse(g);
    for (const auto& v : goldenFile["variables"]) golden[v["key"].get<std::string>()] = {{"dtype", v["dtype"]}, {"shape", v["shape"]}, {"sha256", v["sha256"]}};
    EXPECT_EQ(torchListing(out), golden);
    // The untransformed tensors went kernel-side: the CRCs read back from the output are right
    // (zipfile checked them above) and the reader sees the same bytes.
    EXPECT_EQ(ourListing(*format().open(out)), golden);
  }
}

TEST(PytorchReader, AWholePickledModuleListsItsStateDict) {
  TORCH_OR_SKIP();
  const TempDir dir;
  const fs::path model = dir / "model.pt";
  const auto r = test::runCommand({kPython, "-c",
                                   "import sys, torch\n"
                                   "torch.manual_seed(0)\n"
                                   "m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))\n"
                                   "torch.save(m, sys.argv[1])\n"
                                   "torch.save(m.state_dict(), sys.argv[1] + '.sd')\n",
                                   model.string()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto c = format().open(model);
  std::vector<std::string> keys;
  for (const Node* v : c->variables()) keys.push_back(v->tensor()->key);
  EXPECT_EQ(keys, (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                            "1.num_batches_tracked"}));
  EXPECT_EQ(ourListing(*c), torchListing(model.string() + ".sd"));
  EXPECT_NE(c->metadata().get("unsupported objects").find("torch.nn.modules.linear.Linear"), std::string::npos);
}
