// Names the calling thread as `top -H`, `ps -L`, gdb and perf show it (at most 15 characters
// are kept), so that a loaded engine's threads can be told apart.
#pragma once

namespace pd {

void name_this_thread(const char* name);

}  // namespace pd
