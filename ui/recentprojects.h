#pragma once
// The list of recently opened project files, kept in QSettings (newest first).
#include <QStringList>

namespace lepton {

QStringList recentProjects();          // only files that still exist
void addRecentProject(const QString &path);
void removeRecentProject(const QString &path);

} // namespace lepton
