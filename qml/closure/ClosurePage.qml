import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Closing the case with a reason, or reopening it.
PageScaffold {
    id: root

    required property string personId

    title: qsTr("Closure: %1").arg(closure.personName)
    errorText: closure.failed ? closure.message : ""

    ClosureController {
        id: closure
        personId: root.personId
    }

    StatusChip {
        Layout.maximumWidth: parent ? parent.width : 0
        wrapMode: Text.Wrap
        label: closure.closed ? qsTr("Closed on %1: %2").arg(closure.date).arg(closure.reasonLabel) : qsTr("Open")
        symbol: closure.closed ? "\u25A0" : "\u25CB"
    }
    Label {
        Layout.fillWidth: true
        visible: closure.message.length > 0 && !closure.failed
        text: "\u2713 " + closure.message
    }
    Label {
        Layout.fillWidth: true
        visible: !closure.closed && closure.openActions > 0
        text: qsTr("\u26A0 %n care action(s) are still planned or in progress.", "", closure.openActions)
        wrapMode: Text.Wrap
    }

    ColumnLayout {
        Layout.maximumWidth: parent ? parent.width : 0
        Layout.fillWidth: true
        visible: !closure.closed
        ChoiceField {
            id: reason
            objectName: "closeReason"
            label: qsTr("Reason for closing")
            options: [{ "value": "", "label": qsTr("Choose\u2026") }].concat(closure.reasonOptions)
            value: ""
            errorText: closure.errors.reason || ""
        }
        FormField {
            id: date
            label: qsTr("Date closed (YYYY-MM-DD; today if blank)")
            inputMethodHints: Qt.ImhDate
            errorText: closure.errors.date || ""
        }
        FormField {
            id: notes
            label: qsTr("Notes (optional)")
            errorText: closure.errors.notes || ""
        }
        Button {
            objectName: "closeCase"
            text: qsTr("Close the case")
            highlighted: true
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: closure.closeCase(reason.value, date.text, notes.text)
        }
    }
    ActionButton {
        Layout.maximumWidth: parent ? parent.width : 0
        objectName: "reopen"
        visible: closure.closed
        text: qsTr("Reopen the case")
        implicitHeight: Units.touchTarget
        Accessible.name: text
        onClicked: closure.reopen()
    }
}
