#pragma once

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

// Small helpers shared by the end-to-end sync suites.
namespace hearth::test {

// Stops the test function when a helper it called has failed.
#define CHECKED(expr)                                                                                                  \
    do {                                                                                                               \
        expr;                                                                                                          \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

inline QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes.trimmed()).object();
}

inline QList<QJsonObject> linesOf(const QByteArray &bytes)
{
    QList<QJsonObject> out;
    for (const QByteArray &l : bytes.split('\n'))
        if (!l.trimmed().isEmpty())
            out << QJsonDocument::fromJson(l).object();
    return out;
}

inline QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// One HTTP answer as a test sees it.
struct Answer {
    int status = 0;
    QByteArray contentType;
    QByteArray body;
    QString networkError;
    [[nodiscard]] QJsonObject json() const { return jsonOf(body); }
    [[nodiscard]] QString code() const { return json().value(QStringLiteral("error")).toString(); }
    [[nodiscard]] QString message() const { return json().value(QStringLiteral("message")).toString(); }
    [[nodiscard]] QByteArray describe() const
    {
        return QByteArray::number(status) + ' ' + contentType + ' ' + body.left(300) + ' ' + networkError.toUtf8();
    }
};

// Sends one request and waits (at most a minute) for its whole answer; a transport failure with no
// HTTP status is kept as networkError.
inline Answer exchange(QNetworkAccessManager &nam, const QNetworkRequest &req, const QByteArray &method,
                       const QByteArray &body)
{
    QNetworkReply *reply = method == "POST" ? nam.post(req, body) : nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    a.body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError && a.status == 0)
        a.networkError = reply->errorString();
    reply->deleteLater();
    return a;
}

} // namespace hearth::test
