import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled choice from a list the controller provides: model is [{value, label}], `value` the
// chosen value (stored form), so QML never maps labels to stored values itself.
ColumnLayout {
    id: root

    property string label
    property var options: []
    property string value
    property string errorText
    signal activated(string value)

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
    ComboBox {
        id: box
        Layout.fillWidth: true
        implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
        model: root.options
        textRole: "label"
        valueRole: "value"
        currentIndex: indexOfValue(root.value)
        Accessible.name: root.label
        Accessible.description: root.errorText
        onActivated: function(index) {
            root.value = box.currentValue
            root.activated(box.currentValue)
        }
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
