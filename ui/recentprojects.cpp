#include "recentprojects.h"

#include <QFileInfo>
#include <QSettings>

namespace lepton {

namespace {
const char Key[] = "recentProjects";
constexpr int MaxRecent = 10;
} // namespace

QStringList recentProjects()
{
    QStringList result;
    for (const QString &path : QSettings().value(Key).toStringList()) {
        if (QFileInfo::exists(path))
            result << path;
    }
    return result;
}

void addRecentProject(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QSettings settings;
    QStringList list = settings.value(Key).toStringList();
    list.removeAll(absolute);
    list.prepend(absolute);
    while (list.size() > MaxRecent)
        list.removeLast();
    settings.setValue(Key, list);
}

void removeRecentProject(const QString &path)
{
    QSettings settings;
    QStringList list = settings.value(Key).toStringList();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    settings.setValue(Key, list);
}

} // namespace lepton
