import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled text input with the controller's error message under it. The label is always
// visible (not a placeholder), so it survives 200% text and screen readers read it.
Item {
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

    Layout.fillWidth: true
    // A nested layout would otherwise stretch to fill the height of a row it sits in.
    Layout.fillHeight: false
    // Sized from a plain Column rather than a nested ColumnLayout: the nested layout placed the
    // input below a stale, taller height for the wrapping label (as if measured before the label
    // had its width) while the page's layout allotted the real one, so the input spilled over the
    // next field's label. A Column places each child by its current height.
    implicitWidth: input.implicitWidth
    implicitHeight: column.implicitHeight

    Column {
        id: column
        width: root.width
        spacing: 2

        Label {
            width: column.width
            text: root.label
            wrapMode: Text.Wrap
            font.bold: true
            Accessible.ignored: true
        }
        TextField {
            id: input
            width: column.width
            // contentHeight (the text's real line height, as the styles themselves use) rather
            // than implicitContentHeight, which did not follow the font at 200% text: the field
            // stayed 48 high and Material's taller paddings clipped the top of the value.
            implicitHeight: Math.max(Units.touchTarget,
                                     contentHeight + topPadding + bottomPadding,
                                     implicitBackgroundHeight + topInset + bottomInset)
            Accessible.name: root.label
            Accessible.description: root.errorText.length > 0 ? root.errorText : root.helpText
            onAccepted: root.accepted()
            onEditingFinished: root.editingFinished()
        }
        Label {
            width: column.width
            visible: root.helpText.length > 0 && root.errorText.length === 0
            text: root.helpText
            wrapMode: Text.Wrap
            opacity: 0.8
            Accessible.ignored: true
        }
        Label {
            width: column.width
            visible: root.errorText.length > 0
            text: "\u26A0 " + root.errorText
            wrapMode: Text.Wrap
            color: "#b3261e"
            Accessible.role: Accessible.AlertMessage
            Accessible.name: root.errorText
        }
    }
}
