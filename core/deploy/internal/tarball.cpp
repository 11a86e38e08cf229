#include "deploy/internal/tarball.h"

#include "deploy/internal/publication.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <cstring>

namespace lepton::Internal {
namespace {

constexpr int kBlock = 512;

void putOctal(char *field, int width, quint64 value)
{
    // width-1 octal digits, then NUL
    std::snprintf(field, size_t(width), "%0*llo", width - 1, static_cast<unsigned long long>(value));
}

QByteArray header(const QByteArray &name, quint64 size, bool directory, qint64 mtime)
{
    QByteArray h(kBlock, '\0');
    char *p = h.data();
    std::memcpy(p, name.constData(), size_t(qMin(name.size(), 100)));
    putOctal(p + 100, 8, directory ? 0755 : 0644);
    putOctal(p + 108, 8, 0);
    putOctal(p + 116, 8, 0);
    putOctal(p + 124, 12, directory ? 0 : size);
    putOctal(p + 136, 12, quint64(mtime));
    std::memset(p + 148, ' ', 8);
    p[156] = directory ? '5' : '0';
    std::memcpy(p + 257, "ustar", 6);
    std::memcpy(p + 263, "00", 2);
    std::memcpy(p + 265, "lepton", 6);
    std::memcpy(p + 297, "lepton", 6);
    unsigned sum = 0;
    for (int i = 0; i < kBlock; ++i)
        sum += static_cast<unsigned char>(p[i]);
    std::snprintf(p + 148, 8, "%06o", sum);
    p[155] = ' ';
    return h;
}

bool gzWriteAll(gzFile f, const QByteArray &data)
{
    return data.isEmpty() || gzwrite(f, data.constData(), unsigned(data.size())) == data.size();
}

} // namespace

Status writeTarGz(const QString &dir, const QString &archivePath, const QString &topName)
{
    const QFileInfo root(dir);
    if (!root.isDir())
        return Status::failure(QStringLiteral("'%1' is not a folder").arg(dir));
    QStringList entries;
    QDirIterator it(root.absoluteFilePath(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        entries << it.next();
    entries.sort();
    removeStalePartials(archivePath);
    const QString tmp = partialSibling(archivePath);
    const QString top = topName.isEmpty() ? root.fileName() : topName;
    gzFile out = gzopen(QFile::encodeName(tmp).constData(), "wb6");
    if (!out)
        return Status::failure(QStringLiteral("cannot write '%1'").arg(tmp));
    const QDir base(root.absoluteFilePath());
    bool ok = gzWriteAll(out, header(top.toUtf8() + '/', 0, true, root.lastModified().toSecsSinceEpoch()));
    for (const QString &path : entries) {
        if (!ok)
            break;
        const QFileInfo fi(path);
        QByteArray name = (top + QLatin1Char('/') + base.relativeFilePath(path)).toUtf8();
        if (fi.isDir())
            name += '/';
        if (name.size() > 99) {
            gzclose(out);
            QFile::remove(tmp);
            return Status::failure(QStringLiteral("path '%1' is too long for the archive").arg(QString::fromUtf8(name)));
        }
        if (fi.isDir()) {
            ok = gzWriteAll(out, header(name, 0, true, fi.lastModified().toSecsSinceEpoch()));
            continue;
        }
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            ok = false;
            break;
        }
        const QByteArray data = f.readAll();
        ok = gzWriteAll(out, header(name, quint64(data.size()), false, fi.lastModified().toSecsSinceEpoch()))
             && gzWriteAll(out, data)
             && gzWriteAll(out, QByteArray((kBlock - data.size() % kBlock) % kBlock, '\0'));
    }
    ok = ok && gzWriteAll(out, QByteArray(2 * kBlock, '\0'));
    if (gzclose(out) != Z_OK || !ok) {
        QFile::remove(tmp);
        return Status::failure(QStringLiteral("writing archive '%1' failed").arg(archivePath));
    }
    if (auto st = publishPartial(tmp, archivePath); !st) {
        QFile::remove(tmp);
        return st;
    }
    return success();
}

Result<QString> extractTarGz(const QString &archivePath, const QString &destination)
{
    using R = Result<QString>;
    gzFile in = gzopen(QFile::encodeName(archivePath).constData(), "rb");
    if (!in)
        return R::failure(QStringLiteral("cannot open archive '%1'").arg(archivePath));
    auto fail = [&](const QString &why) {
        gzclose(in);
        return R::failure(QStringLiteral("archive '%1': %2").arg(archivePath, why));
    };
    const QDir dest(destination);
    QString top;
    char block[kBlock];
    for (;;) {
        const int got = gzread(in, block, kBlock);
        if (got == 0)
            break;   // end of data without the zero blocks: tolerated
        if (got != kBlock)
            return fail(QStringLiteral("truncated or not a gzip'd tar file"));
        bool zero = true;
        for (char c : block)
            zero = zero && c == 0;
        if (zero)
            break;
        if (std::memcmp(block + 257, "ustar", 5) != 0)
            return fail(QStringLiteral("not a ustar archive"));
        unsigned sum = 0;
        for (int i = 0; i < kBlock; ++i)
            sum += (i >= 148 && i < 156) ? unsigned(' ') : static_cast<unsigned char>(block[i]);
        if (std::strtoul(QByteArray(block + 148, 8).constData(), nullptr, 8) != sum)
            return fail(QStringLiteral("header checksum mismatch"));
        const QString name = QString::fromUtf8(block, int(strnlen(block, 100)));
        const quint64 size = std::strtoull(QByteArray(block + 124, 12).constData(), nullptr, 8);
        const char type = block[156];
        if (name.startsWith(QLatin1Char('/')) || name.split(QLatin1Char('/')).contains(QStringLiteral("..")))
            return fail(QStringLiteral("refusing unsafe path '%1'").arg(name));
        if (top.isEmpty())
            top = name.section(QLatin1Char('/'), 0, 0);
        if (type == '5') {
            dest.mkpath(name);
            continue;
        }
        if (type != '0' && type != '\0')
            return fail(QStringLiteral("entry '%1' has unsupported type '%2' (only files and folders)").arg(name).arg(QChar(type)));
        if (size > (quint64(1) << 34))
            return fail(QStringLiteral("entry '%1' is implausibly large").arg(name));
        QByteArray data(qsizetype(size), Qt::Uninitialized);
        if (size && gzread(in, data.data(), unsigned(size)) != int(size))
            return fail(QStringLiteral("entry '%1' is truncated").arg(name));
        const int pad = int((kBlock - size % kBlock) % kBlock);
        if (pad && gzread(in, block, unsigned(pad)) != pad)
            return fail(QStringLiteral("entry '%1' is truncated").arg(name));
        dest.mkpath(QFileInfo(dest.filePath(name)).path());
        QFile f(dest.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
            return fail(QStringLiteral("cannot write '%1'").arg(f.fileName()));
    }
    gzclose(in);
    if (top.isEmpty())
        return R::failure(QStringLiteral("archive '%1' is empty").arg(archivePath));
    return dest.filePath(top);
}

} // namespace lepton::Internal
