#pragma once

#include "careplan.h"

#include <QByteArray>
#include <QDate>
#include <QLoggingCategory>
#include <QString>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcDocuments)

namespace hearth {

class ReferenceData;
class Store;

namespace documents {

// Who a care plan document is written for.
enum class Audience {
    Person,       // the person who owns the plan: plain language, large type, everything in their plan
    Professional, // a named professional or organisation: only what the person agreed to share with them
};

// What the store does not hold but a document needs, and the date it is made.
struct RenderOptions {
    // The date printed on the document; tests pin it.
    QDate today = QDate::currentDate();
    // The link worker as the person knows them. The store holds only the worker's user id, which is an internal
    // code and never printed; when these are empty the document says "your link worker" without a name.
    QString linkWorkerName;
    QString linkWorkerPhone;
    QString serviceName; // e.g. "Improving the Cancer Journey"
};

// The care plan as a PDF, drawn on the device (QPdfWriter and QTextDocument; no network, nothing logged about the
// person). A flow engineer calls it from the care plan screen:
//
//     documents::RenderOptions o;
//     o.linkWorkerName = session.displayName();
//     auto pdf = documents::CarePlanDocument::render(store, reference, personId, documents::Audience::Person, {}, o);
//     if (!pdf) showError(pdf.error().message); else share(pdf.value());
//
// Drawing text needs a QGuiApplication (for fonts); headless, run with QT_QPA_PLATFORM=offscreen.
class CarePlanDocument
{
public:
    // Loads personId's agreed plan, keeps only what the audience may see, and draws it. `professional` (Professional
    // audience only, required there) is a kind id (gp, clinical_nurse_specialist, housing, social_work,
    // welfare_rights, third_sector), a directory organisation's id or name, or the name of a professional who owns
    // an action in the plan (resolveRecipient()). Errors, with nothing made: NotFound (unknown person, no agreed plan,
    // nothing in the plan for that professional), Validation (the person has not agreed to share with that kind of
    // professional; the field error names the consent field), Conflict (unresolved conflicting edits in the plan),
    // Usage (bad audience/professional), Unsupported (no QGuiApplication). Call on the store's thread.
    static Result<QByteArray> render(const Store &store, const ReferenceData &reference, const QString &personId,
                                     Audience audience, const QString &professional, const RenderOptions &options);

    // Draws a plan from loadCarePlan(): for the person as it is; for a professional it applies shareWith() itself
    // (pass the whole plan), so no caller can draw a professional copy past the consent rules. Does not touch the
    // store, so the app may call it off the UI thread.
    static Result<QByteArray> render(const CarePlan &plan, Audience audience, const std::optional<Recipient> &recipient,
                                     const RenderOptions &options);

    // The document as HTML (what render() lays out, after shareWith() for a professional; empty when that refuses),
    // for an on-screen preview and for tests.
    [[nodiscard]] static QString html(const CarePlan &plan, Audience audience,
                                      const std::optional<Recipient> &recipient, const RenderOptions &options);

    // Writes `pdf` to `path` atomically (a temporary file renamed into place), so a failure leaves no partial file
    // and an existing file untouched.
    static Status writeFile(const QByteArray &pdf, const QString &path);

    // render() then writeFile(); nothing is written when rendering fails.
    static Status renderToFile(const Store &store, const ReferenceData &reference, const QString &personId,
                               Audience audience, const QString &professional, const RenderOptions &options,
                               const QString &path);
};

} // namespace documents
} // namespace hearth
