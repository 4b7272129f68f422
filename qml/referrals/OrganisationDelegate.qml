import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// One organisation from the directory, with a button to refer the person to it.
Frame {
    id: root

    required property string key
    required property string name
    required property string categoryLabel
    required property string areas
    required property string phone
    required property string description
    required property bool selfReferral
    signal referRequested(string organisationId, string name)

    Layout.fillWidth: true
    Accessible.role: Accessible.ListItem
    Accessible.name: root.name

    ColumnLayout {
        anchors.fill: parent
        spacing: Units.spacing / 2
        Label {
            Layout.fillWidth: true
            text: root.name
            font.bold: true
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            text: root.categoryLabel + " \u00B7 " + root.areas + " \u00B7 " + root.phone
                  + (root.selfReferral ? " \u00B7 " + qsTr("accepts self-referral") : "")
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        Label {
            Layout.fillWidth: true
            text: root.description
            wrapMode: Text.Wrap
        }
        Button {
            objectName: "refer_" + root.key
            text: qsTr("Refer")
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Refer to %1").arg(root.name)
            onClicked: root.referRequested(root.key, root.name)
        }
    }
}
