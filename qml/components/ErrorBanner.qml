import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A message a person must read (a failed save, a refused sync). Shown with a symbol and words,
// never by colour alone; hidden when `text` is empty.
Frame {
    id: root

    property string text
    // "error" or "info": changes the symbol and the heading word, not only the colour.
    property string kind: "error"
    property bool dismissable: true
    signal dismissed()

    visible: text.length > 0
    Layout.fillWidth: true
    Accessible.role: Accessible.AlertMessage
    Accessible.name: (root.kind === "error" ? qsTr("Problem") : qsTr("Note")) + ": " + root.text

    background: Rectangle {
        color: root.kind === "error" ? "#fdecea" : "#e8f0fe"
        border.color: root.kind === "error" ? "#b3261e" : "#1a5fb4"
        border.width: 2
        radius: 4
    }

    RowLayout {
        width: parent.width
        spacing: Units.spacing

        Label {
            text: root.kind === "error" ? "\u26A0" : "\u2139"
            font.pixelSize: Units.headingPixelSize
            color: "#1c1b1f"
            Accessible.ignored: true
        }
        Label {
            Layout.fillWidth: true
            text: (root.kind === "error" ? qsTr("Problem") : qsTr("Note")) + ": " + root.text
            wrapMode: Text.Wrap
            color: "#1c1b1f"
            Accessible.ignored: true
        }
        ToolButton {
            visible: root.dismissable
            text: qsTr("Dismiss")
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Dismiss message")
            onClicked: {
                root.text = ""
                root.dismissed()
            }
        }
    }
}
