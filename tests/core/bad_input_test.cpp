// Bad input gives a graft::Error naming the file and the problem; never a crash.

#include <gtest/gtest.h>

#include "formats/format_registry.h"
#include "hdf5_fixtures.h"
#include "io/error.h"
#include "checkpoint_variants.h"
#include "test_support.h"

using namespace graft;
namespace fs = std::filesystem;
using graft::test::openError;

namespace {


void expectNamesFileAnd(const fs::path& path, const std::string& what) {
  const std::string message = openError(path);
  EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

}  // namespace

TEST(BadInput, EmptyFile) {
  test::TempDir dir;
  test::writeFile(dir / "empty.h5", "");
  expectNamesFileAnd(dir / "empty.h5", "empty file");
}

TEST(BadInput, MissingFile) {
  test::TempDir dir;
  expectNamesFileAnd(dir / "nope.h5", "no such file");
}

TEST(BadInput, Directory) {
  test::TempDir dir;
  fs::create_directory(dir / "folder.h5");
  expectNamesFileAnd(dir / "folder.h5", "is a directory");
}

TEST(BadInput, NonHdf5BytesNamedH5) {
  test::TempDir dir;
  test::writeFile(dir / "text.h5", "this is not a checkpoint, just text\n");
  // Every readable format is named, in registry order.
  std::string known;
  for (const auto& f : FormatRegistry::builtin().formats()) known += (known.empty() ? "" : ", ") + f->displayName();
  expectNamesFileAnd(dir / "text.h5", "not a checkpoint Graft can read (it reads " + known + ")");
  EXPECT_NE(known.find("Keras 2 HDF5, Keras 3 weights (.weights.h5)"), std::string::npos);
}

TEST(BadInput, Hdf5ThatIsNotKeras) {
  test::TempDir dir;
  {
    test::H5Writer w(dir / "plain.h5");
    w.floatDataset(w.root(), "data/x", {4, 4});
  }
  expectNamesFileAnd(dir / "plain.h5", "HDF5 file without Keras weights");
}

TEST(BadInput, TruncatedHdf5AtSeveralPoints) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  const std::string whole = test::readFile(real / "keras2-model-h5/tf-fashion_my_model.h5");
  for (std::size_t cut : {std::size_t{16}, std::size_t{100}, std::size_t{4096}, whole.size() / 2, whole.size() - 1}) {
    SCOPED_TRACE(cut);
    const auto path = dir / ("cut" + std::to_string(cut) + ".h5");
    test::writeFile(path, whole.substr(0, cut));
    const std::string message = openError(path);
    EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(BadInput, TruncationInsideTensorDataIsCaughtWhenReading) {
  GRAFT_REAL_DATA_OR_SKIP(real);
  test::TempDir dir;
  // Metadata of this file sits before the data, so opening may succeed; reading the last
  // tensor must then fail cleanly rather than hand out garbage.
  const std::string whole = test::readFile(real / "keras2-model-h5/tf-fashion_my_model.h5");
  const auto path = dir / "cut.h5";
  test::writeFile(path, whole.substr(0, whole.size() - 4096));
  try {
    const auto ckpt = FormatRegistry::builtin().open(path);
    std::vector<std::byte> buf(4096);
    bool failed = false;
    for (const Node* v : ckpt->variables()) {
      try {
        auto s = ckpt->openTensor(*v);
        forEachChunk(*s, buf.size(), [](std::span<const std::byte>) {});
      } catch (const Error& e) {
        failed = true;
        EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
      }
    }
    EXPECT_TRUE(failed) << "no tensor read reported the truncation";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
  }
}

// A Keras 2 file whose weight is an HDF5 external link, or a dataset whose bytes live in an
// external raw file, both pointing outside the checkpoint's folder: refused with a clear
// error, and the file pointed at is never read.
TEST(BadInput, Hdf5ExternalLinksAndExternalStorageAreRefused) {
  test::TempDir dir;
  fs::create_directories(dir / "outside");
  fs::create_directories(dir / "models");
  {
    test::H5Writer secret(dir / "outside" / "secret.h5");
    secret.floatDataset(secret.root(), "data", {4, 4});
  }
  test::writeFile(dir / "outside" / "secret.bin", std::string(64, 'S'));
  // A Keras 2 weights file with one layer; returns the group that holds its weight.
  auto kerasShell = [](test::H5Writer& w) {
    w.fixedStrings(w.root(), "layer_names", {"dense"});
    w.fixedStrings(w.root(), "backend", {"tensorflow"});
    w.fixedStrings(w.root(), "keras_version", {"2.15.0"});
    w.fixedStrings(w.group("dense"), "weight_names", {"dense/kernel:0"});
    return w.group("dense/dense");
  };
  {
    // Written by h5py: this process has unregistered libhdf5's external-link class, as Graft
    // always does, and so cannot create one.
    const auto made = test::runCommand({"/usr/bin/python3", "-c", R"(import sys, h5py
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["layer_names"] = [b"dense"]
    f.attrs["backend"] = b"tensorflow"
    f.attrs["keras_version"] = b"2.15.0"
    g = f.create_group("dense")
    g.attrs["weight_names"] = [b"dense/kernel:0"]
    g.create_group("dense")["kernel:0"] = h5py.ExternalLink(sys.argv[2], "data"))",
                                        (dir / "models" / "link.h5").string(), (dir / "outside" / "secret.h5").string()});
    ASSERT_EQ(made.exitCode, 0) << made.err;
  }
  {
    test::H5Writer w(dir / "models" / "external.h5");
    const hid_t weights = kerasShell(w);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, (dir / "outside" / "secret.bin").c_str(), 0, 64);
    const hsize_t dims[2] = {4, 4};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t ds = H5Dcreate2(weights, "kernel:0", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    H5Dclose(ds);
    H5Sclose(space);
    H5Pclose(dcpl);
  }
  for (const char* name : {"link.h5", "external.h5"}) {
    SCOPED_TRACE(name);
    const fs::path path = dir / "models" / name;
    const auto r = test::runCommand({GRAFT_CLI_PATH, "ls", "--json", "--checksums", path.string()});
    EXPECT_EQ(r.exitCode, 1) << r.out;
    EXPECT_NE(r.err.find(path.string() + ": "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("external"), std::string::npos) << r.err;
  }
}
