import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A 0-10 score (concern severity, distress) with the number always written out, and step
// buttons so a score can be set exactly with a thumb or a switch device. Targets are 48dp.
ColumnLayout {
    id: root

    property string label
    property int value: 0
    property int from: 0
    property int to: 10
    // Words for the ends of the scale ("no concern", "worst imaginable").
    property string lowText: qsTr("None")
    property string highText: qsTr("Severe")
    signal moved(int value)

    spacing: 2
    Layout.fillWidth: true
    // A nested layout would otherwise stretch to fill the height of a row it sits in.
    Layout.fillHeight: false

    function setValue(v) {
        const bounded = Math.max(root.from, Math.min(root.to, v))
        if (bounded !== root.value) {
            root.value = bounded
            root.moved(bounded)
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: root.label
            wrapMode: Text.Wrap
            font.bold: true
            Accessible.ignored: true
        }
        Label {
            text: qsTr("%1 of %2").arg(root.value).arg(root.to)
            font.bold: true
            Accessible.ignored: true
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: Units.spacing

        Button {
            text: "\u2212"
            implicitWidth: Units.touchTarget
            implicitHeight: Units.touchTarget
            enabled: root.value > root.from
            Accessible.name: qsTr("Lower %1").arg(root.label)
            onClicked: root.setValue(root.value - 1)
        }
        Slider {
            id: slider
            Layout.fillWidth: true
            implicitHeight: Units.touchTarget
            from: root.from
            to: root.to
            stepSize: 1
            snapMode: Slider.SnapAlways
            value: root.value
            Accessible.name: root.label
            onMoved: root.setValue(Math.round(slider.value))
        }
        Button {
            text: "+"
            implicitWidth: Units.touchTarget
            implicitHeight: Units.touchTarget
            enabled: root.value < root.to
            Accessible.name: qsTr("Raise %1").arg(root.label)
            onClicked: root.setValue(root.value + 1)
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            text: root.from + " " + root.lowText
            opacity: 0.8
            Accessible.ignored: true
        }
        Item {
            Layout.fillWidth: true
        }
        Label {
            text: root.to + " " + root.highText
            opacity: 0.8
            Accessible.ignored: true
        }
    }
}
