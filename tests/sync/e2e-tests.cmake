# End-to-end sync tests: real hearthctl device processes against a real hearth-server over
# loopback TLS (the conflict matrix; scope and purge; bad requests sent straight to the server).
foreach(t tst_e2e_conflicts tst_e2e_scope tst_e2e_badrequests)
  hearth_add_test(${t} ${t}.cpp LABELS sync e2e LIBS hearth_sync TIMEOUT 300)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests/core ${PROJECT_SOURCE_DIR}/tests/sync)
endforeach()
