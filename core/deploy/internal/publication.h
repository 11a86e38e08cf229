#pragma once
// Where an export is written before it is verified: a hidden sibling of its destination
// (".<name>.partial-<pid>-<random>"), moved into place with one rename only after it passed, so
// a killed export leaves nothing at the destination; the next export of the same destination
// removes what a dead process left behind.
#include "common/result.h"

#include <QString>

namespace lepton::Internal {

// A fresh hidden sibling path of `destination` (nothing is created).
QString partialSibling(const QString &destination);

// Removes the partial siblings of `destination` whose process is gone.
void removeStalePartials(const QString &destination);

// Moves the file or folder `partial` to `destination` in one step. A file replaces an existing
// file; a folder needs the destination absent or an empty folder.
Status publishPartial(const QString &partial, const QString &destination);

} // namespace lepton::Internal
