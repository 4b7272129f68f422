# hearth_reports: the evaluation report (REPORTS.md) from the server's merged state: statistics,
# the figures, JSON/CSV, the `report` command and the HTTPS endpoint with its sign-in sessions.
# The endpoint uses SyncService's request types, so those sources are compiled into hearth_server.
add_library(hearth_reports STATIC
  ${CMAKE_CURRENT_LIST_DIR}/statistics.cpp ${CMAKE_CURRENT_LIST_DIR}/statistics.h
  ${CMAKE_CURRENT_LIST_DIR}/reportbuilder.cpp ${CMAKE_CURRENT_LIST_DIR}/reportbuilder.h
  ${CMAKE_CURRENT_LIST_DIR}/reportformat.cpp ${CMAKE_CURRENT_LIST_DIR}/reportformat.h
  ${CMAKE_CURRENT_LIST_DIR}/reportcache.cpp ${CMAKE_CURRENT_LIST_DIR}/reportcache.h
)
target_include_directories(hearth_reports PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(hearth_reports PUBLIC hearth_serverstore hearth_core Qt6::Core)

target_sources(hearth_server PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/reportcli.cpp ${CMAKE_CURRENT_LIST_DIR}/reportcli.h
  ${CMAKE_CURRENT_LIST_DIR}/reportsendpoint.cpp ${CMAKE_CURRENT_LIST_DIR}/reportsendpoint.h
)
