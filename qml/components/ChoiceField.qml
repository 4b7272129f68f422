import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled choice from a list the controller provides: model is [{value, label}], `value` the
// chosen value (stored form), so QML never maps labels to stored values itself.
Item {
    id: root

    property string label
    property var options: []
    property string value
    property string errorText
    signal activated(string value)
    onValueChanged: box.syncIndex()

    Layout.fillWidth: true
    // A nested layout would otherwise stretch to fill the height of a row it sits in.
    Layout.fillHeight: false
    // Sized from a plain Column rather than a nested ColumnLayout: the nested layout placed the
    // input below a stale, taller height for the wrapping label (as if measured before the label
    // had its width) while the page's layout allotted the real one, so the input spilled over the
    // next field's label. A Column places each child by its current height.
    implicitWidth: box.implicitWidth
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
        ComboBox {
            id: box
            width: column.width
            implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
            model: root.options
            textRole: "label"
            valueRole: "value"
            // indexOfValue() reads neither the model nor count, so a plain binding is evaluated
            // once, before the model is set (-1: blank until touched). Re-sync whenever the
            // model, its count or the value changes.
            function syncIndex() { currentIndex = indexOfValue(root.value) }
            onModelChanged: syncIndex()
            onCountChanged: syncIndex()
            Component.onCompleted: syncIndex()
            Accessible.name: root.label
            Accessible.description: root.errorText
            onActivated: function(index) {
                root.value = box.currentValue
                root.activated(box.currentValue)
            }
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
