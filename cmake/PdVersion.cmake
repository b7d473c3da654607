# PD_VERSION (project version) and PD_GIT_COMMIT (short hash, "unknown" outside a git checkout),
# fixed at configure time and compiled into the binaries' `version` commands.
set(PD_VERSION "${PROJECT_VERSION}")
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
  OUTPUT_VARIABLE PD_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE _pd_git_result)
if(NOT _pd_git_result EQUAL 0 OR PD_GIT_COMMIT STREQUAL "")
  set(PD_GIT_COMMIT "unknown")
endif()
