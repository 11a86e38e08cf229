#pragma once
// How each record kind of the project file maps onto its table: the one place that names its
// columns, binds a record's values to them and reads a row back (rows.cpp). A new column is one
// edit here and one in rows.cpp; the store's functions only say which rows they want.
#include "project/internal/storeprivate.h"
#include "project/records.h"

#include <QStringList>

namespace lepton::Internal {

template <typename Record>
struct Row;   // specialised below: table, select (id first), read(), insertColumns, values()

template <>
struct Row<DatasetInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const DatasetInfo &d);
    static DatasetInfo read(const QSqlQuery &q);   // without classes and counts
};

template <>
struct Row<SampleRecord>
{
    static const char *const table;
    static const char *const select;          // without the pixels
    static const char *const selectWithPixels;
    static const char *const insertColumns;   // dataset_id first
    static QVariantList values(const SampleRecord &s, qint64 datasetId, bool regression);
    static SampleRecord read(const QSqlQuery &q, bool withPixels);
};

template <>
struct Row<ArchitectureInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const ArchitectureInfo &a);
    static ArchitectureInfo read(const QSqlQuery &q);
};

template <>
struct Row<RunInfo>
{
    static const char *const table;
    static const char *const select;          // the status as stored; the claim decides "interrupted"
    static const char *const insertColumns;
    static QVariantList values(const RunInfo &r);
    static RunInfo read(const QSqlQuery &q);
};

template <>
struct Row<EpochRecord>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;   // run_id first
    static QVariantList values(const EpochRecord &e, qint64 runId);
    static EpochRecord read(const QSqlQuery &q);
};

template <>
struct Row<EpochCheckpoint>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;   // run_id first
    static QVariantList values(const EpochCheckpoint &c, qint64 runId);
    static EpochCheckpoint read(const QSqlQuery &q);
};

template <>
struct Row<SweepInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const SweepInfo &s);
    static SweepInfo read(const QSqlQuery &q);
};

template <>
struct Row<ModelVersionInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;   // weights last
    static QVariantList values(const ModelVersionInfo &m, const QByteArray &weights);
    static ModelVersionInfo read(const QSqlQuery &q);
};

template <>
struct Row<QuantizedVersionInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const QuantizedVersionInfo &v);
    static QuantizedVersionInfo read(const QSqlQuery &q);
};

template <>
struct Row<EvaluationInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const EvaluationInfo &e);
    static EvaluationInfo read(const QSqlQuery &q);
};

template <>
struct Row<PredictionRecord>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;   // evaluation_id and row first
    static QVariantList values(const PredictionRecord &p, qint64 evaluationId, qint64 row);
    static PredictionRecord read(const QSqlQuery &q);
};

template <>
struct Row<ExportInfo>
{
    static const char *const table;
    static const char *const select;
    static const char *const insertColumns;
    static QVariantList values(const ExportInfo &e);
    static ExportInfo read(const QSqlQuery &q);
};

// "INSERT INTO <table> (<insertColumns>) VALUES (?, ...)"
template <typename Record>
QString insertSql()
{
    const int n = int(QString::fromLatin1(Row<Record>::insertColumns).count(QLatin1Char(','))) + 1;
    QStringList marks;
    for (int i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
        .arg(QLatin1String(Row<Record>::table), QLatin1String(Row<Record>::insertColumns), marks.join(QLatin1Char(',')));
}

// "SELECT <select> FROM <table> <tail>"
template <typename Record>
QString selectSql(const QString &tail, const char *columns = Row<Record>::select)
{
    return QStringLiteral("SELECT %1 FROM %2 %3").arg(QLatin1String(columns), QLatin1String(Row<Record>::table), tail);
}

// Every row `tail` (WHERE/ORDER BY with ? for `values`) selects, read as Record.
template <typename Record, typename... ReadArgs>
Result<QVector<Record>> selectRows(const ProjectStore::Private &d, const QString &tail, const QVariantList &values,
                                   ReadArgs... readArgs)
{
    Statement s(d, selectSql<Record>(tail), values);
    if (!s.ok())
        return Result<QVector<Record>>::failure(s.error());
    QVector<Record> out;
    while (s.next())
        out.append(Row<Record>::read(s.query(), readArgs...));
    return out;
}

// The first row `tail` selects, or `notFound` as the failure.
template <typename Record>
Result<Record> selectRow(const ProjectStore::Private &d, const QString &tail, const QVariantList &values,
                         const QString &notFound)
{
    Statement s(d, selectSql<Record>(tail), values);
    if (!s.ok())
        return Result<Record>::failure(s.error());
    if (!s.next())
        return Result<Record>::failure(notFound);
    return Row<Record>::read(s.query());
}

} // namespace lepton::Internal
