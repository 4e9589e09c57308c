#pragma once

namespace graft {

// libzip converts every member's DOS time with localtime(), and glibc re-reads /etc/localtime
// on each call while TZ is unset: a 100,000-member PyTorch archive cost 200,000 stat() calls
// (0.4 s of a 1.3 s open). Naming the system zone explicitly keeps the same zone, read once.
// Call first thing in main(), before any thread starts.
void pinLocalTimezone();

}  // namespace graft
