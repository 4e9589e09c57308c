#include "io/hdf5/hdf5_attributes.h"

#include <cstring>
#include <optional>

#include "io/address_space_budget.h"
#include "io/error.h"

namespace graft::hdf5 {
namespace {

// Attributes live in the object header (at most 64 KiB, or in dense storage); this bounds
// what a hostile file can make us allocate for one attribute.
constexpr hssize_t kMaxAttributeElements = 16 * 1024 * 1024;
constexpr std::size_t kMaxAttributeBytes = 256 * 1024 * 1024;

// The size of the file `obj` lives in (an in-memory image: the image's size).
std::uint64_t fileSizeOf(hid_t obj) {
  const hid_t file = H5Iget_file_id(obj);
  if (file < 0) return 0;
  hsize_t size = 0;
  if (H5Fget_filesize(file, &size) < 0) size = 0;
  H5Fclose(file);
  return size;
}

std::vector<std::string> readVariableLength(hid_t attr, hid_t fileType, hid_t space, std::size_t n) {
  Id memType = typeId(H5Tcopy(H5T_C_S1));
  H5Tset_size(memType.get(), H5T_VARIABLE);
  H5Tset_cset(memType.get(), H5Tget_cset(fileType));
  std::vector<char*> ptrs(n, nullptr);
  // Each string lies in the file, so all of them, copied once into libhdf5's conversion buffer
  // and once into ours, fit in twice the file's size; a larger claimed length is a lie.
  std::optional<AddressSpaceBudget> limit;
  if (addressSpaceBudgetsEnabled()) limit.emplace(2 * fileSizeOf(attr) + (std::uint64_t{64} << 20));
  if (H5Aread(attr, memType.get(), ptrs.data()) < 0) throw Error("cannot read string attribute: " + takeErrorMessage());
  std::vector<std::string> out;
  out.reserve(n);
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(memType.get(), space, H5P_DEFAULT, ptrs.data());
  return out;
}

std::vector<std::string> readFixedLength(hid_t attr, hid_t fileType, std::size_t n) {
  const std::size_t size = H5Tget_size(fileType);
  if (size == 0 || n > kMaxAttributeBytes / size) throw Error("string attribute is implausibly large");
  const bool spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD;
  Id memType = typeId(H5Tcopy(H5T_C_S1));
  H5Tset_size(memType.get(), size);
  H5Tset_strpad(memType.get(), H5T_STR_NULLPAD);
  H5Tset_cset(memType.get(), H5Tget_cset(fileType));
  std::vector<char> buf(n * size);
  if (H5Aread(attr, memType.get(), buf.data()) < 0) throw Error("cannot read string attribute: " + takeErrorMessage());
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* s = buf.data() + i * size;
    std::size_t len = strnlen(s, size);
    if (spacePadded)
      while (len > 0 && s[len - 1] == ' ') --len;
    out.emplace_back(s, len);
  }
  return out;
}

}  // namespace

bool hasAttribute(hid_t obj, const std::string& name) {
  auto l = lock();
  const htri_t r = H5Aexists(obj, name.c_str());
  if (r < 0) {
    throwIfAReadFailed("cannot look up attribute '" + name + "'");
    takeErrorMessage();
  }
  return r > 0;
}

std::optional<std::vector<std::string>> readStringListAttribute(hid_t obj, const std::string& name) {
  auto l = lock();
  if (!hasAttribute(obj, name)) return std::nullopt;
  Id attr = attributeId(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  if (!attr) throw Error("cannot open attribute '" + name + "': " + takeErrorMessage());
  Id fileType = typeId(H5Aget_type(attr.get()));
  Id space = spaceId(H5Aget_space(attr.get()));
  if (!fileType || !space) throw Error("cannot read attribute '" + name + "': " + takeErrorMessage());
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0 || n > kMaxAttributeElements) throw Error("attribute '" + name + "' has an implausible size");
  if (H5Tget_class(fileType.get()) != H5T_STRING) {
    // An empty list is written by h5py as a float64 array of shape (0,).
    if (n == 0) return std::vector<std::string>{};
    throw Error("attribute '" + name + "' holds numbers, expected a list of names");
  }
  if (n == 0) return std::vector<std::string>{};
  const auto count = static_cast<std::size_t>(n);
  if (H5Tis_variable_str(fileType.get()) > 0) return readVariableLength(attr.get(), fileType.get(), space.get(), count);
  return readFixedLength(attr.get(), fileType.get(), count);
}

std::optional<std::string> readStringAttribute(hid_t obj, const std::string& name) {
  auto list = readStringListAttribute(obj, name);
  if (!list) return std::nullopt;
  if (list->size() != 1) throw Error("attribute '" + name + "' is a list, expected one string");
  return std::move(list->front());
}

std::optional<std::vector<std::string>> readChunkedStringList(hid_t obj, const std::string& name) {
  if (auto whole = readStringListAttribute(obj, name)) return whole;
  std::optional<std::vector<std::string>> joined;
  for (int i = 0;; ++i) {
    auto part = readStringListAttribute(obj, name + std::to_string(i));
    if (!part) break;
    if (!joined) joined.emplace();
    joined->insert(joined->end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
  }
  return joined;
}

}  // namespace graft::hdf5

namespace graft::hdf5 {

std::string_view stringEncodingName(StringEncoding e) {
  switch (e) {
    case StringEncoding::Fixed: return "fixed";
    case StringEncoding::VariableAscii: return "vlen-ascii";
    case StringEncoding::VariableUtf8: return "vlen-utf8";
  }
  return "fixed";
}

std::optional<StringEncoding> stringEncodingFromName(std::string_view name) {
  for (auto e : {StringEncoding::Fixed, StringEncoding::VariableAscii, StringEncoding::VariableUtf8})
    if (stringEncodingName(e) == name) return e;
  return std::nullopt;
}

std::optional<StringEncoding> stringEncoding(hid_t obj, const std::string& name) {
  auto l = lock();
  if (!hasAttribute(obj, name)) return std::nullopt;
  Id attr = attributeId(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Id type = attr ? typeId(H5Aget_type(attr.get())) : Id();
  if (!type || H5Tget_class(type.get()) != H5T_STRING) {
    takeErrorMessage();
    return std::nullopt;
  }
  if (H5Tis_variable_str(type.get()) <= 0) return StringEncoding::Fixed;
  return H5Tget_cset(type.get()) == H5T_CSET_UTF8 ? StringEncoding::VariableUtf8 : StringEncoding::VariableAscii;
}

}  // namespace graft::hdf5
