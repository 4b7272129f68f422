import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One checklist item: choose it as a concern by scoring it 0-10; a review shows the earlier score.
Frame {
    id: root

    required property string key
    required property string label
    required property int score
    required property int previousScore
    required property bool chosen
    signal scored(string item, int score)

    Layout.fillWidth: true
    Accessible.role: Accessible.Grouping
    Accessible.name: root.label

    ColumnLayout {
        anchors.fill: parent
        spacing: Units.spacing / 2

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: root.label
                wrapMode: Text.Wrap
                font.bold: root.chosen
                Accessible.ignored: true
            }
            Label {
                text: root.chosen ? qsTr("Concern: %1 of 10").arg(root.score) : qsTr("Not a concern")
                font.bold: root.chosen
                Accessible.ignored: true
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.previousScore >= 0
            text: qsTr("Before: %1 of 10").arg(root.previousScore)
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        ScoreEditor {
            Layout.fillWidth: true
            label: root.label
            score: root.score
            key: "score_" + root.key
            onChosen: function(value) { root.scored(root.key, value) }
        }
        Button {
            objectName: "clear_" + root.key
            visible: root.chosen
            text: qsTr("Not a concern")
            implicitHeight: Units.touchTarget
            flat: true
            Accessible.name: qsTr("%1 is not a concern").arg(root.label)
            onClicked: root.scored(root.key, -1)
        }
    }
}
