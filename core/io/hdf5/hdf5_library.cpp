#include "io/hdf5/hdf5_library.h"

#include "checkpoint/tree_builder.h"
#include "io/error.h"

namespace graft::hdf5 {
namespace {

std::recursive_mutex& mutex() {
  static std::recursive_mutex m;
  return m;
}

// HDF5 keeps error-printing settings per thread in thread-safe builds: silence each thread once.
void silenceThisThread() {
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

herr_t collectDeepest(unsigned, const H5E_error2_t* err, void* out) {
  if (err && err->desc && err->desc[0]) *static_cast<std::string*>(out) = err->desc;
  return 0;
}

herr_t findReadError(unsigned, const H5E_error2_t* err, void* found) {
  if (err && err->maj_num == H5E_VFL && err->min_num == H5E_READERROR) *static_cast<bool*>(found) = true;
  return 0;
}

}  // namespace

std::unique_lock<std::recursive_mutex> lock() {
  std::unique_lock<std::recursive_mutex> l(mutex());
  silenceThisThread();
  // Graft never follows a link into another file: a checkpoint could point at any file the
  // user can read. Without the class, libhdf5 fails every traversal of an external link.
  static bool externalLinksRefused = H5Lunregister(H5L_TYPE_EXTERNAL) >= 0;
  (void)externalLinksRefused;
  return l;
}

std::string takeErrorMessage() {
  std::string deepest;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectDeepest, &deepest);
  H5Eclear2(H5E_DEFAULT);
  return deepest;
}

void Id::reset() {
  if (id_ >= 0 && closer_) {
    auto l = lock();
    closer_(id_);
  }
  id_ = H5I_INVALID_HID;
}

void throwIfAReadFailed(const std::string& what) {
  bool readFailed = false;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, findReadError, &readFailed);
  if (readFailed) throw Error(what + ": " + takeErrorMessage());
}

bool linkExists(hid_t loc, const std::string& name) {
  auto l = lock();
  // H5Lexists fails on a missing intermediate group, so walk the path one link at a time.
  std::string prefix;
  for (const auto& part : splitPath(name)) {
    prefix += (prefix.empty() ? "" : "/") + part;
    const htri_t r = H5Lexists(loc, prefix.c_str(), H5P_DEFAULT);
    if (r < 0) throwIfAReadFailed("cannot look up '" + prefix + "'");
    if (r <= 0) {
      takeErrorMessage();
      return false;
    }
  }
  return !prefix.empty();
}

bool isGroup(hid_t loc, const std::string& name) {
  auto l = lock();
  if (!linkExists(loc, name)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    throwIfAReadFailed("cannot read object '" + name + "'");
    takeErrorMessage();
    return false;
  }
  return info.type == H5O_TYPE_GROUP;
}

}  // namespace graft::hdf5
