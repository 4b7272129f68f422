import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// What sync is doing and did: state, server, last success, what is waiting, the last run's
// figures and error. Hearth syncs by itself; "Sync now" only brings the next run forward.
PageScaffold {
    id: root

    signal conflictsRequested()

    title: qsTr("Sync")
    busy: SyncStatus.state === SyncStatus.Syncing
    errorText: SyncStatus.lastError

    SyncStatusCard {
        Layout.fillWidth: true
        onConflictsRequested: root.conflictsRequested()
    }

    ProgressBar {
        Layout.fillWidth: true
        visible: SyncStatus.state === SyncStatus.Syncing && SyncStatus.total > 0
        from: 0
        to: Math.max(1, SyncStatus.total)
        value: SyncStatus.done
        Accessible.name: qsTr("Sync progress: %1 of %2").arg(SyncStatus.done).arg(SyncStatus.total)
    }

    SectionHeader {
        text: qsTr("This device")
    }
    Repeater {
        model: [
            { label: qsTr("Server"), value: SyncStatus.server.length > 0 ? SyncStatus.server : qsTr("none (not enrolled)") },
            { label: qsTr("Changes waiting to send"), value: String(SyncStatus.pending) },
            { label: qsTr("Conflicts to review"), value: String(SyncStatus.conflicts) },
            { label: qsTr("Last run"), value: SyncStatus.lastRun.pushed === undefined ? qsTr("none yet")
                  : qsTr("sent %1, received %2, refused %3, removed %4 people")
                    .arg(SyncStatus.lastRun.pushed).arg(SyncStatus.lastRun.pulled)
                    .arg(SyncStatus.lastRun.rejected).arg(SyncStatus.lastRun.purged) }
        ]
        delegate: ColumnLayout {
            id: fact
            required property var modelData
            Layout.fillWidth: true
            spacing: 0
            Accessible.role: Accessible.StaticText
            Accessible.name: fact.modelData.label + ": " + fact.modelData.value

            Label {
                Layout.fillWidth: true
                text: fact.modelData.label
                opacity: 0.8
            }
            Label {
                Layout.fillWidth: true
                text: fact.modelData.value
                wrapMode: Text.Wrap
            }
        }
    }

    Button {
        Layout.fillWidth: true
        implicitHeight: Units.touchTarget
        text: qsTr("Sync now")
        highlighted: true
        enabled: SyncStatus.enrolled && SyncStatus.state !== SyncStatus.Syncing
        Accessible.name: text
        onClicked: SyncStatus.syncNow()
    }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        opacity: 0.8
        text: qsTr("Hearth works without a connection. It syncs on its own when a network returns, after you change something, and every 15 minutes.")
    }
}
