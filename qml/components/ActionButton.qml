import QtQuick
import QtQuick.Controls

// A full-width button whose text wraps instead of being cut short, for long labels at 200% text.
Button {
    id: root

    implicitHeight: Math.max(Units.touchTarget, implicitContentHeight + topPadding + bottomPadding)
    Accessible.name: root.text

    contentItem: Label {
        text: root.text
        font: root.font
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        color: root.palette.buttonText
    }
}
