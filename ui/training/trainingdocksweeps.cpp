// The Training dock's sweeps: start one from the Sweep tab, resume a stopped one from the Sweeps
// tab; trials run one after another on the dock's worker with its progress, curves and stop.
#include "training/trainingdock.h"

#include "projectcontext.h"
#include "training/hyperparameterform.h"
#include "training/sweepform.h"
#include "training/sweepresults.h"
#include "training/trainingcharts.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QTabWidget>

namespace lepton {

QString TrainingDock::sweepPrefix() const
{
    if (!m_sweeping || m_trials == 0)
        return {};
    return tr("Sweep #%1, trial %2/%3 — ").arg(m_sweepId).arg(m_trial).arg(m_trials);
}

void TrainingDock::startSweep()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    if (const QString problem = m_form->problem(); !problem.isEmpty()) {
        showError(tr("Hyperparameters: %1").arg(problem));
        return;
    }
    qint64 datasetId = 0, architectureId = 0;
    if (!chosenInputs(&datasetId, &architectureId))
        return;
    const TrainConfig base = m_form->config();
    auto spec = m_sweepForm->spec(base, datasetId, architectureId);
    if (!spec) {
        showError(tr("Sweep: %1").arg(spec.error()));
        return;
    }
    m_sweepId = 0;
    const QString path = m_project->path();
    launchSweep(base.epochs, [path, spec = spec.value()](const SweepObserver &o, const CancelToken &c,
                                                         const PauseToken &p) {
        return runSweep(path, spec, o, c, p);
    });
}

void TrainingDock::resumeSweep(qint64 sweepId)
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    const QString path = m_project->path();
    auto state = loadSweep(path, sweepId);
    if (!state) {
        showError(state.error());
        return;
    }
    m_sweepId = sweepId;
    const int epochs = state->trials.isEmpty() ? 1 : state->trials.first().config.epochs;
    launchSweep(epochs, [path, sweepId](const SweepObserver &o, const CancelToken &c, const PauseToken &p) {
        return lepton::resumeSweep(path, sweepId, o, c, p);
    });
}

void TrainingDock::launchSweep(int epochsPerTrial,
                               const std::function<Result<SweepOutcome>(const SweepObserver &, const CancelToken &,
                                                                        const PauseToken &)> &work)
{
    m_sweeping = true;
    m_trial = 0;
    m_trials = 0;
    m_charts->setRegression(chosenDatasetIsRegression());
    m_charts->clear(epochsPerTrial);
    m_charts->setComparison({});
    m_recordTabs->setCurrentWidget(m_sweepResults);
    // Sweep callbacks come from the worker thread too: queued to the GUI thread in order.
    launch(epochsPerTrial, [this, work](Job &job, const TrainObserver &train, const CancelToken &c, const PauseToken &p) {
        SweepObserver observer;
        observer.train = train;
        observer.onSweepStarted = [this](qint64 sweepId) {
            QMetaObject::invokeMethod(this, [this, sweepId] {
                m_sweepId = sweepId;
                m_sweepResults->setActiveSweep(sweepId);
                m_project->notifyContentsChanged();
                m_sweepResults->showSweep(sweepId);
            }, Qt::QueuedConnection);
        };
        observer.onTrialStarted = [this](int trial, int trials, const TrainConfig &config) {
            QMetaObject::invokeMethod(this, [this, trial, trials, config] { onTrialStarted(trial, trials, config); },
                                      Qt::QueuedConnection);
        };
        observer.onTrialFinished = [this](int, const SweepTrial &) {
            QMetaObject::invokeMethod(this, [this] { m_project->notifyContentsChanged(); }, Qt::QueuedConnection);
        };
        job.sweep = work(observer, c, p);
    });
}

void TrainingDock::onTrialStarted(int trial, int trials, const TrainConfig &config)
{
    m_trial = trial;
    m_trials = trials;
    m_plannedEpochs = config.epochs;
    m_firstBatchGlobal = -1;   // speed and ETA restart with each trial's session
    m_progress->setFormat(tr("trial %1/%2 · %p%").arg(trial).arg(trials));
    m_charts->clear(config.epochs);
    // The best finished trial so far is drawn under the live one, to see whether it beats it.
    const SweepOutcome &shown = m_sweepResults->outcome();
    QVector<RunCurves> best;
    if (shown.sweepId == m_sweepId && shown.bestRunId > 0)
        if (auto epochs = m_project->store()->epochs(shown.bestRunId))
            best.append(RunCurves{tr("best so far (run #%1)").arg(shown.bestRunId), epochs.value()});
    m_charts->setComparison(best);
    m_status->setText(sweepPrefix() + tr("%1, learning rate %2, batch %3, weight decay %4…")
                                          .arg(config.optimizer)
                                          .arg(config.learningRate, 0, 'g', 3)
                                          .arg(config.batchSize)
                                          .arg(config.weightDecay, 0, 'g', 3));
}

void TrainingDock::finishSweep()
{
    const Result<SweepOutcome> &result = *m_job->sweep;
    m_sweeping = false;
    m_sweepResults->setActiveSweep(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    if (!result) {
        m_progress->reset();
        showError(tr("Sweep failed: %1").arg(result.error()));
        m_status->clear();
        m_project->notifyContentsChanged();
        return;
    }
    const SweepOutcome &outcome = result.value();
    int finished = 0;
    for (const SweepTrial &t : outcome.trials)
        finished += t.status == QLatin1String("finished") ? 1 : 0;
    m_project->notifyContentsChanged();
    m_sweepResults->showSweep(outcome.sweepId);
    m_recordTabs->setCurrentWidget(m_sweepResults);
    // The best trial's curves and settings are shown (its settings fill the form).
    if (outcome.bestRunId > 0)
        m_sweepResults->selectRun(outcome.bestRunId);
    QString text = outcome.cancelled
                       ? tr("Sweep #%1 stopped: %2 of %3 trials finished; resume it from the Sweeps tab.")
                       : tr("Sweep #%1 finished: %2 of %3 trials finished.");
    text = text.arg(outcome.sweepId).arg(finished).arg(outcome.trials.size());
    for (const SweepTrial &t : outcome.trials)
        if (t.runId == outcome.bestRunId && t.runId > 0)
            text += tr(" Best: run #%1, %2 %3 at epoch %4.")
                        .arg(t.runId)
                        .arg(outcome.monitor)
                        .arg(t.bestMetric, 0, 'f', 4)
                        .arg(t.bestEpoch);
    m_status->setText(text);
}

} // namespace lepton
