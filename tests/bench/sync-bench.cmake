# bench_sync: the anchors' workload (shared/anchors/workload) through a real hearth-server and encrypted
# device stores, in the PouchDB anchor's phases. tests/bench/bench_sync.sh runs it beside the anchor; the
# anchor itself (node + npm) never runs in ctest. The smoke run needs node for the workload generator and
# is skipped (exit 77, with the reason) without it.
if(TARGET hearth-server)
  add_executable(bench_sync bench_sync.cpp)
  target_link_libraries(bench_sync PRIVATE hearth_sync hearth_core Qt6::Test SQLite::SQLite3 OpenSSL::Crypto)
  target_include_directories(bench_sync PRIVATE ${PROJECT_SOURCE_DIR}/tests/sync)
  target_compile_definitions(bench_sync PRIVATE
    HEARTH_ASSETS_DIR="${HEARTH_ASSETS_DIR}"
    HEARTH_SERVER_PATH="$<TARGET_FILE:hearth-server>"
    HEARTH_WORKLOAD_GENERATOR="${PROJECT_SOURCE_DIR}/../shared/anchors/workload/gen-workload.mjs")
  add_dependencies(bench_sync hearth-server)
  add_test(NAME bench_sync_smoke
    COMMAND bench_sync --records 200 --edits 20 --conflicts 10 --baseline-records 100 --kdf-n 1024 --no-anchor)
  set_tests_properties(bench_sync_smoke PROPERTIES
    LABELS "bench-smoke" SKIP_RETURN_CODE 77 TIMEOUT 300
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TZ=Europe/London;LANG=C.UTF-8;LC_ALL=C.UTF-8")
endif()
