#pragma once
// The open project as the GUI sees it: its path and the GUI thread's ProjectStore.
// Worker threads never touch this store; they open their own on path().
#include "common/result.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

namespace lepton {

class ProjectStore;

class ProjectContext : public QObject
{
    Q_OBJECT

public:
    // How often the project file is asked whether another process or thread changed it.
    static constexpr int WatchIntervalMs = 1000;

    explicit ProjectContext(QObject *parent = nullptr);
    ~ProjectContext() override;

    Status open(const QString &path);
    void close();

    bool isOpen() const { return m_store != nullptr; }
    QString path() const { return m_path; }
    bool isReadOnly() const;
    QString readOnlyReason() const;
    // Null when no project is open. Use only on the GUI thread.
    ProjectStore *store() const { return m_store.get(); }

    // Called after work (training, evaluation, export, import) added records.
    void notifyContentsChanged();
    // Checks now whether another connection committed (what the timer does every WatchIntervalMs).
    void checkForChanges();

signals:
    void projectChanged();      // opened, closed or replaced
    void contentsChanged();     // records added to the open project, by this window or by others
    // The project file could not be read while watching it (e.g. deleted or damaged meanwhile).
    void watchFailed(const QString &message);

private:
    QString m_path;
    std::shared_ptr<ProjectStore> m_store;
    QTimer m_watch;
    qint64 m_dataVersion = -1;
    QString m_watchError;
};

} // namespace lepton
