#pragma once
// The open project as the GUI sees it: its path and the GUI thread's ProjectStore.
// Worker threads never touch this store; they open their own on path().
#include "common/result.h"

#include <QObject>
#include <QString>
#include <memory>

namespace lepton {

class ProjectStore;

class ProjectContext : public QObject
{
    Q_OBJECT

public:
    explicit ProjectContext(QObject *parent = nullptr);
    ~ProjectContext() override;

    Status open(const QString &path);
    void close();

    bool isOpen() const { return m_store != nullptr; }
    QString path() const { return m_path; }
    // Null when no project is open. Use only on the GUI thread.
    ProjectStore *store() const { return m_store.get(); }

    // Called after work (training, evaluation, export, import) added records.
    void notifyContentsChanged();

signals:
    void projectChanged();      // opened, closed or replaced
    void contentsChanged();     // records added to the open project

private:
    QString m_path;
    std::shared_ptr<ProjectStore> m_store;
};

} // namespace lepton
