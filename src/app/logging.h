#pragma once

#include <QLoggingCategory>

// The app's one logging category, "hearth.app" (the flow controllers log under the same name).
// Never a person's data in a log line.
Q_DECLARE_LOGGING_CATEGORY(lcApp)
