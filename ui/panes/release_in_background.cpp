#include "panes/release_in_background.h"

namespace graft::ui {

namespace {
struct ReleasePool : QThreadPool {
  ReleasePool() { setMaxThreadCount(1); }
};
}  // namespace

QThreadPool& releasePool() {
  static ReleasePool pool;  // its destructor waits for pending frees at exit
  return pool;
}

void waitForBackgroundReleases() { releasePool().waitForDone(); }

}  // namespace graft::ui
