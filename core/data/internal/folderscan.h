#pragma once
// The files of an image folder and the class (and split) their folders give, shared by import
// and re-import.
#include "common/result.h"
#include "data/importer.h"

namespace lepton::Internal {

struct FolderFile
{
    QString path;       // absolute
    int classIndex = 0; // into FolderScan::classes
    Split split = Split::Train;   // from the split folder when FolderScan::splitFolders
};

struct FolderScan
{
    QString root;                 // absolute
    QStringList classes;          // class folder names, sorted
    bool splitFolders = false;    // train/ (val/, test/) folders each holding class folders
    QVector<FolderFile> files;    // per class folder, sorted by path
    QVector<ImportIssue> issues;  // empty class folders
};

// class_name/…/image.ext, or train|val|valid|validation|test/class_name/…/image.ext.
Result<FolderScan> scanImageFolder(const QString &dir);

} // namespace lepton::Internal
