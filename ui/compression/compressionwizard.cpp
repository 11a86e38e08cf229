#include "compression/compressionwizard.h"

#include "compression/compressionresults.h"
#include "graph/modelgraph.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "projectcontext.h"
#include "training/trainingcharts.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

// A page whose "complete" state the wizard decides (run page: finished; model page: a version chosen).
class GatedPage : public QWizardPage
{
public:
    std::function<bool()> complete;
    bool isComplete() const override { return complete ? complete() : true; }
    void changed() { emit completeChanged(); }
};

QDoubleSpinBox *doubleSpin(double lo, double hi, double step, double value, int decimals)
{
    auto *s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setSingleStep(step);
    s->setDecimals(decimals);
    s->setValue(value);
    return s;
}

QSpinBox *intSpin(int lo, int hi, int value)
{
    auto *s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    return s;
}

} // namespace

CompressionWizard::CompressionWizard(ProjectContext *project, QWidget *parent) : QWizard(parent), m_project(project)
{
    setWindowTitle(tr("Compress a Model"));
    setObjectName(QStringLiteral("compressionWizard"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setPage(ModelPage, makeModelPage());
    setPage(MethodPage, makeMethodPage());
    setPage(SettingsPage, makeSettingsPage());
    setPage(RunPage, makeRunPage());
    setPage(ResultsPage, makeResultsPage());
    resize(900, 680);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &CompressionWizard::finish);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == RunPage && !m_outcome && !m_watcher.isRunning())
            start();
        if (id == SettingsPage) {
            // Back from a finished run: Next runs again with the settings as they are then
            if (m_outcome && !m_watcher.isRunning()) {
                m_previousResult = m_outcome->modelVersionId;
                m_outcome.reset();
                m_done = false;
            }
            prepareSettings();
        }
    });
    connect(m_results, &CompressionResults::exportRequested, this, &CompressionWizard::exportRequested);
}

CompressionWizard::~CompressionWizard() { cancelAndWait(); }

void CompressionWizard::cancelAndWait()
{
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

QWizardPage *CompressionWizard::makeModelPage()
{
    auto *page = new GatedPage;
    page->setTitle(tr("Model version"));
    page->setSubTitle(tr("The trained version to compress. The result becomes a new version whose parent is this one."));
    auto *layout = new QFormLayout(page);
    m_model = new QComboBox;
    m_model->setObjectName(QStringLiteral("modelVersionCombo"));
    m_modelInfo = new QLabel;
    m_modelInfo->setWordWrap(true);
    layout->addRow(tr("Model version:"), m_model);
    layout->addRow(QString(), m_modelInfo);
    if (ProjectStore *store = m_project->store()) {
        if (auto versions = store->modelVersions()) {
            for (const ModelVersionInfo &v : versions.value())
                m_model->addItem(QStringLiteral("%1 · %2").arg(v.id).arg(v.name), v.id);
        }
    }
    m_model->setCurrentIndex(m_model->count() - 1);   // the newest
    m_modelInfo->setObjectName(QStringLiteral("modelInfoLabel"));
    page->complete = [this] { return m_model->currentIndex() >= 0 && m_source.modelVersionId > 0; };
    connect(m_model, &QComboBox::currentIndexChanged, page, [this, page] {
        showModelInfo();
        page->changed();
    });
    showModelInfo();
    return page;
}

QWizardPage *CompressionWizard::makeMethodPage()
{
    auto *page = new QWizardPage;
    page->setTitle(tr("Method and goal"));
    auto *layout = new QVBoxLayout(page);
    m_method = new QButtonGroup(page);
    const QStringList labels{
        tr("Structured pruning: remove whole channels (a smaller graph that runs faster)"),
        tr("Unstructured pruning: zero the smallest weights (sparsity only: same size and speed on CPU)"),
        tr("int8 quantization: post-training static, run with LibTorch's quantized kernels"),
        tr("Knowledge distillation: train a smaller student from this model")};
    for (int i = 0; i < labels.size(); ++i) {
        auto *b = new QRadioButton(labels[i]);
        b->setObjectName(QStringLiteral("method%1").arg(i));
        m_method->addButton(b, i);
        layout->addWidget(b);
    }
    m_method->button(0)->setChecked(true);
    m_thenInt8 = new QCheckBox(tr("Then quantize the result to int8 (two new versions; the charts show both)"));
    m_thenInt8->setObjectName(QStringLiteral("thenInt8Check"));
    layout->addWidget(m_thenInt8);
    connect(m_method, &QButtonGroup::idClicked, this, [this](int id) {
        m_thenInt8->setEnabled(id != 2);
        if (id == 2)
            m_thenInt8->setChecked(false);
    });
    auto *goal = new QFormLayout;
    m_maxDrop = doubleSpin(0, 50, 0.5, 1.0, 1);
    m_maxDrop->setSuffix(tr(" points"));
    m_maxDrop->setObjectName(QStringLiteral("maxDropSpin"));
    m_maxDrop->setToolTip(tr("int8 keeps the most sensitive layers in fp32 until the validation accuracy drop is "
                             "within this; for the other methods the results page shows whether it was met"));
    goal->addRow(tr("Goal: at most this accuracy drop:"), m_maxDrop);
    m_targetKiB = doubleSpin(0, 1e7, 10, 0, 1);
    m_targetKiB->setObjectName(QStringLiteral("targetSizeSpin"));
    m_targetKiB->setSuffix(tr(" KiB"));
    m_targetKiB->setSpecialValueText(tr("no size goal"));
    m_targetKiB->setToolTip(tr("Weights at most this size. Structured pruning suggests a fraction of channels for it; "
                               "the results page says whether it was met"));
    goal->addRow(tr("Goal: weights at most:"), m_targetKiB);
    m_targetLatency = intSpin(0, 100, 0);
    m_targetLatency->setObjectName(QStringLiteral("targetLatencySpin"));
    m_targetLatency->setSuffix(tr(" % of the original's latency"));
    m_targetLatency->setSpecialValueText(tr("no latency goal"));
    m_targetLatency->setToolTip(tr("Measured on this machine at batch 1; the results page says whether it was met"));
    goal->addRow(tr("Goal: latency at most:"), m_targetLatency);
    layout->addLayout(goal);
    layout->addStretch();
    return page;
}

QWizardPage *CompressionWizard::makeSettingsPage()
{
    auto *page = new QWizardPage;
    page->setTitle(tr("Settings"));
    page->setSubTitle(tr("Defaults that work for most models."));
    // One box per method; prepareSettings() shows the chosen method's (and int8's for a second step).
    auto *layout = new QVBoxLayout(page);
    m_pruneBox = new QGroupBox(tr("Pruning"));
    auto *sf = new QFormLayout(m_pruneBox);
    m_pruneForm = sf;
    m_sparsity = doubleSpin(0.05, 0.95, 0.05, 0.5, 2);
    m_sparsity->setObjectName(QStringLiteral("sparsitySpin"));
    m_ranking = new QComboBox;
    m_ranking->addItem(tr("L1 norm of each filter"), QStringLiteral("l1"));
    m_ranking->addItem(tr("BatchNorm scale |γ|"), QStringLiteral("bn-scale"));
    m_finetune = intSpin(0, 100, 2);
    m_finetune->setObjectName(QStringLiteral("finetuneSpin"));
    sf->addRow(tr("Fraction removed:"), m_sparsity);
    sf->addRow(tr("Channel ranking:"), m_ranking);
    m_perLayer = new QCheckBox(tr("Same sparsity in every layer (otherwise one global threshold)"));
    m_iterations = intSpin(1, 20, 1);
    sf->addRow(QString(), m_perLayer);
    sf->addRow(tr("Prune + fine-tune steps:"), m_iterations);
    sf->addRow(tr("Fine-tuning epochs:"), m_finetune);
    m_learningRate = doubleSpin(1e-5, 1.0, 0.001, 1e-3, 5);
    m_learningRate->setObjectName(QStringLiteral("learningRateSpin"));
    m_learningRate->setToolTip(tr("Adam's learning rate for fine-tuning and distillation"));

    // int8 settings: the method itself, or a second step after pruning or distillation
    m_quantBox = new QGroupBox(tr("int8 quantization"));
    auto *qf = new QFormLayout(m_quantBox);
    m_calibration = intSpin(1, 100000, 256);
    m_calibration->setObjectName(QStringLiteral("calibrationSpin"));
    m_observer = new QComboBox;
    m_observer->addItem(tr("min-max"), QStringLiteral("minmax"));
    m_observer->addItem(tr("percentile (0.01–99.99)"), QStringLiteral("percentile"));
    m_engine = new QComboBox;
    m_engine->addItem(tr("fastest available (oneDNN)"), QString());
    m_engine->addItem(QStringLiteral("oneDNN"), QStringLiteral("onednn"));
    m_engine->addItem(QStringLiteral("QNNPACK"), QStringLiteral("qnnpack"));
    qf->addRow(tr("Calibration samples:"), m_calibration);
    qf->addRow(tr("Activation observer:"), m_observer);
    qf->addRow(tr("Quantized engine:"), m_engine);

    m_distillBox = new QGroupBox(tr("Distillation"));
    auto *df = new QFormLayout(m_distillBox);
    m_student = new QComboBox;
    m_student->setObjectName(QStringLiteral("studentCombo"));
    for (const ArchitectureTemplate &t : architectureTemplates())
        m_student->addItem(t.title, t.name);
    m_temperature = doubleSpin(0.5, 20, 0.5, 4.0, 1);
    m_alpha = doubleSpin(0, 1, 0.1, 0.5, 2);
    m_distillEpochs = intSpin(1, 200, 5);
    m_distillEpochs->setObjectName(QStringLiteral("distillEpochsSpin"));
    df->addRow(tr("Student:"), m_student);
    m_studentInfo = new QLabel;
    m_studentInfo->setObjectName(QStringLiteral("studentInfo"));
    m_studentInfo->setWordWrap(true);
    df->addRow(QString(), m_studentInfo);
    connect(m_student, &QComboBox::currentIndexChanged, this, &CompressionWizard::showStudentInfo);
    df->addRow(tr("Temperature T:"), m_temperature);
    df->addRow(tr("α (teacher weight):"), m_alpha);
    df->addRow(tr("Epochs:"), m_distillEpochs);

    m_trainingBox = new QGroupBox(tr("Training"));
    auto *tf = new QFormLayout(m_trainingBox);
    tf->addRow(tr("Learning rate (Adam):"), m_learningRate);
    m_settingsHint = new QLabel;
    m_settingsHint->setObjectName(QStringLiteral("settingsHint"));
    m_settingsHint->setWordWrap(true);
    // takes the rest of the page: a word-wrapped label under a stretch was squeezed to one line
    m_settingsHint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_settingsHint->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    for (QWidget *w : {static_cast<QWidget *>(m_pruneBox), static_cast<QWidget *>(m_distillBox),
                       static_cast<QWidget *>(m_quantBox), static_cast<QWidget *>(m_trainingBox),
                       static_cast<QWidget *>(m_settingsHint)})
        layout->addWidget(w);
    layout->setStretchFactor(m_settingsHint, 1);
    return page;
}

QWizardPage *CompressionWizard::makeRunPage()
{
    auto *page = new GatedPage;
    page->setTitle(tr("Compressing"));
    auto *layout = new QVBoxLayout(page);
    m_stage = new QLabel;
    m_stage->setObjectName(QStringLiteral("stageLabel"));
    m_stage->setWordWrap(true);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 0);
    m_cancelButton = new QPushButton(tr("Cancel"));
    m_cancelButton->setObjectName(QStringLiteral("cancelCompressionButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_cancel.cancel();
        m_stage->setText(tr("Cancelling after the current batch…"));
    });
    auto *row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancelButton);
    layout->addWidget(m_stage);
    layout->addLayout(row);
    m_charts = new TrainingCharts;
    layout->addWidget(m_charts, 1);
    layout->addStretch();   // keeps the stage and progress at the top when there are no curves (int8)
    page->complete = [this] { return m_done && m_outcome.has_value(); };
    connect(this, &CompressionWizard::finishedRun, page, [page](bool) { page->changed(); });
    return page;
}

QWizardPage *CompressionWizard::makeResultsPage()
{
    auto *page = new QWizardPage;
    page->setTitle(tr("Results"));
    auto *layout = new QVBoxLayout(page);
    m_results = new CompressionResults;
    layout->addWidget(m_results);
    return page;
}

void CompressionWizard::showModelInfo()
{
    m_source = FamilyPoint();
    m_sourceParameters = 0;
    m_classes = 0;
    ProjectStore *store = m_project->store();
    if (!store || m_model->currentIndex() < 0) {
        m_modelInfo->setText(store ? tr("This project has no model version yet: train one first.")
                                   : tr("Open a project first."));
        return;
    }
    const qint64 id = selectedModelVersion();
    auto version = store->modelVersion(id);
    auto arch = version ? store->architecture(version->architectureId) : Result<ArchitectureInfo>::failure(version.error());
    auto graph = arch ? ModelGraph::fromJson(arch->graphJson.toUtf8()) : Result<ModelGraph>::failure(arch.error());
    if (!graph) {
        m_modelInfo->setText(tr("Model version %1 cannot be compressed: %2").arg(id).arg(graph.error()));
        return;
    }
    const GraphAnalysis analysis = analyzeGraph(graph.value());
    m_inputShape = analysis.inputShape;
    m_classes = analysis.outputShape.dims.isEmpty() ? 0 : int(analysis.outputShape.dims.last());
    m_sourceParameters = analysis.totalParameters;
    m_source.modelVersionId = id;
    m_source.weightBytes = analysis.sizeBytes;
    m_source.name = version->name;
    if (auto family = modelFamily(*store, id)) {
        for (const FamilyPoint &p : family.value())
            if (p.modelVersionId == id)
                m_source = p;
    }
    if (m_source.precision != QLatin1String("fp32")) {
        m_modelInfo->setText(tr("Model version %1 is already %2: choose its fp32 parent (version %3).")
                                 .arg(id)
                                 .arg(m_source.precision)
                                 .arg(version->parentId));
        m_source.modelVersionId = 0;
        return;
    }
    m_modelInfo->setText(tr("Architecture %1 (%2) · %3 parameters · weights %4 KiB · %5")
                             .arg(arch->name)
                             .arg(analysis.inputShape.toString())
                             .arg(QLocale().toString(m_sourceParameters))
                             .arg(double(m_source.weightBytes) / 1024.0, 0, 'f', 1)
                             .arg(m_source.accuracy >= 0 ? tr("test accuracy %1%").arg(m_source.accuracy * 100.0, 0, 'f', 2)
                                                         : tr("not evaluated yet (the wizard evaluates it first)")));
}

CompressionGoals CompressionWizard::goals() const
{
    CompressionGoals g;
    g.maxDrop = m_maxDrop->value() / 100.0;
    g.targetBytes = qint64(m_targetKiB->value() * 1024.0);
    g.latencyRatio = m_targetLatency->value() / 100.0;
    return g;
}

void CompressionWizard::prepareSettings()
{
    const int method = m_method->checkedId();
    m_pruneBox->setVisible(method <= 1);
    m_pruneBox->setTitle(method == 0 ? tr("Structured pruning") : tr("Unstructured pruning"));
    m_pruneForm->setRowVisible(m_ranking, method == 0);
    m_pruneForm->setRowVisible(m_perLayer, method == 1);
    m_pruneForm->setRowVisible(m_iterations, method == 1);
    m_distillBox->setVisible(method == 3);
    m_quantBox->setVisible(method == 2 || m_thenInt8->isChecked());
    m_trainingBox->setVisible(method != 2);
    const CompressionMethod chosen = method == 3 ? CompressionMethod::Distill : method == 2 ? CompressionMethod::Quantize
                                                                                            : CompressionMethod::Prune;
    if (m_learningRateFor != int(chosen)) {   // the method's default, until the user changes it for this method
        m_learningRate->setValue(defaultCompressionLearningRate(chosen));
        m_learningRateFor = int(chosen);
    }
    const CompressionGoals g = goals();
    const double current = double(m_source.weightBytes);
    QStringList hints;
    if (g.targetBytes > 0 && current > 0) {
        // int8 after pruning quarters what is left
        const double want = double(g.targetBytes) / current * (m_thenInt8->isChecked() && method != 2 ? 4.0 : 1.0);
        if (method == 0) {
            // A conv/linear between two pruned layers keeps (1 − s)² of its weights; the first and last
            // keep 1 − s: the square root is the estimate, the results page has the measured size.
            const double s = std::clamp(1.0 - std::sqrt(std::min(1.0, want)), 0.05, 0.95);
            m_sparsity->setValue(s);
            hints << tr("Fraction set to %1 for the size goal (%2 KiB of %3 KiB): an estimate, since layers between two "
                        "pruned ones shrink by its square; the results page shows the measured size.")
                         .arg(s, 0, 'f', 2)
                         .arg(double(g.targetBytes) / 1024.0, 0, 'f', 1)
                         .arg(current / 1024.0, 0, 'f', 1);
        } else if (method == 1) {
            hints << tr("Unstructured pruning keeps every weight's slot: the weights stay %1 KiB, so the size goal "
                        "cannot be met this way. Use structured pruning or int8.")
                         .arg(current / 1024.0, 0, 'f', 1);
        } else if (method == 2 && want < 0.26) {
            hints << tr("int8 weights are about a quarter of fp32 (%1 KiB here): the size goal of %2 KiB needs "
                        "pruning or distillation as well.")
                         .arg(current / 4096.0, 0, 'f', 1)
                         .arg(double(g.targetBytes) / 1024.0, 0, 'f', 1);
        }
    }
    if (method == 1)
        hints << tr("Sparsity only: on this CPU zeros are not skipped, so the model is neither smaller nor faster.");
    if (method == 2)
        hints << tr("Layers are quantized one at a time to rank their accuracy drop; the most sensitive stay in fp32 "
                    "until the validation drop is within the goal (%1 points).")
                     .arg(g.maxDrop * 100.0, 0, 'f', 1);
    if (method == 3) {
        if (m_student->currentIndex() < 0 || m_student->property("teacher").toLongLong() != m_source.modelVersionId) {
            // default student: the largest template with at most a quarter of the teacher's parameters
            int best = -1;
            qint64 bestParams = 0;
            for (int i = 0; i < m_student->count(); ++i) {
                auto g2 = makeTemplate(m_student->itemData(i).toString(), m_inputShape, m_classes);
                const qint64 params = g2 ? analyzeGraph(g2.value()).totalParameters : 0;
                if (params > 0 && params * 4 <= m_sourceParameters && params > bestParams) {
                    best = i;
                    bestParams = params;
                }
            }
            if (best >= 0)
                m_student->setCurrentIndex(best);
            m_student->setProperty("teacher", m_source.modelVersionId);
        }
        showStudentInfo();
    }
    if (m_previousResult > 0)
        hints << tr("Next runs the compression again with these settings; version %1 from the last run stays in "
                    "the project.")
                     .arg(m_previousResult);
    m_settingsHint->setText(hints.join(QLatin1Char('\n')));
}

void CompressionWizard::showStudentInfo()
{
    auto graph = makeTemplate(m_student->currentData().toString(), m_inputShape, m_classes);
    if (!graph) {
        m_studentInfo->setText(tr("This template does not fit the model's input: %1").arg(graph.error()));
        return;
    }
    const GraphAnalysis a = analyzeGraph(graph.value());
    if (!a.valid()) {
        m_studentInfo->setText(tr("This template does not fit the model's input: %1").arg(a.errors.join(QStringLiteral("; "))));
        return;
    }
    m_studentInfo->setText(tr("%1 parameters, %2% of the teacher's %3")
                               .arg(QLocale().toString(a.totalParameters))
                               .arg(m_sourceParameters > 0 ? 100.0 * double(a.totalParameters) / double(m_sourceParameters) : 0.0,
                                    0, 'f', 1)
                               .arg(QLocale().toString(m_sourceParameters)));
}

void CompressionWizard::selectModelVersion(qint64 id)
{
    const int i = m_model->findData(id);
    if (i >= 0)
        m_model->setCurrentIndex(i);
}

qint64 CompressionWizard::selectedModelVersion() const { return m_model->currentData().toLongLong(); }

CompressionSettings CompressionWizard::settings() const
{
    CompressionSettings s;
    const int method = m_method->checkedId();
    s.method = method <= 1 ? CompressionMethod::Prune : method == 2 ? CompressionMethod::Quantize : CompressionMethod::Distill;
    s.structured = method == 0;
    s.thenInt8 = method != 2 && m_thenInt8->isChecked();
    s.sparsity = m_sparsity->value();
    s.ranking = m_ranking->currentData().toString();
    s.globalThreshold = !m_perLayer->isChecked();
    s.iterations = s.structured ? 1 : m_iterations->value();
    s.finetuneEpochs = m_finetune->value();
    s.calibrationSamples = m_calibration->value();
    s.observer = m_observer->currentData().toString();
    s.engine = m_engine->currentData().toString();
    s.maxDrop = m_maxDrop->value() / 100.0;
    s.student = m_student->currentData().toString();
    s.temperature = m_temperature->value();
    s.alpha = m_alpha->value();
    s.epochs = m_distillEpochs->value();
    s.training.learningRate = m_learningRate->value();
    return s;
}

void CompressionWizard::start()
{
    const CompressionSettings s = settings();
    if (const QString bad = s.validate(); !bad.isEmpty()) {
        m_stage->setText(tr("Cannot start: %1").arg(bad));
        return;
    }
    m_cancel = CancelToken();
    m_done = false;
    m_error.clear();
    m_outcome.reset();
    const int trainEpochs = s.method == CompressionMethod::Distill ? s.epochs
                            : s.method == CompressionMethod::Prune ? s.finetuneEpochs * s.iterations : 0;
    m_charts->clear(std::max(1, trainEpochs));
    m_charts->setVisible(trainEpochs > 0);
    m_stage->setText(s.describe());
    m_cancelButton->setEnabled(true);
    CompressionObserver observer;
    QPointer<CompressionWizard> self(this);
    observer.progress = [self](qint64 done, qint64 total, const QString &stage) {
        QMetaObject::invokeMethod(self, [self, done, total, stage] {
            if (!self)
                return;
            self->m_stage->setText(stage);
            self->m_progress->setRange(0, total > 1 ? int(total) : 0);
            if (total > 1)
                self->m_progress->setValue(int(done));
        }, Qt::QueuedConnection);
    };
    observer.training.onBatch = [self](const BatchProgress &b) {
        QMetaObject::invokeMethod(self, [self, b] {
            if (self)
                self->m_charts->addBatch(b.epoch - 1 + double(b.batch) / b.batchesPerEpoch, b.loss, b.learningRate);
        }, Qt::QueuedConnection);
    };
    observer.training.onEpoch = [self](const EpochMetrics &m) {
        QMetaObject::invokeMethod(self, [self, m] {
            if (self)
                self->m_charts->addEpoch(m.epoch, m.trainLoss, m.valLoss, m.trainAccuracy, m.valAccuracy, m.trainF1, m.valF1);
        }, Qt::QueuedConnection);
    };
    const QString path = m_project->path();
    const qint64 model = selectedModelVersion();
    m_result = std::make_shared<RunResult>();
    m_watcher.setFuture(QtConcurrent::run([path, model, s, observer, cancel = m_cancel, result = m_result] {
        result->outcome.emplace(compressModel(path, model, s, observer, cancel));
        if (*result->outcome)   // every version of the model, timed now in this process: a fair comparison
            result->family = measureModelFamily(path, (*result->outcome)->modelVersionId, observer.progress, cancel);
    }));
}

void CompressionWizard::finish()
{
    m_done = true;
    m_cancelButton->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_charts->flush();
    if (!m_result || !m_result->outcome)
        return;
    const Result<CompressionOutcome> r = *m_result->outcome;
    if (r) {
        m_outcome = r.value();
        QString stage = tr("Done: model version %1. Next shows the results.").arg(r->modelVersionId);
        if (!m_result->family)   // the result stands; only the chart over the other versions is missing
            stage += tr("\nThe other versions could not be measured: %1").arg(m_result->family.error());
        m_stage->setText(stage);
        m_project->notifyContentsChanged();
        if (ProjectStore *store = m_project->store())
            m_results->setOutcome(r.value(), goals(), m_result->family ? m_result->family.value() : QVector<FamilyPoint>(),
                                  *store);
    } else {
        m_error = r.error();
        m_stage->setText(tr("Failed: %1\nGo back to change the settings and run again.").arg(r.error()));
        m_project->notifyContentsChanged();   // runs made on the way; versions only when a failure kept the fp32 step
    }
    emit finishedRun(r.ok());
}

} // namespace lepton
