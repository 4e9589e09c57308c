// libFuzzer target: the restricted pickle machine over arbitrary bytes. Any outcome but a
// PickleError (or graft::Error) is a finding; so is a crash, a leak or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/pytorch/pickle_reader.h"
#include "io/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    graft::pytorch::unpickle(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const graft::Error&) {
  }
  return 0;
}
