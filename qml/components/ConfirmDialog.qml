import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Asks before something that cannot be taken back on this screen (removing a record). The
// question says what will happen in words; Escape or the Android back key cancels it.
Dialog {
    id: root

    // What will happen, e.g. "Remove £350.00, grant, 2025-10-01?"
    property string question
    // The button that goes ahead, e.g. "Remove".
    property string confirmText: qsTr("Remove")

    signal confirmed()

    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    anchors.centerIn: Overlay.overlay
    width: Math.min(Overlay.overlay ? Overlay.overlay.width - 2 * Units.margin : 400, 480)
    title: qsTr("Are you sure?")

    contentItem: Label {
        text: root.question
        wrapMode: Text.Wrap
        Accessible.role: Accessible.StaticText
        Accessible.name: root.title + " " + root.question
    }

    footer: RowLayout {
        spacing: Units.spacing

        Item { Layout.fillWidth: true }
        ActionButton {
            objectName: "confirmCancel"
            Layout.bottomMargin: Units.spacing
            text: qsTr("Keep it")
            flat: true
            Accessible.name: qsTr("Keep it, do not remove")
            onClicked: root.reject()
        }
        ActionButton {
            objectName: "confirmAccept"
            Layout.rightMargin: Units.margin
            Layout.bottomMargin: Units.spacing
            text: root.confirmText
            highlighted: true
            onClicked: {
                root.close()
                root.confirmed()
            }
        }
    }
}
