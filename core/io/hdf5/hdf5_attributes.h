#pragma once
// Reading the string attributes Keras writes, in every encoding seen in real files
// (checkpoint-formats.md §1.5, §3.3): variable-length or fixed-length, ASCII or UTF-8,
// scalar or 1-D, and the empty float64 array that stands for an empty list.

#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_library.h"

namespace graft::hdf5 {

// Throws Error when the file cannot be read to tell (throwIfAReadFailed).
bool hasAttribute(hid_t obj, const std::string& name);

// How a string attribute is stored, so a rewrite can store it the same way.
enum class StringEncoding { Fixed, VariableAscii, VariableUtf8 };
std::string_view stringEncodingName(StringEncoding e);  // "fixed", "vlen-ascii", "vlen-utf8"
std::optional<StringEncoding> stringEncodingFromName(std::string_view name);
// nullopt when absent or not a string attribute.
std::optional<StringEncoding> stringEncoding(hid_t obj, const std::string& name);

// nullopt when the attribute is absent. Throws graft::Error (message without file name; the
// caller adds it) when it exists but holds something other than strings or an empty array.
std::optional<std::vector<std::string>> readStringListAttribute(hid_t obj, const std::string& name);

// A scalar string attribute (a 1-element list is accepted too); nullopt when absent.
std::optional<std::string> readStringAttribute(hid_t obj, const std::string& name);

// Keras' chunked list (§3.4): `name` if present, else name0, name1, ... concatenated;
// nullopt when neither exists.
std::optional<std::vector<std::string>> readChunkedStringList(hid_t obj, const std::string& name);

}  // namespace graft::hdf5
