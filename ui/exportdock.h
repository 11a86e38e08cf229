#pragma once
// Exports a model version to the ticked targets (TorchScript, ONNX, deployment package) off the GUI
// thread, one after the other, and shows each target's verification report or error; lists the
// exports stored in the project.
#include "common/progress.h"
#include "deploy/deploymentpackage.h"

#include <QDockWidget>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QScrollArea;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace lepton {

class ExportTargetReport;
class ProjectContext;

class ExportDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit ExportDock(ProjectContext *project, QWidget *parent = nullptr);
    ~ExportDock() override;

    void stopAndWait();
    void selectModelVersion(qint64 modelVersionId);
    void showExport(qint64 exportId);

private:
    enum Target { TorchScriptTarget, OnnxTarget, PackageTarget, TargetCount };
    // What one target produced, handed from the worker to the GUI thread by value.
    struct TargetOutcome
    {
        Target target = TorchScriptTarget;
        QString error;
        ExportOutcome exported;    // TorchScript, ONNX
        PackageOutcome package;    // package
    };

    void reload();
    void suggestFolder();
    void updateButtons();
    void updateResultsArea();
    void startExport();
    void targetStarted(Target target);
    void targetProgress(Target target, qint64 done, qint64 total, const QString &stage);
    void targetFinished(const TargetOutcome &outcome);
    void finish();
    void showError(const QString &message);
    QString targetName(Target target) const;

    ProjectContext *m_project;
    QComboBox *m_modelCombo;
    QLineEdit *m_folderEdit;
    QPushButton *m_browseButton;
    QPushButton *m_openFolderButton;
    QCheckBox *m_targetChecks[TargetCount];
    QSpinBox *m_opsetSpin;
    QPushButton *m_exportButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QLabel *m_error;
    ExportTargetReport *m_reports[TargetCount];
    ExportTargetReport *m_storedReport;
    QScrollArea *m_results;
    QTableWidget *m_history;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    int m_generation = 0;   // bumped on project change so late results of an old run are dropped
    int m_running = 0;      // targets in this run, for the progress text
    int m_runIndex = 0;
    bool m_folderEdited = false;
};

} // namespace lepton
