#pragma once
// Runs a program to completion for the end-to-end tests and returns its exit code and output.
// A program that does not finish in time is killed and reported as exit code -1, "timed out".
#include <QProcess>

namespace lepton::Testing {

struct ProcessRun
{
    int exitCode = -1;   // -2: crashed
    QByteArray out, err;
};

inline ProcessRun runProcess(const QString &program, const QStringList &args,
                             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                             int timeoutMs = 900000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProcessRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace lepton::Testing
