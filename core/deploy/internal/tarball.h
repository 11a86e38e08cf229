#pragma once
// Minimal .tar.gz (POSIX ustar + gzip) writing and reading for deployment packages,
// so ops get an archive without the workbench or external tools.
#include "common/result.h"

#include <QString>

namespace lepton::Internal {

// Archives the folder `dir` (recursively) as `<folder name>/...` into `archivePath`.
Status writeTarGz(const QString &dir, const QString &archivePath);

// Extracts into `destination`; refuses absolute paths, "..", links and truncated archives.
// Returns the top-level folder created.
Result<QString> extractTarGz(const QString &archivePath, const QString &destination);

} // namespace lepton::Internal
