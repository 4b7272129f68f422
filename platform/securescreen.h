#pragma once

#include <QObject>

namespace hearth {

// Keeps personal data out of screenshots, screen recording and the app switcher: Android sets
// FLAG_SECURE on the activity window, iOS covers the window before the system takes its snapshot.
// The app asks for it whenever it may show personal data and lifts it when locked.
class SecureScreen : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~SecureScreen() override = default;

    // Turns protection on (personal data may be on screen) or off (locked screen only).
    virtual void setSecure(bool on) = 0;
    [[nodiscard]] virtual bool isSecure() const = 0;
};

} // namespace hearth
