#include "training/trainingdock.h"

#include "projectcontext.h"
#include "recordtext.h"
#include "training/hyperparameterform.h"
#include "training/runtable.h"
#include "training/sweepform.h"
#include "training/sweepresults.h"
#include "training/trainingcharts.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QtConcurrent>

namespace lepton {

namespace {

// Dataset combo items: whether the dataset is a regression dataset.
constexpr int kRegressionRole = Qt::UserRole + 1;

QString hms(double seconds)
{
    const int s = int(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

TrainingDock::TrainingDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Training"), parent)
    , m_project(project)
    , m_datasetCombo(new QComboBox)
    , m_architectureCombo(new QComboBox)
    , m_form(new HyperparameterForm)
    , m_startButton(new QPushButton(tr("Start training")))
    , m_pauseButton(new QPushButton(tr("Pause")))
    , m_stopButton(new QPushButton(tr("Stop")))
    , m_progress(new QProgressBar)
    , m_speed(new QLabel)
    , m_status(new QLabel)
    , m_error(new QLabel)
    , m_charts(new TrainingCharts)
    , m_runs(new RunTable)
    , m_sweepForm(new SweepForm)
    , m_sweepResults(new SweepResults)
    , m_setupTabs(new QTabWidget)
    , m_recordTabs(new QTabWidget)
{
    setObjectName("trainingDock");
    m_datasetCombo->setObjectName("trainingDatasetCombo");
    m_architectureCombo->setObjectName("trainingArchitectureCombo");
    m_startButton->setObjectName("trainingStartButton");
    m_pauseButton->setObjectName("trainingPauseButton");
    m_stopButton->setObjectName("trainingStopButton");
    m_progress->setObjectName("trainingProgress");
    m_speed->setObjectName("trainingSpeed");
    m_status->setObjectName("trainingStatus");
    m_error->setObjectName("trainingError");

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_progress->reset();
    m_pauseButton->setEnabled(false);
    m_stopButton->setEnabled(false);

    auto source = new QHBoxLayout;
    auto sourceForm = new QFormLayout;
    sourceForm->addRow(tr("Dataset:"), m_datasetCombo);
    auto archForm = new QFormLayout;
    archForm->addRow(tr("Architecture:"), m_architectureCombo);
    source->addLayout(sourceForm, 1);
    source->addLayout(archForm, 1);

    auto buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_pauseButton);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_speed);

    // Buttons and status stay at the top; the form scrolls, and charts and runs share the rest,
    // so the dock stays usable (nothing clipped) in a small main window.
    auto formScroll = new QScrollArea;
    formScroll->setObjectName("trainingFormScroll");
    formScroll->setWidget(m_form);
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);

    auto sweepScroll = new QScrollArea;
    sweepScroll->setObjectName("trainingSweepScroll");
    sweepScroll->setWidget(m_sweepForm);
    sweepScroll->setWidgetResizable(true);
    sweepScroll->setFrameShape(QFrame::NoFrame);
    m_setupTabs->setObjectName("trainingSetupTabs");
    m_setupTabs->addTab(formScroll, tr("Hyperparameters"));
    m_setupTabs->addTab(sweepScroll, tr("Sweep"));
    m_setupTabs->setDocumentMode(true);
    m_recordTabs->setObjectName("trainingRecordTabs");
    m_recordTabs->addTab(m_runs, tr("Runs"));
    m_recordTabs->addTab(m_sweepResults, tr("Sweeps"));
    m_recordTabs->setDocumentMode(true);

    auto lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_charts);
    lower->addWidget(m_recordTabs);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);

    auto parts = new QSplitter(Qt::Vertical);
    parts->addWidget(m_setupTabs);
    parts->addWidget(lower);
    parts->setStretchFactor(0, 1);
    parts->setStretchFactor(1, 3);
    // Stretch factors only share space beyond the size hints, and the charts' hints are large:
    // start with room for several rows of the form (the splitter scales these to the dock).
    parts->setSizes({300, 600});

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(source);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addWidget(parts, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_charts->clear(m_form->config().epochs);
        m_status->clear();
        m_speed->clear();
        m_error->hide();
        m_progress->reset();
        m_sweepId = 0;
        m_sweepResults->setActiveSweep(0);
        reloadChoices();
        // Show where the project stands: the curves of its latest run, if any.
        if (!m_runs->runs().isEmpty())
            m_runs->selectRun(m_runs->runs().last().id);
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &TrainingDock::reloadChoices);
    // Starting from a model version trains its architecture on its dataset unless the user then
    // picks others (the trainer lists every parameter that does not match).
    connect(m_form, &HyperparameterForm::initModelVersionChosen, this, [this](qint64 id) {
        ProjectStore *store = m_project->store();
        if (!store)
            return;
        if (auto version = store->modelVersion(id)) {
            selectComboId(m_datasetCombo, version->datasetId);
            selectComboId(m_architectureCombo, version->architectureId);
        }
    });
    // The chosen dataset's task sets the metrics the form offers.
    connect(m_datasetCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_form->setRegression(chosenDatasetIsRegression()); });
    connect(m_form, &HyperparameterForm::changed, this, [this] {
        m_sweepForm->setEpochsPerTrial(m_form->config().epochs);
        updateReadiness();
    });
    connect(m_sweepForm, &SweepForm::startRequested, this, &TrainingDock::startSweep);
    connect(m_sweepResults, &SweepResults::resumeRequested, this, &TrainingDock::resumeSweep);
    // A trial picked in the results is its run: its curves and settings are shown.
    connect(m_sweepResults, &SweepResults::runSelected, this, [this](qint64 runId) { m_runs->selectRun(runId); });
    connect(m_startButton, &QPushButton::clicked, this, &TrainingDock::start);
    connect(m_pauseButton, &QPushButton::clicked, this, &TrainingDock::togglePause);
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        m_cancel.cancel();
        m_stopButton->setEnabled(false);
        m_pauseButton->setEnabled(false);
        m_status->setText(tr("Stopping after the current batch…"));
    });
    connect(m_runs, &RunTable::selectionChanged, this, &TrainingDock::compareSelected);
    connect(m_runs, &RunTable::resumeRequested, this, &TrainingDock::resumeRun);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &TrainingDock::finish);
    reloadChoices();
}

TrainingDock::~TrainingDock()
{
    stopAndWait();
}

void TrainingDock::stopAndWait()
{
    if (!m_watcher.isRunning())
        return;
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void TrainingDock::reloadChoices()
{
    const qint64 dataset = comboId(m_datasetCombo);
    const qint64 architecture = comboId(m_architectureCombo);
    m_datasetCombo->clear();
    m_architectureCombo->clear();
    ProjectStore *store = m_project->store();
    if (store) {
        if (auto list = store->datasets()) {
            for (const DatasetInfo &d : list.value()) {
                m_datasetCombo->addItem(datasetText(d), d.id);
                m_datasetCombo->setItemData(m_datasetCombo->count() - 1, d.isRegression(), kRegressionRole);
            }
        }
        if (auto list = store->architectures()) {
            for (const ArchitectureInfo &a : list.value())
                m_architectureCombo->addItem(architectureText(a), a.id);
        }
        if (auto list = store->modelVersions())
            m_form->setModelVersions(list.value());
    } else {
        m_form->setModelVersions({});
    }
    selectComboId(m_datasetCombo, dataset);
    selectComboId(m_architectureCombo, architecture);
    // The combo signalled its first item before its task was stored: apply the task now.
    m_form->setRegression(chosenDatasetIsRegression());
    m_runs->reload(store);
    m_sweepResults->reload(store, m_project->path());
    setRunning(isTraining());
}

void TrainingDock::updateReadiness()
{
    const bool running = m_watcher.isRunning() || m_running;
    const bool ready = m_project->isOpen() && m_datasetCombo->count() > 0 && m_architectureCombo->count() > 0;
    m_startButton->setEnabled(!running && ready && m_form->problem().isEmpty());
    m_sweepForm->setStartAllowed(!running && ready && m_form->problem().isEmpty());
}

void TrainingDock::setRunning(bool running)
{
    m_running = running;   // set before the watcher runs (its future is set after)
    updateReadiness();
    m_pauseButton->setEnabled(running);
    m_stopButton->setEnabled(running);
    m_form->setEnabled(!running);
    m_datasetCombo->setEnabled(!running);
    m_architectureCombo->setEnabled(!running);
    m_runs->setBusy(running);
    m_sweepForm->setEnabled(!running);
    m_sweepResults->setBusy(running);
    if (!running)
        m_pauseButton->setText(tr("Pause"));
}

void TrainingDock::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void TrainingDock::start()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    const TrainConfig cfg = m_form->config();
    if (const QString problem = m_form->problem(); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    qint64 datasetId = 0, architectureId = 0;
    if (!chosenInputs(&datasetId, &architectureId))
        return;
    const QString path = m_project->path();
    m_charts->setRegression(chosenDatasetIsRegression());
    m_charts->clear(cfg.epochs);
    launch(cfg.epochs, [path, datasetId, architectureId, cfg](Job &job, const TrainObserver &o, const CancelToken &c,
                                                              const PauseToken &p) {
        job.result = trainModel(path, datasetId, architectureId, cfg, o, c, p);
    });
}

bool TrainingDock::chosenDatasetIsRegression() const
{
    return m_datasetCombo->currentData(kRegressionRole).toBool();
}

bool TrainingDock::chosenInputs(qint64 *datasetId, qint64 *architectureId)
{
    *datasetId = comboId(m_datasetCombo);
    *architectureId = comboId(m_architectureCombo);
    if (*datasetId == 0 || *architectureId == 0) {
        showError(tr("Choose a dataset and an architecture first."));
        return false;
    }
    return true;
}

void TrainingDock::resumeRun(qint64 runId)
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    showRun(runId);   // stored curves first; the live ones continue them
    auto run = m_project->store()->run(runId);
    auto cfg = run ? TrainConfig::fromJson(QJsonDocument::fromJson(run->configJson.toUtf8()).object())
                   : Result<TrainConfig>::failure(run.error());
    if (!cfg) {
        showError(cfg.error());
        return;
    }
    m_runId = runId;
    const QString path = m_project->path();
    launch(cfg->epochs, [path, runId](Job &job, const TrainObserver &o, const CancelToken &c, const PauseToken &p) {
        job.result = resumeTraining(path, runId, o, c, p);
    });
}

void TrainingDock::launch(int plannedEpochs, const Work &work)
{
    showError({});
    m_cancel = CancelToken();
    m_pause = PauseToken();
    m_job = std::make_shared<Job>();
    m_plannedEpochs = plannedEpochs;
    m_firstBatchGlobal = -1;
    m_pausedMs = 0;
    m_session.start();
    m_progress->setRange(0, 0);   // busy until the first batch tells the size
    m_progress->setFormat(m_sweeping ? tr("trial %1/%2 · %p%").arg(std::max(1, m_trial)).arg(m_trials) : QStringLiteral("%p%"));
    m_speed->clear();
    m_status->setText(tr("Preparing data and model…"));
    setRunning(true);

    // Observer callbacks run on the worker thread: hand them to the GUI thread.
    TrainObserver observer;
    observer.onStarted = [this](qint64 runId) {
        QMetaObject::invokeMethod(this, [this, runId] {
            m_runId = runId;
            m_status->setText(sweepPrefix() + tr("Run #%1: training…").arg(runId));
            m_project->notifyContentsChanged();
        }, Qt::QueuedConnection);
    };
    observer.onBatch = [this](const BatchProgress &b) {
        QMetaObject::invokeMethod(this, [this, b] { onBatch(b); }, Qt::QueuedConnection);
    };
    observer.onEpoch = [this](const EpochMetrics &e) {
        QMetaObject::invokeMethod(this, [this, e] { onEpoch(e); }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([job = m_job, work, observer, cancel = m_cancel, pause = m_pause] {
        work(*job, observer, cancel, pause);
    }));
}

void TrainingDock::onBatch(const BatchProgress &b)
{
    const int perEpoch = std::max(1, b.batchesPerEpoch);
    const int global = (b.epoch - 1) * perEpoch + b.batch;
    if (m_firstBatchGlobal < 0) {
        m_firstBatchGlobal = global;
        m_session.restart();
        m_pausedMs = 0;
    }
    const int runBatches = m_plannedEpochs * perEpoch;
    if (m_sweeping) {   // the whole sweep, 1000 steps a trial
        m_progress->setRange(0, m_trials * 1000);
        m_progress->setValue((m_trial - 1) * 1000 + int(1000.0 * global / std::max(1, runBatches)));
    } else {
        m_progress->setRange(0, runBatches);
        m_progress->setValue(global);
    }
    m_charts->addBatch(b.epoch - 1 + double(b.batch) / perEpoch, b.loss, b.learningRate);
    const double active = std::max(1e-3, double(m_session.elapsed() - m_pausedMs) / 1000.0);
    const int doneHere = global - m_firstBatchGlobal + 1;
    if (doneHere >= 2) {
        const double perBatch = active / doneHere;
        // A sweep's later trials are estimated at this trial's pace.
        const qint64 remaining = runBatches - global + (m_sweeping ? qint64(m_trials - m_trial) * runBatches : 0);
        m_speed->setText(tr("%1 samples/s · ETA %2").arg(double(b.samples) / active, 0, 'f', 0).arg(hms(remaining * perBatch)));
    }
}

void TrainingDock::onEpoch(const EpochMetrics &e)
{
    if (e.regression) {
        m_charts->addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainR2, e.valR2);
        m_status->setText(sweepPrefix() + tr("Run #%1: epoch %2/%3 — train MSE %4, validation MSE %5, MAE %6, R² %7 "
                                             "(%8 s)%9")
                                              .arg(m_runId)
                                              .arg(e.epoch)
                                              .arg(m_plannedEpochs)
                                              .arg(e.trainLoss, 0, 'g', 5)
                                              .arg(e.valLoss, 0, 'g', 5)
                                              .arg(e.valMae, 0, 'g', 5)
                                              .arg(e.valR2, 0, 'f', 4)
                                              .arg(e.seconds, 0, 'f', 1)
                                              .arg(e.bestEpoch == e.epoch ? tr(" — best so far") : QString()));
        m_project->notifyContentsChanged();
        return;
    }
    m_charts->addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.trainF1, e.valF1);
    m_status->setText(sweepPrefix() + tr("Run #%1: epoch %2/%3 — train loss %4, validation loss %5, accuracy %6, macro F1 %7 "
                         "(%8 s)%9")
                          .arg(m_runId)
                          .arg(e.epoch)
                          .arg(m_plannedEpochs)
                          .arg(e.trainLoss, 0, 'f', 4)
                          .arg(e.valLoss, 0, 'f', 4)
                          .arg(percent(e.valAccuracy))
                          .arg(e.valF1, 0, 'f', 3)
                          .arg(e.seconds, 0, 'f', 1)
                          .arg(e.bestEpoch == e.epoch ? tr(" — best so far") : QString()));
    m_project->notifyContentsChanged();
}

void TrainingDock::togglePause()
{
    if (!m_watcher.isRunning())
        return;
    if (m_pause.isPaused()) {
        m_pause.resume();
        m_pausedMs += m_pausedSince.elapsed();
        m_pauseButton->setText(tr("Pause"));
        m_status->setText(sweepPrefix() + tr("Run #%1: training…").arg(m_runId));
    } else {
        m_pause.pause();
        m_pausedSince.start();
        m_pauseButton->setText(tr("Resume"));
        m_status->setText(sweepPrefix() + tr("Run #%1: paused after the current batch. Resume or stop.").arg(m_runId));
    }
}

void TrainingDock::finish()
{
    setRunning(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_charts->flush();
    if (m_job && m_job->sweep) {
        finishSweep();
        return;
    }
    if (!m_job || !m_job->result) {
        showError(tr("Training ended without a result."));
        return;
    }
    const Result<TrainOutcome> &result = *m_job->result;
    if (!result) {
        m_progress->reset();
        showError(tr("Training failed: %1").arg(result.error()));
        m_status->clear();
        m_project->notifyContentsChanged();
        return;
    }
    const TrainOutcome &outcome = result.value();
    const int lastEpoch = outcome.epochs.isEmpty() ? outcome.firstEpoch - 1 : outcome.epochs.last().epoch;
    QString text = outcome.cancelled ? tr("Run #%1 stopped after epoch %2; resume it from the run list.")
                                     : tr("Run #%1 finished after epoch %2.");
    text = text.arg(outcome.runId).arg(lastEpoch);
    if (outcome.earlyStopped)
        text += QLatin1Char(' ') + outcome.message + QLatin1Char('.');
    if (outcome.modelVersionId > 0)
        text += tr(" Model version #%1 from epoch %2.").arg(outcome.modelVersionId).arg(outcome.bestEpoch);
    text += tr(" (%1 s)").arg(outcome.seconds, 0, 'f', 1);
    m_status->setText(text);
    m_project->notifyContentsChanged();
    emit trainingFinished(outcome.runId, outcome.modelVersionId);
}

void TrainingDock::showRun(qint64 runId)
{
    ProjectStore *store = m_project->store();
    if (!store || m_watcher.isRunning())
        return;
    auto run = store->run(runId);
    auto epochs = store->epochs(runId);
    if (!run || !epochs) {
        showError(!run ? run.error() : epochs.error());
        return;
    }
    showError({});
    auto cfg = TrainConfig::fromJson(QJsonDocument::fromJson(run->configJson.toUtf8()).object());
    if (cfg)
        m_form->setConfig(cfg.value());
    selectComboId(m_datasetCombo, run->datasetId);
    selectComboId(m_architectureCombo, run->architectureId);
    auto dataset = store->dataset(run->datasetId);
    const bool regression = dataset && dataset->isRegression();
    m_charts->setRegression(regression);
    m_charts->showEpochs(epochs.value(), cfg ? cfg->epochs : int(epochs->size()));
    m_progress->reset();
    m_speed->clear();
    QString text = runText(run.value()) + QLatin1Char('.');
    if (!epochs->isEmpty() && regression)
        text += tr(" Last validation MSE %1, MAE %2, R² %3.")
                    .arg(epochs->last().valLoss, 0, 'g', 5)
                    .arg(epochs->last().valMae, 0, 'g', 5)
                    .arg(epochs->last().valR2, 0, 'f', 4);
    else if (!epochs->isEmpty())
        text += tr(" Last validation accuracy %1.").arg(percent(epochs->last().valAccuracy));
    if (!run->message.isEmpty())
        text += QLatin1Char(' ') + run->message + QLatin1Char('.');
    m_status->setText(text);
}

void TrainingDock::compareSelected(const QVector<qint64> &runIds)
{
    ProjectStore *store = m_project->store();
    if (!store || runIds.isEmpty())
        return;
    QVector<qint64> others = runIds;
    if (!m_watcher.isRunning()) {
        showRun(runIds.last());   // the newest selected is drawn in full
        others.removeLast();
    } else {
        others.removeAll(m_runId);
    }
    QVector<RunCurves> curves;
    for (qint64 id : others)
        if (auto epochs = store->epochs(id))
            curves.append(RunCurves{tr("run #%1").arg(id), epochs.value()});
    m_charts->setComparison(curves);
}

} // namespace lepton
