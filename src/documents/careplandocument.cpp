#include "careplandocument.h"

#include "store.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

Q_LOGGING_CATEGORY(lcDocuments, "hearth.documents", QtInfoMsg)

namespace hearth::documents {

namespace {

// Dates are written out in full for the person ("14 December 2025": no day/month order to misread) and short but
// unambiguous for professionals. English (UK) until the app's translations reach documents.
QString longDate(const QDate &d)
{
    return QLocale(QLocale::English, QLocale::UnitedKingdom).toString(d, QStringLiteral("d MMMM yyyy"));
}

QString shortDate(const QDate &d)
{
    return d.isValid() ? QLocale(QLocale::English, QLocale::UnitedKingdom).toString(d, QStringLiteral("d MMM yyyy"))
                       : QStringLiteral("–");
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
}

// ---- the person's version: plain words, no codes ----

QString ownerForPerson(const PlanAction &a, const RenderOptions &o)
{
    QString who;
    QString name = a.ownerName;
    if (a.owner == QLatin1String("person"))
        who = QStringLiteral("You");
    else if (a.owner == QLatin1String("link_worker")) {
        who = QStringLiteral("Your link worker");
        if (name.isEmpty())
            name = o.linkWorkerName;
    } else if (a.owner == QLatin1String("gp"))
        who = QStringLiteral("Your GP");
    else if (a.owner == QLatin1String("clinical_nurse_specialist"))
        who = QStringLiteral("Your specialist nurse");
    else if (a.owner == QLatin1String("housing_officer"))
        who = QStringLiteral("A housing officer");
    else if (a.owner == QLatin1String("welfare_rights_officer"))
        who = QStringLiteral("A money and benefits adviser");
    else if (a.owner == QLatin1String("social_worker"))
        who = QStringLiteral("A social worker");
    else if (a.owner == QLatin1String("family_member"))
        who = QStringLiteral("Someone in your family");
    else
        who = QStringLiteral("Someone else");
    return name.isEmpty() ? who : QStringLiteral("%1 (%2)").arg(who, name);
}

QString statusForPerson(const QString &status)
{
    if (status == QLatin1String("done"))
        return QStringLiteral("Done");
    if (status == QLatin1String("in_progress"))
        return QStringLiteral("Started");
    return QStringLiteral("Still to do");
}

QString referralForPerson(const QString &status)
{
    if (status == QLatin1String("accepted"))
        return QStringLiteral("They have agreed to help you.");
    if (status == QLatin1String("completed"))
        return QStringLiteral("They have finished helping you.");
    return QStringLiteral("We have asked them to get in touch with you.");
}

QString personHtml(const CarePlan &plan, const RenderOptions &o)
{
    QString h;
    h += QStringLiteral("<h1>My care plan</h1>");
    h += QStringLiteral("<p>This plan belongs to <b>%1</b>.</p>").arg(esc(plan.displayName()));
    if (plan.assessmentDate == plan.initialDate)
        h += QStringLiteral("<p>We wrote it together on %1.</p>").arg(longDate(plan.assessmentDate));
    else
        h += QStringLiteral("<p>We wrote it together on %1. We looked at it again on %2.</p>")
                 .arg(longDate(plan.initialDate), longDate(plan.assessmentDate));
    h += QStringLiteral("<p>It is your plan. You can ask to change it at any time.</p>");

    if (!plan.concerns.isEmpty() || plan.overallDistress) {
        h += QStringLiteral("<h2>What matters to me</h2>");
        h += QStringLiteral("<p>These are the things you told us about. A score of 0 means it does not bother you. "
                            "A score of 10 means it bothers you a lot.</p>");
        if (plan.overallDistress)
            h += QStringLiteral("<p>How upset or worried you felt overall: <b>%1 out of 10</b>.</p>")
                     .arg(*plan.overallDistress);
        for (const PlanConcern &c : plan.concerns) {
            h += QStringLiteral("<h3>%1</h3><p>How much it bothers you: <b>%2 out of 10</b>.")
                     .arg(esc(c.label))
                     .arg(c.score);
            if (c.initialScore && plan.assessmentDate != plan.initialDate)
                h += QStringLiteral(" The first time we asked, it was %1 out of 10.").arg(*c.initialScore);
            h += QStringLiteral("</p>");
            if (!c.discussed.isEmpty())
                h += QStringLiteral("<p>You said: “%1”</p>").arg(esc(c.discussed));
        }
    }

    h += QStringLiteral("<h2>What we agreed to do</h2>");
    for (const PlanAction &a : plan.actions) {
        h += QStringLiteral("<p><b>%1</b><br/>").arg(esc(a.action));
        h += QStringLiteral("Who will do it: %1<br/>").arg(esc(ownerForPerson(a, o)));
        if (a.due.isValid())
            h += QStringLiteral("By when: %1<br/>").arg(longDate(a.due));
        if (!a.concernItem.isEmpty())
            h += QStringLiteral("This helps with: %1<br/>").arg(esc(plan.concernLabel(a.concernItem)));
        h += QStringLiteral("Now: %1</p>").arg(statusForPerson(a.status));
    }

    h += QStringLiteral("<h2>Who to contact</h2>");
    h += QStringLiteral("<p><b>Your link worker%1</b>")
             .arg(o.linkWorkerName.isEmpty() ? QString() : QStringLiteral(": ") + esc(o.linkWorkerName));
    if (!o.linkWorkerPhone.isEmpty())
        h += QStringLiteral("<br/>Phone: %1").arg(esc(o.linkWorkerPhone));
    if (!o.serviceName.isEmpty())
        h += QStringLiteral("<br/>%1").arg(esc(o.serviceName));
    h += QStringLiteral("</p>");
    QStringList shown;
    for (const PlanReferral &r : plan.referrals) {
        const Organisation &org = r.organisation;
        if (org.name.isEmpty() || shown.contains(org.id))
            continue;
        shown << org.id;
        h += QStringLiteral("<p><b>%1</b><br/>%2").arg(esc(org.name), referralForPerson(r.status));
        if (!org.description.isEmpty())
            h += QStringLiteral("<br/>What they do: %1").arg(esc(org.description));
        if (!org.phone.isEmpty())
            h += QStringLiteral("<br/>Phone: %1").arg(esc(org.phone));
        if (!org.email.isEmpty())
            h += QStringLiteral("<br/>Email: %1").arg(esc(org.email));
        if (!org.address.isEmpty())
            h += QStringLiteral("<br/>Address: %1%2")
                     .arg(esc(org.address),
                          org.postcode.isEmpty() ? QString() : QStringLiteral(", ") + esc(org.postcode));
        h += QStringLiteral("</p>");
    }
    h += QStringLiteral("<p class='small'>Made on %1.</p>").arg(longDate(o.today));
    return h;
}

// ---- the professional's version: compact, only what shareWith() kept ----

QString ownerForProfessional(const PlanAction &a)
{
    static const QHash<QString, QString> labels = {
        {QStringLiteral("person"), QStringLiteral("The person")},
        {QStringLiteral("link_worker"), QStringLiteral("Link worker")},
        {QStringLiteral("gp"), QStringLiteral("GP")},
        {QStringLiteral("clinical_nurse_specialist"), QStringLiteral("Clinical nurse specialist")},
        {QStringLiteral("housing_officer"), QStringLiteral("Housing officer")},
        {QStringLiteral("welfare_rights_officer"), QStringLiteral("Welfare rights officer")},
        {QStringLiteral("social_worker"), QStringLiteral("Social worker")},
        {QStringLiteral("family_member"), QStringLiteral("Family member")}};
    const QString who = labels.value(a.owner, QStringLiteral("Other"));
    return a.ownerName.isEmpty() ? who : QStringLiteral("%1: %2").arg(who, a.ownerName);
}

QString statusForProfessional(const QString &status)
{
    if (status == QLatin1String("done"))
        return QStringLiteral("Done");
    if (status == QLatin1String("in_progress"))
        return QStringLiteral("In progress");
    if (status == QLatin1String("accepted"))
        return QStringLiteral("Accepted");
    if (status == QLatin1String("completed"))
        return QStringLiteral("Completed");
    if (status == QLatin1String("made"))
        return QStringLiteral("Referred");
    return QStringLiteral("Planned");
}

QString assessmentName(const QString &kind)
{
    if (kind == QLatin1String("review"))
        return QStringLiteral("review");
    if (kind == QLatin1String("closing"))
        return QStringLiteral("closing");
    return QStringLiteral("initial");
}

QString table(const QStringList &headers, const QList<QStringList> &rows)
{
    QString t = QStringLiteral("<table width='100%' cellspacing='0' cellpadding='4' border='1' "
                               "style='border-collapse: collapse; border-color: #888888;'><tr>");
    for (const QString &hd : headers)
        t += QStringLiteral("<th align='left' style='background-color: #e8e8e8;'>%1</th>").arg(hd);
    t += QStringLiteral("</tr>");
    for (const QStringList &row : rows) {
        t += QStringLiteral("<tr>");
        for (const QString &cell : row)
            t += QStringLiteral("<td>%1</td>").arg(cell);
        t += QStringLiteral("</tr>");
    }
    return t + QStringLiteral("</table>");
}

QString professionalHtml(const CarePlan &plan, const Recipient &r, const RenderOptions &o)
{
    const bool clinical = r.kind == ProfessionalKind::Gp || r.kind == ProfessionalKind::ClinicalNurseSpecialist;
    QString h;
    h += QStringLiteral("<h1>Care plan: copy for %1</h1>").arg(esc(r.addressee()));
    h += QStringLiteral("<p>Shared with the consent the person gave to share their care plan with %1. %2</p>")
             .arg(esc(kindLabel(r.kind)),
                  clinical ? QStringLiteral("This copy holds the agreed plan; the person's own notes are not included.")
                           : QStringLiteral("This copy holds only the parts of the plan that involve you."));
    QStringList ident{esc(plan.displayName()), shortDate(plan.dateOfBirth)};
    QStringList identHeaders{QStringLiteral("Name"), QStringLiteral("Date of birth")};
    if (!plan.chiNumber.isEmpty()) {
        identHeaders << QStringLiteral("CHI number");
        ident << esc(plan.chiNumber);
    }
    if (!plan.nhsNumber.isEmpty()) {
        identHeaders << QStringLiteral("NHS number");
        ident << esc(plan.nhsNumber);
    }
    h += table(identHeaders, {ident});

    h += QStringLiteral("<p>Holistic Needs Assessment (%1) on %2")
             .arg(assessmentName(plan.assessmentKind), shortDate(plan.assessmentDate));
    if (plan.initialDate != plan.assessmentDate)
        h += QStringLiteral("; initial assessment on %1").arg(shortDate(plan.initialDate));
    if (plan.overallDistress)
        h += QStringLiteral(". Overall distress: %1/10").arg(*plan.overallDistress);
    h += QStringLiteral(".</p>");

    if (!plan.concerns.isEmpty()) {
        const bool paired = plan.initialDate != plan.assessmentDate;
        h += QStringLiteral("<h2>Concerns (score 0–10)</h2>");
        QList<QStringList> rows;
        for (const PlanConcern &c : plan.concerns) {
            QStringList row{esc(c.domainLabel), esc(c.label), QString::number(c.score)};
            if (paired)
                row << (c.initialScore ? QString::number(*c.initialScore) : QStringLiteral("–"));
            rows << row;
        }
        QStringList headers{QStringLiteral("Domain"), QStringLiteral("Concern"), QStringLiteral("Score")};
        if (paired)
            headers << QStringLiteral("At initial");
        h += table(headers, rows);
    }
    if (!plan.actions.isEmpty()) {
        h += QStringLiteral("<h2>Agreed actions</h2>");
        QList<QStringList> rows;
        for (const PlanAction &a : plan.actions)
            rows << QStringList{esc(a.action),
                                a.concernItem.isEmpty() ? QStringLiteral("–") : esc(plan.concernLabel(a.concernItem)),
                                esc(ownerForProfessional(a)), shortDate(a.due), statusForProfessional(a.status)};
        h += table({QStringLiteral("Action"), QStringLiteral("For concern"), QStringLiteral("Who"),
                    QStringLiteral("By"), QStringLiteral("Status")},
                   rows);
    }
    if (!plan.referrals.isEmpty()) {
        h += QStringLiteral("<h2>Onward referrals</h2>");
        QList<QStringList> rows;
        for (const PlanReferral &ref : plan.referrals) {
            const Organisation &org = ref.organisation;
            QStringList contact;
            if (!org.phone.isEmpty())
                contact << esc(org.phone);
            if (!org.email.isEmpty())
                contact << esc(org.email);
            rows << QStringList{
                org.name.isEmpty() ? QStringLiteral("(no longer in the directory)") : esc(org.name),
                ref.concernItem.isEmpty() ? QStringLiteral("–") : esc(plan.concernLabel(ref.concernItem)),
                shortDate(ref.date), statusForProfessional(ref.status), contact.join(QStringLiteral("<br/>"))};
        }
        h += table({QStringLiteral("Organisation"), QStringLiteral("For concern"), QStringLiteral("Date"),
                    QStringLiteral("Status"), QStringLiteral("Contact")},
                   rows);
    }
    h += QStringLiteral("<h2>Link worker</h2><p>%1")
             .arg(o.linkWorkerName.isEmpty() ? QStringLiteral("Link worker") : esc(o.linkWorkerName));
    if (!o.linkWorkerPhone.isEmpty())
        h += QStringLiteral("<br/>Phone: %1").arg(esc(o.linkWorkerPhone));
    if (!o.serviceName.isEmpty())
        h += QStringLiteral("<br/>%1").arg(esc(o.serviceName));
    h += QStringLiteral("</p>");
    h += QStringLiteral("<p class='small'><i>Confidential. Made on %1 for the person's direct care, with their "
                        "consent. Do not pass it on without their agreement.</i></p>")
             .arg(shortDate(o.today));
    return h;
}

QString styleSheet(Audience audience)
{
    // Large clear type for the person (many are older, tired, or on treatment that blurs vision); compact for staff.
    // Margins are set in paginate(): Qt's HTML import keeps its own pixel margins, tiny at a printer's resolution.
    if (audience == Audience::Person)
        return QStringLiteral("h1 { font-size: 28pt; } h2 { font-size: 21pt; } h3 { font-size: 17pt; } "
                              "p.small { font-size: 12pt; }");
    return QStringLiteral("h1 { font-size: 17pt; } h2 { font-size: 13pt; } p.small { font-size: 8pt; }");
}

// Spacing and page breaks, set on the laid-out blocks because Qt's HTML import ignores most CSS margins and has no
// "keep together" or "keep with next". A paragraph never splits over two pages (a block split over a page break is
// drawn on both pages, clipped, so its text would be in the file twice), and a heading never ends a page. Assumes
// paragraphs shorter than a page, which a care plan's are.
void paginate(QTextDocument &doc, Audience audience, qreal lineHeight, qreal pageHeight)
{
    const bool person = audience == Audience::Person;
    QTextCursor cursor(&doc);
    // One edit block, so the document is laid out once after all the margins change, not once per block.
    cursor.beginEditBlock();
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        QTextBlockFormat f = b.blockFormat();
        if (person)
            f.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
        switch (f.headingLevel()) {
        case 1:
            f.setTopMargin(0);
            f.setBottomMargin(lineHeight * 0.6);
            break;
        case 2:
            f.setTopMargin(lineHeight * (person ? 1.4 : 1.2));
            f.setBottomMargin(lineHeight * 0.4);
            break;
        case 3:
            f.setTopMargin(lineHeight * 0.9);
            f.setBottomMargin(lineHeight * 0.2);
            break;
        default:
            cursor.setPosition(b.position());
            if (!cursor.currentTable()) {
                f.setTopMargin(0);
                f.setBottomMargin(lineHeight * (person ? 0.6 : 0.4));
            }
            break;
        }
        cursor.setPosition(b.position());
        cursor.setBlockFormat(f);
    }
    cursor.endEditBlock();
    // pageCount() finishes the layout; blockBoundingRect() alone may read a lazily laid out, stale position.
    (void)doc.pageCount();
    // A paragraph that would straddle a page break, or a heading that would end a page, starts the next page
    // instead. Each fix moves what follows, so the blocks are looked at again in order.
    auto pageOf = [&](qreal y) { return int(y / pageHeight); };
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        cursor.setPosition(b.position());
        if (cursor.currentTable())
            continue; // table rows are kept whole by the layout itself
        // The rectangles hold the lines only, margins excluded, in layout (device) units.
        const QRectF here = doc.documentLayout()->blockBoundingRect(b);
        bool moveIt = pageOf(here.top()) != pageOf(here.bottom() - 1);
        const QTextBlock next = b.next();
        if (!moveIt && b.blockFormat().headingLevel() > 0 && next.isValid()) {
            const QRectF after = doc.documentLayout()->blockBoundingRect(next);
            moveIt = after.isValid() && pageOf(here.top()) != pageOf(after.bottom() - 1);
        }
        // A block already starting a page stays: one longer than a page cannot be helped by moving it again.
        if (!moveIt || b.blockFormat().pageBreakPolicy() & QTextFormat::PageBreak_AlwaysBefore)
            continue;
        QTextBlockFormat f = b.blockFormat();
        f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
        cursor.setPosition(b.position());
        cursor.setBlockFormat(f);
        (void)doc.pageCount();
    }
}

Result<QByteArray> drawPdf(const QString &html, Audience audience, const QString &footer)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return makeError(ErrorCode::Unsupported,
                         QStringLiteral("Drawing a document needs a QGuiApplication (for its fonts); headless, run "
                                        "with QT_QPA_PLATFORM=offscreen"));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setCreator(QStringLiteral("Hearth"));
    // Generic, so the file's metadata says nothing about whose plan it is.
    writer.setTitle(QStringLiteral("Care plan"));
    writer.setResolution(300);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(18, 16, 18, 12), QPageLayout::Millimeter);

    const bool person = audience == Audience::Person;
    QFont font = QFontDatabase::systemFont(QFontDatabase::GeneralFont);
    font.setStyleHint(QFont::SansSerif);
    font.setPointSizeF(person ? 15 : 9.5);
    // Any letter spacing turns ligatures off in Qt's shaper, so "fi" stays two letters for screen readers, search
    // and copy-paste; a little extra spacing also helps people with low vision read the person's copy.
    font.setLetterSpacing(QFont::PercentageSpacing, person ? 103 : 101);
    QFont footerFont = font;
    footerFont.setPointSizeF(person ? 11 : 7.5);

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    doc.setDefaultFont(font);
    doc.setDocumentMargin(0);
    doc.setDefaultStyleSheet(styleSheet(audience));
    doc.setHtml(html);

    const QRectF area(QPointF(0, 0), writer.pageLayout().paintRectPixels(writer.resolution()).size());
    const qreal footerHeight = QFontMetricsF(footerFont, &writer).height() * 2.5;
    const QSizeF body(area.width(), area.height() - footerHeight);
    doc.setPageSize(body);
    // Block margins are in 96 dpi units, which the layout scales to the device.
    paginate(doc, audience, QFontMetricsF(font, &writer).height() * 96.0 / writer.logicalDpiY(), body.height());
    const int pages = doc.pageCount();

    QPainter painter;
    if (!painter.begin(&writer))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot start drawing the PDF"));
    for (int page = 0; page < pages; ++page) {
        if (page > 0)
            writer.newPage();
        painter.save();
        painter.setClipRect(QRectF(QPointF(0, 0), body));
        painter.translate(0, -page * body.height());
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.clip = QRectF(QPointF(0, page * body.height()), body);
        ctx.palette.setColor(QPalette::Text, Qt::black);
        doc.documentLayout()->draw(&painter, ctx);
        painter.restore();

        const qreal y = body.height() + footerHeight * 0.3;
        painter.setPen(QPen(QColor(0x88, 0x88, 0x88), 2));
        painter.drawLine(QPointF(0, y), QPointF(area.width(), y));
        painter.setPen(Qt::black);
        painter.setFont(footerFont);
        const QRectF footerRect(0, y + footerHeight * 0.1, area.width(), footerHeight * 0.6);
        painter.drawText(footerRect, Qt::AlignLeft | Qt::AlignVCenter, footer);
        painter.drawText(footerRect, Qt::AlignRight | Qt::AlignVCenter,
                         QStringLiteral("Page %1 of %2").arg(page + 1).arg(pages));
    }
    if (!painter.end() || !bytes.startsWith("%PDF"))
        return makeError(ErrorCode::Io, QStringLiteral("The PDF could not be drawn"));
    qCDebug(lcDocuments) << "care plan drawn:" << (person ? "person" : "professional") << "copy," << pages << "page(s),"
                         << bytes.size() << "bytes";
    return bytes;
}

} // namespace

QString CarePlanDocument::html(const CarePlan &plan, Audience audience, const std::optional<Recipient> &recipient,
                               const RenderOptions &options)
{
    if (audience == Audience::Person)
        return personHtml(plan, options);
    if (!recipient)
        return {};
    auto shared = shareWith(plan, *recipient);
    return shared ? professionalHtml(shared.value(), *recipient, options) : QString();
}

Result<QByteArray> CarePlanDocument::render(const CarePlan &plan, Audience audience,
                                            const std::optional<Recipient> &recipient, const RenderOptions &options)
{
    if (audience == Audience::Person) {
        if (recipient)
            return makeError(ErrorCode::Usage, QStringLiteral("The person's copy is not addressed to a professional"));
        return drawPdf(personHtml(plan, options), audience, QStringLiteral("My care plan"));
    }
    if (!recipient)
        return makeError(ErrorCode::Usage, QStringLiteral("A professional copy needs the professional it is for"));
    // Filtered here, not by the caller, so no path can draw a professional copy past the consent rules.
    auto shared = shareWith(plan, *recipient);
    if (!shared)
        return shared.error();
    return drawPdf(professionalHtml(shared.value(), *recipient, options), audience,
                   QStringLiteral("Care plan, copy for %1. Confidential.").arg(recipient->addressee()));
}

Result<QByteArray> CarePlanDocument::render(const Store &store, const ReferenceData &reference, const QString &personId,
                                            Audience audience, const QString &professional,
                                            const RenderOptions &options)
{
    if (audience == Audience::Person && !professional.isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("The person's copy is not addressed to a professional"));
    if (audience == Audience::Professional && professional.trimmed().isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("A professional copy needs the professional it is for"));
    auto plan = loadCarePlan(store, reference, personId);
    if (!plan)
        return plan.error();
    std::optional<Recipient> recipient;
    if (audience == Audience::Professional) {
        auto r = resolveRecipient(professional, plan.value(), reference);
        if (!r)
            return r.error();
        recipient = r.value();
    }
    return render(plan.value(), audience, recipient, options);
}

Status CarePlanDocument::writeFile(const QByteArray &pdf, const QString &path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write %1: %2").arg(path, f.errorString()));
    if (f.write(pdf) != pdf.size() || !f.commit())
        return makeError(ErrorCode::Io, QStringLiteral("Cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

Status CarePlanDocument::renderToFile(const Store &store, const ReferenceData &reference, const QString &personId,
                                      Audience audience, const QString &professional, const RenderOptions &options,
                                      const QString &path)
{
    auto pdf = render(store, reference, personId, audience, professional, options);
    if (!pdf)
        return pdf.error();
    return writeFile(pdf.value(), path);
}

} // namespace hearth::documents
