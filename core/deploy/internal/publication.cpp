#include "deploy/internal/publication.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace lepton::Internal {

namespace {

QString partialPrefix(const QFileInfo &destination)
{
    return QStringLiteral(".%1.partial-").arg(destination.fileName());
}

} // namespace

QString partialSibling(const QString &destination)
{
    const QFileInfo info(destination);
    return info.absoluteDir().filePath(QStringLiteral("%1%2-%3")
                                           .arg(partialPrefix(info))
                                           .arg(QCoreApplication::applicationPid())
                                           .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')));
}

void removeStalePartials(const QString &destination)
{
    const QFileInfo info(destination);
    const QString prefix = partialPrefix(info);
    const QDir dir = info.absoluteDir();
    for (const QFileInfo &entry : dir.entryInfoList({prefix + QStringLiteral("*")},
                                                    QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = entry.fileName().mid(prefix.size()).section(QLatin1Char('-'), 0, 0).toLongLong(&ok);
        // A reused pid only keeps a leftover longer; it never removes the partial of a live export.
        if (!ok || pid <= 0 || (::kill(pid_t(pid), 0) == 0 || errno == EPERM))
            continue;
        if (entry.isDir() && !entry.isSymLink())
            QDir(entry.absoluteFilePath()).removeRecursively();
        else
            QFile::remove(entry.absoluteFilePath());
    }
}

Status publishPartial(const QString &partial, const QString &destination)
{
    const QFileInfo target(destination);
    if (QFileInfo(partial).isDir() && target.isDir() && !target.isSymLink())
        QDir().rmdir(destination);   // only when empty; rename() then reports a non-empty one
    if (std::rename(QFile::encodeName(partial).constData(), QFile::encodeName(destination).constData()) != 0)
        return Status::failure(QStringLiteral("cannot move the export to '%1': %2")
                                   .arg(destination, QString::fromLocal8Bit(strerror(errno))));
    return success();
}

} // namespace lepton::Internal
