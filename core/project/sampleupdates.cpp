// A re-import's changes to a dataset (new classes, added, replaced, restamped and removed
// samples, the new source folder), applied in one transaction.
#include "project/projectstore.h"

#include "project/internal/transaction.h"

namespace lepton {

using Internal::fileStampValue;

Status ProjectStore::applySampleUpdate(qint64 datasetId, const SampleUpdate &update)
{
    auto ds = dataset(datasetId);
    if (!ds)
        return Status::failure(ds.error());
    if (update.changesSamples())
        if (auto editable = checkEditable(datasetId); !editable)
            return editable;
    Internal::Transaction t(database(), path());
    if (!update.source.isEmpty())
        t.exec(QStringLiteral("UPDATE datasets SET source = ? WHERE id = ?"), {update.source, datasetId});
    for (int i = 0; i < update.newClasses.size(); ++i)
        t.exec(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) VALUES (?,?,?)"),
               {datasetId, int(ds->classes.size()) + i, update.newClasses[i]});
    const int classCount = int(ds->classes.size() + update.newClasses.size());
    const auto target = [&](const SampleRecord &s) { return ds->isRegression() ? QVariant(s.target) : QVariant(); };
    for (const SampleRecord &s : update.added) {
        if (!ds->isRegression() && (s.label < 0 || s.label >= classCount))
            return Status::failure(QStringLiteral("'%1': class %2 is not in dataset '%3'").arg(s.path).arg(s.label).arg(ds->name));
        t.exec(QStringLiteral("INSERT INTO samples (dataset_id, path, label, split, hash, pixels, target, file_size, "
                              "file_mtime) VALUES (?,?,?,?,?,?,?,?,?)"),
               {datasetId, s.path, s.label, int(s.split), QString::fromLatin1(s.hash), s.pixels, target(s),
                fileStampValue(s.fileSize), fileStampValue(s.fileMtime)});
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
    if (!t.commit())
        return Status::failure(t.error());
    return success();
}

} // namespace lepton
