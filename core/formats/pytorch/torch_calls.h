#pragma once
// The calls a state-dict pickle makes that Graft interprets instead of executing
// (checkpoint-formats.md §6.2, §6.5): the torch._utils tensor rebuilders, OrderedDict,
// sets, bytes through _codecs.encode, torch.Size. Every other global stays an inert name and
// a call of it an inert ObjectInfo placeholder.

#include <string>
#include <string_view>

#include "formats/pytorch/pickle_value.h"

namespace graft::pytorch {

// True for the globals interpretCall understands, the storage classes and the dtypes; the
// rest are reported as stubbed.
bool isInterpretedGlobal(std::string_view global);

// What REDUCE of `global` with the tuple `args` makes. Throws PickleError for a tensor whose
// description is malformed or lies outside its storage.
Ref interpretCall(PickleData& data, const std::string& global, Ref args);

}  // namespace graft::pytorch
