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

    TextField {
        id: search
        objectName: "caseloadSearch"
        Layout.fillWidth: true
        // The text's real line height (contentHeight, as FormField does): implicitContentHeight
        // did not follow the font, and the field was squeezed under its own text.
        implicitHeight: Math.max(Units.touchTarget, search.contentHeight + search.topPadding + search.bottomPadding,
                                 search.implicitBackgroundHeight + search.topInset + search.bottomInset)
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
                // Counts arrive just after the first page; until then the label stands alone.
                readonly property bool counted: root.model.filterCounts[chip.modelData.key] !== undefined
                readonly property int n: chip.counted ? root.model.filterCounts[chip.modelData.key] : 0
                text: (root.model.filter === chip.modelData.filter ? "\u2713 " : "") + chip.modelData.label
                      + (chip.counted ? " (" + chip.n + ")" : "")
                // Long labels at 200% text wrap inside the list's width instead of running off it.
                width: Math.min(chip.implicitWidth, filters.width)
                checkable: true
                checked: root.model.filter === chip.modelData.filter
                flat: true
                highlighted: checked
                Accessible.role: Accessible.RadioButton
                Accessible.name: chip.counted ? qsTr("%1, %n people", "", chip.n).arg(chip.modelData.label)
                                              : chip.modelData.label
                Accessible.checked: chip.checked
                onClicked: root.model.filter = chip.modelData.filter
            }
        }
    }

    ListView {
        id: list
        objectName: "caseloadList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        // Only what is left: a list's own height asked for everything and squeezed the search
        // field above it to a sliver.
        Layout.preferredHeight: 0
        clip: true
        model: people
        keyNavigationEnabled: true
        activeFocusOnTab: true
        // No row is current until the keyboard picks one: a current row keeps itself in view,
        // which scrolled the figures above the list half out of sight whenever the rows changed.
        currentIndex: -1
        // Until the person scrolls, the list stays at its top while the figures above it grow
        // (they arrive after the rows); a list keeps its rows still and would push them off.
        property bool movedByPerson: false
        onMovementStarted: list.movedByPerson = true
        ScrollBar.vertical: ScrollBar {}
        Accessible.role: Accessible.List
        Accessible.name: qsTr("People")
        // The figures and the sync state scroll away with the list, so on a phone (and at 200%
        // text) the people are never pushed off the screen. The search stays outside: a list
        // gives its current row the focus when rows change, which would take it from the field.
        header: ColumnLayout {
            width: ListView.view ? ListView.view.width : 0
            spacing: Units.spacing
            onHeightChanged: if (!list.movedByPerson) Qt.callLater(list.positionViewAtBeginning)

            WorkerSummaryCard {
                Layout.fillWidth: true
            }

            SyncStatusCard {
                Layout.fillWidth: true
                onOpenRequested: root.syncRequested()
                onConflictsRequested: root.conflictsRequested()
            }

            Label {
                Layout.fillWidth: true
                text: people.busy && people.total === 0 ? qsTr("Opening your caseload…")
                                                        : qsTr("%n people shown", "", people.matches)
                opacity: 0.8
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }

            Item {
                implicitHeight: Units.spacing / 2
            }
        }
        delegate: CaseloadDelegate {
            onChosen: function(personId) { root.personChosen(personId) }
        }

        // Under the header, so it never covers the search or the filters.
        footer: Label {
            width: ListView.view ? ListView.view.width : 0
            visible: list.count === 0 && !people.busy
            topPadding: Units.margin
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            text: people.search.length > 0 ? qsTr("Nobody matches \u201C%1\u201D.").arg(people.search)
                                         : qsTr("Nobody here under this filter.")
        }
    }
}
