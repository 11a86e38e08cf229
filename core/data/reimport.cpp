#include "data/reimport.h"

#include "data/internal/folderscan.h"
#include "data/internal/imagedecode.h"
#include "project/projectstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QtConcurrent/QtConcurrentMap>

#include <atomic>

namespace lepton {
namespace {

using R = Result<ReimportReport>;

struct FileStamp
{
    qint64 size = -1;
    qint64 mtime = -1;
};

FileStamp stampOf(const QString &path)
{
    const QFileInfo fi(path);
    return {fi.size(), fi.lastModified().toMSecsSinceEpoch()};
}

struct HashedFile
{
    QByteArray hash;
    FileStamp stamp;
    QString error;
};

// Reads and hashes the files on all cores (no decoding).
QVector<HashedFile> hashFiles(const QStringList &paths, const ProgressFn &progress, const CancelToken &cancel)
{
    std::atomic<qint64> done{0};
    const qint64 total = paths.size();
    return QtConcurrent::blockingMapped<QVector<HashedFile>>(paths, [&](const QString &path) {
        HashedFile h;
        if (cancel.isCancelled())
            return h;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            h.error = QStringLiteral("cannot read: %1").arg(f.errorString());
        } else {
            const QByteArray bytes = f.readAll();
            h.stamp = {bytes.size(), f.fileTime(QFileDevice::FileModificationTime).toMSecsSinceEpoch()};
            h.hash = Internal::sha256Hex(bytes.constData(), bytes.size());
        }
        const qint64 n = ++done;
        if (n % 64 == 0 || n == total)
            report(progress, n, total, QStringLiteral("read"));
        return h;
    });
}

// The class folder (and split folder) a path lies in, relative to the dataset's root.
struct FolderPlace
{
    QString className;
    QString splitFolder;
};

FolderPlace placeOf(const QString &root, const QString &path, bool splitFolders)
{
    const QStringList parts = QDir(root).relativeFilePath(path).split(QLatin1Char('/'));
    if (parts.isEmpty() || parts.first() == QLatin1String(".."))
        return {};
    if (!splitFolders)
        return {parts.value(0), {}};
    return {parts.value(1), parts.value(0)};
}

QJsonArray entriesJson(const QVector<ReimportEntry> &entries)
{
    QJsonArray a;
    for (const ReimportEntry &e : entries) {
        QJsonObject o{{"path", e.path}, {"class", e.className}};
        if (e.sampleId > 0)
            o.insert(QLatin1String("sample_id"), e.sampleId);
        if (!e.fromPath.isEmpty())
            o.insert(QLatin1String("from"), e.fromPath);
        if (!e.fromClass.isEmpty())
            o.insert(QLatin1String("from_class"), e.fromClass);
        a.append(o);
    }
    return a;
}

} // namespace

QString ReimportReport::summary() const
{
    return QStringLiteral("%1 files: %2 unchanged (not read), %3 verified, %4 new, %5 changed, %6 moved, %7 missing%8, "
                          "%9 unreadable; %10 files read, %11 decoded")
        .arg(scanned)
        .arg(unchanged)
        .arg(verified)
        .arg(added.size())
        .arg(changed.size())
        .arg(moved.size())
        .arg(missing.size())
        .arg(missingDropped ? QStringLiteral(" (removed)") : missing.isEmpty() ? QString() : QStringLiteral(" (kept)"))
        .arg(issues.size())
        .arg(filesRead)
        .arg(decoded);
}

QJsonObject ReimportReport::toJson() const
{
    QJsonArray issuesJson;
    for (const ImportIssue &i : issues)
        issuesJson.append(QJsonObject{{"path", i.path}, {"reason", i.reason}});
    QJsonObject o{{"dataset_id", datasetId},
                  {"dataset", datasetName},
                  {"folder", folder},
                  {"scanned", scanned},
                  {"unchanged", unchanged},
                  {"verified", verified},
                  {"files_read", filesRead},
                  {"decoded", decoded},
                  {"added", entriesJson(added)},
                  {"changed", entriesJson(changed)},
                  {"moved", entriesJson(moved)},
                  {"missing", entriesJson(missing)},
                  {"missing_removed", missingDropped},
                  {"new_classes", QJsonArray::fromStringList(newClasses)},
                  {"skipped", issuesJson},
                  {"applied", applied}};
    if (!notApplied.isEmpty())
        o.insert(QLatin1String("not_applied"), notApplied);
    return o;
}

bool canReimport(const DatasetInfo &info)
{
    return info.kind == QLatin1String("image-folder") || info.kind == QLatin1String("image-split-folders");
}

Result<qint64> datasetImportedFrom(const ProjectStore &store, const QString &folder)
{
    auto datasets = store.datasets();
    if (!datasets)
        return Result<qint64>::failure(datasets.error());
    const QString wanted = QFileInfo(folder).absoluteFilePath();
    qint64 found = 0;
    for (const DatasetInfo &d : datasets.value())
        if (canReimport(d) && QFileInfo(d.source).absoluteFilePath() == wanted)
            found = d.id;
    return found;
}

R reimportImageFolder(ProjectStore &store, qint64 datasetId, const ReimportOptions &options, const ProgressFn &progress,
                      const CancelToken &cancel)
{
    auto ds = store.dataset(datasetId);
    if (!ds)
        return R::failure(ds.error());
    const bool splitFolders = ds->kind == QLatin1String("image-split-folders");
    if (!canReimport(ds.value()))
        return R::failure(QStringLiteral("dataset %1 '%2' was imported from a %3, not an image folder: only image-folder "
                                         "datasets can be re-imported")
                              .arg(datasetId)
                              .arg(ds->name, ds->kind));
    const QString folder = options.folder.isEmpty() ? ds->source : options.folder;
    auto scan = Internal::scanImageFolder(folder);
    if (!scan)
        return R::failure(QStringLiteral("re-import of dataset '%1': %2").arg(ds->name, scan.error()));
    if (scan->splitFolders != splitFolders)
        return R::failure(QStringLiteral("'%1' %2 split folders (train/, val/, test/), but dataset '%3' %4")
                              .arg(folder, scan->splitFolders ? QStringLiteral("has") : QStringLiteral("has no"), ds->name,
                                   splitFolders ? QStringLiteral("was imported from split folders")
                                                : QStringLiteral("was split by seed")));
    auto stored = store.samples(datasetId, std::nullopt, false);
    if (!stored)
        return R::failure(stored.error());
    const QVector<SampleRecord> &samples = stored.value();

    ReimportReport rep;
    rep.datasetId = datasetId;
    rep.datasetName = ds->name;
    rep.folder = scan->root;
    rep.scanned = int(scan->files.size());
    rep.issues = scan->issues;

    // Which project class each class folder stands for: the class most of its samples have now
    // (renames and merges in the project carry over to new files), else the class of that name.
    const QString oldRoot = ds->source;
    QHash<QString, QHash<int, int>> folderLabels;
    for (const SampleRecord &s : samples)
        ++folderLabels[placeOf(oldRoot, s.path, splitFolders).className][s.label];
    SampleUpdate update;
    const auto labelFor = [&](const QString &className) {
        if (auto it = folderLabels.constFind(className); it != folderLabels.constEnd() && !it->isEmpty()) {
            int best = -1, bestCount = 0;
            for (auto l = it->constBegin(); l != it->constEnd(); ++l)
                if (l.value() > bestCount || (l.value() == bestCount && l.key() < best))
                    best = l.key(), bestCount = l.value();
            return best;
        }
        if (const int i = int(ds->classes.indexOf(className)); i >= 0)
            return i;
        if (!update.newClasses.contains(className))
            update.newClasses.append(className);
        return int(ds->classes.size() + update.newClasses.indexOf(className));
    };
    const auto classNameOf = [&](int label) {
        return label < ds->classes.size() ? ds->classes.value(label) : update.newClasses.value(label - ds->classes.size());
    };

    // 1. Stamps: a known path with the same size and time is unchanged and not read.
    QHash<QString, int> byPath;
    for (int i = 0; i < samples.size(); ++i)
        byPath.insert(samples[i].path, i);
    QVector<bool> present(samples.size(), false);
    QStringList toRead;
    QVector<int> readFile;   // index into scan->files
    for (int f = 0; f < scan->files.size(); ++f) {
        const QString &path = scan->files[f].path;
        const int known = byPath.value(path, -1);
        if (known >= 0) {
            present[known] = true;
            const FileStamp st = stampOf(path);
            if (samples[known].fileSize == st.size && samples[known].fileMtime == st.mtime && st.size >= 0) {
                ++rep.unchanged;
                continue;
            }
        }
        toRead << path;
        readFile << f;
    }
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("re-import cancelled; nothing was changed"));

    // 2. Hash what may have changed.
    const QVector<HashedFile> hashed = hashFiles(toRead, progress, cancel);
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("re-import cancelled; nothing was changed"));
    rep.filesRead = int(toRead.size());
    QMultiHash<QByteArray, int> missingByHash;   // content of samples whose path is gone
    for (int i = 0; i < samples.size(); ++i)
        if (!present[i])
            missingByHash.insert(samples[i].hash, i);
    QVector<bool> claimed(samples.size(), false);
    QVector<Internal::DecodeJob> decodeJobs;
    QVector<int> decodeFor;   // index into samples for a changed file, -1 for a new one
    QVector<Split> decodeSplit;
    for (int k = 0; k < toRead.size(); ++k) {
        const Internal::FolderFile &file = scan->files[readFile[k]];
        const HashedFile &h = hashed[k];
        const int known = byPath.value(file.path, -1);
        if (!h.error.isEmpty()) {
            rep.issues.append({file.path, h.error + (known >= 0 ? QStringLiteral("; the sample keeps its stored content")
                                                                : QString())});
            continue;
        }
        const QString folderClass = scan->classes[file.classIndex];
        if (known >= 0) {
            SampleRecord s = samples[known];
            s.fileSize = h.stamp.size;
            s.fileMtime = h.stamp.mtime;
            if (s.hash == h.hash) {
                ++rep.verified;
                update.restamped << s;
            } else {
                decodeJobs.append({file.path, s.label});
                decodeFor << known;
                decodeSplit << s.split;
            }
            continue;
        }
        // A new path: the content of a sample whose file is gone means the file moved.
        int from = -1;
        for (auto it = missingByHash.constFind(h.hash); it != missingByHash.constEnd() && it.key() == h.hash; ++it)
            if (!claimed[it.value()]) {
                from = it.value();
                break;
            }
        if (from >= 0) {
            claimed[from] = true;
            SampleRecord s = samples[from];
            const FolderPlace was = placeOf(oldRoot, s.path, splitFolders);
            ReimportEntry e{s.id, file.path, s.path, {}, {}};
            if (was.className != folderClass) {   // moved to another class folder: it takes that class
                const int label = labelFor(folderClass);
                if (label != s.label)
                    e.fromClass = classNameOf(s.label);
                s.label = label;
            }
            if (splitFolders)
                s.split = file.split;
            e.className = classNameOf(s.label);
            s.path = file.path;
            s.fileSize = h.stamp.size;
            s.fileMtime = h.stamp.mtime;
            update.replaced << s;
            rep.moved << e;
            continue;
        }
        decodeJobs.append({file.path, labelFor(folderClass)});
        decodeFor << -1;
        decodeSplit << file.split;
    }

    // 3. Decode new and changed content only.
    ImportOptions decodeOptions;
    decodeOptions.width = ds->width;
    decodeOptions.height = ds->height;
    decodeOptions.channels = ds->channels;
    const QVector<Internal::DecodedImage> decoded = Internal::decodeImages(decodeJobs, decodeOptions, progress, cancel);
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("re-import cancelled; nothing was changed"));
    rep.decoded = int(decodeJobs.size());
    QVector<SampleRecord> added;
    for (int k = 0; k < decoded.size(); ++k) {
        const QString &path = decodeJobs[k].path;
        if (!decoded[k].error.isEmpty()) {
            rep.issues.append({path, decoded[k].error + (decodeFor[k] >= 0 ? QStringLiteral("; the sample keeps its stored content")
                                                                           : QString())});
            continue;
        }
        SampleRecord s = decoded[k].sample;
        s.split = decodeSplit[k];
        if (decodeFor[k] >= 0) {
            const SampleRecord &was = samples[decodeFor[k]];
            s.id = was.id;
            s.label = was.label;
            s.target = was.target;
            update.replaced << s;
            rep.changed << ReimportEntry{s.id, path, {}, classNameOf(s.label), {}};
        } else {
            added << s;
        }
    }
    if (!splitFolders && !added.isEmpty()) {
        // New files get the seeded stratified split in the proportions the dataset has now.
        const double total = std::max(1, ds->sampleCount());
        assignStratifiedSplit(added, int(ds->classes.size() + update.newClasses.size()), ds->splitCounts[0] / total,
                              ds->splitCounts[1] / total, ds->splitSeed);
    }
    for (const SampleRecord &s : added)
        rep.added << ReimportEntry{0, s.path, {}, classNameOf(s.label), {}};
    update.added = added;
    // Only classes that new or moved files actually landed in are created.
    rep.newClasses = update.newClasses;

    for (int i = 0; i < samples.size(); ++i)
        if (!present[i] && !claimed[i]) {
            rep.missing << ReimportEntry{samples[i].id, samples[i].path, {}, classNameOf(samples[i].label), {}};
            if (options.dropMissing)
                update.removed << samples[i].id;
        }
    rep.missingDropped = options.dropMissing && !rep.missing.isEmpty();
    if (update.removed.size() == samples.size() && update.added.isEmpty())
        return R::failure(QStringLiteral("none of the %1 files of dataset '%2' is in '%3' any more: removing the missing "
                                         "ones would leave it empty")
                              .arg(samples.size())
                              .arg(ds->name, folder));
    if (scan->root != QFileInfo(oldRoot).absoluteFilePath())
        update.source = scan->root;

    // 4. Store: everything, or only the new stamps when the dataset may not change.
    if (options.dryRun) {
        rep.notApplied = QStringLiteral("dry run: nothing was changed");
        return rep;
    }
    if (update.changesSamples()) {
        auto inUse = store.datasetInUse(datasetId);
        if (!inUse)
            return R::failure(inUse.error());
        if (!inUse->isEmpty()) {
            rep.notApplied = QStringLiteral("%1, and re-import into the copy").arg(inUse.value());
            SampleUpdate stamps;
            stamps.restamped = update.restamped;
            if (auto st = store.applySampleUpdate(datasetId, stamps); !st)
                return R::failure(st.error());
            return rep;
        }
    }
    if (auto st = store.applySampleUpdate(datasetId, update); !st)
        return R::failure(st.error());
    rep.applied = true;
    return rep;
}

} // namespace lepton
