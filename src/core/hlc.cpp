#include "hlc.h"

#include <QStringList>

namespace hearth {

// 13 decimal digits of ms cover dates to the year 2286; 8 hex digits of counter.
QString Hlc::toString() const
{
    return QStringLiteral("%1-%2-%3")
        .arg(wallMs, 13, 10, QLatin1Char('0'))
        .arg(counter, 8, 16, QLatin1Char('0'))
        .arg(device);
}

bool Hlc::parse(const QString &s, Hlc *out)
{
    if (s.size() < 24 || s[13] != QLatin1Char('-') || s[22] != QLatin1Char('-'))
        return false;
    bool ok1 = false, ok2 = false;
    const qint64 wall = s.left(13).toLongLong(&ok1);
    const uint counter = s.mid(14, 8).toUInt(&ok2, 16);
    const QString device = s.mid(23);
    if (!ok1 || !ok2 || wall < 0 || device.isEmpty())
        return false;
    for (QChar c : device)
        if (!(c.isLetterOrNumber() || c == QLatin1Char('_')) || c.unicode() > 127)
            return false;
    *out = Hlc{wall, counter, device};
    return true;
}

HlcClock::HlcClock(QString device, Hlc last) : m_device(std::move(device)), m_last(std::move(last)) {}

Hlc HlcClock::tick(qint64 wallNowMs)
{
    if (wallNowMs > m_last.wallMs)
        m_last = Hlc{wallNowMs, 0, m_device};
    else
        m_last = Hlc{m_last.wallMs, m_last.counter + 1, m_device};
    return m_last;
}

void HlcClock::observe(const Hlc &remote)
{
    if (remote.wallMs > m_last.wallMs || (remote.wallMs == m_last.wallMs && remote.counter > m_last.counter))
        m_last = Hlc{remote.wallMs, remote.counter, m_device};
}

} // namespace hearth
