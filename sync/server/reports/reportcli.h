#pragma once

#include <QStringList>

namespace hearth::server::reports {

// `hearth-server report --data DIR [--db URL] [--from DATE] [--to DATE] [--team T] [--assets DIR]
// --format json|csv`: prints the evaluation report. `arguments` is the whole command line
// (program name first, then "report"). Returns the exit code (README: 2 usage, 6 unknown team,
// 8 the store could not be read).
int runReportCli(const QStringList &arguments);

} // namespace hearth::server::reports
