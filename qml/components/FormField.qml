import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled text input with the controller's error message under it. The label is always
// visible (not a placeholder), so it survives 200% text and screen readers read it.
ColumnLayout {
    id: root

    property string label
    property alias text: input.text
    property alias placeholderText: input.placeholderText
    property alias inputMethodHints: input.inputMethodHints
    property alias echoMode: input.echoMode
    property alias readOnly: input.readOnly
    property alias validator: input.validator
    // Shown under the field; set from the controller's field errors.
    property string errorText
    property string helpText
    readonly property alias input: input
    signal accepted()
    signal editingFinished()

    spacing: 2
    Layout.fillWidth: true
    // A nested layout would otherwise stretch to fill the height of a row it sits in.
    Layout.fillHeight: false

    Label {
        Layout.fillWidth: true
        text: root.label
        wrapMode: Text.Wrap
        font.bold: true
        Accessible.ignored: true
    }
    TextField {
        id: input
        Layout.fillWidth: true
        implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
        Accessible.name: root.label
        Accessible.description: root.errorText.length > 0 ? root.errorText : root.helpText
        onAccepted: root.accepted()
        onEditingFinished: root.editingFinished()
    }
    Label {
        Layout.fillWidth: true
        visible: root.helpText.length > 0 && root.errorText.length === 0
        text: root.helpText
        wrapMode: Text.Wrap
        opacity: 0.8
        Accessible.ignored: true
    }
    Label {
        Layout.fillWidth: true
        visible: root.errorText.length > 0
        text: "\u26A0 " + root.errorText
        wrapMode: Text.Wrap
        color: "#b3261e"
        Accessible.role: Accessible.AlertMessage
        Accessible.name: root.errorText
    }
}
