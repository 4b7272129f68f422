#pragma once

#include <QString>

namespace hearth {

// Hybrid logical clock (wall ms, counter, device): totally ordered and monotonic on one device
// even when the wall clock steps back. Its canonical text form sorts in clock order, so it can
// be compared, stored and indexed as a plain string.
struct Hlc {
    qint64 wallMs = 0;
    quint32 counter = 0;
    QString device;

    [[nodiscard]] QString toString() const;
    [[nodiscard]] static bool parse(const QString &s, Hlc *out);
    [[nodiscard]] bool isNull() const { return device.isEmpty(); }
    auto operator<=>(const Hlc &) const = default;
};

class HlcClock
{
public:
    explicit HlcClock(QString device, Hlc last = {});

    // The next timestamp for a local write: greater than every timestamp seen so far.
    [[nodiscard]] Hlc tick(qint64 wallNowMs);
    // Moves the clock past a remote timestamp so later local writes sort after it.
    void observe(const Hlc &remote);
    [[nodiscard]] const Hlc &last() const { return m_last; }

private:
    QString m_device;
    Hlc m_last;
};

} // namespace hearth
