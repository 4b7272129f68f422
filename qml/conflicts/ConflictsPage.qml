import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Every field in conflict on this device (or for one person), to settle one by one. Nothing is
// settled without a person choosing; each choice says what it did.
PageScaffold {
    id: root

    // One person's conflicts; empty for all.
    property string personId: ""
    property string lastResolved: ""

    title: qsTr("Conflicts to review")
    errorText: conflicts.error

    ConflictsModel {
        id: conflicts
        personId: root.personId
        onResolved: function(field) {
            root.lastResolved = qsTr("Settled: %1. The choice syncs like any other change.").arg(field.replace(/_/g, " "))
        }
    }

    ErrorBanner {
        Layout.fillWidth: true
        kind: "info"
        text: root.lastResolved
    }

    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: conflicts.count === 0
              ? "\u2713 " + qsTr("No conflicts to review.")
              : qsTr("%n field(s) changed in two places while offline.", "", conflicts.count)
    }

    Repeater {
        model: conflicts
        delegate: ConflictCard {
            id: card
            Layout.fillWidth: true
            wide: root.width > 600
            onKeep: function(head) { conflicts.keep(card.index, head) }
            onMerge: function(text) { conflicts.merge(card.index, text) }
            onKeepRecord: conflicts.keepRecord(card.index)
            onDeleteRecord: conflicts.deleteRecord(card.index)
        }
    }
}
