# Convergence and fault injection. tst_convergence runs in process (SyncService and ServerStore
# linked in); tst_faults drives real hearth-server and hearthctl processes over loopback TLS.
hearth_add_test(tst_convergence tst_convergence.cpp LABELS sync LIBS hearth_server TIMEOUT 600)
target_include_directories(tst_convergence PRIVATE ${PROJECT_SOURCE_DIR}/tests/core ${PROJECT_SOURCE_DIR}/tests/sync)

# The convergence soak: the same property over 20,000 more seeds (about 20 minutes on two cores).
# Labelled soak, which CI leaves out (--label-exclude soak); run it with `ctest -L soak`. Named so that
# `ctest -R converge` does not pick it up by accident. QtTest's own 5-minute function limit is lifted.
add_test(NAME tst_sync_soak COMMAND tst_convergence randomEditingConverges)
set_tests_properties(tst_sync_soak PROPERTIES
  ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TZ=Europe/London;LANG=C.UTF-8;LC_ALL=C.UTF-8;HEARTH_CONVERGENCE_FIRST_SEED=1001;HEARTH_CONVERGENCE_SEEDS=20000;QTEST_FUNCTION_TIMEOUT=7200000"
  LABELS "sync;soak"
  TIMEOUT 7200)

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tst_faults.cpp)
  hearth_add_test(tst_faults tst_faults.cpp LABELS sync LIBS Qt6::Network TIMEOUT 900)
  target_include_directories(tst_faults PRIVATE ${PROJECT_SOURCE_DIR}/tests/core ${PROJECT_SOURCE_DIR}/tests/sync)
endif()

# Raw TLS clients against a real hearth-server: clients vanishing while their replies are produced
# (the server crash clientKilledMidApply found), bodies refused from their headers, stall timeouts.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tst_server_connections.cpp)
  hearth_add_test(tst_server_connections tst_server_connections.cpp LABELS sync LIBS hearth_sync TIMEOUT 300)
  target_include_directories(tst_server_connections PRIVATE ${PROJECT_SOURCE_DIR}/tests/core
                             ${PROJECT_SOURCE_DIR}/tests/sync)
endif()
