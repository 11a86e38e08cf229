#pragma once
// The workbench window: a start page while no project is open, then one dock per concern.
#include "common/progress.h"

#include <QByteArray>
#include <QFutureWatcher>
#include <QMainWindow>

class QLabel;
class QMenu;
class QProgressDialog;

namespace lepton {

class ArchitectureDock;
class DataDock;
class EvaluationDock;
class ExportDock;
class ProjectContext;
class ProjectDock;
class StartPage;
class TrainingDock;
enum class ProjectItemKind;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a project file; on failure shows the error in place and keeps what was open.
    // Unsaved edits of the open project are offered for saving first (false when cancelled).
    bool openProject(const QString &path);
    bool closeProject();
    // Asks Save / Discard / Cancel when a dock holds unsaved edits; true when it may go on
    // (`action` completes the question: "quitting", "closing the project").
    bool confirmUnsavedEdits(const QString &action);
    // Creates a demo project off the GUI thread (with a progress dialog), then opens it.
    void openDemoProject();
    void setRuntimeWarning(const QString &warning);

    ProjectContext *project() const { return m_project; }
    QString lastError() const { return m_lastError; }
    ProjectDock *projectDock() const { return m_projectDock; }
    DataDock *dataDock() const { return m_dataDock; }
    ArchitectureDock *architectureDock() const { return m_architectureDock; }
    TrainingDock *trainingDock() const { return m_trainingDock; }
    EvaluationDock *evaluationDock() const { return m_evaluationDock; }
    ExportDock *exportDock() const { return m_exportDock; }
    StartPage *startPage() const { return m_startPage; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    struct DemoJob;

    void createMenus();
    void createDocks();
    void showStartPage();
    void showProjectDocks();
    void reportError(const QString &message);
    void newProject();
    void openProjectDialog();
    void rebuildRecentMenu();
    void showItem(ProjectItemKind kind, qint64 id);
    void stopAllWork();
    void finishDemo();
    void updateProjectTitle();

    ProjectContext *m_project;
    StartPage *m_startPage;
    ProjectDock *m_projectDock = nullptr;
    DataDock *m_dataDock = nullptr;
    ArchitectureDock *m_architectureDock = nullptr;
    TrainingDock *m_trainingDock = nullptr;
    EvaluationDock *m_evaluationDock = nullptr;
    ExportDock *m_exportDock = nullptr;
    QList<QDockWidget *> m_docks;
    QMenu *m_recentMenu = nullptr;
    QAction *m_closeAction = nullptr;
    QLabel *m_runtimeLabel;
    QLabel *m_readOnlyLabel;
    QByteArray m_dockState;   // dock layout while the start page hides the docks
    bool m_startMode = true;
    QString m_lastError;

    QFutureWatcher<void> m_demoWatcher;
    CancelToken m_demoCancel;
    std::shared_ptr<DemoJob> m_demoJob;
    QProgressDialog *m_demoProgress = nullptr;
};

} // namespace lepton
