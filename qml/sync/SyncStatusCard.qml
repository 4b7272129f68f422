import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Sync at a glance: offline, syncing n of m, last synced, changes waiting, conflicts to review.
// Each state has its own words and symbol; colour only repeats them.
Frame {
    id: root

    signal openRequested()
    signal conflictsRequested()

    readonly property string headline: {
        switch (SyncStatus.state) {
        case SyncStatus.Syncing:
            return SyncStatus.total > 0 ? qsTr("\u21BB Syncing %1 of %2").arg(SyncStatus.done).arg(SyncStatus.total)
                                        : qsTr("\u21BB Syncing\u2026")
        case SyncStatus.Offline:
            return qsTr("\u2715 Offline: changes are kept on this device")
        case SyncStatus.Error:
            return qsTr("\u26A0 Sync problem")
        case SyncStatus.NotEnrolled:
            return qsTr("Not enrolled: this device works on its own")
        case SyncStatus.Idle:
            return qsTr("\u2713 Sync is on")
        default:
            return ""
        }
    }
    readonly property string lastSyncedText: isNaN(SyncStatus.lastSynced.getTime())
                                             ? qsTr("Not synced since Hearth was unlocked")
                                             : qsTr("Last synced %1").arg(
                                                   SyncStatus.lastSynced.toLocaleString(Qt.locale(), Locale.ShortFormat))

    padding: Units.spacing
    Accessible.role: Accessible.StatusBar
    Accessible.name: root.headline + ". " + root.lastSyncedText

    ColumnLayout {
        width: parent.width
        spacing: 2

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: root.headline
                font.bold: true
                wrapMode: Text.Wrap
            }
            Button {
                text: qsTr("Details")
                flat: true
                implicitHeight: Units.touchTarget
                Accessible.name: qsTr("Sync details")
                onClicked: root.openRequested()
            }
        }
        Label {
            Layout.fillWidth: true
            visible: SyncStatus.enrolled
            text: root.lastSyncedText
                  + (SyncStatus.pending > 0 ? " · " + qsTr("%n change(s) waiting to send", "", SyncStatus.pending) : "")
            wrapMode: Text.Wrap
            opacity: 0.8
        }
        ActionButton {
            Layout.fillWidth: true
            visible: SyncStatus.conflicts > 0
            text: "\u26A0 " + qsTr("%n conflict(s) to review", "", SyncStatus.conflicts)
            Accessible.name: qsTr("%n conflict(s) to review", "", SyncStatus.conflicts)
            onClicked: root.conflictsRequested()
        }
    }
}
