import QtQuick
import QtQuick.Controls
import Hearth

// The window: the unlock screen while locked, the workspace once unlocked. The title never
// carries personal data; on phones and tablets a cover hides the content from app-switcher
// snapshots while the app is in the background.
ApplicationWindow {
    id: root

    // Which screen shows: "enrol", "unlock", or the workspace's screen (tests and the self-test).
    readonly property string screen: Session.unlocked ? (workspaceLoader.item ? workspaceLoader.item.screen : "")
                                                      : (unlockLoader.item ? unlockLoader.item.mode : "")
    // True while a page transition or the caseload's load is in flight.
    readonly property bool navigating: Session.unlocked && workspaceLoader.item ? workspaceLoader.item.navigating
                                                                                : false

    // Shows a screen by name ("caseload", "person", "conflicts", "sync", "settings", "flow:<key>").
    function show(name, personId) {
        if (!Session.unlocked || !workspaceLoader.item)
            return false
        return workspaceLoader.item.show(name, personId)
    }

    width: 1280
    height: 800
    minimumWidth: 320
    minimumHeight: 480
    visible: true
    title: qsTr("Hearth")
    font.pixelSize: Units.bodyPixelSize

    Loader {
        id: unlockLoader
        anchors.fill: parent
        active: !Session.unlocked
        visible: active
        sourceComponent: UnlockPage {}
    }

    // Set while a lock is under way: the workspace (and its lists, possibly mid-way through
    // creating rows) goes before the models drop their rows, not after.
    property bool locking: false

    Connections {
        target: Session
        function onAboutToLock() { root.locking = true }
        function onUnlockedChanged() { root.locking = false }
    }

    Loader {
        id: workspaceLoader
        anchors.fill: parent
        active: Session.unlocked && !root.locking
        visible: active
        sourceComponent: WorkspacePage {}
    }

    Rectangle {
        anchors.fill: parent
        z: 100
        visible: Session.unlocked && (Qt.platform.os === "android" || Qt.platform.os === "ios")
                 && Qt.application.state !== Qt.ApplicationActive
        color: root.palette.window
        Accessible.ignored: true

        Label {
            anchors.centerIn: parent
            text: qsTr("Hearth")
            font.pixelSize: Units.headingPixelSize * 2
        }
    }
}
