# pd_add_test(NAME LABEL label SOURCES ... LIBS ...): one gtest binary, one ctest entry per test case.
include(GoogleTest)
function(pd_add_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  pd_project_options(${name})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name}
    # A hang fails its test after five minutes instead of stalling the run (the slowest test,
    # the NATS cluster kill, takes well under one).
    PROPERTIES LABELS ${T_LABEL} TIMEOUT 300
    ENVIRONMENT "PD_SOURCE_DIR=${PROJECT_SOURCE_DIR};PD_BINARY_DIR=${PROJECT_BINARY_DIR}"
    DISCOVERY_TIMEOUT 30)
endfunction()
