#pragma once
// What the project store's .cpp files share: the connection behind a ProjectStore, how its errors
// are worded, one statement with bound values, and the time format of its columns.
#include "project/projectlocks.h"
#include "project/projectstore.h"

#include <QDateTime>
#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace lepton {

namespace Internal {

inline QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }
inline QDateTime parseTime(const QVariant &v) { return QDateTime::fromString(v.toString(), Qt::ISODateWithMs); }
// An id column that may be NULL (0 in the records).
inline QVariant optionalId(qint64 id) { return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong)); }

} // namespace Internal

class ProjectStore::Private
{
public:
    QString path;
    QString connectionName;
    int schemaVersion = 0;
    QString readOnlyReason;   // empty: writable
    WriteWait wait = WriteWait::Interactive;

    QSqlDatabase db() const { return QSqlDatabase::database(connectionName, false); }

    // A failed statement, worded for the person reading it: which project, and for a busy or
    // read-only project why the change could not be made.
    QString describe(const QSqlError &error) const
    {
        const QString file = QDir::toNativeSeparators(path);
        const QString code = error.nativeErrorCode();
        if (!readOnlyReason.isEmpty() && (code == QLatin1String("8") || error.text().contains(QLatin1String("readonly"))))
            return QStringLiteral("project '%1' is open read-only (%2): the change was not saved").arg(file, readOnlyReason);
        if (code == QLatin1String("5") || code == QLatin1String("6") || error.text().contains(QLatin1String("locked"))) {
            const QString writer = describeProjectWriter(path);
            return QStringLiteral("project '%1' is busy: %2 has been writing to it for longer than this waits (%3 s); "
                                  "try again when it has finished")
                .arg(file, writer.isEmpty() ? QStringLiteral("another program") : writer)
                .arg(busyTimeoutMs(wait) / 1000);
        }
        return QStringLiteral("%1: %2").arg(file, error.text());
    }
};

namespace Internal {

// One statement with its values bound in order, run on the store's connection (inside the
// current transaction, if there is one). The error names the project file.
class Statement
{
public:
    Statement(const ProjectStore::Private &d, const QString &sql, const QVariantList &values = {}) : m_q(d.db())
    {
        m_q.setForwardOnly(true);
        if (!m_q.prepare(sql)) {
            m_error = d.describe(m_q.lastError());
            return;
        }
        for (const QVariant &v : values)
            m_q.addBindValue(v);
        if (!m_q.exec())
            m_error = d.describe(m_q.lastError());
    }
    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    bool next() { return ok() && m_q.next(); }
    QSqlQuery &query() { return m_q; }
    QVariant value(int i) const { return m_q.value(i); }
    qint64 insertedId() const { return m_q.lastInsertId().toLongLong(); }
    int rowsAffected() const { return m_q.numRowsAffected(); }
    Status status() const { return ok() ? success() : Status::failure(m_error); }

private:
    QSqlQuery m_q;
    QString m_error;
};

} // namespace Internal
} // namespace lepton
