#pragma once
// Drops the last reference to a big object on a worker thread: freeing a 100,000-variable
// checkpoint's tree takes ~100 ms, which the UI thread should not spend when a new file opens.

#include <QThreadPool>

#include <memory>
#include <utility>

namespace graft::ui {

template <typename T>
void releaseInBackground(std::shared_ptr<T> object) {
  if (!object || object.use_count() > 1) return;  // someone else still holds it: nothing to free here
  QThreadPool::globalInstance()->start([held = std::move(object)]() mutable { held.reset(); });
}

}  // namespace graft::ui
