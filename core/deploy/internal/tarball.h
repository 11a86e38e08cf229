#pragma once
// Minimal .tar.gz (POSIX ustar + gzip) writing and reading for deployment packages,
// so ops get an archive without the workbench or external tools.
#include "common/result.h"

#include <QString>

namespace lepton::Internal {

// Archives the folder `dir` (recursively) as `<topName>/...` (default: the folder's name) into
// `archivePath`, through a hidden partial sibling renamed into place when complete.
Status writeTarGz(const QString &dir, const QString &archivePath, const QString &topName = QString());

// Extracts into `destination`; refuses absolute paths, "..", links and truncated archives.
// Returns the top-level folder created.
Result<QString> extractTarGz(const QString &archivePath, const QString &destination);

} // namespace lepton::Internal
