#pragma once
// Helpers of the project store's .cpp files: a write transaction that names its failing statement,
// and the NULL-able file stamp columns of samples.
#include "project/internal/storeprivate.h"
#include "project/records.h"

namespace lepton::Internal {

// Runs the statements of one change in a write transaction; rolls back and names the failing
// statement. BEGIN IMMEDIATE takes the write lock at the start (waiting up to the busy timeout),
// so what the transaction reads cannot be changed by another writer before it commits: checks
// ("is this dataset used by a run?") and the writes that depend on them are one atomic step.
class Transaction
{
public:
    explicit Transaction(const ProjectStore::Private &d) : m_d(d), m_query(d.db())
    {
        if (m_query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            m_open = true;
        else
            m_error = d.describe(m_query.lastError());
    }
    ~Transaction()
    {
        if (m_open)
            m_query.exec(QStringLiteral("ROLLBACK"));
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    // Fails the transaction with `message` (it rolls back); false, for `return t.fail(...)` chains.
    bool fail(const QString &message)
    {
        if (ok())
            m_error = message;
        return false;
    }
    // Executes `sql` with `values` bound in order; false (and the error kept) on failure.
    bool exec(const QString &sql, const QVariantList &values = {})
    {
        if (!ok())
            return false;
        m_query.prepare(sql);
        for (const QVariant &v : values)
            m_query.addBindValue(v);
        if (!m_query.exec())
            m_error = m_d.describe(m_query.lastError());
        return ok();
    }
    // The id of the row the last exec inserted (0 after a failure).
    qint64 insertedId() const { return ok() ? m_query.lastInsertId().toLongLong() : 0; }
    QSqlQuery &query() { return m_query; }
    bool commit()
    {
        if (!ok())
            return false;
        m_query.finish();
        if (!m_query.exec(QStringLiteral("COMMIT"))) {
            m_error = m_d.describe(m_query.lastError());
            return false;
        }
        m_open = false;
        return true;
    }
    Status status() { return commit() ? success() : Status::failure(m_error); }

private:
    const ProjectStore::Private &m_d;
    QSqlQuery m_query;
    bool m_open = false;
    QString m_error;
};

// Inserts a row that is claimed from birth (a run, a job): the row and the claim on its new id in one
// transaction. Nobody can see the row before the commit, so nobody else can hold its claim; when
// the commit fails, the claim is released. Returns the id, or a failure.
inline Result<qint64> insertClaimed(const ProjectStore::Private &d, const QString &sql, const QVariantList &values,
                                    WorkClaim::Kind kind, std::unique_ptr<WorkClaim> *claim)
{
    Transaction t(d);
    t.exec(sql, values);
    const qint64 id = t.insertedId();
    if (t.ok()) {
        QString error;
        *claim = WorkClaim::tryAcquire(d.path, kind, id, &error);
        if (!*claim)
            t.fail(QStringLiteral("cannot claim the new row %1 of '%2': %3").arg(id).arg(d.path, error));
    }
    if (!t.commit()) {
        claim->reset();
        return Result<qint64>::failure(t.error());
    }
    return id;
}

// samples.file_size / file_mtime: NULL (unknown, or not from a file) is -1 in SampleRecord.
inline qint64 fileStamp(const QVariant &v) { return v.isNull() ? -1 : v.toLongLong(); }
inline QVariant fileStampValue(qint64 stamp) { return stamp < 0 ? QVariant() : QVariant(stamp); }

} // namespace lepton::Internal
