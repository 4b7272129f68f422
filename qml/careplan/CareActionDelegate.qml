import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One agreed action: what, who, by when, and its status written out (overdue marked in words).
Frame {
    id: root

    required property string key
    required property string concernId
    required property string action
    required property string owner
    required property string ownerLabel
    required property string ownerName
    required property string dueDate
    required property string status
    required property string statusLabel
    required property bool overdue
    required property string outcome
    required property string reviewDate
    required property var controller
    property bool locked: false
    property bool editing: false

    Layout.fillWidth: true
    Accessible.role: Accessible.ListItem
    Accessible.name: qsTr("%1; %2; by %3; %4").arg(root.action).arg(root.ownerLabel)
                     .arg(root.dueDate.length > 0 ? root.dueDate : qsTr("no date")).arg(root.statusLabel)
                     + (root.outcome.length > 0 ? "; " + qsTr("Outcome: %1").arg(root.outcome) : "")
                     + (root.reviewDate.length > 0 ? "; " + qsTr("Look again: %1").arg(root.reviewDate) : "")

    ColumnLayout {
        anchors.fill: parent
        spacing: Units.spacing / 2

        Label {
            Layout.fillWidth: true
            text: root.action
            wrapMode: Text.Wrap
            font.bold: true
            Accessible.ignored: true
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Who: %1").arg(root.ownerLabel + (root.ownerName.length > 0 ? " (" + root.ownerName + ")" : ""))
                  + " \u00B7 " + qsTr("By: %1").arg(root.dueDate.length > 0 ? root.dueDate : qsTr("no date"))
            wrapMode: Text.Wrap
            Accessible.ignored: true
        }
        Label {
            Layout.fillWidth: true
            visible: root.outcome.length > 0 || root.reviewDate.length > 0
            text: [root.outcome.length > 0 ? qsTr("Outcome: %1").arg(root.outcome) : "",
                   root.reviewDate.length > 0 ? qsTr("Look again: %1").arg(root.reviewDate) : ""]
                  .filter(part => part.length > 0).join(" \u00B7 ")
            wrapMode: Text.Wrap
            Accessible.ignored: true
        }
        // Wraps: the chips and the button do not fit one line on a phone.
        Flow {
            Layout.fillWidth: true
            spacing: Units.spacing
            StatusChip {
                label: root.statusLabel
                symbol: root.status === "done" ? "\u2713" : root.status === "in_progress" ? "\u25D4" : "\u25CB"
            }
            StatusChip {
                visible: root.overdue
                label: qsTr("Overdue")
                symbol: "\u26A0"
                tint: "#b3261e"
            }
            Button {
                objectName: "editAction_" + root.key
                visible: !root.editing
                text: root.locked ? qsTr("Update progress") : qsTr("Change")
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("%1: %2").arg(text).arg(root.action)
                onClicked: root.editing = true
            }
        }
        Loader {
            Layout.fillWidth: true
            active: root.editing
            visible: active
            sourceComponent: CareActionEditor {
                controller: root.controller
                concernId: root.concernId
                actionId: root.key
                locked: root.locked
                owner: root.owner
                status: root.status
                Component.onCompleted: {
                    actionText = root.action
                    ownerName = root.ownerName
                    dueDate = root.dueDate
                    outcome = root.outcome
                    reviewDate = root.reviewDate
                }
                onDone: root.editing = false
            }
        }
    }
}
