#pragma once

#include <QStringList>

namespace hearth::server {

// hearth-server's command line: serve, user administration, demo. Returns the exit code.
int runCli(const QStringList &arguments);

} // namespace hearth::server
