#pragma once
// How several processes and threads share one project file: how long a write waits for another
// writer, who holds the project when it is busy, and claims on pieces of work (a run being trained,
// a compression job) that the operating system releases when the claiming process dies.
//
// Claims are open-file-description locks (F_OFD_SETLK) on one byte each of a sidecar file,
// `<project>-lock`, never on the project file itself: SQLite holds POSIX locks on the project
// file and its -shm, and closing any other descriptor of those would drop them (DESIGN.md).
#include "common/result.h"

#include <QString>
#include <memory>

namespace lepton {

// How long a write waits for another process's write to finish before giving up.
enum class WriteWait {
    Window,        // the GUI thread: its window must not freeze; it says who is busy instead (2 s)
    Interactive,   // a command, or a GUI worker thread: a person is waiting (30 s)
    Background,    // committing a training epoch or a job's result: losing it costs more (10 min)
};

// The busy timeout of `wait` in milliseconds; LEPTON_BUSY_TIMEOUT_MS overrides all three.
int busyTimeoutMs(WriteWait wait);

// Who is writing to the project now, e.g. "process 4242 (lepton import demo.lepton --folder photos)",
// read from the operating system's lock table; empty when nobody or unknown.
QString describeProjectWriter(const QString &projectPath);

// The command line of a process, for messages ("lepton train demo.lepton --epochs 3"); empty if gone.
QString processCommandLine(qint64 pid);

// The sidecar lock file of a project.
QString projectLockFilePath(const QString &projectPath);

class WorkClaim
{
public:
    enum Kind { Run = 1, CompressionJob = 2, Sweep = 3 };

    // Takes the claim on (kind, id) if nobody holds it, this process included; null with the reason
    // in *error otherwise (error empty: held by someone else).
    static std::unique_ptr<WorkClaim> tryAcquire(const QString &projectPath, Kind kind, qint64 id, QString *error);
    // Whether anyone (this process included) holds the claim. Unknown (no lock file, no lock
    // support) reads as not held.
    static bool isHeld(const QString &projectPath, Kind kind, qint64 id);

    ~WorkClaim();
    WorkClaim(const WorkClaim &) = delete;
    WorkClaim &operator=(const WorkClaim &) = delete;

    Kind kind() const { return m_kind; }
    qint64 id() const { return m_id; }

private:
    WorkClaim(int fd, Kind kind, qint64 id) : m_fd(fd), m_kind(kind), m_id(id) {}
    int m_fd = -1;
    Kind m_kind;
    qint64 m_id;
};

} // namespace lepton
