import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// My people: sync state at a glance, search by name or CHI, the link worker's filters and the
// list itself. Searching and filtering run off the UI thread in the model.
PageScaffold {
    id: root

    // True until the first load of the caseload has been shown.
    readonly property bool loading: people.busy
    readonly property alias model: people

    signal personChosen(string personId)
    signal syncRequested()
    signal conflictsRequested()
    signal settingsRequested()

    title: qsTr("My people")
    scrolling: false
    canGoBack: false
    errorText: people.error

    actions: [
        ToolButton {
            text: qsTr("Lock")
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("Lock Hearth now")
            onClicked: Session.lock()
        },
        ToolButton {
            id: moreButton
            text: "\u22EE"
            implicitWidth: Units.touchTarget
            implicitHeight: Units.touchTarget
            Accessible.name: qsTr("More: sync, conflicts, settings")
            onClicked: moreMenu.open()

            Menu {
                id: moreMenu
                y: moreButton.height

                MenuItem {
                    text: qsTr("Sync status")
                    onTriggered: root.syncRequested()
                }
                MenuItem {
                    text: qsTr("Conflicts to review (%1)").arg(SyncStatus.conflicts)
                    onTriggered: root.conflictsRequested()
                }
                MenuItem {
                    text: qsTr("Settings")
                    onTriggered: root.settingsRequested()
                }
            }
        }
    ]

    CaseloadModel {
        id: people
    }

    WorkerSummaryCard {
        Layout.fillWidth: true
    }

    SyncStatusCard {
        Layout.fillWidth: true
        onOpenRequested: root.syncRequested()
        onConflictsRequested: root.conflictsRequested()
    }

    TextField {
        id: search
        objectName: "caseloadSearch"
        Layout.fillWidth: true
        implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
        placeholderText: qsTr("Search by name or CHI number")
        inputMethodHints: Qt.ImhNoPredictiveText
        Accessible.name: qsTr("Search by name or CHI number")
        onTextChanged: people.search = text
    }

    Flow {
        id: filters
        Layout.fillWidth: true
        spacing: 4

        Repeater {
            model: [
                { filter: CaseloadModel.Open, key: "open", label: qsTr("Open") },
                { filter: CaseloadModel.AwaitingFirstContact, key: "awaiting", label: qsTr("Awaiting first contact") },
                { filter: CaseloadModel.OverdueActions, key: "overdue", label: qsTr("Overdue actions") },
                { filter: CaseloadModel.ReviewsDue, key: "reviews", label: qsTr("Reviews due") },
                { filter: CaseloadModel.Closed, key: "closed", label: qsTr("Closed") },
                { filter: CaseloadModel.All, key: "all", label: qsTr("All") }
            ]
            delegate: ActionButton {
                id: chip
                required property var modelData
                readonly property int n: root.model.filterCounts[chip.modelData.key] !== undefined
                                         ? root.model.filterCounts[chip.modelData.key] : 0
                text: (root.model.filter === chip.modelData.filter ? "\u2713 " : "") + chip.modelData.label
                      + " (" + chip.n + ")"
                // Long labels at 200% text wrap inside the list's width instead of running off it.
                width: Math.min(implicitWidth, filters.width)
                checkable: true
                checked: root.model.filter === chip.modelData.filter
                flat: true
                highlighted: checked
                Accessible.role: Accessible.RadioButton
                Accessible.name: qsTr("%1, %n people", "", chip.n).arg(chip.modelData.label)
                Accessible.checked: chip.checked
                onClicked: root.model.filter = chip.modelData.filter
            }
        }
    }

    Label {
        Layout.fillWidth: true
        text: people.busy && people.total === 0 ? qsTr("Opening your caseload…")
                                                : qsTr("%n people shown", "", people.matches)
        opacity: 0.8
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }

    ListView {
        id: list
        objectName: "caseloadList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: people
        keyNavigationEnabled: true
        activeFocusOnTab: true
        ScrollBar.vertical: ScrollBar {}
        Accessible.role: Accessible.List
        Accessible.name: qsTr("People")
        delegate: CaseloadDelegate {
            onChosen: function(personId) { root.personChosen(personId) }
        }

        Label {
            anchors.centerIn: parent
            width: parent.width - 2 * Units.margin
            visible: list.count === 0 && !people.busy
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: search.text.length > 0 ? qsTr("Nobody matches \u201C%1\u201D.").arg(search.text)
                                         : qsTr("Nobody here under this filter.")
        }
    }
}
