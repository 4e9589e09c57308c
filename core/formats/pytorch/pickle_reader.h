#pragma once
// A restricted pickle machine (checkpoint-formats.md §6.5): it runs the opcodes a state dict
// can contain (protocols 0-5) over a byte string and never imports or calls anything. GLOBAL
// gives an inert name; REDUCE of an allow-listed torch or Python global is interpreted
// (torch_calls.h); REDUCE, NEWOBJ and BUILD of anything else give inert placeholders.
// Memo, stack, marks and object count are bounded, every length is checked against the
// remaining input, and nothing recurses, so hostile input ends in a PickleError.

#include <string_view>

#include "formats/pytorch/pickle_value.h"

namespace graft::pytorch {

// Runs the pickle up to STOP. Throws PickleError ("byte N: what") for malformed input.
PickleData unpickle(std::string_view bytes, const PickleLimits& limits = {});

}  // namespace graft::pytorch
