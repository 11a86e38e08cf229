#pragma once
// `lepton` sub-commands. Each returns the process exit code:
// 0 success, 1 the work failed (message on stderr), 2 bad command line.
#include <QStringList>

namespace lepton::Cli {

enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

int runCommand(const QString &command, const QStringList &arguments);
QString usage();

} // namespace lepton::Cli
