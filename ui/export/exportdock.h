#pragma once
// Exports a model version to the ticked targets off the GUI thread, one after the other, and shows
// each target's verification report or error; lists the exports stored in the project. The targets
// and their options come from the ExportTargetRegistry, so plugin targets appear here unchanged.
#include "common/progress.h"
#include "deploy/exporttarget.h"

#include <QDockWidget>
#include <QFutureWatcher>

#include <memory>

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
    // One row of the target list: the registry's target, its checkbox, option editors and report.
    struct TargetRow
    {
        std::shared_ptr<const ExportTarget> target;
        QCheckBox *check = nullptr;
        QVector<QWidget *> optionEditors;   // parallel to target->options()
        ExportTargetReport *report = nullptr;
    };
    // What one target produced, handed from the worker to the GUI thread by value.
    struct TargetOutcome
    {
        int row = 0;
        QString error;
        ExportTargetResult result;
    };

    QWidget *makeTargetRow(TargetRow &row);
    QJsonObject optionValues(const TargetRow &row) const;
    void reload();
    void suggestFolder();
    void updateButtons();
    void updateResultsArea();
    void startExport();
    void targetStarted(int row);
    void targetProgress(int row, qint64 done, qint64 total, const QString &stage);
    void targetFinished(const TargetOutcome &outcome);
    void finish();
    void showError(const QString &message);

    ProjectContext *m_project;
    QComboBox *m_modelCombo;
    QLineEdit *m_folderEdit;
    QPushButton *m_browseButton;
    QPushButton *m_openFolderButton;
    QVector<TargetRow> m_targets;
    QLineEdit *m_toleranceEdit;
    QSpinBox *m_samplesSpin;
    QPushButton *m_exportButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QLabel *m_error;
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
