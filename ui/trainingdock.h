#pragma once
// Trains an architecture on a dataset off the GUI thread with live curves, pause and stop;
// lists the project's runs, compares several, and resumes an interrupted one.
#include "common/progress.h"
#include "train/trainer.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace lepton {

class HyperparameterForm;
class ProjectContext;
class RunTable;
class TrainingCharts;

class TrainingDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit TrainingDock(ProjectContext *project, QWidget *parent = nullptr);
    ~TrainingDock() override;

    bool isTraining() const { return m_watcher.isRunning(); }
    bool isPaused() const { return m_pause.isPaused(); }
    // Cancels a running training and waits for the worker to leave (it stops within a batch).
    void stopAndWait();
    // Shows the stored curves and settings of a run.
    void showRun(qint64 runId);
    TrainingCharts *charts() const { return m_charts; }
    RunTable *runTable() const { return m_runs; }
    HyperparameterForm *form() const { return m_form; }

signals:
    void trainingFinished(qint64 runId, qint64 modelVersionId);

private:
    struct Job;
    void reloadChoices();
    void start();
    void resumeRun(qint64 runId);
    void launch(int plannedEpochs, const std::function<Result<TrainOutcome>(const TrainObserver &, const CancelToken &,
                                                                              const PauseToken &)> &work);
    void togglePause();
    void finish();
    void setRunning(bool running);
    void showError(const QString &message);
    void onBatch(const BatchProgress &b);
    void onEpoch(const EpochMetrics &e);
    void compareSelected(const QVector<qint64> &runIds);
    void updateReadiness();

    ProjectContext *m_project;
    QComboBox *m_datasetCombo;
    QComboBox *m_architectureCombo;
    HyperparameterForm *m_form;
    QPushButton *m_startButton;
    QPushButton *m_pauseButton;
    QPushButton *m_stopButton;
    QProgressBar *m_progress;
    QLabel *m_speed;
    QLabel *m_status;
    QLabel *m_error;
    TrainingCharts *m_charts;
    RunTable *m_runs;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    PauseToken m_pause;
    std::shared_ptr<Job> m_job;
    qint64 m_runId = 0;
    int m_plannedEpochs = 0;
    bool m_running = false;
    int m_firstBatchGlobal = -1;   // global batch index of this session's first batch
    QElapsedTimer m_session;
    qint64 m_pausedMs = 0;
    QElapsedTimer m_pausedSince;
};

} // namespace lepton
