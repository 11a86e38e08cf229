#include "trainingdock.h"

#include "projectcontext.h"
#include "recordtext.h"
#include "trainingcharts.h"

#include "project/projectstore.h"
#include "train/trainer.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QtConcurrent>

#include <optional>

namespace lepton {

struct TrainingDock::Job
{
    std::optional<Result<TrainOutcome>> result;
};

TrainingDock::TrainingDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Training"), parent)
    , m_project(project)
    , m_datasetCombo(new QComboBox)
    , m_architectureCombo(new QComboBox)
    , m_epochs(new QSpinBox)
    , m_batchSize(new QSpinBox)
    , m_learningRate(new QDoubleSpinBox)
    , m_optimizer(new QComboBox)
    , m_seed(new QSpinBox)
    , m_startButton(new QPushButton(tr("Start training")))
    , m_stopButton(new QPushButton(tr("Stop")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
    , m_error(new QLabel)
    , m_charts(new TrainingCharts)
{
    setObjectName("trainingDock");
    m_datasetCombo->setObjectName("trainingDatasetCombo");
    m_architectureCombo->setObjectName("trainingArchitectureCombo");
    m_epochs->setObjectName("trainingEpochsSpin");
    m_batchSize->setObjectName("trainingBatchSizeSpin");
    m_learningRate->setObjectName("trainingLearningRateSpin");
    m_optimizer->setObjectName("trainingOptimizerCombo");
    m_seed->setObjectName("trainingSeedSpin");
    m_startButton->setObjectName("trainingStartButton");
    m_stopButton->setObjectName("trainingStopButton");
    m_progress->setObjectName("trainingProgress");
    m_status->setObjectName("trainingStatus");
    m_error->setObjectName("trainingError");

    m_epochs->setRange(1, 1000);
    m_batchSize->setRange(1, 4096);
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(0.00001, 10.0);
    m_learningRate->setSingleStep(0.0001);
    m_optimizer->addItem("adam");
    m_optimizer->addItem("sgd");
    m_seed->setRange(0, std::numeric_limits<int>::max());
    applyConfig(TrainConfig{});

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_progress->reset();
    m_stopButton->setEnabled(false);

    auto data = new QFormLayout;
    data->addRow(tr("Dataset:"), m_datasetCombo);
    data->addRow(tr("Architecture:"), m_architectureCombo);
    data->addRow(tr("Optimizer:"), m_optimizer);
    auto numbers = new QFormLayout;
    numbers->addRow(tr("Epochs:"), m_epochs);
    numbers->addRow(tr("Batch size:"), m_batchSize);
    numbers->addRow(tr("Learning rate:"), m_learningRate);
    numbers->addRow(tr("Seed:"), m_seed);
    auto form = new QHBoxLayout;
    form->addLayout(data, 3);
    form->addSpacing(12);
    form->addLayout(numbers, 2);

    auto buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_progress, 1);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addWidget(m_charts, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_charts->clear(m_epochs->value());
        m_status->clear();
        m_error->hide();
        m_progress->reset();
        reloadChoices();
        // Show where the project stands: the curves of its latest run, if any.
        if (ProjectStore *store = m_project->store()) {
            auto runs = store->runs();
            if (runs && !runs->isEmpty())
                showRun(runs->last().id);
        }
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &TrainingDock::reloadChoices);
    connect(m_startButton, &QPushButton::clicked, this, &TrainingDock::start);
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        m_cancel.cancel();
        m_stopButton->setEnabled(false);
        m_status->setText(tr("Stopping after the current batch…"));
    });
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
    if (ProjectStore *store = m_project->store()) {
        if (auto list = store->datasets()) {
            for (const DatasetInfo &d : list.value())
                m_datasetCombo->addItem(datasetText(d), d.id);
        }
        if (auto list = store->architectures()) {
            for (const ArchitectureInfo &a : list.value())
                m_architectureCombo->addItem(architectureText(a), a.id);
        }
    }
    selectComboId(m_datasetCombo, dataset);
    selectComboId(m_architectureCombo, architecture);
    setRunning(m_watcher.isRunning());
}

TrainConfig TrainingDock::config() const
{
    TrainConfig c;
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.learningRate = m_learningRate->value();
    c.optimizer = m_optimizer->currentText();
    c.seed = quint64(m_seed->value());
    return c;
}

void TrainingDock::applyConfig(const TrainConfig &c)
{
    m_epochs->setValue(c.epochs);
    m_batchSize->setValue(c.batchSize);
    m_learningRate->setValue(c.learningRate);
    m_optimizer->setCurrentText(c.optimizer);
    m_seed->setValue(int(std::min<quint64>(c.seed, quint64(m_seed->maximum()))));
}

void TrainingDock::setRunning(bool running)
{
    const bool ready = m_project->isOpen() && m_datasetCombo->count() > 0
                       && m_architectureCombo->count() > 0;
    m_startButton->setEnabled(!running && ready);
    m_stopButton->setEnabled(running);
    for (QWidget *w : std::initializer_list<QWidget *>{m_datasetCombo, m_architectureCombo,
                                                        m_epochs, m_batchSize, m_learningRate,
                                                        m_optimizer, m_seed})
        w->setEnabled(!running);
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
    const TrainConfig cfg = config();
    if (const QString problem = cfg.validate(); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    const qint64 datasetId = comboId(m_datasetCombo);
    const qint64 architectureId = comboId(m_architectureCombo);
    if (datasetId == 0 || architectureId == 0) {
        showError(tr("Choose a dataset and an architecture first."));
        return;
    }
    showError({});
    m_cancel = CancelToken();
    m_job = std::make_shared<Job>();
    m_runId = 0;
    m_plannedEpochs = cfg.epochs;
    m_charts->clear(cfg.epochs);
    m_progress->setRange(0, 0);   // busy until the first batch tells the size
    m_status->setText(tr("Preparing data and model…"));
    setRunning(true);

    // Observer callbacks run on the worker thread: hand them to the GUI thread.
    TrainObserver observer;
    observer.onStarted = [this](qint64 runId) {
        QMetaObject::invokeMethod(this, [this, runId] {
            m_runId = runId;
            m_status->setText(tr("Run #%1: training…").arg(runId));
            m_project->notifyContentsChanged();
        }, Qt::QueuedConnection);
    };
    observer.onBatch = [this](const BatchProgress &b) {
        QMetaObject::invokeMethod(this, [this, b] {
            const int perEpoch = std::max(1, b.batchesPerEpoch);
            m_progress->setRange(0, m_plannedEpochs * perEpoch);
            m_progress->setValue((b.epoch - 1) * perEpoch + b.batch);
            m_charts->addBatchLoss(b.epoch - 1 + double(b.batch) / perEpoch, b.loss);
        }, Qt::QueuedConnection);
    };
    observer.onEpoch = [this](const EpochMetrics &e) {
        QMetaObject::invokeMethod(this, [this, e] {
            m_charts->addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy);
            m_status->setText(tr("Run #%1: epoch %2/%3 — train loss %4, validation loss %5, "
                                 "validation accuracy %6 (%7 s)")
                                  .arg(m_runId)
                                  .arg(e.epoch)
                                  .arg(m_plannedEpochs)
                                  .arg(e.trainLoss, 0, 'f', 4)
                                  .arg(e.valLoss, 0, 'f', 4)
                                  .arg(percent(e.valAccuracy))
                                  .arg(e.seconds, 0, 'f', 1));
            m_project->notifyContentsChanged();
        }, Qt::QueuedConnection);
    };

    const QString path = m_project->path();
    m_watcher.setFuture(QtConcurrent::run([job = m_job, path, datasetId, architectureId, cfg,
                                           observer, cancel = m_cancel] {
        job->result = trainModel(path, datasetId, architectureId, cfg, observer, cancel);
    }));
}

void TrainingDock::finish()
{
    setRunning(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
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
    QString text = outcome.cancelled
                       ? tr("Run #%1 stopped after %2 epoch(s).")
                       : tr("Run #%1 finished: %2 epoch(s).");
    text = text.arg(outcome.runId).arg(outcome.epochs.size());
    if (!outcome.epochs.isEmpty())
        text += tr(" Validation accuracy %1.").arg(percent(outcome.epochs.last().valAccuracy));
    if (outcome.modelVersionId > 0)
        text += tr(" Saved as model version #%1.").arg(outcome.modelVersionId);
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
        applyConfig(cfg.value());
    selectComboId(m_datasetCombo, run->datasetId);
    selectComboId(m_architectureCombo, run->architectureId);
    m_charts->clear(cfg ? cfg->epochs : int(epochs->size()));
    for (const EpochRecord &e : epochs.value())
        m_charts->addEpoch(e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy);
    m_progress->reset();
    QString text = tr("%1 (stored curves; per-batch loss is not stored).").arg(runText(run.value()));
    if (!epochs->isEmpty())
        text += tr(" Last validation accuracy %1.").arg(percent(epochs->last().valAccuracy));
    m_status->setText(text);
}

} // namespace lepton
