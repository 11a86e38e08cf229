#pragma once
// The project's architectures in the node-graph editor: load any stored version, start from a
// template or a JSON file, edit, and save the result as a new version.
#include "common/result.h"

#include <QDockWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QToolButton;

namespace lepton {

class GraphEditor;
class ProjectContext;
struct TensorShape;

class ArchitectureDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit ArchitectureDock(ProjectContext *project, QWidget *parent = nullptr);

    void showArchitecture(qint64 architectureId);
    qint64 currentArchitectureId() const;
    // The stored version the editor started from (0: a new, unsaved graph).
    qint64 loadedArchitectureId() const { return m_loadedId; }
    GraphEditor *editor() const { return m_editor; }

    // Empty when Save is possible, else why not (no project, invalid graph, no name, no changes).
    QString saveBlockedReason() const;
    // Writes the graph as a new version of the architecture named in the name field.
    Result<qint64> save();
    Status importGraphFile(const QString &path);
    Status exportGraphFile(const QString &path);
    Status newFromTemplate(const QString &templateName, const TensorShape &input, int classes,
                           const QString &architectureName);

private:
    void reloadArchitectures();
    void onProjectChanged();
    void onComboChanged();
    void loadArchitecture(qint64 id);
    void addSmallCnn();
    void rebuildNewMenu();
    void updateSaveState();
    void showError(const QString &text);
    bool confirmDiscard();

    ProjectContext *m_project;
    GraphEditor *m_editor;
    QComboBox *m_architectureCombo;
    QToolButton *m_newButton;
    QMenu *m_newMenu;
    QPushButton *m_addButton;
    QPushButton *m_importButton;
    QPushButton *m_exportButton;
    QLineEdit *m_nameEdit;
    QPushButton *m_saveButton;
    QLabel *m_saveReason;
    QLabel *m_errors;
    qint64 m_loadedId = 0;
};

} // namespace lepton
