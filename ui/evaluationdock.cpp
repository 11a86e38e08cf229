#include "evaluationdock.h"

#include "projectcontext.h"
#include "recordtext.h"

#include "eval/evaluator.h"
#include "project/projectstore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QtConcurrent>

#include <optional>

namespace lepton {

struct EvaluationDock::Job
{
    std::optional<Result<EvaluationOutcome>> result;
};

namespace {

QTableWidgetItem *numberItem(const QString &text)
{
    auto item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget *makeTable(const QString &objectName)
{
    auto table = new QTableWidget;
    table->setObjectName(objectName);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return table;
}

} // namespace

EvaluationDock::EvaluationDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Evaluation"), parent)
    , m_project(project)
    , m_modelCombo(new QComboBox)
    , m_splitCombo(new QComboBox)
    , m_evaluateButton(new QPushButton(tr("Evaluate")))
    , m_cancelButton(new QPushButton(tr("Cancel")))
    , m_progress(new QProgressBar)
    , m_summary(new QLabel)
    , m_error(new QLabel)
    , m_classTable(makeTable("evaluationClassTable"))
    , m_confusionTable(makeTable("evaluationConfusionTable"))
    , m_history(makeTable("evaluationHistory"))
{
    setObjectName("evaluationDock");
    m_modelCombo->setObjectName("evaluationModelCombo");
    m_splitCombo->setObjectName("evaluationSplitCombo");
    m_evaluateButton->setObjectName("evaluationRunButton");
    m_cancelButton->setObjectName("evaluationCancelButton");
    m_progress->setObjectName("evaluationProgress");
    m_summary->setObjectName("evaluationSummary");
    m_error->setObjectName("evaluationError");
    for (Split s : {Split::Test, Split::Validation, Split::Train})
        m_splitCombo->addItem(splitName(s), int(s));
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(24);
    m_cancelButton->setEnabled(false);
    m_progress->reset();
    m_progress->hide();
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();

    m_classTable->setColumnCount(5);
    m_classTable->setHorizontalHeaderLabels(
        {tr("Class"), tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
    m_classTable->verticalHeader()->hide();
    m_confusionTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusionTable->setToolTip(tr("Rows: true class, columns: predicted class"));
    m_history->setColumnCount(6);
    m_history->setHorizontalHeaderLabels({tr("Evaluation"), tr("Model version"), tr("Split"),
                                          tr("Accuracy"), tr("Macro F1"), tr("Created")});
    m_history->verticalHeader()->hide();
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->horizontalHeader()->setStretchLastSection(true);

    auto controls = new QHBoxLayout;
    auto form = new QFormLayout;
    form->addRow(tr("Model version:"), m_modelCombo);
    form->addRow(tr("Split:"), m_splitCombo);
    controls->addLayout(form, 1);
    auto buttons = new QVBoxLayout;
    buttons->addWidget(m_evaluateButton);
    buttons->addWidget(m_cancelButton);
    controls->addLayout(buttons);

    auto confusionBox = new QWidget;
    auto confusionLayout = new QVBoxLayout(confusionBox);
    confusionLayout->setContentsMargins(0, 0, 0, 0);
    confusionLayout->addWidget(new QLabel(tr("Confusion matrix (rows: true, columns: predicted)")));
    confusionLayout->addWidget(m_confusionTable);
    auto classBox = new QWidget;
    auto classLayout = new QVBoxLayout(classBox);
    classLayout->setContentsMargins(0, 0, 0, 0);
    classLayout->addWidget(new QLabel(tr("Per class")));
    classLayout->addWidget(m_classTable);
    auto results = new QSplitter(Qt::Horizontal);
    results->addWidget(classBox);
    results->addWidget(confusionBox);
    results->setStretchFactor(0, 2);
    results->setStretchFactor(1, 3);
    results->setSizes({400, 600});

    auto historyBox = new QWidget;
    auto historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    historyLayout->addWidget(new QLabel(tr("Stored evaluations")));
    historyLayout->addWidget(m_history);
    auto vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(results);
    vertical->addWidget(historyBox);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(controls);
    layout->addWidget(m_progress);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
    layout->addWidget(vertical, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_summary->clear();
        m_classTable->setRowCount(0);
        m_confusionTable->setRowCount(0);
        m_confusionTable->setColumnCount(0);
        showError({});
        reload();
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &EvaluationDock::reload);
    connect(m_evaluateButton, &QPushButton::clicked, this, &EvaluationDock::evaluate);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_cancel.cancel(); });
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &EvaluationDock::finish);
    connect(m_history, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> selected = m_history->selectedItems();
        if (!selected.isEmpty())
            showEvaluation(m_history->item(selected.first()->row(), 0)->data(Qt::UserRole).toLongLong());
    });
    reload();
}

EvaluationDock::~EvaluationDock()
{
    stopAndWait();
}

void EvaluationDock::stopAndWait()
{
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
    m_modelCombo->clear();
    const QSignalBlocker blocker(m_history);
    m_history->setRowCount(0);
    ProjectStore *store = m_project->store();
    if (store) {
        if (auto list = store->modelVersions()) {
            for (const ModelVersionInfo &m : list.value())
                m_modelCombo->addItem(modelVersionText(m), m.id);
        }
        if (!selectComboId(m_modelCombo, model) && m_modelCombo->count() > 0)
            m_modelCombo->setCurrentIndex(m_modelCombo->count() - 1);   // newest
        if (auto list = store->evaluations()) {
            m_history->setRowCount(list->size());
            int row = 0;
            for (const EvaluationInfo &e : list.value()) {
                auto id = new QTableWidgetItem(QStringLiteral("#%1").arg(e.id));
                id->setData(Qt::UserRole, e.id);
                m_history->setItem(row, 0, id);
                m_history->setItem(row, 1, new QTableWidgetItem(QStringLiteral("#%1").arg(e.modelVersionId)));
                m_history->setItem(row, 2, new QTableWidgetItem(e.split));
                m_history->setItem(row, 3, numberItem(percent(e.accuracy)));
                m_history->setItem(row, 4, numberItem(QString::number(e.macroF1, 'f', 4)));
                m_history->setItem(row, 5, new QTableWidgetItem(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat)));
                ++row;
            }
            // Show the newest stored evaluation rather than empty tables when nothing is shown yet.
            if (!list->isEmpty() && m_classTable->rowCount() == 0 && !m_watcher.isRunning())
                showEvaluation(list->last().id);
        } else {
            showError(list.error());
        }
    }
    const bool running = m_watcher.isRunning();
    m_evaluateButton->setEnabled(!running && m_modelCombo->count() > 0);
    m_evaluateButton->setToolTip(m_modelCombo->count() == 0
                                     ? tr("Train a model first: there is no model version.")
                                     : QString());
}

void EvaluationDock::selectModelVersion(qint64 modelVersionId)
{
    selectComboId(m_modelCombo, modelVersionId);
}

QStringList EvaluationDock::classesOfModelVersion(qint64 modelVersionId) const
{
    ProjectStore *store = m_project->store();
    if (!store)
        return {};
    auto model = store->modelVersion(modelVersionId);
    if (!model)
        return {};
    auto dataset = store->dataset(model->datasetId);
    return dataset ? dataset->classes : QStringList();
}

void EvaluationDock::evaluate()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    const qint64 model = comboId(m_modelCombo);
    if (model == 0)
        return;
    const Split split = Split(m_splitCombo->currentData().toInt());
    showError({});
    m_summary->setText(tr("Evaluating model version #%1 on the %2 split…").arg(model).arg(splitName(split)));
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
    m_watcher.setFuture(QtConcurrent::run([job = m_job, path = m_project->path(), model, split,
                                           progress, cancel = m_cancel] {
        job->result = evaluateModel(path, model, split, progress, cancel);
    }));
}

void EvaluationDock::finish()
{
    m_progress->hide();
    m_cancelButton->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    if (!m_job || !m_job->result)
        return;
    const Result<EvaluationOutcome> &result = *m_job->result;
    if (!result) {
        m_progress->reset();
        m_summary->clear();
        showError(tr("Evaluation failed: %1").arg(result.error()));
        reload();
        return;
    }
    const EvaluationOutcome &o = result.value();
    showTable(tableFromMetrics(o.metrics), o.classes);
    m_summary->setText(tr("<b>Evaluation #%1</b> of model version #%2 on %3 split, %4 samples "
                          "(%5 s): accuracy <b>%6</b>, macro F1 <b>%7</b>, macro precision %8, "
                          "macro recall %9")
                           .arg(o.evaluationId)
                           .arg(o.modelVersionId)
                           .arg(splitName(o.split))
                           .arg(o.samples)
                           .arg(o.seconds, 0, 'f', 2)
                           .arg(percent(o.metrics.accuracy))
                           .arg(o.metrics.macroF1, 0, 'f', 4)
                           .arg(o.metrics.macroPrecision, 0, 'f', 4)
                           .arg(o.metrics.macroRecall, 0, 'f', 4));
    m_project->notifyContentsChanged();
}

void EvaluationDock::showEvaluation(qint64 evaluationId)
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto list = store->evaluations();
    if (!list)
        return showError(list.error());
    for (const EvaluationInfo &e : list.value()) {
        if (e.id != evaluationId)
            continue;
        showError({});
        selectComboId(m_modelCombo, e.modelVersionId);
        Table table;
        if (!tableFromJson(e.metricsJson, &table)) {
            m_classTable->setRowCount(0);
            m_confusionTable->setRowCount(0);
            showError(tr("The stored metrics of evaluation #%1 cannot be read.").arg(e.id));
        } else {
            showTable(table, classesOfModelVersion(e.modelVersionId));
        }
        m_summary->setText(tr("<b>Evaluation #%1</b> (stored %2) of model version #%3 on %4 "
                              "split: accuracy <b>%5</b>, macro F1 <b>%6</b>")
                               .arg(e.id)
                               .arg(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat))
                               .arg(e.modelVersionId)
                               .arg(e.split, percent(e.accuracy))
                               .arg(e.macroF1, 0, 'f', 4));
        for (int row = 0; row < m_history->rowCount(); ++row) {
            if (m_history->item(row, 0)->data(Qt::UserRole).toLongLong() == evaluationId) {
                const QSignalBlocker blocker(m_history);
                m_history->selectRow(row);
            }
        }
        return;
    }
}

EvaluationDock::Table EvaluationDock::tableFromMetrics(const ClassificationMetrics &m)
{
    Table t;
    t.accuracy = m.accuracy;
    t.macroPrecision = m.macroPrecision;
    t.macroRecall = m.macroRecall;
    t.macroF1 = m.macroF1;
    t.perClass = m.perClass;
    const int n = m.confusion.classCount();
    t.confusion.resize(n);
    for (int r = 0; r < n; ++r) {
        t.confusion[r].resize(n);
        for (int c = 0; c < n; ++c)
            t.confusion[r][c] = m.confusion.at(r, c);
    }
    return t;
}

// Reads ClassificationMetrics::toJson() as stored in the project.
bool EvaluationDock::tableFromJson(const QString &json, Table *out)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (o.isEmpty())
        return false;
    Table t;
    t.accuracy = o.value("accuracy").toDouble();
    t.macroPrecision = o.value("macro_precision").toDouble();
    t.macroRecall = o.value("macro_recall").toDouble();
    t.macroF1 = o.value("macro_f1").toDouble();
    for (const QJsonValue &v : o.value("per_class").toArray()) {
        const QJsonObject c = v.toObject();
        ClassMetrics m;
        m.precision = c.value("precision").toDouble();
        m.recall = c.value("recall").toDouble();
        m.f1 = c.value("f1").toDouble();
        m.support = c.value("support").toInteger();
        t.perClass << m;
    }
    for (const QJsonValue &row : o.value("confusion_matrix").toArray()) {
        QVector<qint64> counts;
        for (const QJsonValue &v : row.toArray())
            counts << v.toInteger();
        t.confusion << counts;
    }
    *out = t;
    return !t.perClass.isEmpty() || !t.confusion.isEmpty();
}

void EvaluationDock::showTable(const Table &t, const QStringList &classes)
{
    auto className = [&](int i) { return classes.value(i, QString::number(i)); };
    m_classTable->setRowCount(t.perClass.size());
    for (int i = 0; i < t.perClass.size(); ++i) {
        const ClassMetrics &c = t.perClass[i];
        m_classTable->setItem(i, 0, new QTableWidgetItem(className(i)));
        m_classTable->setItem(i, 1, numberItem(QString::number(c.precision, 'f', 4)));
        m_classTable->setItem(i, 2, numberItem(QString::number(c.recall, 'f', 4)));
        m_classTable->setItem(i, 3, numberItem(QString::number(c.f1, 'f', 4)));
        m_classTable->setItem(i, 4, numberItem(QString::number(c.support)));
    }

    const int n = t.confusion.size();
    m_confusionTable->setRowCount(n);
    m_confusionTable->setColumnCount(n);
    QStringList headers;
    for (int i = 0; i < n; ++i)
        headers << className(i);
    m_confusionTable->setHorizontalHeaderLabels(headers);
    m_confusionTable->setVerticalHeaderLabels(headers);
    for (int r = 0; r < n; ++r) {
        qint64 rowSum = 0;
        for (qint64 v : t.confusion[r])
            rowSum += v;
        for (int c = 0; c < n; ++c) {
            const qint64 count = c < t.confusion[r].size() ? t.confusion[r][c] : 0;
            const double share = rowSum > 0 ? double(count) / rowSum : 0.0;
            auto item = numberItem(QString::number(count));
            item->setTextAlignment(Qt::AlignCenter);
            // Diagonal in blue (correct), off-diagonal in red (mistakes); stronger = larger share.
            const QColor full = r == c ? QColor(33, 102, 172) : QColor(202, 0, 32);
            const double alpha = count == 0 ? 0.0 : 0.15 + 0.85 * share;
            QColor bg(int(255 + (full.red() - 255) * alpha), int(255 + (full.green() - 255) * alpha),
                      int(255 + (full.blue() - 255) * alpha));
            item->setBackground(bg);
            item->setForeground(alpha > 0.55 ? Qt::white : Qt::black);
            item->setToolTip(tr("true %1, predicted %2: %3 (%4 of the row)")
                                 .arg(className(r), className(c))
                                 .arg(count)
                                 .arg(percent(share, 1)));
            m_confusionTable->setItem(r, c, item);
        }
    }
}

} // namespace lepton
