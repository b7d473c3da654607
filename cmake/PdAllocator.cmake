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
