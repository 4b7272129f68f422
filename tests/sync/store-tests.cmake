# The server store suite runs against SQLite always and PostgreSQL when HEARTH_TEST_PG_URL is set.
hearth_add_test(tst_serverstore tst_serverstore.cpp LABELS sync LIBS hearth_serverstore)
target_include_directories(tst_serverstore PRIVATE ${PROJECT_SOURCE_DIR}/tests/core)
# Each PostgreSQL test case creates and drops its own database through libpq.
target_link_libraries(tst_serverstore PRIVATE PkgConfig::LIBPQ)
