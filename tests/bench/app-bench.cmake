# The touch app benchmark (bench_app.cpp): cold start, search, memory and scrolling at 10,000 people.
if(TARGET hearth_app)
  add_executable(bench_app bench_app.cpp)
  target_link_libraries(bench_app PRIVATE hearth_app hearth_appplugin)
  target_compile_definitions(bench_app PRIVATE HEARTH_ASSETS_DIR="${HEARTH_ASSETS_DIR}")
  add_test(NAME bench_app_smoke COMMAND bench_app --people 150 --frames 60 --kdf-n 1024)
  set_tests_properties(bench_app_smoke PROPERTIES LABELS "bench-smoke" ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
endif()
