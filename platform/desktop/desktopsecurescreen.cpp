#include "desktop/desktopsecurescreen.h"

namespace hearth {

void DesktopSecureScreen::setSecure(bool on)
{
    if (on)
        ++m_requestsOn;
    m_secure = on;
}

} // namespace hearth
