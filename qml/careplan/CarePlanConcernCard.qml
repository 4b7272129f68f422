import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One concern of the plan: what was discussed in the person's words, and the actions agreed.
Frame {
    id: root

    required property string key
    required property string label
    required property string domainLabel
    required property int score
    required property int rank
    required property string discussed
    required property var actions
    required property var controller
    property bool locked: false
    property bool adding: false

    Layout.fillWidth: true
    Accessible.role: Accessible.Grouping
    Accessible.name: root.label

    ColumnLayout {
        anchors.fill: parent
        spacing: Units.spacing

        Label {
            Layout.fillWidth: true
            text: (root.rank > 0 ? root.rank + ". " : "") + root.label
            wrapMode: Text.Wrap
            font.bold: true
            font.pixelSize: Units.headingPixelSize
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            text: root.domainLabel + " \u00B7 " + qsTr("scored %1 of 10").arg(root.score)
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        Label {
            text: qsTr("What we talked about, in the person's words")
            font.bold: true
            Layout.fillWidth: true
            wrapMode: Text.Wrap
        }
        TextArea {
            id: discussedField
            objectName: "discussed_" + root.key
            Layout.fillWidth: true
            Layout.minimumHeight: Units.touchTarget * 1.5
            text: root.discussed
            wrapMode: TextEdit.Wrap
            readOnly: root.locked
            Accessible.name: qsTr("What we talked about: %1").arg(root.label)
        }
        Button {
            objectName: "saveDiscussed_" + root.key
            visible: !root.locked && discussedField.text !== root.discussed
            text: qsTr("Save what we talked about")
            implicitHeight: Units.touchTarget
            Accessible.name: text
            onClicked: root.controller.saveDiscussed(root.key, discussedField.text)
        }
        Repeater {
            model: root.actions
            delegate: CareActionDelegate {
                Layout.fillWidth: true
                controller: root.controller
                locked: root.locked
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.actions && root.actions.count === 0
            text: qsTr("No actions yet.")
            opacity: 0.85
        }
        Button {
            objectName: "addAction_" + root.key
            visible: !root.locked && !root.adding
            text: qsTr("Add an action")
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Add an action for %1").arg(root.label)
            onClicked: root.adding = true
        }
        Loader {
            Layout.fillWidth: true
            active: root.adding
            visible: active
            sourceComponent: CareActionEditor {
                controller: root.controller
                concernId: root.key
                onDone: root.adding = false
            }
        }
    }
}
