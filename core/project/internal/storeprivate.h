#pragma once
// What the project store's .cpp files share: the connection behind a ProjectStore and the time format
// of its columns.
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

} // namespace Internal

class ProjectStore::Private
{
public:
    QString path;
    QString connectionName;
    int schemaVersion = 0;

    QSqlDatabase db() const { return QSqlDatabase::database(connectionName, false); }

    QString where(const QSqlQuery &q) const
    {
        return QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), q.lastError().text());
    }

    // Runs a prepared query; on failure returns a message naming the project file.
    bool exec(QSqlQuery &q, QString *error) const
    {
        if (q.exec())
            return true;
        *error = where(q);
        return false;
    }

    // One statement with its bound values, for writes that return nothing.
    Status run(const QString &sql, const QVariantList &values) const
    {
        QSqlQuery q(db());
        q.prepare(sql);
        for (const QVariant &v : values)
            q.addBindValue(v);
        QString error;
        if (!exec(q, &error))
            return Status::failure(error);
        return success();
    }
};

} // namespace lepton
