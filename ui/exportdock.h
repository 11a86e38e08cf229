#pragma once
// Exports a model version to TorchScript off the GUI thread and shows the verification report;
// lists the exports stored in the project.
#include "common/progress.h"

#include <QDockWidget>
#include <QFutureWatcher>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace lepton {

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
    struct Job;
    struct Report
    {
        QString path, sha256;
        qint64 bytes = -1, samples = 0;
        double maxAbsDiff = 0, meanAbsDiff = 0, top1Agreement = 0, exportedAccuracy = 0;
        bool passed = false;
    };

    void reload();
    void suggestPath();
    void startExport();
    void finish();
    void showReport(const QString &title, const Report &report);
    void showError(const QString &message);

    ProjectContext *m_project;
    QComboBox *m_modelCombo;
    QLineEdit *m_pathEdit;
    QPushButton *m_browseButton;
    QPushButton *m_exportButton;
    QProgressBar *m_progress;
    QLabel *m_error;
    QLabel *m_reportTitle;
    QLabel *m_maxDiff;
    QLabel *m_meanDiff;
    QLabel *m_agreement;
    QLabel *m_accuracy;
    QLabel *m_verdict;
    QLabel *m_sha;
    QLabel *m_path;
    QWidget *m_report;
    QTableWidget *m_history;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    std::shared_ptr<Job> m_job;
    bool m_pathEdited = false;
};

} // namespace lepton
