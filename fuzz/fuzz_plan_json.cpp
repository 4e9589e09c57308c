// libFuzzer target: a merge plan file (docs/plan-format.md) from bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/error.h"
#include "merge/plan_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    graft::planFromJson(std::string(reinterpret_cast<const char*>(data), size), "fuzz.plan.json");
  } catch (const graft::Error&) {
  }
  return 0;
}
