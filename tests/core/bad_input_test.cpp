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
