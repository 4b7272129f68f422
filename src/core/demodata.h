#pragma once

#include "store.h"

#include <QDate>
#include <QList>

namespace hearth {

class ReferenceData;

// A deterministic synthetic caseload for demos, screenshots, benchmarks and report fixtures.
// All names, numbers and addresses are invented; CHI numbers are checksum-valid but fictional.
namespace demo {

struct Options {
    int people = 40;
    quint32 seed = 42;
    QDate today = QDate(2025, 11, 1);
    QString linkWorker = QStringLiteral("lw-01");
    QString caseload = QStringLiteral("north-east");
};

// Mutations for one person's whole story (referral, contacts, HNAs with concerns, care plan, onward
// referrals, money, outcomes, notes, closure for some), valid against the shipped reference data.
[[nodiscard]] QList<Mutation> personStory(int index, const Options &options, const ReferenceData &reference);

// Commits `options.people` stories, `perBatch` people per transaction. Returns the number of records written.
Result<int> populate(Store &store, const Options &options, const ReferenceData &reference, int perBatch = 50);

} // namespace demo
} // namespace hearth
