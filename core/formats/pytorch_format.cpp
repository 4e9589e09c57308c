#include "formats/pytorch_format.h"

#include <array>

#include "checkpoint/tree_builder.h"
#include "formats/dotted_tree.h"
#include "formats/pytorch/pickle_reader.h"
#include "formats/pytorch/state_dict_walk.h"
#include "formats/pytorch/torch_archive.h"
#include "formats/pytorch/torch_tensor_storage.h"
#include "formats/pytorch_writer.h"
#include "io/error.h"
#include "io/read_only_file.h"
#include "io/zip_archive.h"

namespace graft {
namespace {

namespace fs = std::filesystem;
using namespace pytorch;

// The pickled magic number 0x1950A86A20F9469CFC6C that starts a pre-1.6 torch.save file.
constexpr std::array<std::uint8_t, 14> kLegacyMagic = {0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C,
                                                       0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19};
constexpr const char* kLegacyError =
    "legacy (pre-1.6) PyTorch format is not supported; re-save it with torch.save in PyTorch >= 1.6";

bool startsWithLegacyMagic(std::span<const std::byte> head) {
  if (head.size() < kLegacyMagic.size()) return false;
  for (std::size_t i = 0; i < kLegacyMagic.size(); ++i)
    if (head[i] != std::byte{kLegacyMagic[i]}) return false;
  return true;
}

// Storages as the tensor storage reads them, checked against their members.
std::vector<StoredTensor> storedTensors(const fs::path& path, const TorchArchive& archive, const PickleData& data,
                                        const std::vector<FoundTensor>& found) {
  std::vector<StoredTensor> out;
  out.reserve(found.size());
  for (const FoundTensor& f : found) {
    const TensorView& view = data.tensor(f.tensor);
    const StorageInfo& storage = data.storages()[view.storage];
    const auto it = archive.storages.find(storage.key);
    const std::string member = archive.prefix + "/data/" + storage.key;
    if (it == archive.storages.end()) throw fileError(path, "tensor '" + f.key + "' uses storage '" + member + "', which the archive lacks");
    const ZipMember& m = *it->second;
    if (!m.stored) throw fileError(path, "storage '" + member + "' is compressed; PyTorch stores storages uncompressed and Graft reads only those");
    if (m.size != storage.byteSize)
      throw fileError(path, "storage '" + member + "' holds " + std::to_string(m.size) + " bytes but the pickle describes " +
                                std::to_string(storage.byteSize) + " (" + storage.typeName + ")");
    const bool wholeMember = view.offset == 0 && view.contiguous() && view.elementCount() * dtypeSize(view.dtype) == m.size;
    out.push_back(StoredTensor{view, m.dataOffset, archive.bigEndian, wholeMember ? std::optional(m.crc32) : std::nullopt});
  }
  return out;
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

SniffResult PytorchFormat::sniff(const FileProbe& probe) const {
  if (startsWithLegacyMagic(probe.head())) return {60, {}};  // open() explains that it is not supported
  if (isPickleMemberName(probe.firstZipMember())) return {80, {}};
  const std::string ext = probe.path().extension().string();
  const bool named = ext == ".pt" || ext == ".pth" || ext == ".ckpt";
  if (probe.looksLikeZip()) {
    // A zip whose first member is something else: look for <prefix>/data.pkl in its directory.
    try {
      const ZipArchive zip(probe.path());
      for (const auto& m : zip.members())
        if (isPickleMemberName(m.name)) return {70, {}};
    } catch (const Error&) {
    }
    return {0, named ? "a zip archive without a '<folder>/data.pkl' member, so not a torch.save checkpoint" : ""};
  }
  return {0, named ? "not a zip archive, as torch.save (PyTorch >= 1.6) writes" : ""};
}

std::unique_ptr<CheckpointWriter> PytorchFormat::createWriter() const { return std::make_unique<PytorchWriter>(); }

// PyTorch-style names for variables from other formats: "dense/kernel:0" -> "dense.kernel".
std::optional<std::string> PytorchFormat::keyForForeignPath(const std::string& path) const { return dottedForeignKey(path); }

std::unique_ptr<Checkpoint> PytorchFormat::open(const fs::path& path) const {
  auto file = std::make_shared<const ReadOnlyFile>(path);
  std::array<std::byte, kLegacyMagic.size()> head{};
  if (file->readAt(0, head) == head.size() && startsWithLegacyMagic(head)) throw fileError(path, kLegacyError);

  const ZipArchive zip(path);
  const TorchArchive archive = locateTorchArchive(zip);
  const std::string pickleName = archive.prefix + "/data.pkl";
  const std::string pickle = zip.read(*archive.pickle, kMaxPickleBytes);
  PickleData data;
  StateDictWalk walk;
  try {
    data = unpickle(pickle);
    walk = walkStateDict(data);
  } catch (const PickleError& e) {
    throw fileError(path, pickleName + ": " + e.what());
  }

  auto stored = storedTensors(path, archive, data, walk.tensors);
  std::vector<TensorInfo> infos;
  std::vector<NodeRole> roles;
  infos.reserve(walk.tensors.size());
  for (std::size_t i = 0; i < walk.tensors.size(); ++i) {
    const TensorView& t = stored[i].view;
    TensorInfo info;
    info.key = walk.tensors[i].key;
    info.dtype = t.dtype;
    info.shape = Shape(std::vector<std::int64_t>(t.sizes.begin(), t.sizes.end()));  // each below 2^63: the pickle gave int64s
    info.elementCount = t.elementCount();
    info.byteSize = info.elementCount * dtypeSize(t.dtype);
    info.storageSlot = i;
    infos.push_back(std::move(info));
    roles.push_back(walk.tensors[i].role);
  }
  const std::size_t count = infos.size();
  auto storage = std::make_shared<TorchTensorStorage>(file, std::move(stored));
  auto c = std::make_unique<Checkpoint>("pytorch", path, buildDottedTree(path, std::move(infos), roles), storage);
  c->setFramework("PyTorch");
  auto& meta = c->metadata();
  meta.set("tensors", std::to_string(count));
  meta.set("storages", std::to_string(data.storages().size()));
  meta.set("archive prefix", archive.prefix);
  meta.set("format version", archive.version);
  meta.set("byteorder", archive.hasByteorder ? (archive.bigEndian ? "big" : "little") : "little (no byteorder record)");
  meta.set("pickle protocol", std::to_string(data.protocol()));
  if (!data.stubbedGlobals().empty()) meta.set("unsupported objects", joined(data.stubbedGlobals()) + " (stubbed, not executed)");
  if (walk.placeholders) meta.set("non-tensor objects", std::to_string(walk.placeholders) + " not shown");
  for (const auto& [key, value] : walk.scalars)
    if (!meta.has(key)) meta.set(key, value);
  return c;
}

}  // namespace graft
