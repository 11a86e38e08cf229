#pragma once
// Incremental re-import of an image-folder dataset: files whose size and modification time are
// unchanged are not read; the others are hashed, and only new or changed content is decoded.
// Files that moved (same content at another path) keep their sample; files that are gone are
// reported and kept unless asked to drop them.
#include "common/progress.h"
#include "common/result.h"
#include "data/importer.h"

#include <QJsonObject>

namespace lepton {

class ProjectStore;

struct ReimportOptions
{
    QString folder;            // empty: the dataset's source folder
    bool dryRun = false;       // report only, change nothing
    bool dropMissing = false;  // remove the samples whose file is gone
};

struct ReimportEntry
{
    qint64 sampleId = 0;   // 0 for added files
    QString path;
    QString fromPath;      // moved: where it was
    QString className;
    QString fromClass;     // moved to another class folder: the class it had
};

struct ReimportReport
{
    qint64 datasetId = 0;
    QString datasetName;
    QString folder;
    int scanned = 0;     // files found in the folder
    int unchanged = 0;   // same path, size and modification time: not read
    int verified = 0;    // read again (new stamp, or none stored) and identical
    int filesRead = 0;   // files opened by this re-import
    int decoded = 0;     // files decoded (added or changed content)
    QVector<ReimportEntry> added, changed, moved, missing;
    QStringList newClasses;
    QVector<ImportIssue> issues;   // unreadable files and empty class folders
    bool missingDropped = false;
    bool applied = false;  // the changes are in the project
    QString notApplied;    // why they are not (dry run, the dataset is in use)

    bool hasChanges() const
    {
        return !added.isEmpty() || !changed.isEmpty() || !moved.isEmpty() || !newClasses.isEmpty()
               || (missingDropped && !missing.isEmpty());
    }
    QString summary() const;   // one line: counts of each kind
    QJsonObject toJson() const;
};

// Image-folder datasets ("image-folder", "image-split-folders") can be re-imported.
bool canReimport(const DatasetInfo &info);

Result<ReimportReport> reimportImageFolder(ProjectStore &store, qint64 datasetId, const ReimportOptions &options,
                                           const ProgressFn &progress = {}, const CancelToken &cancel = {});

// The newest image-folder dataset imported from `folder` (same absolute path), or 0.
Result<qint64> datasetImportedFrom(const ProjectStore &store, const QString &folder);

} // namespace lepton
