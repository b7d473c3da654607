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
