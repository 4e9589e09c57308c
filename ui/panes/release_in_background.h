#pragma once
// Drops the last reference to a big object on a worker thread: freeing a 100,000-variable
// checkpoint's tree takes ~40 ms, which the UI thread should not spend when a new file opens.

#include <QThreadPool>

#include <memory>
#include <utility>

namespace graft::ui {

// One thread of its own, so frees never queue ahead of loads in the global pool.
QThreadPool& releasePool();

// Loads call this first: a checkpoint freed while the next one is being built makes both
// slow (malloc contends; seven 100,000-variable opens in a row went from 200 ms to 530 ms
// against 100-110 ms when each waited for the previous free).
void waitForBackgroundReleases();

template <typename T>
void releaseInBackground(std::shared_ptr<T> object) {
  if (!object || object.use_count() > 1) return;  // someone else still holds it: nothing to free here
  releasePool().start([held = std::move(object)]() mutable { held.reset(); });
}

}  // namespace graft::ui
