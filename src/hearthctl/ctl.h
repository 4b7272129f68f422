#pragma once

#include <QStringList>

namespace hearth::ctl {

// Runs one hearthctl command line; returns the process exit code (0, or an ErrorCode value).
int run(const QStringList &arguments);

} // namespace hearth::ctl
