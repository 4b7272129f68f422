#pragma once

#include "backgroundscheduler.h"

#include <QTimer>

namespace hearth {

// Desktop stand-in: a plain timer while the process runs (desktops have no OS-level scheduler
// that would wake the app; the Android and iOS implementations use theirs).
class DesktopScheduler final : public BackgroundScheduler
{
    Q_OBJECT
public:
    explicit DesktopScheduler(QObject *parent = nullptr);
    void schedulePeriodic(std::chrono::milliseconds interval, std::function<void()> task) override;
    void cancel() override;
    [[nodiscard]] bool isScheduled() const { return m_timer.isActive(); }

private:
    QTimer m_timer;
    std::function<void()> m_task;
};

} // namespace hearth
