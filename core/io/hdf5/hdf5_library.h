#pragma once
// Access to libhdf5: every call goes through one process-wide lock (libhdf5 is not
// re-entrant), HDF5's own printing of error stacks is off, and failures become messages.

#include <hdf5.h>

#include <mutex>
#include <string>

namespace graft::hdf5 {

// Hold this around every HDF5 call. Recursive so helpers may nest.
std::unique_lock<std::recursive_mutex> lock();

// The most specific message on this thread's HDF5 error stack ("truncated file: eof = ..."),
// or "" if the stack is empty; clears the stack. Call with the lock held.
std::string takeErrorMessage();

// After a failed call: throws Error("what: <message>") when the failure comes from a read of the
// file that failed or that Graft's driver refused (a damaged file), so that a query such as
// linkExists does not answer "no" for it. Otherwise leaves the error stack as it is.
void throwIfAReadFailed(const std::string& what);

// RAII owner of an HDF5 id; closes it (under the lock) with the matching H5?close.
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id() = default;
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Id() { reset(); }
  Id(Id&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  explicit operator bool() const { return valid(); }
  void reset();
  // Gives up ownership without closing (after the id was closed by other means).
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline Id fileId(hid_t id) { return Id(id, H5Fclose); }
inline Id groupId(hid_t id) { return Id(id, H5Gclose); }
inline Id datasetId(hid_t id) { return Id(id, H5Dclose); }
inline Id attributeId(hid_t id) { return Id(id, H5Aclose); }
inline Id typeId(hid_t id) { return Id(id, H5Tclose); }
inline Id spaceId(hid_t id) { return Id(id, H5Sclose); }
inline Id plistId(hid_t id) { return Id(id, H5Pclose); }

// True if a link of this name exists below loc (no error if not). Both throw Error when the
// file cannot be read to tell (throwIfAReadFailed).
bool linkExists(hid_t loc, const std::string& name);
// True if the object at loc/name is a group.
bool isGroup(hid_t loc, const std::string& name);

}  // namespace graft::hdf5
