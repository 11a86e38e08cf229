#include "projectcontext.h"

#include "project/projectstore.h"

#include <QFileInfo>

namespace lepton {

ProjectContext::ProjectContext(QObject *parent) : QObject(parent) {}

ProjectContext::~ProjectContext() = default;

Status ProjectContext::open(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Status::failure(tr("Project file %1 does not exist").arg(path));
    auto store = ProjectStore::open(info.absoluteFilePath());
    if (!store)
        return Status::failure(store.error());
    m_store = store.value();
    m_path = info.absoluteFilePath();
    emit projectChanged();
    return success();
}

void ProjectContext::close()
{
    if (!m_store)
        return;
    m_store.reset();
    m_path.clear();
    emit projectChanged();
}

void ProjectContext::notifyContentsChanged()
{
    if (m_store)
        emit contentsChanged();
}

} // namespace lepton
