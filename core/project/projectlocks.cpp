#include "project/projectlocks.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cerrno>
#include <cstring>
#include <limits>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace lepton {

namespace {

// The byte a claim locks: kind * 2^40 + id, so ids of different kinds never share one.
struct flock claimRange(WorkClaim::Kind kind, qint64 id)
{
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = off_t(qint64(kind) << 40) + off_t(id);
    fl.l_len = 1;
    return fl;
}

// SQLite's WAL write lock: byte 120 of the -shm file (os_unix.c, UNIX_SHM_BASE + WAL_WRITE_LOCK).
constexpr qint64 WalWriteLockByte = 120;

int openLockFile(const QString &projectPath, bool create)
{
    const QByteArray path = QFile::encodeName(projectLockFilePath(projectPath));
    const int fd = ::open(path.constData(), (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0644);
    if (fd < 0 && create && (errno == EACCES || errno == EROFS))
        return ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    return fd;
}

} // namespace

int busyTimeoutMs(WriteWait wait)
{
    bool ok = false;
    const int overridden = qEnvironmentVariableIntValue("LEPTON_BUSY_TIMEOUT_MS", &ok);
    if (ok && overridden >= 0)
        return overridden;
    switch (wait) {
    case WriteWait::Window: return 2 * 1000;
    case WriteWait::Interactive: return 30 * 1000;
    case WriteWait::Background: return 10 * 60 * 1000;
    }
    return 30 * 1000;
}

QString projectLockFilePath(const QString &projectPath) { return projectPath + QStringLiteral("-lock"); }

QString processCommandLine(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> parts = f.readAll().split('\0');
    while (!parts.isEmpty() && parts.last().isEmpty())
        parts.removeLast();
    QStringList args;
    for (int i = 0; i < parts.size(); ++i) {
        QString a = QString::fromLocal8Bit(parts[i]);
        if (i == 0)
            a = QFileInfo(a).fileName();   // "lepton", not its install path
        args << a;
    }
    return args.join(QLatin1Char(' '));
}

QString describeProjectWriter(const QString &projectPath)
{
    struct stat st {};
    // stat() opens no descriptor, so it cannot disturb this process's SQLite locks.
    if (::stat(QFile::encodeName(projectPath + QStringLiteral("-shm")).constData(), &st) != 0)
        return {};
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return {};
    const QString device = QStringLiteral("%1:%2:%3")
                               .arg(major(st.st_dev), 2, 16, QLatin1Char('0'))
                               .arg(minor(st.st_dev), 2, 16, QLatin1Char('0'))
                               .arg(qulonglong(st.st_ino));
    // "1: POSIX  ADVISORY  WRITE 4242 fe:01:123456 120 120"
    for (const QByteArray &line : locks.readAll().split('\n')) {
        const QStringList f = QString::fromLatin1(line).simplified().split(QLatin1Char(' '));
        if (f.size() < 8 || f[1] != QLatin1String("POSIX") || f[3] != QLatin1String("WRITE") || f[5] != device)
            continue;
        bool okStart = false, okEnd = true;
        const qint64 start = f[6].toLongLong(&okStart);
        const qint64 end = f[7] == QLatin1String("EOF") ? std::numeric_limits<qint64>::max() : f[7].toLongLong(&okEnd);
        if (!okStart || !okEnd || start > WalWriteLockByte || end < WalWriteLockByte)
            continue;
        const qint64 pid = f[4].toLongLong();
        if (pid == QCoreApplication::applicationPid())
            return QStringLiteral("another task of this process (%1)").arg(processCommandLine(pid));
        const QString command = processCommandLine(pid);
        return command.isEmpty() ? QStringLiteral("process %1").arg(pid)
                                 : QStringLiteral("process %1 (%2)").arg(pid).arg(command);
    }
    return {};
}

std::unique_ptr<WorkClaim> WorkClaim::tryAcquire(const QString &projectPath, Kind kind, qint64 id, QString *error)
{
    error->clear();
    const int fd = openLockFile(projectPath, true);
    if (fd < 0) {
        *error = QStringLiteral("cannot open the lock file '%1': %2")
                     .arg(projectLockFilePath(projectPath), QString::fromLocal8Bit(strerror(errno)));
        return nullptr;
    }
    struct flock fl = claimRange(kind, id);
    if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        const int e = errno;
        ::close(fd);
        if (e != EAGAIN && e != EACCES)   // EBADF: a read-only lock file; EINVAL/ENOLCK: no lock support
            *error = QStringLiteral("cannot lock '%1': %2")
                         .arg(projectLockFilePath(projectPath), QString::fromLocal8Bit(strerror(e)));
        return nullptr;
    }
    return std::unique_ptr<WorkClaim>(new WorkClaim(fd, kind, id));
}

bool WorkClaim::isHeld(const QString &projectPath, Kind kind, qint64 id)
{
    const int fd = openLockFile(projectPath, false);
    if (fd < 0)
        return false;
    struct flock fl = claimRange(kind, id);
    const bool held = ::fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    ::close(fd);   // an OFD lock belongs to its own descriptor: closing this one releases nothing else
    return held;
}

WorkClaim::~WorkClaim()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace lepton
