#pragma once
// Trains an architecture on a dataset off the GUI thread, with live curves; shows past runs.
#include "common/progress.h"

#include <QDockWidget>
#include <QFutureWatcher>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace lepton {

class ProjectContext;
class TrainingCharts;
struct TrainConfig;

class TrainingDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit TrainingDock(ProjectContext *project, QWidget *parent = nullptr);
    ~TrainingDock() override;

    bool isTraining() const { return m_watcher.isRunning(); }
    // Cancels a running training and waits for the worker to leave (it stops within a batch).
    void stopAndWait();
    // Shows the stored curves and settings of a run.
    void showRun(qint64 runId);
    TrainingCharts *charts() const { return m_charts; }

signals:
    void trainingFinished(qint64 runId, qint64 modelVersionId);

private:
    void reloadChoices();
    void start();
    void finish();
    void setRunning(bool running);
    void applyConfig(const TrainConfig &config);
    TrainConfig config() const;
    void showError(const QString &message);

    ProjectContext *m_project;
    QComboBox *m_datasetCombo;
    QComboBox *m_architectureCombo;
    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QDoubleSpinBox *m_learningRate;
    QComboBox *m_optimizer;
    QSpinBox *m_seed;
    QPushButton *m_startButton;
    QPushButton *m_stopButton;
    QProgressBar *m_progress;
    QLabel *m_status;
    QLabel *m_error;
    TrainingCharts *m_charts;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    struct Job;
    std::shared_ptr<Job> m_job;
    qint64 m_runId = 0;
    int m_plannedEpochs = 0;
};

} // namespace lepton
