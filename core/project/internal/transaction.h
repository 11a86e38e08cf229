#pragma once
// Helpers of the project store's .cpp files: a transaction that names its failing statement, and
// the NULL-able file stamp columns of samples.
#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include "project/records.h"

namespace lepton::Internal {

// Runs the statements of one edit in a transaction; rolls back and names the failing statement.
class Transaction
{
public:
    Transaction(QSqlDatabase db, const QString &path) : m_db(db), m_path(path), m_query(db)
    {
        m_open = m_db.transaction();
        if (!m_open)
            m_error = m_db.lastError().text();
    }
    ~Transaction()
    {
        if (m_open)
            m_db.rollback();
    }
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(m_path), m_error); }
    // Executes `sql` with `values` bound in order; false (and the error kept) on failure.
    bool exec(const QString &sql, const QVariantList &values = {})
    {
        if (!ok())
            return false;
        m_query.prepare(sql);
        for (const QVariant &v : values)
            m_query.addBindValue(v);
        if (!m_query.exec())
            m_error = m_query.lastError().text();
        return ok();
    }
    QSqlQuery &query() { return m_query; }
    bool commit()
    {
        if (ok() && !m_db.commit())
            m_error = m_db.lastError().text();
        m_open = !ok();
        return ok();
    }

private:
    QSqlDatabase m_db;
    QString m_path;
    QSqlQuery m_query;
    bool m_open = false;
    QString m_error;
};

// samples.file_size / file_mtime: NULL (unknown, or not from a file) is -1 in SampleRecord.
inline qint64 fileStamp(const QVariant &v) { return v.isNull() ? -1 : v.toLongLong(); }
inline QVariant fileStampValue(qint64 stamp) { return stamp < 0 ? QVariant() : QVariant(stamp); }

// The columns readSample reads, in its order; append ", pixels" to read the pixels too.
inline QString sampleColumns(bool withPixels)
{
    return QStringLiteral("id, path, label, split, hash, target, file_size, file_mtime%1")
        .arg(withPixels ? QStringLiteral(", pixels") : QString());
}

// The current row of a query that selected sampleColumns(withPixels).
inline SampleRecord readSample(const QSqlQuery &q, bool withPixels)
{
    SampleRecord s;
    s.id = q.value(0).toLongLong();
    s.path = q.value(1).toString();
    s.label = q.value(2).toInt();
    s.split = Split(q.value(3).toInt());
    s.hash = q.value(4).toString().toLatin1();
    s.target = q.value(5).toDouble();
    s.fileSize = fileStamp(q.value(6));
    s.fileMtime = fileStamp(q.value(7));
    if (withPixels)
        s.pixels = q.value(8).toByteArray();
    return s;
}

} // namespace lepton::Internal
