import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One onward referral: where, why, status and outcome, with its status and outcome editable.
Frame {
    id: root

    required property string key
    required property string organisation
    required property string reason
    required property string concernLabel
    required property string date
    required property string status
    required property string statusLabel
    required property string outcome
    required property string followUpDate
    required property bool carersAssessment
    required property var controller
    property bool editing: false

    Layout.fillWidth: true
    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1, %2, %3").arg(root.organisation).arg(root.date).arg(root.statusLabel)

    function err(field) { return root.editing ? (root.controller.errors[field] || "") : "" }

    ColumnLayout {
        anchors.fill: parent
        spacing: Units.spacing / 2
        Label {
            Layout.fillWidth: true
            text: root.organisation
            font.bold: true
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            text: root.date + (root.concernLabel.length > 0 ? " \u00B7 " + qsTr("for: %1").arg(root.concernLabel) : "")
                  + (root.carersAssessment ? " \u00B7 " + qsTr("carer's assessment") : "")
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: root.reason.length > 0
            text: qsTr("Reason: %1").arg(root.reason)
            wrapMode: Text.Wrap
        }
        RowLayout {
            StatusChip { label: root.statusLabel; symbol: root.status === "completed" ? "\u2713" : "\u2192" }
            Item { Layout.fillWidth: true }
            Button {
                visible: !root.editing
                text: qsTr("Update")
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Update the referral to %1").arg(root.organisation)
                onClicked: root.editing = true
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.outcome.length > 0
            text: qsTr("Outcome: %1").arg(root.outcome)
            wrapMode: Text.Wrap
        }
        ColumnLayout {
            Layout.fillWidth: true
            visible: root.editing
            ChoiceField {
                id: statusField
                label: qsTr("Status")
                options: root.controller.options("onward_referral", "status")
                value: root.status
                errorText: root.err("status")
            }
            FormField {
                id: outcomeField
                label: qsTr("Outcome")
                text: root.outcome
                errorText: root.err("outcome")
            }
            FormField {
                id: followUp
                label: qsTr("Follow up on (YYYY-MM-DD)")
                text: root.followUpDate
                inputMethodHints: Qt.ImhDate
                errorText: root.err("follow_up_date")
            }
            RowLayout {
                Button {
                    text: qsTr("Save")
                    highlighted: true
                    implicitHeight: Units.touchTarget
                    Accessible.name: qsTr("Save the referral to %1").arg(root.organisation)
                    onClicked: if (root.controller.update(root.key, { "status": statusField.value,
                                                                     "outcome": outcomeField.text,
                                                                     "follow_up_date": followUp.text }))
                                   root.editing = false
                }
                Button {
                    text: qsTr("Cancel")
                    implicitHeight: Units.touchTarget
                    Accessible.name: qsTr("Cancel")
                    onClicked: root.editing = false
                }
            }
        }
    }
}
