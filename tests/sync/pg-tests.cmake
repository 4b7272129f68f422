hearth_add_test(tst_e2e_postgres tst_e2e_postgres.cpp LABELS sync TIMEOUT 600)
target_include_directories(tst_e2e_postgres PRIVATE ${PROJECT_SOURCE_DIR}/tests/core ${PROJECT_SOURCE_DIR}/tests/sync)
