#pragma once
// The project tree: datasets, architectures, runs, model versions, evaluations, exports.
#include <QDockWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace lepton {

class ProjectContext;

enum class ProjectItemKind { Dataset, Architecture, Run, ModelVersion, Evaluation, Export };

class ProjectDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit ProjectDock(ProjectContext *project, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    // The item for a record, or null when the tree does not show it.
    QTreeWidgetItem *findItem(ProjectItemKind kind, qint64 id) const;

signals:
    void itemSelected(lepton::ProjectItemKind kind, qint64 id);

private:
    void refresh();
    QTreeWidgetItem *addGroup(const QString &title, ProjectItemKind kind);
    void onCurrentItemChanged(QTreeWidgetItem *item);

    ProjectContext *m_project;
    QTreeWidget *m_tree;
    QLabel *m_error;
};

} // namespace lepton
