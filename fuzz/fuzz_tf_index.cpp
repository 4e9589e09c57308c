// libFuzzer target: a TensorBundle `.index` table (blocks, handles, CRCs, snappy) from bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/tensor_bundle/table_reader.h"
#include "io/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    graft::tfbundle::parseTable(std::string(reinterpret_cast<const char*>(data), size), "fuzz.index");
  } catch (const graft::Error&) {
  }
  return 0;
}
