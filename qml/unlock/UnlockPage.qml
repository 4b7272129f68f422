import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Hearth

// Unlock with the passcode; on the first run, enrol the device with the team's server and set
// the passcode. Shows no personal data, so it needs no secure screen.
PageScaffold {
    id: root

    // "enrol" on the first run, else "unlock" (the window reports it as its screen).
    readonly property string mode: controller.firstRun ? "enrol" : "unlock"

    title: controller.firstRun ? qsTr("Set up this device") : qsTr("Unlock Hearth")
    busy: controller.busy
    errorText: controller.lockedOut ? "" : controller.error
    canGoBack: false

    UnlockController {
        id: controller
    }

    ErrorBanner {
        Layout.fillWidth: true
        visible: controller.lockedOut
        dismissable: false
        text: qsTr("This device is locked after too many wrong passcodes. Ask your team manager to reset it; your records stay encrypted on the device.")
    }

    ErrorBanner {
        Layout.fillWidth: true
        kind: "info"
        dismissable: false
        text: Session.lockReason === "inactivity"
              ? qsTr("Hearth locked itself after %n minute(s) without use.", "", Session.lockTimeoutMinutes)
              : ""
    }

    Label {
        Layout.fillWidth: true
        visible: controller.busy
        text: controller.progressText
        wrapMode: Text.Wrap
    }

    // ---- unlock ----
    ColumnLayout {
        Layout.fillWidth: true
        visible: !controller.firstRun
        spacing: Units.spacing

        FormField {
            id: passcode
            label: qsTr("Passcode")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            enabled: !controller.busy && !controller.lockedOut
            focus: !controller.firstRun
            onAccepted: unlockButton.clicked()
        }
        Button {
            id: unlockButton
            Layout.fillWidth: true
            implicitHeight: Units.touchTarget
            text: qsTr("Unlock")
            highlighted: true
            enabled: !controller.busy && !controller.lockedOut
            Accessible.name: text
            onClicked: {
                controller.unlock(passcode.text)
                passcode.text = ""
            }
        }
    }

    // ---- first run: enrol ----
    ColumnLayout {
        Layout.fillWidth: true
        visible: controller.firstRun
        spacing: Units.spacing

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Your team manager gives you the server address, your user name and a password. The passcode you choose here unlocks Hearth on this device only.")
        }
        SectionHeader {
            text: qsTr("Server")
        }
        FormField {
            id: server
            label: qsTr("Server address")
            placeholderText: "https://hearth.example.org:8443"
            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
            enabled: !controller.busy
        }
        FormField {
            id: user
            label: qsTr("User name")
            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
            enabled: !controller.busy
        }
        FormField {
            id: password
            label: qsTr("Password")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            enabled: !controller.busy
        }
        FormField {
            id: pin
            label: qsTr("Server key pin (optional)")
            helpText: qsTr("Starts with sha256/. It proves this is your team's server.")
            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
            enabled: !controller.busy
        }
        SectionHeader {
            text: qsTr("Passcode for this device")
        }
        FormField {
            id: newPasscode
            label: qsTr("New passcode")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            enabled: !controller.busy
        }
        FormField {
            id: newPasscodeAgain
            label: qsTr("New passcode again")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            enabled: !controller.busy
        }
        Button {
            Layout.fillWidth: true
            implicitHeight: Units.touchTarget
            text: qsTr("Enrol and unlock")
            highlighted: true
            enabled: !controller.busy
            Accessible.name: text
            onClicked: {
                controller.enrol(server.text, user.text, password.text, pin.text, newPasscode.text,
                                 newPasscodeAgain.text)
                password.text = ""
            }
        }
    }
}
