#include "data/internal/folderscan.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>
#include <optional>

namespace lepton::Internal {
namespace {

// The split a folder named train, val, validation, valid or test (any case) stands for.
std::optional<Split> splitFolderSplit(const QString &name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("train"))
        return Split::Train;
    if (n == QLatin1String("val") || n == QLatin1String("valid") || n == QLatin1String("validation"))
        return Split::Validation;
    if (n == QLatin1String("test"))
        return Split::Test;
    return std::nullopt;
}

} // namespace

Result<FolderScan> scanImageFolder(const QString &dir)
{
    using R = Result<FolderScan>;
    QFileInfo root(dir);
    if (!root.isDir())
        return R::failure(QStringLiteral("'%1' is not a folder").arg(dir));
    FolderScan out;
    out.root = root.absoluteFilePath();
    const QDir base(out.root);
    const QStringList top = base.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    if (top.isEmpty())
        return R::failure(QStringLiteral("'%1' has no class sub-folders (expected class_name/image.png)").arg(dir));
    // Split folders: train/ (with val/, validation/, valid/, test/ beside it), each holding class
    // folders, give the split of every sample; otherwise the top folders are the classes.
    out.splitFolders = top.contains(QStringLiteral("train"), Qt::CaseInsensitive)
                       && std::all_of(top.begin(), top.end(), [](const QString &t) { return splitFolderSplit(t); });
    QVector<std::pair<QString, Split>> roots;   // folders holding class folders
    if (out.splitFolders) {
        for (const QString &t : top) {
            roots.append({base.filePath(t), *splitFolderSplit(t)});
            for (const QString &c : QDir(base.filePath(t)).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
                if (!out.classes.contains(c))
                    out.classes.append(c);
        }
        out.classes.sort();
        if (out.classes.isEmpty())
            return R::failure(QStringLiteral("'%1' has split folders (%2) but no class folders in them (expected "
                                             "train/class_name/image.png)")
                                  .arg(dir, top.join(QStringLiteral(", "))));
    } else {
        roots.append({base.absolutePath(), Split::Train});
        out.classes = top;
    }
    for (const auto &[folder, split] : roots) {
        for (int c = 0; c < out.classes.size(); ++c) {
            const QString classFolder = QDir(folder).filePath(out.classes[c]);
            if (out.splitFolders && !QFileInfo(classFolder).isDir())
                continue;   // a class may be missing from a split
            QDirIterator it(classFolder, QDir::Files, QDirIterator::Subdirectories);
            QStringList files;
            while (it.hasNext())
                files << it.next();
            files.sort();
            if (files.isEmpty())
                out.issues.append({classFolder, QStringLiteral("class folder is empty")});
            for (const QString &f : files)
                out.files.append({f, c, split});
        }
    }
    return out;
}

} // namespace lepton::Internal
