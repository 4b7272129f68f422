#pragma once

#include <QObject>

#include <chrono>
#include <functional>

namespace hearth {

// The platform's background work scheduler: Android WorkManager, iOS BGTaskScheduler, or (here)
// a desktop timer. The sync engine asks for a periodic run; the platform decides when it may
// actually run (battery, network), and calls back on the thread the scheduler lives on.
class BackgroundScheduler : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~BackgroundScheduler() override = default;

    // Requests `task` roughly every `interval`, only while a network is available where the
    // platform can tell. Replaces any earlier request.
    virtual void schedulePeriodic(std::chrono::milliseconds interval, std::function<void()> task) = 0;
    virtual void cancel() = 0;
};

} // namespace hearth
