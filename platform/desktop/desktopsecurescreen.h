#pragma once

#include "securescreen.h"

namespace hearth {

// Desktop stand-in: desktops offer no per-window capture protection, so this only records what the
// app asked for, which lets tests prove that showing personal data always requests it.
class DesktopSecureScreen final : public SecureScreen
{
    Q_OBJECT
public:
    using SecureScreen::SecureScreen;
    void setSecure(bool on) override;
    [[nodiscard]] bool isSecure() const override { return m_secure; }
    // How many times protection was switched on (tests).
    [[nodiscard]] int requestsOn() const { return m_requestsOn; }

private:
    bool m_secure = false;
    int m_requestsOn = 0;
};

} // namespace hearth
