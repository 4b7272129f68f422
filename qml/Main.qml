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

    // Set while a lock is under way: the workspace goes before the models drop their rows.
    property bool locking: false

    // Lets every list under `item` go of its model. An inactive Loader deletes its item only later,
    // and Qt 6.4's DelegateModel warns (and can crash) when a list still creating a row sees its
    // model emptied; a list without a model cancels its pending rows while they still exist.
    function detachLists(item) {
        if (!item)
            return
        if (item.delegate !== undefined && item.model !== undefined)
            item.model = null
        for (let i = 0; i < item.children.length; ++i)
            root.detachLists(item.children[i])
    }

    Connections {
        target: Session
        function onAboutToLock() {
            root.detachLists(workspaceLoader.item)
            root.locking = true
        }
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
