#pragma once
// Trains an architecture on a dataset off the GUI thread with live curves, pause and stop;
// lists the project's runs, compares several, and resumes an interrupted one. Runs sweeps
// (trial after trial, each trial's curves live) and shows their results.
#include "common/progress.h"
#include "train/sweep.h"
#include "train/trainer.h"

#include <QDockWidget>
#include <QElapsedTimer>
#include <QFutureWatcher>

#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace lepton {

class HyperparameterForm;
class ProjectContext;
class RunTable;
class SweepForm;
class SweepResults;
class TrainingCharts;

class TrainingDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit TrainingDock(ProjectContext *project, QWidget *parent = nullptr);
    ~TrainingDock() override;

    // From Start until the end has been handled on the GUI thread (status, run list, sweep results).
    bool isTraining() const { return m_running || m_watcher.isRunning(); }
    bool isPaused() const { return m_pause.isPaused(); }
    bool isSweeping() const { return m_sweeping; }
    // Cancels a running training and waits for the worker to leave (it stops within a batch).
    void stopAndWait();
    // Shows the stored curves and settings of a run.
    void showRun(qint64 runId);
    TrainingCharts *charts() const { return m_charts; }
    RunTable *runTable() const { return m_runs; }
    HyperparameterForm *form() const { return m_form; }
    SweepForm *sweepForm() const { return m_sweepForm; }
    SweepResults *sweepResults() const { return m_sweepResults; }

signals:
    void trainingFinished(qint64 runId, qint64 modelVersionId);

private:
    // What the worker thread hands back: a run's or a sweep's outcome.
    struct Job
    {
        std::optional<Result<TrainOutcome>> result;
        std::optional<Result<SweepOutcome>> sweep;
    };
    using Work = std::function<void(Job &, const TrainObserver &, const CancelToken &, const PauseToken &)>;
    void reloadChoices();
    void start();
    // The chosen dataset and architecture, or false with the error shown when one is missing.
    bool chosenInputs(qint64 *datasetId, qint64 *architectureId);
    bool chosenDatasetIsRegression() const;
    void resumeRun(qint64 runId);
    void launch(int plannedEpochs, const Work &work);
    // Sweeps (trainingdocksweeps.cpp).
    void startSweep();
    void resumeSweep(qint64 sweepId);
    void launchSweep(int epochsPerTrial,
                     const std::function<Result<SweepOutcome>(const SweepObserver &, const CancelToken &,
                                                              const PauseToken &)> &work);
    void onTrialStarted(int trial, int trials, const TrainConfig &config);
    void finishSweep();
    QString sweepPrefix() const;
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
    SweepForm *m_sweepForm;
    SweepResults *m_sweepResults;
    QTabWidget *m_setupTabs;
    QTabWidget *m_recordTabs;

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
    bool m_sweeping = false;
    qint64 m_sweepId = 0;
    int m_trial = 0;    // 1-based trial in flight
    int m_trials = 0;
};

} // namespace lepton
