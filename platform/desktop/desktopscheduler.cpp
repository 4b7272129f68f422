#include "desktopscheduler.h"

namespace hearth {

DesktopScheduler::DesktopScheduler(QObject *parent) : BackgroundScheduler(parent)
{
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_task)
            m_task();
    });
}

void DesktopScheduler::schedulePeriodic(std::chrono::milliseconds interval, std::function<void()> task)
{
    m_task = std::move(task);
    m_timer.start(interval);
}

void DesktopScheduler::cancel()
{
    m_timer.stop();
    m_task = nullptr;
}

} // namespace hearth
