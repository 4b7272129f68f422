import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Eleven large buttons, 0 to 10, for scoring one concern with a thumb. The chosen score is
// written out beside the label and marked with a tick, so it never depends on colour.
ColumnLayout {
    id: root

    // What is being scored, for screen readers ("Pain").
    property string label
    // -1 while not scored.
    property int score: -1
    // A prefix for the buttons' object names, so tests can find "<key>_7".
    property string key
    signal chosen(int score)

    spacing: Units.spacing / 2

    Flow {
        Layout.fillWidth: true
        spacing: Units.spacing / 2

        Repeater {
            model: 11
            delegate: Button {
                id: scoreButton
                required property int index
                objectName: root.key + "_" + scoreButton.index
                implicitWidth: Units.touchTarget
                implicitHeight: Units.touchTarget
                checkable: true
                checked: root.score === scoreButton.index
                highlighted: scoreButton.checked
                text: scoreButton.checked ? "\u2713" + scoreButton.index : scoreButton.index
                font.bold: scoreButton.checked
                Accessible.role: Accessible.RadioButton
                Accessible.name: qsTr("Score %1 for %2").arg(scoreButton.index).arg(root.label)
                Accessible.checked: scoreButton.checked
                onClicked: root.chosen(scoreButton.index)
            }
        }
    }
}
