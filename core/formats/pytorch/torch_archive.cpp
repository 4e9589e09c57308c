#include "formats/pytorch/torch_archive.h"

#include <cctype>
#include <charconv>

#include "io/error.h"

namespace graft::pytorch {
namespace {

constexpr std::uint64_t kMaxRecordBytes = 64;  // "3\n", "little"
constexpr int kMaxFormatVersion = 100;        // torch accepts up to its kMaxSupportedFileFormatVersion (~10)

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

bool isPickleMemberName(std::string_view name) {
  const std::size_t slash = name.find('/');
  return slash != std::string_view::npos && slash > 0 && name.substr(slash) == "/data.pkl";
}

TorchArchive locateTorchArchive(const ZipArchive& zip) {
  const auto& path = zip.path();
  const auto& members = zip.members();
  if (members.empty()) throw fileError(path, "an empty zip archive, not a PyTorch checkpoint");
  TorchArchive a;
  const std::string& first = members.front().name;
  a.prefix = first.substr(0, first.find('/'));
  if (a.prefix.empty() || a.prefix.size() == first.size())
    throw fileError(path, "zip member '" + first + "' is not inside a folder, as every member of a torch.save archive is");
  const std::string root = a.prefix + "/";
  for (const auto& m : members) {
    if (!isSafeMemberName(m.name)) throw fileError(path, "zip member '" + m.name + "' has an unsafe name (absolute or with '..')");
    if (m.name.compare(0, root.size(), root) != 0)
      throw fileError(path, "zip member '" + m.name + "' lies outside the archive folder '" + a.prefix + "/'");
    const std::string rel = m.name.substr(root.size());
    if (rel == "data.pkl") a.pickle = &m;
    else if (rel.rfind("data/", 0) == 0 && rel.size() > 5) a.storages.emplace(rel.substr(5), &m);
    else if (rel == "constants.pkl" || rel.rfind("code/", 0) == 0)
      throw fileError(path, "a TorchScript archive (torch.jit.save); Graft reads torch.save checkpoints, not TorchScript modules");
  }
  if (!a.pickle) throw fileError(path, "a zip archive without '" + root + "data.pkl', so not a PyTorch checkpoint");

  const ZipMember* version = zip.find(root + "version");
  if (!version) version = zip.find(root + ".data/version");
  if (!version) throw fileError(path, "PyTorch archive without a version record ('" + root + "version')");
  a.version = trimmed(zip.read(*version, kMaxRecordBytes));
  int v = 0;
  const auto [end, ec] = std::from_chars(a.version.data(), a.version.data() + a.version.size(), v);
  if (ec != std::errc() || end != a.version.data() + a.version.size() || v < 1 || v > kMaxFormatVersion)
    throw fileError(path, "PyTorch archive format version '" + a.version + "' is not one Graft reads (1 to " + std::to_string(kMaxFormatVersion) + ")");

  if (const ZipMember* order = zip.find(root + "byteorder")) {
    const std::string value = trimmed(zip.read(*order, kMaxRecordBytes));
    if (value != "little" && value != "big") throw fileError(path, "byteorder record says '" + value + "', not 'little' or 'big'");
    a.hasByteorder = true;
    a.bigEndian = value == "big";
  }
  return a;
}

}  // namespace graft::pytorch
