// Label edits of a dataset: rename and merge classes, relabel and remove samples, copy a dataset;
// each in one write transaction (its checks included) and returning what the matching restore
// needs to undo it.
#include "project/internal/rows.h"
#include "project/internal/transaction.h"

#include <algorithm>

namespace lepton {
namespace {

using namespace Internal;

// Shifts class indices (and sample labels) >= `first` by `delta` (+1 or −1), avoiding transient
// duplicates of the (dataset_id, idx) key by going through negative values.
bool shiftClasses(Transaction &t, qint64 datasetId, int first, int delta)
{
    return t.exec(QStringLiteral("UPDATE classes SET idx = -idx - 1 WHERE dataset_id = ? AND idx >= ?"), {datasetId, first})
           && t.exec(QStringLiteral("UPDATE classes SET idx = -idx - 1 + ? WHERE dataset_id = ? AND idx < 0"),
                     {delta, datasetId})
           && t.exec(QStringLiteral("UPDATE samples SET label = label + ? WHERE dataset_id = ? AND label >= ?"),
                     {delta, datasetId, first});
}

// The distinct ids, sorted; empty ids are refused by the callers.
QVector<qint64> distinct(QVector<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

// The dataset an edit changes, read inside the edit's write transaction `t` (so nothing can start
// using it before the edit commits); with `editable`, refused while runs, model versions or
// evaluations use it.
Result<DatasetInfo> datasetForEdit(const ProjectStore &store, const Transaction &t, qint64 datasetId, bool editable)
{
    if (!t.ok())
        return Result<DatasetInfo>::failure(t.error());
    auto ds = store.dataset(datasetId);
    if (!ds)
        return ds;
    if (editable)
        if (auto st = store.checkEditable(datasetId); !st)
            return Result<DatasetInfo>::failure(st.error());
    return ds;
}

QString missingSamples(qsizetype found, qsizetype given, const QString &dataset)
{
    return QStringLiteral("%1 of the %2 samples are not in dataset '%3'").arg(given - found).arg(given).arg(dataset);
}

QString idList(const QVector<qint64> &ids)
{
    QStringList parts;
    for (qint64 id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(','));
}

} // namespace

// Refusal (as a failed Status) when runs, model versions or evaluations use the dataset.
Status ProjectStore::checkEditable(qint64 datasetId) const
{
    auto inUse = datasetInUse(datasetId);
    if (!inUse)
        return Status::failure(inUse.error());
    if (!inUse->isEmpty())
        return Status::failure(inUse.value());
    return success();
}

Result<QString> ProjectStore::datasetInUse(qint64 datasetId) const
{
    auto ds = dataset(datasetId);
    if (!ds)
        return Result<QString>::failure(ds.error());
    QStringList users;
    const struct { const char *sql; const char *what; } checks[] = {
        {"SELECT COUNT(*) FROM runs WHERE dataset_id = ?", "training run(s)"},
        {"SELECT COUNT(*) FROM model_versions WHERE dataset_id = ?", "model version(s)"},
        {"SELECT COUNT(*) FROM evaluations WHERE dataset_id = ?", "evaluation(s)"},
    };
    for (const auto &check : checks) {
        Statement q(*d, QString::fromLatin1(check.sql), {datasetId});
        if (!q.next())
            return Result<QString>::failure(q.error());
        if (const qint64 n = q.value(0).toLongLong(); n > 0)
            users << QStringLiteral("%1 %2").arg(n).arg(QLatin1String(check.what));
    }
    if (users.isEmpty())
        return QString();
    return QStringLiteral("dataset #%1 '%2' is used by %3: changing its samples or classes would change what they "
                          "were trained or evaluated on. Edit a copy (`lepton dataset --copy`, or \"Copy dataset\" "
                          "in the Data dock)")
        .arg(datasetId)
        .arg(ds->name, users.join(QStringLiteral(", ")));
}

Result<QString> ProjectStore::renameClass(qint64 datasetId, int classIndex, const QString &newName)
{
    using R = Result<QString>;
    Transaction t(*d);
    auto ds = datasetForEdit(*this, t, datasetId, false);
    if (!ds)
        return R::failure(ds.error());
    const QString name = newName.trimmed();
    if (classIndex < 0 || classIndex >= ds->classes.size())
        return R::failure(QStringLiteral("dataset '%1' has no class %2 (it has %3)").arg(ds->name).arg(classIndex).arg(ds->classes.size()));
    if (name.isEmpty())
        return R::failure(QStringLiteral("a class name cannot be empty"));
    if (const int other = ds->classes.indexOf(name); other >= 0 && other != classIndex)
        return R::failure(QStringLiteral("dataset '%1' already has a class '%2' (merge the classes instead)").arg(ds->name, name));
    t.exec(QStringLiteral("UPDATE classes SET name = ? WHERE dataset_id = ? AND idx = ?"), {name, datasetId, classIndex});
    if (!t.commit())
        return R::failure(t.error());
    return ds->classes[classIndex];
}

Result<ClassMerge> ProjectStore::mergeClass(qint64 datasetId, int from, int into)
{
    using R = Result<ClassMerge>;
    Transaction t(*d);
    auto ds = datasetForEdit(*this, t, datasetId, false);
    if (!ds)
        return R::failure(ds.error());
    const int k = int(ds->classes.size());
    if (from < 0 || from >= k || into < 0 || into >= k)
        return R::failure(QStringLiteral("dataset '%1' has classes 0..%2; cannot merge %3 into %4").arg(ds->name).arg(k - 1).arg(from).arg(into));
    if (from == into)
        return R::failure(QStringLiteral("a class cannot be merged into itself"));
    if (k < 3)
        return R::failure(QStringLiteral("dataset '%1' would be left with one class").arg(ds->name));
    if (auto editable = checkEditable(datasetId); !editable)
        return R::failure(editable.error());
    ClassMerge merge;
    merge.fromIndex = from;
    merge.intoIndex = into;
    merge.fromName = ds->classes[from];
    if (t.exec(QStringLiteral("SELECT id FROM samples WHERE dataset_id = ? AND label = ? ORDER BY id"), {datasetId, from}))
        while (t.query().next())
            merge.sampleIds << t.query().value(0).toLongLong();
    t.exec(QStringLiteral("UPDATE samples SET label = ? WHERE dataset_id = ? AND label = ?"), {into, datasetId, from});
    t.exec(QStringLiteral("DELETE FROM classes WHERE dataset_id = ? AND idx = ?"), {datasetId, from});
    if (t.ok())
        shiftClasses(t, datasetId, from + 1, -1);
    if (!t.commit())
        return R::failure(t.error());
    return merge;
}

Status ProjectStore::undoMergeClass(qint64 datasetId, const ClassMerge &merge)
{
    Transaction t(*d);
    if (auto ds = datasetForEdit(*this, t, datasetId, true); !ds)
        return Status::failure(ds.error());
    shiftClasses(t, datasetId, merge.fromIndex, +1);
    t.exec(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) VALUES (?, ?, ?)"),
           {datasetId, merge.fromIndex, merge.fromName});
    if (!merge.sampleIds.isEmpty())
        t.exec(QStringLiteral("UPDATE samples SET label = ? WHERE dataset_id = ? AND id IN (%1)").arg(idList(merge.sampleIds)),
               {merge.fromIndex, datasetId});
    return t.status();
}

Result<QVector<SampleRecord>> ProjectStore::relabelSamples(qint64 datasetId, const QVector<qint64> &givenIds, int label)
{
    using R = Result<QVector<SampleRecord>>;
    Transaction t(*d);
    const QVector<qint64> sampleIds = distinct(givenIds);
    if (sampleIds.isEmpty())
        return R::failure(QStringLiteral("no samples given"));
    auto ds = datasetForEdit(*this, t, datasetId, false);
    if (!ds)
        return R::failure(ds.error());
    if (ds->isRegression())
        return R::failure(QStringLiteral("dataset '%1' is a regression dataset: its samples have targets, not classes").arg(ds->name));
    if (label < 0 || label >= ds->classes.size())
        return R::failure(QStringLiteral("dataset '%1' has no class %2").arg(ds->name).arg(label));
    if (auto editable = checkEditable(datasetId); !editable)
        return R::failure(editable.error());
    QVector<SampleRecord> before;
    if (t.exec(QStringLiteral("SELECT id, label FROM samples WHERE dataset_id = ? AND id IN (%1) ORDER BY id").arg(idList(sampleIds)),
               {datasetId}))
        while (t.query().next()) {
            SampleRecord s;
            s.id = t.query().value(0).toLongLong();
            s.label = t.query().value(1).toInt();
            before << s;
        }
    if (t.ok() && before.size() != sampleIds.size())
        return R::failure(missingSamples(before.size(), sampleIds.size(), ds->name));
    t.exec(QStringLiteral("UPDATE samples SET label = ? WHERE dataset_id = ? AND id IN (%1)").arg(idList(sampleIds)),
           {label, datasetId});
    if (!t.commit())
        return R::failure(t.error());
    return before;
}

Status ProjectStore::restoreLabels(qint64 datasetId, const QVector<SampleRecord> &samples)
{
    Transaction t(*d);
    if (auto ds = datasetForEdit(*this, t, datasetId, true); !ds)
        return Status::failure(ds.error());
    for (const SampleRecord &s : samples)
        t.exec(QStringLiteral("UPDATE samples SET label = ? WHERE dataset_id = ? AND id = ?"), {s.label, datasetId, s.id});
    return t.status();
}

Result<QVector<SampleRecord>> ProjectStore::removeSamples(qint64 datasetId, const QVector<qint64> &givenIds)
{
    using R = Result<QVector<SampleRecord>>;
    Transaction t(*d);
    const QVector<qint64> sampleIds = distinct(givenIds);
    if (sampleIds.isEmpty())
        return R::failure(QStringLiteral("no samples given"));
    auto ds = datasetForEdit(*this, t, datasetId, true);
    if (!ds)
        return R::failure(ds.error());
    QVector<SampleRecord> removed;
    if (t.exec(selectSql<SampleRecord>(QStringLiteral("WHERE dataset_id = ? AND id IN (%1) ORDER BY id").arg(idList(sampleIds)),
                                       Row<SampleRecord>::selectWithPixels),
               {datasetId}))
        while (t.query().next())
            removed << Row<SampleRecord>::read(t.query(), true);
    if (t.ok() && removed.size() != sampleIds.size())
        return R::failure(missingSamples(removed.size(), sampleIds.size(), ds->name));
    if (t.ok() && removed.size() == ds->sampleCount())
        return R::failure(QStringLiteral("dataset '%1' would be left without samples").arg(ds->name));
    t.exec(QStringLiteral("DELETE FROM samples WHERE dataset_id = ? AND id IN (%1)").arg(idList(sampleIds)), {datasetId});
    if (!t.commit())
        return R::failure(t.error());
    return removed;
}

Status ProjectStore::restoreSamples(qint64 datasetId, const QVector<SampleRecord> &samples)
{
    Transaction t(*d);
    auto ds = datasetForEdit(*this, t, datasetId, true);
    if (!ds)
        return Status::failure(ds.error());
    for (const SampleRecord &s : samples)
        t.exec(insertSql<SampleRecord>().replace(QLatin1String("(dataset_id,"), QLatin1String("(id, dataset_id,"))
                   .replace(QLatin1String("VALUES ("), QLatin1String("VALUES (?,")),
               QVariantList{s.id} + Row<SampleRecord>::values(s, datasetId, ds->isRegression()));
    return t.status();
}

Result<QVector<SampleRecord>> ProjectStore::setSplits(qint64 datasetId, const QVector<SampleRecord> &samples,
                                                      quint32 splitSeed)
{
    using R = Result<QVector<SampleRecord>>;
    Transaction t(*d);
    if (samples.isEmpty())
        return R::failure(QStringLiteral("no samples given"));
    auto ds = datasetForEdit(*this, t, datasetId, true);
    if (!ds)
        return R::failure(ds.error());
    QVector<qint64> ids;
    for (const SampleRecord &s : samples) {
        if (int(s.split) < 0 || int(s.split) > 2)
            return R::failure(QStringLiteral("sample %1: split %2 is not train, validation or test").arg(s.id).arg(int(s.split)));
        ids << s.id;
    }
    ids = distinct(ids);
    QVector<SampleRecord> before;
    if (t.exec(QStringLiteral("SELECT id, split FROM samples WHERE dataset_id = ? AND id IN (%1) ORDER BY id").arg(idList(ids)),
               {datasetId}))
        while (t.query().next()) {
            SampleRecord s;
            s.id = t.query().value(0).toLongLong();
            s.split = Split(t.query().value(1).toInt());
            before << s;
        }
    if (t.ok() && before.size() != ids.size())
        return R::failure(missingSamples(before.size(), ids.size(), ds->name));
    for (const SampleRecord &s : samples)
        t.exec(QStringLiteral("UPDATE samples SET split = ? WHERE dataset_id = ? AND id = ?"), {int(s.split), datasetId, s.id});
    t.exec(QStringLiteral("UPDATE datasets SET split_seed = ? WHERE id = ?"), {splitSeed, datasetId});
    if (!t.commit())
        return R::failure(t.error());
    return before;
}

Result<qint64> ProjectStore::copyDataset(qint64 datasetId, const QString &name)
{
    using R = Result<qint64>;
    Transaction t(*d);
    auto ds = datasetForEdit(*this, t, datasetId, false);
    if (!ds)
        return R::failure(ds.error());
    const QString copyName = name.trimmed().isEmpty() ? QStringLiteral("%1 (copy)").arg(ds->name) : name.trimmed();
    t.exec(QStringLiteral("INSERT INTO datasets (name, source, kind, channels, height, width, split_seed, created, task, "
                          "target_name) SELECT ?, source, kind, channels, height, width, split_seed, "
                          "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), task, target_name FROM datasets WHERE id = ?"),
           {copyName, datasetId});
    const qint64 id = t.insertedId();
    t.exec(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) SELECT ?, idx, name FROM classes WHERE dataset_id = ?"),
           {id, datasetId});
    t.exec(QStringLiteral("INSERT INTO samples (dataset_id, path, label, split, hash, pixels, target, file_size, file_mtime) "
                          "SELECT ?, path, label, split, hash, pixels, target, file_size, file_mtime FROM samples "
                          "WHERE dataset_id = ? ORDER BY id"),
           {id, datasetId});
    t.exec(QStringLiteral("INSERT INTO augmentation_pipelines (dataset_id, pipeline_json, updated) SELECT ?, pipeline_json, "
                          "updated FROM augmentation_pipelines WHERE dataset_id = ?"),
           {id, datasetId});
    if (!t.commit())
        return R::failure(t.error());
    return id;
}

Status ProjectStore::deleteDataset(qint64 datasetId)
{
    Transaction t(*d);
    if (auto ds = datasetForEdit(*this, t, datasetId, true); !ds)
        return Status::failure(ds.error());
    for (const char *table : {"samples", "classes", "augmentation_pipelines"})
        t.exec(QStringLiteral("DELETE FROM %1 WHERE dataset_id = ?").arg(QLatin1String(table)), {datasetId});
    t.exec(QStringLiteral("DELETE FROM datasets WHERE id = ?"), {datasetId});
    return t.status();
}

} // namespace lepton
