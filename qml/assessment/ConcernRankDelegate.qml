import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One chosen concern in the order agreed with the person; the first three are discussed first.
Frame {
    id: root

    required property int index
    required property string key
    required property string label
    required property string domainLabel
    required property int score
    required property int previousScore
    required property int rank
    required property bool discussFirst
    property int count: 0
    signal moveRequested(int from, int to)

    Layout.fillWidth: true
    Accessible.role: Accessible.ListItem
    Accessible.name: (root.discussFirst ? qsTr("Discuss first, number %1: ").arg(root.rank) : "")
                     + qsTr("%1, scored %2").arg(root.label).arg(root.score)

    RowLayout {
        anchors.fill: parent
        spacing: Units.spacing

        Label {
            text: root.discussFirst ? "\u2605 " + root.rank : "\u2022"
            font.bold: true
            font.pixelSize: Units.headingPixelSize
            Layout.minimumWidth: Units.touchTarget
            Accessible.ignored: true
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0
            Label {
                Layout.fillWidth: true
                text: root.label
                wrapMode: Text.Wrap
                font.bold: root.discussFirst
                Accessible.ignored: true
            }
            Label {
                Layout.fillWidth: true
                text: root.domainLabel + " \u00B7 " + qsTr("score %1").arg(root.score)
                      + (root.previousScore >= 0 ? " \u00B7 " + qsTr("before %1").arg(root.previousScore) : "")
                      + (root.discussFirst ? " \u00B7 " + qsTr("discuss first") : "")
                wrapMode: Text.Wrap
                opacity: 0.85
                Accessible.ignored: true
            }
        }
        Button {
            objectName: "up_" + root.key
            text: "\u2191"
            enabled: root.index > 0
            implicitWidth: Units.touchTarget
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Move %1 up").arg(root.label)
            onClicked: root.moveRequested(root.index, root.index - 1)
        }
        Button {
            objectName: "down_" + root.key
            text: "\u2193"
            enabled: root.index < root.count - 1
            implicitWidth: Units.touchTarget
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Move %1 down").arg(root.label)
            onClicked: root.moveRequested(root.index, root.index + 1)
        }
    }
}
