#include "io/local_timezone.h"

#include <stdlib.h>

namespace graft {

void pinLocalTimezone() {
  if (!::getenv("TZ")) ::setenv("TZ", ":/etc/localtime", 0);
}

}  // namespace graft
