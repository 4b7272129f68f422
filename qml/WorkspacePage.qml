import QtQuick
import QtQuick.Controls
import Hearth

// The unlocked app. Tablet in landscape: the caseload on the left, the open page on the right.
// Phone or portrait: one column, pages cover the list and their back button returns to it.
// The caseload stays alive across rotation, so a half-filled form is never lost.
Item {
    id: root

    readonly property bool twoPane: width >= Units.twoPaneMinWidth && width > height
    property string screen: "caseload"
    readonly property bool navigating: detail.busy || caseloadPage.loading

    // The screen name of each page on the stack, so going back names the page it returns to.
    property var screens: []

    function openPerson(personId) {
        return root.openTop(personComponent, "person", { personId: personId })
    }

    function openTop(component, name, properties) {
        detail.clear(StackView.Immediate)
        root.screens = [name]
        detail.push(component, properties || {}, StackView.Immediate)
        return true
    }

    function show(name, personId) {
        if (name === "caseload") {
            detail.clear(StackView.Immediate)
            root.screen = "caseload"
            return true
        }
        if (name === "person")
            return root.openPerson(personId)
        if (name === "conflicts")
            return root.openTop(conflictsComponent, name)
        if (name === "sync")
            return root.openTop(syncComponent, name)
        if (name === "settings")
            return root.openTop(settingsComponent, name)
        if (name.startsWith("flow:")) {
            const url = PageRegistry.urlFor(name.substring(5))
            if (url.toString().length === 0)
                return false
            const depth = detail.depth
            root.screens = root.screens.slice(0, depth).concat([name])
            const page = detail.push(url, { personId: personId }, StackView.Immediate)
            if (!page || detail.depth !== depth + 1) {
                root.screens = root.screens.slice(0, detail.depth)
                root.screen = detail.depth > 0 ? root.screens[detail.depth - 1] : "caseload"
                return false
            }
            return true
        }
        return false
    }

    // One step back, as the header's back button goes: the page under this one, else the list.
    // Returns false when the list is already all there is.
    function goBack() {
        if (detail.depth === 0)
            return false
        if (detail.currentItem && detail.currentItem.backRequested)
            detail.currentItem.backRequested()
        if (detail.depth > 1)
            detail.pop(StackView.Immediate)
        else
            root.show("caseload", "")
        return true
    }

    // Android's back key and Escape go back a page instead of leaving the app; at the list they
    // are taken too, so back never closes Hearth mid-visit (the home button leaves it). An open
    // dialog or menu takes them first and closes itself.
    Shortcut {
        sequences: ["Esc", "Back"]
        context: Qt.WindowShortcut
        onActivated: root.goBack()
    }

    Binding {
        target: Navigation
        property: "singleColumn"
        value: !root.twoPane
    }

    Connections {
        target: Navigation
        function onBackToList() {
            root.show("caseload", "")
        }
    }

    CaseloadPage {
        id: caseloadPage
        x: 0
        y: 0
        width: root.twoPane ? Units.listPaneWidth : root.width
        height: root.height
        visible: root.twoPane || detail.depth === 0
        onPersonChosen: function(personId) { root.openPerson(personId) }
        onSyncRequested: root.openTop(syncComponent, "sync")
        onConflictsRequested: root.openTop(conflictsComponent, "conflicts")
        onSettingsRequested: root.openTop(settingsComponent, "settings")
    }

    Rectangle {
        visible: root.twoPane
        x: Units.listPaneWidth
        width: 1
        height: root.height
        color: root.palette.mid
    }

    StackView {
        id: detail
        x: root.twoPane ? Units.listPaneWidth + 1 : 0
        width: root.twoPane ? root.width - Units.listPaneWidth - 1 : root.width
        height: root.height
        visible: root.twoPane || depth > 0
        onDepthChanged: root.screen = depth > 0 && root.screens.length >= depth ? root.screens[depth - 1] : "caseload"
    }

    Label {
        visible: root.twoPane && detail.depth === 0
        anchors.centerIn: detail
        width: detail.width - 2 * Units.margin
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        text: qsTr("Choose a person from the list to see their record.")
        opacity: 0.8
    }

    Component {
        id: personComponent
        PersonOverviewPage {}
    }
    Component {
        id: conflictsComponent
        ConflictsPage {}
    }
    Component {
        id: syncComponent
        SyncStatusPage {
            onConflictsRequested: root.openTop(conflictsComponent, "conflicts")
        }
    }
    Component {
        id: settingsComponent
        SettingsPage {}
    }
}
