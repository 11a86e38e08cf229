#include "evaluation/evaluationdock.h"

#include "evaluation/comparisonview.h"
#include "evaluation/confusionview.h"
#include "evaluation/curvecharts.h"
#include "evaluation/numericitem.h"
#include "evaluation/samplegallery.h"
#include "evaluation/regressionview.h"
#include "evaluation/summarycards.h"
#include "evaluation/thresholdpanel.h"
#include "projectcontext.h"
#include "recordtext.h"

#include "eval/evaluator.h"
#include "eval/report.h"
#include "project/projectstore.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTabWidget>
#include <QTableWidget>
#include <QtConcurrent>

#include <optional>

namespace lepton {

struct EvaluationDock::Job
{
    std::optional<Result<EvaluationOutcome>> result;
    QHash<qint64, QImage> thumbnails;
};

namespace {

QTableWidget *makeTable(const QString &objectName)
{
    auto table = new QTableWidget;
    table->setObjectName(objectName);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->verticalHeader()->hide();
    return table;
}

QWidget *titled(const QString &title, QWidget *content)
{
    auto box = new QWidget;
    auto layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    if (!title.isEmpty())
        layout->addWidget(new QLabel(title));
    layout->addWidget(content, 1);
    return box;
}

} // namespace

EvaluationDock::EvaluationDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Evaluation"), parent)
    , m_project(project)
    , m_modelCombo(new QComboBox)
    , m_datasetCombo(new QComboBox)
    , m_splitCombo(new QComboBox)
    , m_evaluateButton(new QPushButton(tr("Evaluate")))
    , m_cancelButton(new QPushButton(tr("Cancel")))
    , m_exportCsv(new QPushButton(tr("CSV…")))
    , m_exportJson(new QPushButton(tr("JSON…")))
    , m_exportHtml(new QPushButton(tr("HTML report…")))
    , m_progress(new QProgressBar)
    , m_summary(new QLabel)
    , m_error(new QLabel)
    , m_cards(new SummaryCards)
    , m_tabs(new QTabWidget)
    , m_classTable(makeTable("evaluationClassTable"))
    , m_confusion(new ConfusionView)
    , m_curves(new CurveCharts)
    , m_gallery(new SampleGallery)
    , m_threshold(new ThresholdPanel)
    , m_thresholdTab(nullptr)
    , m_compareA(new QComboBox)
    , m_compareB(new QComboBox)
    , m_comparison(new ComparisonView)
    , m_regression(new RegressionView)
    , m_history(makeTable("evaluationHistory"))
{
    setObjectName("evaluationDock");
    m_tabs->setObjectName("evaluationTabs");
    m_summary->setObjectName("evaluationSummary");
    m_error->setObjectName("evaluationError");
    m_progress->setObjectName("evaluationProgress");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();
    m_progress->hide();

    m_history->setColumnCount(7);
    m_history->setHorizontalHeaderLabels({tr("Evaluation"), tr("Model version"), tr("Split"), tr("Dataset"),
                                          tr("Accuracy"), tr("Macro F1"), tr("Created")});
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->horizontalHeader()->setStretchLastSection(true);

    m_overviewTab = createOverviewTab();
    m_tabs->addTab(m_overviewTab, tr("Overview"));
    m_tabs->addTab(m_regression, tr("Predicted vs true"));
    m_tabs->addTab(m_curves, tr("ROC / PR curves"));
    m_tabs->addTab(m_gallery, tr("Misclassified samples"));
    m_thresholdTab = m_threshold;
    m_tabs->addTab(m_threshold, tr("Threshold"));
    m_compareTab = createCompareTab();
    m_tabs->addTab(m_compareTab, tr("Compare"));
    m_tabs->addTab(m_history, tr("History"));
    setTabShown(m_thresholdTab, false);
    setTabShown(m_regression, false);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addWidget(createControls());
    layout->addWidget(m_progress);
    layout->addWidget(m_error);
    layout->addWidget(m_summary);
    layout->addWidget(m_cards);
    layout->addWidget(m_tabs, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_current.reset();
        m_summary->clear();
        m_cards->clear();
        m_classTable->setRowCount(0);
        m_confusion->clear();
        m_curves->clear();
        m_gallery->setPredictions({}, {}, {});
        m_comparison->clear();
        m_regression->clear();
        setTabShown(m_thresholdTab, false);
        showError({});
        reload();
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &EvaluationDock::reload);
    connect(m_evaluateButton, &QPushButton::clicked, this, &EvaluationDock::evaluate);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_cancel.cancel(); });
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &EvaluationDock::finish);
    connect(&m_thumbnailWatcher, &QFutureWatcher<ThumbnailBatch>::finished, this, [this] {
        m_thumbnailsPending = false;
        const ThumbnailBatch batch = m_thumbnailWatcher.result();
        if (batch.generation == m_thumbnailGeneration)
            m_gallery->setThumbnails(batch.thumbnails);
    });
    connect(m_modelCombo, &QComboBox::currentIndexChanged, this, &EvaluationDock::selectModelDataset);
    connect(m_confusion, &ConfusionView::cellChosen, this, [this](int truth, int predicted) {
        m_gallery->showCell(truth, predicted);
        m_tabs->setCurrentWidget(m_gallery);
    });
    connect(m_history, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> selected = m_history->selectedItems();
        if (!selected.isEmpty())
            showEvaluation(m_history->item(selected.first()->row(), 0)->data(Qt::UserRole).toLongLong());
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportWithDialog(QStringLiteral("csv")); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportWithDialog(QStringLiteral("json")); });
    connect(m_exportHtml, &QPushButton::clicked, this, [this] { exportWithDialog(QStringLiteral("html")); });
    connect(m_compareA, &QComboBox::currentIndexChanged, this, &EvaluationDock::compare);
    connect(m_compareB, &QComboBox::currentIndexChanged, this, &EvaluationDock::compare);
    reload();
}

EvaluationDock::~EvaluationDock()
{
    stopAndWait();
}

QWidget *EvaluationDock::createControls()
{
    m_modelCombo->setObjectName("evaluationModelCombo");
    m_splitCombo->setObjectName("evaluationSplitCombo");
    m_datasetCombo->setObjectName("evaluationDatasetCombo");
    m_datasetCombo->setToolTip(tr("The dataset to evaluate on: the model's own, or another one with the same input "
                                  "shape whose classes the model knows by name"));
    m_evaluateButton->setObjectName("evaluationRunButton");
    m_cancelButton->setObjectName("evaluationCancelButton");
    m_exportCsv->setObjectName("evaluationExportCsv");
    m_exportJson->setObjectName("evaluationExportJson");
    m_exportHtml->setObjectName("evaluationExportHtml");
    for (Split s : {Split::Test, Split::Validation, Split::Train})
        m_splitCombo->addItem(splitName(s), int(s));
    m_splitCombo->addItem(tr("all"), -1);
    m_splitCombo->setItemData(m_splitCombo->count() - 1, tr("Every sample of the dataset"), Qt::ToolTipRole);
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(16);
    m_datasetCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_datasetCombo->setMinimumContentsLength(12);
    m_cancelButton->setEnabled(false);
    m_exportCsv->setToolTip(tr("Per-sample predictions: sample, true, predicted, one score per class"));
    m_exportJson->setToolTip(tr("Every metric and curve as JSON"));
    m_exportHtml->setToolTip(tr("A self-contained HTML page with the metrics and charts"));
    auto controls = new QWidget;
    auto row = new QHBoxLayout(controls);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Model version:")));
    row->addWidget(m_modelCombo, 2);
    row->addWidget(new QLabel(tr("Dataset:")));
    row->addWidget(m_datasetCombo, 2);
    row->addWidget(new QLabel(tr("Split:")));
    row->addWidget(m_splitCombo);
    row->addWidget(m_evaluateButton);
    row->addWidget(m_cancelButton);
    row->addSpacing(16);
    row->addWidget(new QLabel(tr("Export:")));
    row->addWidget(m_exportCsv);
    row->addWidget(m_exportJson);
    row->addWidget(m_exportHtml);
    return controls;
}

QWidget *EvaluationDock::createOverviewTab()
{
    m_classTable->setColumnCount(7);
    m_classTable->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support"),
                                             tr("ROC AUC"), tr("AP")});
    m_classTable->setSortingEnabled(true);
    m_classTable->sortByColumn(0, Qt::AscendingOrder);
    m_classTable->setToolTip(tr("Click a column header to sort"));
    auto split = new QSplitter(Qt::Horizontal);
    split->addWidget(titled(tr("<b>Per class</b>"), m_classTable));
    split->addWidget(m_confusion);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({520, 680});
    return split;
}

QWidget *EvaluationDock::createCompareTab()
{
    m_compareA->setObjectName("evaluationCompareA");
    m_compareB->setObjectName("evaluationCompareB");
    auto pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("A:")));
    pick->addWidget(m_compareA, 1);
    pick->addWidget(new QLabel(tr("B:")));
    pick->addWidget(m_compareB, 1);
    auto tab = new QWidget;
    auto layout = new QVBoxLayout(tab);
    layout->addLayout(pick);
    layout->addWidget(m_comparison, 1);
    return tab;
}

void EvaluationDock::setTabShown(QWidget *tab, bool shown)
{
    m_tabs->setTabVisible(m_tabs->indexOf(tab), shown);
}

void EvaluationDock::stopAndWait()
{
    ++m_thumbnailGeneration;
    m_thumbnailWatcher.waitForFinished();
    if (!m_watcher.isRunning())
        return;
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void EvaluationDock::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void EvaluationDock::reload()
{
    const qint64 model = comboId(m_modelCombo);
    const qint64 dataset = comboId(m_datasetCombo);
    const qint64 a = comboId(m_compareA), b = comboId(m_compareB);
    const int previousCount = m_compareB->count();
    const QSignalBlocker blockModel(m_modelCombo);
    m_modelCombo->clear();
    m_datasetCombo->clear();
    const QSignalBlocker blockHistory(m_history);
    const QSignalBlocker blockA(m_compareA), blockB(m_compareB);
    m_history->setSortingEnabled(false);
    m_history->setRowCount(0);
    m_compareA->clear();
    m_compareB->clear();
    ProjectStore *store = m_project->store();
    bool showNewest = false;
    qint64 newest = 0;
    if (store) {
        if (auto list = store->modelVersions()) {
            for (const ModelVersionInfo &m : list.value())
                m_modelCombo->addItem(modelVersionText(m), m.id);
        }
        if (auto list = store->datasets()) {
            for (const DatasetInfo &d : list.value())
                m_datasetCombo->addItem(QStringLiteral("#%1 %2 (%3×%4×%5, %6 samples)")
                                            .arg(d.id).arg(d.name).arg(d.channels).arg(d.height).arg(d.width)
                                            .arg(d.sampleCount()),
                                        d.id);
        }
        if (!selectComboId(m_modelCombo, model) && m_modelCombo->count() > 0)
            m_modelCombo->setCurrentIndex(m_modelCombo->count() - 1);   // newest
        if (model != comboId(m_modelCombo) || !selectComboId(m_datasetCombo, dataset))
            selectModelDataset();
        if (auto list = store->evaluations()) {
            m_history->setRowCount(int(list->size()));
            int row = 0;
            for (const EvaluationInfo &e : list.value()) {
                auto id = new QTableWidgetItem(QStringLiteral("#%1").arg(e.id));
                id->setData(Qt::UserRole, e.id);
                m_history->setItem(row, 0, id);
                m_history->setItem(row, 1, new QTableWidgetItem(QStringLiteral("#%1").arg(e.modelVersionId)));
                m_history->setItem(row, 2, new QTableWidgetItem(e.split));
                m_history->setItem(row, 3, new QTableWidgetItem(e.datasetId > 0 ? QStringLiteral("#%1").arg(e.datasetId)
                                                                                : tr("model's")));
                if (e.regression) {
                    // Regression: R² where classifiers show accuracy, MAE where they show F1.
                    const QJsonObject m = QJsonDocument::fromJson(e.metricsJson.toUtf8()).object();
                    const double r2 = m.value(QLatin1String("r2")).toDouble(), mae = m.value(QLatin1String("mae")).toDouble();
                    m_history->setItem(row, 4, new NumericItem(tr("R² %1").arg(r2, 0, 'f', 4), r2));
                    m_history->setItem(row, 5, new NumericItem(tr("MAE %1").arg(mae, 0, 'g', 4), mae));
                } else {
                    m_history->setItem(row, 4, new NumericItem(percent(e.accuracy), e.accuracy));
                    m_history->setItem(row, 5, new NumericItem(QString::number(e.macroF1, 'f', 4), e.macroF1));
                }
                m_history->setItem(row, 6, new QTableWidgetItem(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat)));
                m_compareA->addItem(evaluationText(e), e.id);
                m_compareB->addItem(evaluationText(e), e.id);
                ++row;
            }
            // A new evaluation becomes B, compared with what B was (or the one before it).
            const int count = m_compareB->count();
            if (count != previousCount && count > 0) {
                const qint64 newestId = list->last().id;
                m_compareB->setCurrentIndex(count - 1);
                if (!(b && b != newestId && selectComboId(m_compareA, b)))
                    m_compareA->setCurrentIndex(std::max(0, count - 2));
            } else {
                selectComboId(m_compareA, a);
                selectComboId(m_compareB, b);
            }
            // Show the newest stored evaluation rather than empty tables when nothing is shown yet.
            showNewest = !list->isEmpty() && !m_current && !m_watcher.isRunning();
            if (showNewest)
                newest = list->last().id;
        } else {
            showError(list.error());
        }
    }
    const bool running = m_watcher.isRunning();
    m_evaluateButton->setEnabled(!running && m_modelCombo->count() > 0);
    m_evaluateButton->setToolTip(m_modelCombo->count() == 0 ? tr("Train a model first: there is no model version.")
                                                            : QString());
    const bool shown = m_current.has_value();
    m_exportCsv->setEnabled(shown && m_current->hasPredictions());
    m_exportJson->setEnabled(shown);
    m_exportHtml->setEnabled(shown);
    if (showNewest)
        showEvaluation(newest);
    compare();
}

void EvaluationDock::selectModelVersion(qint64 modelVersionId)
{
    selectComboId(m_modelCombo, modelVersionId);
}

// The dataset picker follows the model picker: a model version is evaluated on its own dataset
// unless another one is picked.
void EvaluationDock::selectModelDataset()
{
    ProjectStore *store = m_project->store();
    const qint64 model = comboId(m_modelCombo);
    if (!store || model == 0)
        return;
    if (auto info = store->modelVersion(model))
        selectComboId(m_datasetCombo, info->datasetId);
}

void EvaluationDock::evaluate()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    const qint64 model = comboId(m_modelCombo);
    if (model == 0)
        return;
    EvaluationTarget target;
    target.datasetId = comboId(m_datasetCombo);
    const int splitData = m_splitCombo->currentData().toInt();
    if (splitData >= 0)
        target.split = Split(splitData);
    else
        target.split = std::nullopt;
    showError({});
    m_summary->setText(tr("Evaluating model version #%1 on %2 of %3…")
                           .arg(model)
                           .arg(target.split ? tr("the %1 split").arg(splitName(*target.split)) : tr("all samples"),
                                m_datasetCombo->currentText().toHtmlEscaped()));
    m_cancel = CancelToken();
    m_job = std::make_shared<Job>();
    m_evaluateButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_progress->show();
    m_progress->setRange(0, 0);
    ProgressFn progress = [this](qint64 done, qint64 total, const QString &) {
        QMetaObject::invokeMethod(this, [this, done, total] {
            m_progress->setRange(0, int(std::max<qint64>(1, total)));
            m_progress->setValue(int(done));
        }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([job = m_job, path = m_project->path(), model, target, progress,
                                           cancel = m_cancel] {
        job->result = evaluateModel(path, model, target, progress, cancel);
        if (*job->result) {
            if (auto store = ProjectStore::open(path))
                job->thumbnails = evaluationThumbnails(*store.value(), job->result->value());
        }
    }));
}

void EvaluationDock::finish()
{
    m_progress->hide();
    m_cancelButton->setEnabled(false);
    if (!m_job || !m_job->result)
        return;
    const Result<EvaluationOutcome> &result = *m_job->result;
    if (!result) {
        m_summary->clear();
        showError(tr("Evaluation failed: %1").arg(result.error()));
        reload();
        return;
    }
    showOutcome(result.value(), m_job->thumbnails);
    m_summary->setText(m_summary->text() + tr(" — took %1 s").arg(result->seconds, 0, 'f', 2));
    m_project->notifyContentsChanged();
}

void EvaluationDock::showEvaluation(qint64 evaluationId)
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto e = loadEvaluation(*store, evaluationId);
    if (!e)
        return showError(e.error());
    showError({});
    selectComboId(m_modelCombo, e->modelVersionId);
    showOutcome(e.value());
    loadThumbnails(e.value());
    for (int row = 0; row < m_history->rowCount(); ++row) {
        if (m_history->item(row, 0)->data(Qt::UserRole).toLongLong() == evaluationId) {
            const QSignalBlocker blocker(m_history);
            m_history->selectRow(row);
        }
    }
}

void EvaluationDock::showOutcome(const EvaluationOutcome &e, const QHash<qint64, QImage> &thumbnails)
{
    m_current = e;
    ++m_thumbnailGeneration;   // thumbnails still loading for an earlier evaluation are stale now
    m_splitCombo->setCurrentIndex(std::max(0, m_splitCombo->findData(e.allSplits ? -1 : int(e.split))));
    if (e.datasetId > 0)
        selectComboId(m_datasetCombo, e.datasetId);
    const QString model = e.modelName.isEmpty() ? QStringLiteral("#%1").arg(e.modelVersionId)
                                                : QStringLiteral("#%1 (%2)").arg(e.modelVersionId).arg(e.modelName);
    const QString title = e.evaluationId ? tr("Evaluation #%1").arg(e.evaluationId) : tr("Evaluation (not stored)");
    const QString scope = e.allSplits ? tr("<b>all samples</b>") : tr("the <b>%1</b> split").arg(splitName(e.split));
    const QString dataset = e.datasetName.isEmpty() ? QString()
                                                    : tr(" of dataset #%1 %2").arg(e.datasetId).arg(e.datasetName.toHtmlEscaped());
    const QString task = e.regression ? tr("regression of <b>%1</b>").arg(e.targetName.toHtmlEscaped())
                                      : tr("%1 classes").arg(e.classes.size());
    m_summary->setText(tr("<b>%1</b> of model version %2 on %3 — %4 samples, %5%6")
                           .arg(title, model.toHtmlEscaped(), scope + dataset)
                           .arg(e.samples)
                           .arg(task)
                           .arg(e.created.isValid()
                                    ? tr(", %1").arg(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat))
                                    : QString()));
    m_cards->setEvaluation(e);
    // A regression model has no classes: its tab is the predicted-vs-true view, the class-based
    // tabs are hidden.
    for (QWidget *tab : {m_overviewTab, static_cast<QWidget *>(m_curves), static_cast<QWidget *>(m_gallery)})
        setTabShown(tab, !e.regression);
    setTabShown(m_regression, e.regression);
    if (e.regression) {
        if (!m_tabs->currentWidget() || !m_tabs->isTabVisible(m_tabs->currentIndex()) || m_tabs->currentWidget() == m_compareTab)
            m_tabs->setCurrentWidget(m_regression);
        m_regression->setEvaluation(e);
        setTabShown(m_thresholdTab, false);
        m_exportCsv->setEnabled(e.hasPredictions());
        m_exportJson->setEnabled(true);
        m_exportHtml->setEnabled(true);
        compare();
        return;
    }
    if (!m_tabs->isTabVisible(m_tabs->currentIndex()))
        m_tabs->setCurrentWidget(m_overviewTab);
    m_regression->clear();
    showClassTable(e);
    m_confusion->setMatrix(e.metrics.confusion, e.classes);
    m_curves->setEvaluation(e);
    m_gallery->setPredictions(e.predictions, e.classes, thumbnails, e.hasPredictions() ? QString() : e.scoresError);
    setTabShown(m_thresholdTab, m_threshold->setPredictions(e.predictions, e.classes));
    m_exportCsv->setEnabled(e.hasPredictions());
    m_exportJson->setEnabled(true);
    m_exportHtml->setEnabled(true);
    compare();
}

void EvaluationDock::loadThumbnails(const EvaluationOutcome &e)
{
    if (!e.hasPredictions() || !m_project->isOpen())
        return;
    const quint64 generation = m_thumbnailGeneration;
    m_thumbnailsPending = true;
    m_thumbnailWatcher.setFuture(QtConcurrent::run([path = m_project->path(), e, generation] {
        ThumbnailBatch batch;
        batch.generation = generation;
        if (auto store = ProjectStore::open(path))
            batch.thumbnails = evaluationThumbnails(*store.value(), e);
        return batch;
    }));
}

void EvaluationDock::showClassTable(const EvaluationOutcome &e)
{
    const ClassificationMetrics &m = e.metrics;
    m_classTable->setSortingEnabled(false);
    m_classTable->setRowCount(int(m.perClass.size()));
    for (int i = 0; i < m.perClass.size(); ++i) {
        const ClassMetrics &c = m.perClass[i];
        auto name = new NumericItem(e.classes.value(i, QString::number(i)), i);   // sorts in class order
        name->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        m_classTable->setItem(i, 0, name);
        m_classTable->setItem(i, 1, new NumericItem(QString::number(c.precision, 'f', 4), c.precision));
        m_classTable->setItem(i, 2, new NumericItem(QString::number(c.recall, 'f', 4), c.recall));
        m_classTable->setItem(i, 3, new NumericItem(QString::number(c.f1, 'f', 4), c.f1));
        m_classTable->setItem(i, 4, new NumericItem(QString::number(c.support), double(c.support)));
        const ClassRanking *r = e.scores && i < e.scores->perClass.size() ? &e.scores->perClass[i] : nullptr;
        for (int col : {5, 6}) {
            const std::optional<double> v = r ? (col == 5 ? r->rocAuc : r->averagePrecision) : std::nullopt;
            if (v) {
                m_classTable->setItem(i, col, new NumericItem(QString::number(*v, 'f', 4), *v));
            } else {
                auto item = new QTableWidgetItem(QStringLiteral("—"));
                item->setToolTip(r ? r->undefined : e.scoresError);
                m_classTable->setItem(i, col, item);
            }
        }
    }
    m_classTable->setSortingEnabled(true);
}

void EvaluationDock::compare()
{
    ProjectStore *store = m_project->store();
    const qint64 a = comboId(m_compareA), b = comboId(m_compareB);
    if (!store || a == 0 || b == 0) {
        m_comparison->clear(tr("Compare needs stored evaluations: evaluate a model version (twice, or two "
                               "versions) first."));
        return;
    }
    auto ea = loadEvaluation(*store, a);
    auto eb = loadEvaluation(*store, b);
    if (!ea || !eb)
        return m_comparison->clear(!ea ? ea.error() : eb.error());
    if (ea->regression || eb->regression) {
        if (ea->regression != eb->regression)
            return m_comparison->clear(tr("Evaluation #%1 is of a regression model and #%2 of a classifier: their "
                                          "metrics cannot be compared.")
                                           .arg(ea->regression ? a : b)
                                           .arg(ea->regression ? b : a));
        const auto line = [](const EvaluationOutcome &e) {
            const RegressionMetrics &m = e.regressionMetrics;
            return QStringLiteral("#%1 (model #%2, %3): MAE %4, RMSE %5, R² %6")
                .arg(e.evaluationId)
                .arg(e.modelVersionId)
                .arg(e.scopeName())
                .arg(m.mae, 0, 'g', 5)
                .arg(m.rmse, 0, 'g', 5)
                .arg(m.r2 ? QString::number(*m.r2, 'f', 4) : QStringLiteral("undefined"));
        };
        const double d = eb->regressionMetrics.mae - ea->regressionMetrics.mae;
        return m_comparison->clear(tr("A %1\nB %2\nB − A: MAE %3%4 (%5)")
                                       .arg(line(ea.value()), line(eb.value()))
                                       .arg(d >= 0 ? QStringLiteral("+") : QString())
                                       .arg(d, 0, 'g', 5)
                                       .arg(d < 0 ? tr("B is better") : d > 0 ? tr("A is better") : tr("equal")));
    }
    m_comparison->setEvaluations(ea.value(), eb.value());
}

Status EvaluationDock::exportReport(const QString &path)
{
    if (!m_current)
        return Status::failure(tr("There is no evaluation to export."));
    return writeReport(*m_current, path);
}

void EvaluationDock::exportWithDialog(const QString &kind)
{
    if (!m_current)
        return;
    const QString base = QStringLiteral("evaluation-%1").arg(m_current->evaluationId);
    const QString filter = kind == QLatin1String("csv")    ? tr("Predictions (*.csv)")
                           : kind == QLatin1String("json") ? tr("Metrics (*.json)")
                                                           : tr("HTML report (*.html)");
    const QString start = QFileInfo(m_project->path()).absoluteDir().filePath(base + QLatin1Char('.') + kind);
    QString path = QFileDialog::getSaveFileName(this, tr("Export evaluation"), start, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QLatin1Char('.') + kind;
    if (auto written = exportReport(path); !written)
        showError(written.error());
    else
        m_summary->setText(m_summary->text().section(QStringLiteral(" — wrote "), 0, 0)
                           + tr(" — wrote %1").arg(path.toHtmlEscaped()));
}

} // namespace lepton
