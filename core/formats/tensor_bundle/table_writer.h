#pragma once
// Writes a TensorBundle `.index` table the way TensorFlow's own writer lays it out
// (checkpoint-formats.md §2.2, §2.13): uncompressed blocks, a restart every 16 entries in
// data blocks and every entry in the index block, data blocks closed at 256 KiB estimated
// size, an empty metaindex block, index keys shortened like TF's FindShortestSeparator /
// FindShortSuccessor, and the 48-byte footer. For a table TF wrote uncompressed, the same
// entries give the same bytes.

#include <string>
#include <vector>

#include "formats/tensor_bundle/table_reader.h"

namespace graft::tfbundle {

// `entries` must be strictly increasing by key (bytewise); throws std::invalid_argument if not.
std::string buildTable(const std::vector<TableEntry>& entries);

}  // namespace graft::tfbundle
