# V8 10.2 from Debian's libnode108/libnode-dev, unpacked by scripts/deps.sh into a build-local
# prefix (apt refuses to install them beside Node.js 20). Provides the imported target pd::v8.
# The build is without pointer compression: V8_COMPRESS_POINTERS must stay undefined.
set(PD_LIBNODE_PREFIX "${PD_DEPS_DIR}/libnode/usr" CACHE PATH "Unpacked libnode prefix")
set(_libnode_so "${PD_LIBNODE_PREFIX}/lib/x86_64-linux-gnu/libnode.so.108")
if(NOT EXISTS "${_libnode_so}" OR NOT EXISTS "${PD_LIBNODE_PREFIX}/include/node/v8.h")
  message(FATAL_ERROR "V8 (libnode108) not found under ${PD_LIBNODE_PREFIX}: run `make deps` first")
endif()
add_library(pd_v8 SHARED IMPORTED GLOBAL)
set_target_properties(pd_v8 PROPERTIES
  IMPORTED_LOCATION "${_libnode_so}"
  IMPORTED_NO_SONAME FALSE
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${PD_LIBNODE_PREFIX}/include/node"
  INTERFACE_INCLUDE_DIRECTORIES "${PD_LIBNODE_PREFIX}/include/node"
  INTERFACE_COMPILE_DEFINITIONS "V8_DEPRECATION_WARNINGS=0")
add_library(pd::v8 ALIAS pd_v8)
