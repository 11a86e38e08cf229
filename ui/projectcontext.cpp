#include "projectcontext.h"

#include "project/projectstore.h"

#include <QFileInfo>

namespace lepton {

ProjectContext::ProjectContext(QObject *parent) : QObject(parent)
{
    m_watch.setInterval(WatchIntervalMs);
    connect(&m_watch, &QTimer::timeout, this, &ProjectContext::checkForChanges);
}

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
    m_store->setWriteWait(WriteWait::Window);   // the GUI thread says "busy" rather than freeze
    m_path = info.absoluteFilePath();
    auto version = m_store->dataVersion();
    m_dataVersion = version ? version.value() : -1;
    m_watchError.clear();
    m_watch.start();
    emit projectChanged();
    return success();
}

void ProjectContext::close()
{
    if (!m_store)
        return;
    m_watch.stop();
    m_store.reset();
    m_path.clear();
    emit projectChanged();
}

bool ProjectContext::isReadOnly() const { return m_store && m_store->isReadOnly(); }

QString ProjectContext::readOnlyReason() const { return m_store ? m_store->readOnlyReason() : QString(); }

void ProjectContext::notifyContentsChanged()
{
    if (!m_store)
        return;
    // What this window wrote through its own connection does not move data_version; what its
    // workers wrote does, and is shown now rather than again at the next check.
    if (auto version = m_store->dataVersion())
        m_dataVersion = version.value();
    emit contentsChanged();
}

void ProjectContext::checkForChanges()
{
    if (!m_store)
        return;
    auto version = m_store->dataVersion();
    if (!version) {
        if (version.error() != m_watchError) {   // said once, not every second
            m_watchError = version.error();
            emit watchFailed(version.error());
        }
        return;
    }
    m_watchError.clear();
    if (version.value() == m_dataVersion)
        return;
    m_dataVersion = version.value();
    emit contentsChanged();
}

} // namespace lepton
