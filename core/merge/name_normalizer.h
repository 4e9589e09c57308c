#pragma once
// Framework decorations stripped from variable names so that the same weight matches across
// files and frameworks: "dense_1/dense_1/kernel:0", "model/dense_1/kernel/.ATTRIBUTES/
// VARIABLE_VALUE" and "module.dense_1.kernel" all become "dense_1/kernel".

#include <string>
#include <string_view>

namespace graft {

// Strips ":0" suffixes, "/.ATTRIBUTES/VARIABLE_VALUE", a leading "module." / "module/",
// repeated components ("dense_1/dense_1" -> "dense_1"); '.' separators become '/'.
std::string normalizeName(std::string_view name);

// Also drops Keras' auto-numbering ("dense_3" -> "dense", "conv2d_12" -> "conv2d"),
// so layers renumbered by a new Python session still line up by kind.
std::string withoutNumbering(std::string_view normalized);

}  // namespace graft
