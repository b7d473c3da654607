// Natives behind the Deno compatibility subset in prelude/deno.js (read/write files, stat,
// readDir, mkdir, remove, env, cwd), with permissions checked here against the DenoHost's roots:
// deny by default, and a violation names the path and how to grant it. V8 glue only.
#pragma once

#include "engine/js/natives.h"
