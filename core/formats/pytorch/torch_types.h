#pragma once
// PyTorch's names for element types (checkpoint-formats.md §6.3): the legacy storage classes
// a state dict pickles (torch.FloatStorage -> float32) and the dtype globals of the
// _rebuild_tensor_v3 path (torch.float8_e4m3fn).

#include <optional>
#include <string_view>

#include "types/dtype.h"

namespace graft::pytorch {

// "torch.FloatStorage" (or "torch.cuda.FloatStorage") -> float32; nullopt for anything else,
// including real storage classes Graft has no type for (QUInt4x2Storage).
std::optional<DType> storageClassDtype(std::string_view global);
// Any storage class torch pickles, with or without a Graft type.
bool isStorageClass(std::string_view global);
// torch.UntypedStorage: numel counts bytes and the tensor names its dtype (v3 path).
bool isUntypedStorageClass(std::string_view global);
// The class name (without "torch.") a writer pickles for `t`; nullopt when there is none.
std::optional<std::string_view> storageClassName(DType t);

// "torch.float32", "torch.half", ... -> the dtype; nullopt for anything else.
std::optional<DType> torchDtype(std::string_view global);

}  // namespace graft::pytorch
