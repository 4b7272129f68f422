# Owned by the flow-pages engineer (issue 4: the home-visit flows). Included by qml/CMakeLists.txt
# before the Hearth module is defined: appends the flows' C++ sources, QML files (relative to qml/)
# and libraries to the lists it passes to qt_add_qml_module.
set(_flows ${PROJECT_SOURCE_DIR}/src/app/flows)
foreach(_f
    flowsession rowsmodel flowlabels flowcontroller
    assessmentcontroller careplancontroller onwardreferralcontroller moneycontroller
    outcomecontroller recoverycontroller notescontroller closurecontroller intakecontroller)
  list(APPEND HEARTH_FLOW_SOURCES ${_flows}/${_f}.h ${_flows}/${_f}.cpp)
endforeach()
list(APPEND HEARTH_FLOW_SOURCES
  ${_flows}/assessmentmodels.h ${_flows}/careplanmodels.h ${_flows}/referralmodels.h)

list(APPEND HEARTH_FLOW_QML
  intake/IntakePage.qml
  intake/ContactAttemptsPage.qml
  assessment/AssessmentPage.qml
  assessment/ChecklistItemDelegate.qml
  assessment/ConcernRankDelegate.qml
  assessment/ScoreEditor.qml
  careplan/CarePlanPage.qml
  careplan/CarePlanConcernCard.qml
  careplan/CareActionDelegate.qml
  careplan/CareActionEditor.qml
  referrals/OnwardReferralsPage.qml
  referrals/OrganisationDelegate.qml
  referrals/ReferralDelegate.qml
  money/MoneyPage.qml
  outcomes/OutcomesPage.qml
  recovery/RecoveryPackagePage.qml
  notes/NotesPage.qml
  closure/ClosurePage.qml
)

# The care plan PDF comes from hearth_documents when this tree has it.
if(TARGET hearth_documents)
  list(APPEND HEARTH_FLOW_LIBS hearth_documents)
  set_source_files_properties(${_flows}/careplancontroller.cpp PROPERTIES COMPILE_DEFINITIONS HEARTH_HAVE_DOCUMENTS=1)
endif()

# Placeholder instrument wording (the licensed EQ-5D and distress wording is deployment data, not
# in the repository: a deployment puts <instrument>.json beside it, in the assets folder the app
# reads at run time). Added once hearth_app exists, at the end of this directory's processing.
cmake_language(DEFER CALL qt_add_resources hearth_app hearth_flow_data
  PREFIX /hearth/instruments
  BASE ${PROJECT_SOURCE_DIR}/assets/instruments
  FILES ${PROJECT_SOURCE_DIR}/assets/instruments/instrument-wording-placeholder.json)
