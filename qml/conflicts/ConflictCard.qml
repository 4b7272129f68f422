import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One field in conflict: every competing value side by side with where and when it was written.
// The person keeps one, or types a merged value. An edit-vs-delete conflict offers keeping or
// deleting the record instead.
// A bordered box whose height follows its width (no Frame: a Frame's implicit width from wrapped
// text makes its layout re-polish forever).
Rectangle {
    id: root

    required property int index
    required property string recordType
    required property string personName
    required property string field
    required property bool isDelete
    required property var heads
    // Lay the values out side by side (tablet) or one under another (phone).
    property bool wide: true

    signal keep(int head)
    signal merge(string text)
    signal keepRecord()
    signal deleteRecord()

    readonly property string fieldLabel: root.field.replace(/_/g, " ")
    readonly property string recordLabel: root.recordType.replace(/_/g, " ")

    Layout.fillWidth: true
    implicitHeight: card.implicitHeight + 2 * Units.spacing
    color: "transparent"
    border.color: "#79747e"
    radius: 4
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("Conflict: %1 of %2, %3").arg(root.fieldLabel).arg(root.recordLabel).arg(root.personName)

    ColumnLayout {
        id: card
        x: Units.spacing
        y: Units.spacing
        width: parent.width - 2 * Units.spacing
        spacing: Units.spacing

        Label {
            Layout.fillWidth: true
            text: "\u26A0 " + root.personName + " \u2014 " + qsTr("%1 (%2)").arg(root.fieldLabel).arg(root.recordLabel)
            font.bold: true
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: root.isDelete
                  ? qsTr("One device deleted this record while another changed its %1. Keep the record with the change, or delete it.").arg(root.fieldLabel)
                  : qsTr("Two devices changed %1 while apart. Choose the value to keep, or type a merged one.").arg(root.fieldLabel)
        }

        GridLayout {
            Layout.fillWidth: true
            columns: root.wide ? Math.max(1, root.heads.length) : 1
            columnSpacing: Units.spacing
            rowSpacing: Units.spacing

            Repeater {
                model: root.heads
                delegate: Rectangle {
                    id: headFrame
                    required property var modelData
                    required property int index
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    implicitHeight: head.implicitHeight + 2 * Units.spacing
                    color: "transparent"
                    border.color: "#79747e"
                    radius: 4
                    Accessible.role: Accessible.Grouping
                    Accessible.name: qsTr("Value %1: %2").arg(headFrame.index + 1).arg(headFrame.modelData.value)

                    ColumnLayout {
                        id: head
                        x: Units.spacing
                        y: Units.spacing
                        width: parent.width - 2 * Units.spacing
                        spacing: 2

                        Label {
                            Layout.fillWidth: true
                            text: headFrame.modelData.current ? qsTr("Shown now") : qsTr("Other value")
                            opacity: 0.8
                        }
                        Label {
                            Layout.fillWidth: true
                            text: headFrame.modelData.value
                            font.bold: true
                            font.pixelSize: Units.headingPixelSize
                            wrapMode: Text.Wrap
                        }
                        Label {
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            text: (headFrame.modelData.thisDevice ? qsTr("Changed on this device")
                                                        : qsTr("Changed on device %1").arg(headFrame.modelData.device))
                                  + "\n" + qsTr("at %1").arg(headFrame.modelData.when)
                        }
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("Clock %1").arg(headFrame.modelData.hlc)
                            font.pixelSize: Units.smallPixelSize
                            elide: Text.ElideMiddle
                            opacity: 0.7
                        }
                        Button {
                            Layout.fillWidth: true
                            visible: !root.isDelete
                            implicitHeight: Units.touchTarget
                            text: qsTr("Keep this value")
                            Accessible.name: qsTr("Keep %1").arg(headFrame.modelData.value)
                            onClicked: root.keep(headFrame.index)
                        }
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            visible: !root.isDelete
            spacing: Units.spacing

            FormField {
                id: merged
                Layout.fillWidth: true
                label: qsTr("Or type a merged value")
            }
            Button {
                Layout.alignment: Qt.AlignBottom
                implicitHeight: Units.touchTarget
                text: qsTr("Use this")
                enabled: merged.text.length > 0
                Accessible.name: qsTr("Use the typed value")
                onClicked: root.merge(merged.text)
            }
        }

        RowLayout {
            Layout.fillWidth: true
            visible: root.isDelete
            spacing: Units.spacing

            Button {
                Layout.fillWidth: true
                implicitHeight: Units.touchTarget
                text: qsTr("Keep the record")
                Accessible.name: text
                onClicked: root.keepRecord()
            }
            Button {
                Layout.fillWidth: true
                implicitHeight: Units.touchTarget
                text: qsTr("Delete the record")
                Accessible.name: text
                onClicked: root.deleteRecord()
            }
        }
    }
}
