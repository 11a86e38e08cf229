// A re-import's changes to a dataset (new classes, added, replaced, restamped and removed
// samples, the new source folder), applied in one transaction.
#include "project/internal/rows.h"
#include "project/internal/transaction.h"

namespace lepton {

using namespace Internal;

Status ProjectStore::applySampleUpdate(qint64 datasetId, const SampleUpdate &update)
{
    // The in-use check inside the write transaction: no run can start using the dataset between
    // the check and the change.
    Transaction t(*d);
    if (!t.ok())
        return Status::failure(t.error());
    auto ds = dataset(datasetId);
    if (!ds)
        return Status::failure(ds.error());
    if (update.changesSamples())
        if (auto editable = checkEditable(datasetId); !editable)
            return editable;
    if (!update.source.isEmpty())
        t.exec(QStringLiteral("UPDATE datasets SET source = ? WHERE id = ?"), {update.source, datasetId});
    for (int i = 0; i < update.newClasses.size(); ++i)
        t.exec(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) VALUES (?,?,?)"),
               {datasetId, int(ds->classes.size()) + i, update.newClasses[i]});
    const int classCount = int(ds->classes.size() + update.newClasses.size());
    for (const SampleRecord &s : update.added) {
        if (!ds->isRegression() && (s.label < 0 || s.label >= classCount))
            return Status::failure(QStringLiteral("'%1': class %2 is not in dataset '%3'").arg(s.path).arg(s.label).arg(ds->name));
        t.exec(insertSql<SampleRecord>(), Row<SampleRecord>::values(s, datasetId, ds->isRegression()));
    }
    for (const SampleRecord &s : update.replaced) {
        if (!ds->isRegression() && (s.label < 0 || s.label >= classCount))
            return Status::failure(QStringLiteral("'%1': class %2 is not in dataset '%3'").arg(s.path).arg(s.label).arg(ds->name));
        t.exec(QStringLiteral("UPDATE samples SET path = ?, label = ?, split = ?, hash = ?, file_size = ?, file_mtime = ? "
                              "WHERE dataset_id = ? AND id = ?"),
               {s.path, s.label, int(s.split), QString::fromLatin1(s.hash), fileStampValue(s.fileSize),
                fileStampValue(s.fileMtime), datasetId, s.id});
        if (t.ok() && t.query().numRowsAffected() != 1)
            return Status::failure(QStringLiteral("sample %1 is not in dataset '%2'").arg(s.id).arg(ds->name));
        if (!s.pixels.isEmpty())
            t.exec(QStringLiteral("UPDATE samples SET pixels = ? WHERE id = ?"), {s.pixels, s.id});
    }
    for (const SampleRecord &s : update.restamped)
        t.exec(QStringLiteral("UPDATE samples SET file_size = ?, file_mtime = ? WHERE dataset_id = ? AND id = ?"),
               {fileStampValue(s.fileSize), fileStampValue(s.fileMtime), datasetId, s.id});
    for (qint64 id : update.removed)
        t.exec(QStringLiteral("DELETE FROM samples WHERE dataset_id = ? AND id = ?"), {datasetId, id});
    return t.status();
}

} // namespace lepton
