#include "io/hdf5/hdf5_walk.h"

#include <unordered_set>

#include "io/error.h"
#include "io/hdf5/hdf5_library.h"

namespace graft::hdf5 {

namespace {

class Walk {
 public:
  explicit Walk(const WalkLimits& limits) : limits_(limits) {}

  void group(hid_t g, const std::string& prefix, int depth) {
    if (depth > limits_.maxDepth) throw Error("HDF5 groups nest deeper than " + std::to_string(limits_.maxDepth) + " levels");
    for (const std::string& name : hardLinks(g)) {
      H5O_info_t info;
      if (H5Oget_info_by_name2(g, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        throw Error("cannot read object '" + prefix + name + "': " + takeErrorMessage());
      if (!seen_.insert(info.addr).second) continue;  // reached again by another hard link
      if (info.type != H5O_TYPE_GROUP && info.type != H5O_TYPE_DATASET) continue;
      if (objects_.size() >= limits_.maxObjects) throw Error("more than " + std::to_string(limits_.maxObjects) + " HDF5 objects");
      objects_.push_back({prefix + name, info.type});
      if (info.type != H5O_TYPE_GROUP) continue;
      Id child = groupId(H5Gopen2(g, name.c_str(), H5P_DEFAULT));
      if (!child) throw Error("cannot open group '" + prefix + name + "': " + takeErrorMessage());
      group(child.get(), prefix + name + "/", depth + 1);
    }
  }

  void start(hid_t g) {
    H5O_info_t info;
    if (H5Oget_info2(g, &info, H5O_INFO_BASIC) >= 0) seen_.insert(info.addr);
    group(g, "", 1);
  }

  std::vector<WalkedObject> take() { return std::move(objects_); }

 private:
  // The names of g's hard links, in name order.
  static std::vector<std::string> hardLinks(hid_t g) {
    std::vector<std::string> names;
    auto cb = [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
      if (info->type == H5L_TYPE_HARD) static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, cb, &names) < 0)
      throw Error("cannot list a group: " + takeErrorMessage());
    return names;
  }

  WalkLimits limits_;
  std::vector<WalkedObject> objects_;
  std::unordered_set<haddr_t> seen_;
};

}  // namespace

std::vector<WalkedObject> walkObjects(hid_t group, const WalkLimits& limits) {
  Walk walk(limits);
  walk.start(group);
  return walk.take();
}

}  // namespace graft::hdf5
