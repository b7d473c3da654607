#include "engine/util/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace pd {

void name_this_thread(const char* name) {
  // Linux refuses names over 15 characters (plus the terminator) instead of cutting them.
  std::string kept(name, std::min<size_t>(std::strlen(name), 15));
  pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace pd
