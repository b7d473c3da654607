# PD_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (`make test-sanitize` uses a separate build folder for it).
option(PD_SANITIZE "Build with ASan and UBSan" OFF)
if(PD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
