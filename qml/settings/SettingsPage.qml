import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Server, passcode, lock timeout and text size.
PageScaffold {
    id: root

    title: qsTr("Settings")
    busy: settings.busy
    errorText: settings.error

    SettingsController {
        id: settings
    }

    ErrorBanner {
        Layout.fillWidth: true
        kind: "info"
        text: settings.message
    }

    SectionHeader {
        text: qsTr("Text size")
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("%1%").arg(Math.round(Session.textScale * 100))
            Layout.preferredWidth: implicitWidth
            font.bold: true
        }
        Slider {
            Layout.fillWidth: true
            implicitHeight: Units.touchTarget
            from: 1.0
            to: 2.0
            stepSize: 0.25
            snapMode: Slider.SnapAlways
            value: Session.textScale
            Accessible.name: qsTr("Text size")
            onMoved: Session.textScale = value
        }
    }

    SectionHeader {
        text: qsTr("Lock")
    }
    ChoiceField {
        label: qsTr("Lock after this long without use")
        options: [1, 2, 5, 10, 15, 30].map(m => ({ value: String(m), label: qsTr("%n minute(s)", "", m) }))
        value: String(Session.lockTimeoutMinutes)
        onActivated: function(v) { Session.lockTimeoutMinutes = parseInt(v) }
    }
    Button {
        Layout.fillWidth: true
        implicitHeight: Units.touchTarget
        text: qsTr("Lock now")
        Accessible.name: qsTr("Lock Hearth now")
        onClicked: Session.lock()
    }

    SectionHeader {
        text: qsTr("Passcode")
    }
    FormField {
        id: current
        label: qsTr("Current passcode")
        echoMode: TextInput.Password
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
    }
    FormField {
        id: fresh
        label: qsTr("New passcode")
        echoMode: TextInput.Password
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
    }
    FormField {
        id: freshAgain
        label: qsTr("New passcode again")
        echoMode: TextInput.Password
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
    }
    Button {
        Layout.fillWidth: true
        implicitHeight: Units.touchTarget
        text: qsTr("Change passcode")
        enabled: !settings.busy
        Accessible.name: text
        onClicked: {
            settings.changePasscode(current.text, fresh.text, freshAgain.text)
            current.text = ""
            fresh.text = ""
            freshAgain.text = ""
        }
    }

    SectionHeader {
        text: qsTr("Server")
    }
    Label {
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: settings.user.length > 0 ? qsTr("Signed in as %1 on device %2").arg(settings.user).arg(settings.deviceId.substring(0, 8))
                                       : qsTr("This device is not enrolled with a server.")
    }
    FormField {
        id: server
        label: qsTr("Server address")
        text: settings.server
        inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
    }
    FormField {
        id: pin
        label: qsTr("Server key pin (optional)")
        text: settings.pin
        inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
    }
    Button {
        Layout.fillWidth: true
        implicitHeight: Units.touchTarget
        text: qsTr("Save server")
        enabled: settings.user.length > 0
        Accessible.name: text
        onClicked: settings.setServer(server.text, pin.text)
    }
}
