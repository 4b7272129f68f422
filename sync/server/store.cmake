# hearth_serverstore: the server's storage behind one interface (serverstore.h): SQLite (embedded
# default, zero configuration) and PostgreSQL through libpq (several hearth-server processes on one
# database).
find_package(PkgConfig REQUIRED)
# GLOBAL: the storage tests create and drop their own PostgreSQL databases with libpq directly.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET GLOBAL libpq)

add_library(hearth_serverstore STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/serverstore.cpp ${CMAKE_CURRENT_SOURCE_DIR}/serverstore.h
  ${CMAKE_CURRENT_SOURCE_DIR}/sqliteserverstore.cpp ${CMAKE_CURRENT_SOURCE_DIR}/sqliteserverstore.h
  ${CMAKE_CURRENT_SOURCE_DIR}/postgresserverstore.cpp ${CMAKE_CURRENT_SOURCE_DIR}/postgresserverstore.h
)
target_include_directories(hearth_serverstore PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(hearth_serverstore
  PUBLIC hearth_core Qt6::Core
  PRIVATE SQLite::SQLite3 PkgConfig::LIBPQ)
