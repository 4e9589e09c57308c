#include "io/hdf5/embedded_file_driver.h"

#include <H5FDpublic.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>

#include "io/error.h"
#include "io/hdf5/global_heap_check.h"
#include "io/hdf5/local_heap_check.h"

namespace graft::hdf5 {

namespace {

struct Placement {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// HDF5 hands this back as H5FD_t*: the public part must come first.
struct EmbeddedFile {
  H5FD_t pub;
  int fd = -1;
  Placement place;
  haddr_t eoa = 0;
  dev_t device = 0;
  ino_t inode = 0;
  // From the superblock, for the heap checks: its sizes of lengths and offsets, and where it
  // is, which libhdf5 takes as the base that the file's addresses count from.
  unsigned lengthSize = 8;
  unsigned offsetSize = 8;
  std::uint64_t baseAddress = 0;
};

EmbeddedFile* self(H5FD_t* f) { return reinterpret_cast<EmbeddedFile*>(f); }
const EmbeddedFile* self(const H5FD_t* f) { return reinterpret_cast<const EmbeddedFile*>(f); }

void* copyPlacement(const void* p) { return new (std::nothrow) Placement(*static_cast<const Placement*>(p)); }
herr_t freePlacement(void* p) {
  delete static_cast<Placement*>(p);
  return 0;
}

// Reads exactly `size` bytes at `at` within the file; false on an error or past its end.
bool readExactly(int fd, std::uint64_t offset, std::uint64_t end, std::uint64_t at, std::size_t size, unsigned char* out) {
  if (at > end || size > end - at) return false;
  while (size > 0) {
    const ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset + at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    at += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The superblock's place and sizes of lengths and offsets. libhdf5 looks for the superblock at
// 0, 512, 1024, 2048...
void readSizes(EmbeddedFile& f) {
  static constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  for (std::uint64_t at = 0; at < f.place.size; at = at == 0 ? 512 : at * 2) {
    unsigned char block[16];
    if (!readExactly(f.fd, f.place.offset, f.place.size, at, sizeof block, block)) break;
    if (std::memcmp(block, kSignature, sizeof kSignature) != 0) continue;
    const bool old = block[8] < 2;  // versions 0 and 1 have three more version bytes first
    f.offsetSize = old ? block[13] : block[9];
    f.lengthSize = old ? block[14] : block[10];
    f.baseAddress = at;
    return;
  }
}

H5FD_t* openEmbedded(const char* name, unsigned flags, hid_t fapl, haddr_t) {
  if (flags & (H5F_ACC_RDWR | H5F_ACC_CREAT | H5F_ACC_TRUNC)) return nullptr;  // read-only by design
  const auto* place = static_cast<const Placement*>(H5Pget_driver_info(fapl));
  if (!place) return nullptr;
  const int fd = ::open(name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st{};
  if (::fstat(fd, &st) != 0 || place->offset > static_cast<std::uint64_t>(st.st_size) ||
      place->size > static_cast<std::uint64_t>(st.st_size) - place->offset) {
    ::close(fd);
    return nullptr;
  }
  auto* f = new (std::nothrow) EmbeddedFile{};
  if (!f) {
    ::close(fd);
    return nullptr;
  }
  f->fd = fd;
  f->place = *place;
  f->device = st.st_dev;
  f->inode = st.st_ino;
  readSizes(*f);
  return &f->pub;
}

herr_t closeEmbedded(H5FD_t* file) {
  EmbeddedFile* f = self(file);
  ::close(f->fd);
  delete f;
  return 0;
}

int compareEmbedded(const H5FD_t* a, const H5FD_t* b) {
  const EmbeddedFile *x = self(a), *y = self(b);
  if (x->device != y->device) return x->device < y->device ? -1 : 1;
  if (x->inode != y->inode) return x->inode < y->inode ? -1 : 1;
  if (x->place.offset != y->place.offset) return x->place.offset < y->place.offset ? -1 : 1;
  return 0;
}

// No metadata accumulator: in a read-only file it served no read from memory (the real files
// make the same preads without it), and without it every metadata read reaches readEmbedded at
// the address libhdf5 decodes, which the heap checks rely on.
herr_t queryEmbedded(const H5FD_t*, unsigned long* flags) {
  if (flags) *flags = H5FD_FEAT_DATA_SIEVE;
  return 0;
}

haddr_t eoaOf(const H5FD_t* file, H5FD_mem_t) { return self(file)->eoa; }
herr_t setEoa(H5FD_t* file, H5FD_mem_t, haddr_t addr) {
  self(file)->eoa = addr;
  return 0;
}
haddr_t eofOf(const H5FD_t* file, H5FD_mem_t) { return self(file)->place.size; }

herr_t handleOf(H5FD_t* file, hid_t, void** handle) {
  *handle = &self(file)->fd;
  return 0;
}

// Puts why a read failed on libhdf5's error stack, where Graft's error message takes it from.
void pushReadError(const std::string& why) {
  H5Epush2(H5E_DEFAULT, __FILE__, "readEmbedded", __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_READERROR, "%s", why.c_str());
}

// A read that starts a global heap collection or a local heap's header is checked before
// libhdf5 decodes it (global_heap_check.h, local_heap_check.h); a bad one fails the read with
// the reason on libhdf5's error stack.
bool heapIsSafe(const EmbeddedFile* f, H5FD_mem_t type, haddr_t addr, const unsigned char* read, std::size_t size) {
  // The file's bytes counted from `start`.
  const auto readerFrom = [f](std::uint64_t start) -> ByteReader {
    return [f, start](std::uint64_t pos, std::size_t n, unsigned char* out) {
      return readExactly(f->fd, f->place.offset, f->place.size, start + pos, n, out);
    };
  };
  std::string problem;
  if (size >= 8 && std::memcmp(read, "GCOL", 4) == 0 && read[4] == 1) {
    problem = globalHeapCollectionProblem(readerFrom(addr), f->place.size - addr, f->lengthSize);
  } else if (type == H5FD_MEM_LHEAP && f->baseAddress < f->place.size) {
    problem = localHeapProblem(read, size, readerFrom(f->baseAddress), f->place.size - f->baseAddress, f->lengthSize,
                               f->offsetSize);
  }
  if (problem.empty()) return true;
  pushReadError(problem);
  return false;
}

// Reads within the member; past its end reads zeros, as HDF5's own drivers do past EOF, but
// at most kMaxZerosPastEnd of them. A crafted superblock made libhdf5 ask for 269 MB past the
// end of a 126 KB file, and zeroing them took 3 s (h5py's sec2 driver: 1 s and 306 MB).
constexpr std::uint64_t kMaxZerosPastEnd = 1 << 20;

herr_t readEmbedded(H5FD_t* file, H5FD_mem_t type, hid_t, haddr_t addr, size_t size, void* buffer) {
  const EmbeddedFile* f = self(file);
  auto* out = static_cast<unsigned char*>(buffer);
  if (addr == HADDR_UNDEF) return -1;
  const std::size_t inside =
      addr < f->place.size ? static_cast<std::size_t>(std::min<std::uint64_t>(size, f->place.size - addr)) : 0;
  if (size - inside > kMaxZerosPastEnd) {
    pushReadError("the file has " + std::to_string(f->place.size) + " bytes, but a read of " + std::to_string(size) +
                  " bytes at " + std::to_string(addr) + " runs past its end (truncated or damaged)");
    return -1;
  }
  if (inside > 0) {
    if (!readExactly(f->fd, f->place.offset, f->place.size, addr, inside, out)) return -1;
    if (!heapIsSafe(f, type, addr, out, inside)) return -1;
  }
  std::memset(out + inside, 0, size - inside);
  return 0;
}

herr_t refuseWrite(H5FD_t*, H5FD_mem_t, hid_t, haddr_t, size_t, const void*) { return -1; }

const H5FD_class_t kEmbeddedDriver = {
    "graft_embedded",
    (haddr_t{1} << 62),
    H5F_CLOSE_WEAK,
    nullptr,  // terminate
    nullptr, nullptr, nullptr,  // superblock driver info: none
    sizeof(Placement), nullptr, copyPlacement, freePlacement,
    0, nullptr, nullptr,  // no transfer properties
    openEmbedded, closeEmbedded, compareEmbedded, queryEmbedded,
    nullptr,  // type map
    nullptr, nullptr,  // alloc, free: nothing is allocated in a read-only file
    eoaOf, setEoa, eofOf, handleOf, readEmbedded, refuseWrite,
    nullptr, nullptr, nullptr, nullptr,  // flush, truncate, lock, unlock
    H5FD_FLMAP_DICHOTOMY};

}  // namespace

Id embeddedFileAccess(std::uint64_t offset, std::uint64_t size) {
  static const hid_t driver = H5FDregister(&kEmbeddedDriver);
  if (driver < 0) throw Error("cannot register Graft's embedded-file HDF5 driver: " + takeErrorMessage());
  Id fapl = plistId(H5Pcreate(H5P_FILE_ACCESS));
  const Placement place{offset, size};
  if (!fapl || H5Pset_driver(fapl.get(), driver, &place) < 0)
    throw Error("cannot set up HDF5 access to an embedded file: " + takeErrorMessage());
  return fapl;
}

}  // namespace graft::hdf5
