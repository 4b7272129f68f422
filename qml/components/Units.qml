pragma Singleton
import QtQuick
import Hearth

// Sizes shared by every page. Logical pixels are density-independent (dp) on Android and iOS.
QtObject {
    // Smallest touch target (Material and Apple guidelines: 48dp / 44pt).
    readonly property int touchTarget: 48
    readonly property int spacing: 8
    readonly property int margin: 16
    // Readable line length for forms on a wide tablet.
    readonly property int formMaxWidth: 760
    // Width at which the workspace shows the list and the detail side by side.
    readonly property int twoPaneMinWidth: 900
    readonly property int listPaneWidth: 400
    // Text sizes follow the person's text size setting (100% to 200%).
    readonly property real bodyPixelSize: 16 * Session.textScale
    readonly property real headingPixelSize: 20 * Session.textScale
    readonly property real smallPixelSize: 13 * Session.textScale
}
