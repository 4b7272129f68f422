pragma Singleton
import QtQuick

// How a page leaves itself: the workspace tells pages whether a back button must lead to the
// list (one column on a phone) and listens for that request. Pages never know the layout.
QtObject {
    // True on a phone or a portrait tablet: the list and the pages share one column.
    property bool singleColumn: false
    // A page's back button at the bottom of its stack: show the list again.
    signal backToList()
}
