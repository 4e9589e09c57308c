#pragma once
// The records of a torch.save zip (checkpoint-formats.md §6.1): everything lives under one
// top folder (the prefix, "archive" or the saved file's stem); data.pkl is the pickle,
// data/<key> the storages, version and byteorder small text records.

#include <string>
#include <unordered_map>

#include "io/zip_archive.h"

namespace graft::pytorch {

struct TorchArchive {
  std::string prefix;
  const ZipMember* pickle = nullptr;  // <prefix>/data.pkl
  std::string version;                // "3"
  bool hasByteorder = false;
  bool bigEndian = false;
  std::unordered_map<std::string, const ZipMember*> storages;  // key -> <prefix>/data/<key>
};

// Finds the records; throws graft::Error naming the file for unsafe member names, members
// outside the prefix, a TorchScript archive, or missing/invalid data.pkl, version, byteorder.
TorchArchive locateTorchArchive(const ZipArchive& zip);

// True for "<prefix>/data.pkl", the member that marks a torch.save zip (sniffing looks at the
// first local header's name, where torch puts it).
bool isPickleMemberName(std::string_view name);

}  // namespace graft::pytorch
