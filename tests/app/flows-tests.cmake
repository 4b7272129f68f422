# Owned by the flow-pages engineer (issue 4). Included by tests/app/CMakeLists.txt.
# C++ tests of every flow controller and model, on temporary encrypted stores.
set(_flowtests ${CMAKE_CURRENT_LIST_DIR}/flows)
foreach(_t assessmentcontroller careplancontroller onwardreferralcontroller moneycontroller
           outcomecontroller intakecontroller visitrecords)
  hearth_add_test(tst_${_t} ${_flowtests}/tst_${_t}.cpp LABELS app LIBS hearth_app)
  target_include_directories(tst_${_t} PRIVATE ${_flowtests})
endforeach()

# Qt Quick Test: tests/qml/flows/tst_*.qml complete an HNA and a care plan by simulated touch on the
# real pages, then check what the store holds.
hearth_add_test(tst_flowpages ${_flowtests}/tst_flowpages.cpp LABELS app
  LIBS hearth_app hearth_appplugin Qt6::Quick Qt6::QuickTest)
target_include_directories(tst_flowpages PRIVATE ${_flowtests})
target_compile_definitions(tst_flowpages PRIVATE QUICK_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}/tests/qml/flows")

# Every flow page rendered offscreen with demo data at 1280x800, 390x844 and 390x844 at 200% text;
# fails on QML warnings. PNGs in <build>/flow-screenshots.
hearth_add_test(tst_flowscreens ${_flowtests}/tst_flowscreens.cpp LABELS app
  LIBS hearth_app hearth_appplugin Qt6::Quick)
target_include_directories(tst_flowscreens PRIVATE ${_flowtests})
target_compile_definitions(tst_flowscreens PRIVATE HEARTH_FLOW_SCREENSHOT_DIR="${CMAKE_BINARY_DIR}/flow-screenshots")
