# PD_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (`make test-sanitize` uses a separate build folder for it).
option(PD_SANITIZE "Build with ASan and UBSan" OFF)
if(PD_SANITIZE)
  # UBSan's vptr check needs RTTI everywhere; V8 (libnode) and our V8 glue are built without it,
  # and template vtables shared between the two then fail the check spuriously. Every other
  # UBSan check stays on.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# pd_engine_allocator(target): tcmalloc's per-thread caches, for pd-engine and the benchmarks
# that measure its execution path. The engine allocates across its HTTP loop, isolate and NATS
# threads, where glibc's malloc showed up as ~15% of a loaded engine. Not with the sanitizers,
# which bring their own.
function(pd_engine_allocator target)
  if(NOT PD_SANITIZE)
    pkg_check_modules(tcmalloc REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
    target_link_libraries(${target} PRIVATE PkgConfig::tcmalloc)
  endif()
endfunction()
