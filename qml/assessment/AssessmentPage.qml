import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// The Holistic Needs Assessment, done with the person: concerns domain by domain, each scored
// 0-10; the overall distress score; then the concerns in the order the person wants to discuss
// them (three highest first). Each tap is saved at once, so a visit cut short loses nothing.
PageScaffold {
    id: root

    required property string personId
    // 0 concerns, 1 distress, 2 order, 3 finish: which part of the assessment is on screen.
    property int step: 0

    title: controller.assessmentId.length > 0
           ? qsTr("%1 assessment: %2").arg(controller.kindLabel).arg(controller.personName)
           : qsTr("Assessments: %1").arg(controller.personName)
    errorText: controller.failed ? controller.message : ""

    AssessmentController {
        id: controller
        personId: root.personId
    }

    // ---- no assessment open: start one or open an earlier one ----
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: controller.assessmentId.length === 0
        spacing: Units.spacing

        SectionHeader {
            Layout.fillWidth: true
            text: qsTr("Start an assessment")
        }
        Repeater {
            model: controller.options("assessment", "kind")
            delegate: ActionButton {
                required property var modelData
                objectName: "begin_" + modelData.value
                Layout.fillWidth: true
                text: qsTr("Start %1 assessment").arg(modelData.label.toLowerCase())
                onClicked: {
                    root.step = 0
                    controller.begin(modelData.value)
                }
            }
        }
        SectionHeader {
            Layout.fillWidth: true
            visible: controller.assessments.count > 0
            text: qsTr("Earlier assessments")
        }
        Repeater {
            model: controller.assessments
            delegate: ActionButton {
                required property string key
                required property string kindLabel
                required property string date
                required property string statusLabel
                required property int distress
                Layout.fillWidth: true
                text: qsTr("%1 assessment, %2 (%3)").arg(kindLabel).arg(date).arg(statusLabel)
                      + (distress >= 0 ? " \u00B7 " + qsTr("distress %1 of 10").arg(distress) : "")
                Accessible.name: qsTr("Open %1").arg(text)
                onClicked: {
                    root.step = 0
                    controller.open(key)
                }
            }
        }
    }

    // ---- an assessment open ----
    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: controller.assessmentId.length > 0
        spacing: Units.spacing

        Label {
            Layout.fillWidth: true
            text: qsTr("%1 \u00B7 %2 \u00B7 %3 concerns chosen").arg(controller.date)
                  .arg(controller.complete ? qsTr("complete") : qsTr("draft, saved as you go"))
                  .arg(controller.chosenCount)
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: controller.message.length > 0 && !controller.failed
            text: "\u2713 " + controller.message
            wrapMode: Text.Wrap
            Accessible.role: Accessible.StaticText
            Accessible.name: controller.message
        }

        // The parts of the assessment; each is a button so it can be reached in any order.
        Flow {
            Layout.fillWidth: true
            spacing: Units.spacing / 2
            Repeater {
                model: [qsTr("1. Concerns"), qsTr("2. Distress"), qsTr("3. Order"), qsTr("4. Finish")]
                delegate: Button {
                    required property int index
                    required property string modelData
                    objectName: "step_" + index
                    text: (root.step === index ? "\u25B6 " : "") + modelData
                    checkable: true
                    checked: root.step === index
                    highlighted: checked
                    implicitHeight: Units.touchTarget
                    Accessible.role: Accessible.PageTab
                    Accessible.name: modelData
                    Accessible.checked: checked
                    onClicked: {
                        root.step = index
                        if (index === 2)
                            controller.prepareRanking()
                    }
                }
            }
        }

        // 1. Concerns, domain by domain.
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.step === 0
            spacing: Units.spacing

            Flow {
                Layout.fillWidth: true
                spacing: Units.spacing / 2
                Repeater {
                    model: controller.domains
                    delegate: Button {
                        required property string key
                        required property string label
                        required property int chosen
                        objectName: "domain_" + key
                        text: label + (chosen > 0 ? " (" + chosen + ")" : "")
                        checkable: true
                        checked: controller.currentDomain === key
                        highlighted: checked
                        implicitHeight: Units.touchTarget
                        Accessible.role: Accessible.PageTab
                        Accessible.name: qsTr("%1, %n concern(s) chosen", "", chosen).arg(label)
                        Accessible.checked: checked
                        onClicked: controller.currentDomain = key
                    }
                }
            }
            SectionHeader {
                Layout.fillWidth: true
                text: controller.currentDomainLabel
            }
            Repeater {
                model: controller.checklist
                delegate: ChecklistItemDelegate {
                    Layout.fillWidth: true
                    onScored: function(item, score) { controller.setScore(item, score) }
                }
            }
            Label {
                Layout.fillWidth: true
                visible: (controller.errors.score || "").length > 0
                text: "\u26A0 " + (controller.errors.score || "")
                wrapMode: Text.Wrap
                color: "#b3261e"
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            Button {
                objectName: "next_distress"
                Layout.alignment: Qt.AlignRight
                text: qsTr("Next: overall distress")
                implicitHeight: Units.touchTarget
                Accessible.name: text
                onClicked: root.step = 1
            }
        }

        // 2. Overall distress.
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.step === 1
            spacing: Units.spacing

            Label {
                Layout.fillWidth: true
                text: controller.overallDistress >= 0
                      ? qsTr("Overall distress: %1 of 10").arg(controller.overallDistress)
                      : qsTr("Overall distress: not given yet")
                font.bold: true
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                visible: controller.previousDistress >= 0
                text: qsTr("At the initial assessment: %1 of 10").arg(controller.previousDistress)
                wrapMode: Text.Wrap
            }
            ScoreEditor {
                Layout.fillWidth: true
                label: qsTr("Overall distress")
                score: controller.overallDistress
                key: "distress"
                onChosen: function(value) { controller.setOverallDistress(value) }
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("0 means no distress, 10 extreme distress.")
                wrapMode: Text.Wrap
                opacity: 0.85
            }
            Label {
                Layout.fillWidth: true
                visible: (controller.errors.overall_distress || "").length > 0
                text: "\u26A0 " + (controller.errors.overall_distress || "")
                wrapMode: Text.Wrap
                color: "#b3261e"
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            Button {
                objectName: "next_order"
                Layout.alignment: Qt.AlignRight
                text: qsTr("Next: order of concerns")
                implicitHeight: Units.touchTarget
                Accessible.name: text
                onClicked: {
                    root.step = 2
                    controller.prepareRanking()
                }
            }
        }

        // 3. The order in which to discuss the concerns.
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.step === 2
            spacing: Units.spacing

            Label {
                Layout.fillWidth: true
                text: controller.chosenCount > 0
                      ? qsTr("The three highest scores come first (\u2605). Move a concern up or down if the person would rather talk about it sooner.")
                      : qsTr("No concerns chosen yet.")
                wrapMode: Text.Wrap
            }
            Repeater {
                id: rankRepeater
                model: controller.concerns
                delegate: ConcernRankDelegate {
                    Layout.fillWidth: true
                    count: rankRepeater.count
                    onMoveRequested: function(from, to) { controller.moveConcern(from, to) }
                }
            }
            Button {
                objectName: "next_finish"
                Layout.alignment: Qt.AlignRight
                text: qsTr("Next: finish")
                implicitHeight: Units.touchTarget
                Accessible.name: text
                onClicked: root.step = 3
            }
        }

        // 4. Finish.
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.step === 3
            spacing: Units.spacing

            FormField {
                id: dateField
                label: qsTr("Date of the assessment (YYYY-MM-DD)")
                text: controller.date
                inputMethodHints: Qt.ImhDate
                errorText: controller.errors.date || ""
                onEditingFinished: if (text !== controller.date) controller.setDate(text)
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("%n concern(s) chosen.", "", controller.chosenCount) + " "
                      + (controller.overallDistress >= 0
                         ? qsTr("Overall distress %1 of 10.").arg(controller.overallDistress)
                         : qsTr("Overall distress not given yet."))
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                visible: (controller.errors.overall_distress || "").length > 0
                text: "\u26A0 " + qsTr("Overall distress") + ": " + (controller.errors.overall_distress || "")
                wrapMode: Text.Wrap
                color: "#b3261e"
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: Units.spacing
                Button {
                    objectName: "finish"
                    text: controller.complete ? qsTr("\u2713 Complete") : qsTr("Complete the assessment")
                    enabled: !controller.complete
                    highlighted: true
                    implicitHeight: Units.touchTarget
                    Accessible.name: text
                    onClicked: controller.finish()
                }
                Button {
                    objectName: "closeAssessment"
                    text: qsTr("Back to assessments")
                    implicitHeight: Units.touchTarget
                    Accessible.name: text
                    onClicked: controller.close()
                }
            }
        }
    }
}
