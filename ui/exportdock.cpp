#include "exportdock.h"

#include "projectcontext.h"
#include "recordtext.h"

#include "deploy/torchscriptexport.h"
#include "project/projectstore.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <optional>

namespace lepton {

struct ExportDock::Job
{
    qint64 modelVersionId = 0;
    std::optional<Result<ExportOutcome>> result;
};

namespace {

QLabel *valueLabel(const QString &objectName)
{
    auto label = new QLabel;
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

ExportDock::ExportDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Export"), parent)
    , m_project(project)
    , m_modelCombo(new QComboBox)
    , m_pathEdit(new QLineEdit)
    , m_browseButton(new QPushButton(tr("Browse…")))
    , m_exportButton(new QPushButton(tr("Export TorchScript")))
    , m_progress(new QProgressBar)
    , m_error(new QLabel)
    , m_reportTitle(new QLabel)
    , m_maxDiff(valueLabel("exportMaxAbsDiff"))
    , m_meanDiff(valueLabel("exportMeanAbsDiff"))
    , m_agreement(valueLabel("exportTop1Agreement"))
    , m_accuracy(valueLabel("exportAccuracy"))
    , m_verdict(valueLabel("exportVerdict"))
    , m_sha(valueLabel("exportSha256"))
    , m_path(valueLabel("exportPath"))
    , m_report(new QGroupBox(tr("Verification")))
    , m_history(new QTableWidget)
{
    setObjectName("exportDock");
    m_modelCombo->setObjectName("exportModelCombo");
    m_pathEdit->setObjectName("exportPathEdit");
    m_browseButton->setObjectName("exportBrowseButton");
    m_exportButton->setObjectName("exportRunButton");
    m_progress->setObjectName("exportProgress");
    m_error->setObjectName("exportError");
    m_reportTitle->setObjectName("exportReportTitle");
    m_history->setObjectName("exportHistory");
    m_report->setObjectName("exportReport");
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(24);
    m_progress->reset();
    m_progress->hide();
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    m_reportTitle->setWordWrap(true);
    m_sha->setStyleSheet("font-family: monospace;");

    auto reportForm = new QFormLayout(m_report);
    reportForm->addRow(m_reportTitle);
    reportForm->addRow(tr("Result:"), m_verdict);
    reportForm->addRow(tr("Max |diff|:"), m_maxDiff);
    reportForm->addRow(tr("Mean |diff|:"), m_meanDiff);
    reportForm->addRow(tr("Top-1 agreement:"), m_agreement);
    reportForm->addRow(tr("Exported accuracy:"), m_accuracy);
    reportForm->addRow(tr("SHA-256:"), m_sha);
    reportForm->addRow(tr("File:"), m_path);
    m_report->hide();

    m_history->setColumnCount(5);
    m_history->setHorizontalHeaderLabels(
        {tr("Export"), tr("Model version"), tr("Format"), tr("Created"), tr("File")});
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->horizontalHeader()->setStretchLastSection(true);

    auto pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(m_browseButton);
    auto form = new QFormLayout;
    form->addRow(tr("Model version:"), m_modelCombo);
    form->addRow(tr("Output file:"), pathRow);
    auto run = new QHBoxLayout;
    run->addWidget(m_exportButton);
    run->addWidget(m_progress, 1);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(form);
    layout->addLayout(run);
    layout->addWidget(m_error);
    layout->addWidget(m_report);
    layout->addWidget(new QLabel(tr("Stored exports")));
    layout->addWidget(m_history, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_pathEdited = false;
        m_report->hide();
        showError({});
        reload();
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &ExportDock::reload);
    connect(m_modelCombo, &QComboBox::currentIndexChanged, this, &ExportDock::suggestPath);
    connect(m_pathEdit, &QLineEdit::textEdited, this, [this] { m_pathEdited = true; });
    connect(m_browseButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export TorchScript"),
                                                          m_pathEdit->text(),
                                                          tr("TorchScript (*.pt)"));
        if (!path.isEmpty()) {
            m_pathEdit->setText(path);
            m_pathEdited = true;
        }
    });
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDock::startExport);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &ExportDock::finish);
    connect(m_history, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> selected = m_history->selectedItems();
        if (!selected.isEmpty())
            showExport(m_history->item(selected.first()->row(), 0)->data(Qt::UserRole).toLongLong());
    });
    reload();
}

ExportDock::~ExportDock()
{
    stopAndWait();
}

void ExportDock::stopAndWait()
{
    if (!m_watcher.isRunning())
        return;
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void ExportDock::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ExportDock::reload()
{
    const qint64 model = comboId(m_modelCombo);
    {
        const QSignalBlocker blocker(m_modelCombo);
        m_modelCombo->clear();
    }
    const QSignalBlocker blocker(m_history);
    m_history->setRowCount(0);
    if (ProjectStore *store = m_project->store()) {
        if (auto list = store->modelVersions()) {
            const QSignalBlocker comboBlocker(m_modelCombo);
            for (const ModelVersionInfo &m : list.value())
                m_modelCombo->addItem(modelVersionText(m), m.id);
            if (!selectComboId(m_modelCombo, model) && m_modelCombo->count() > 0)
                m_modelCombo->setCurrentIndex(m_modelCombo->count() - 1);
        }
        if (auto list = store->exports()) {
            m_history->setRowCount(list->size());
            int row = 0;
            for (const ExportInfo &e : list.value()) {
                auto id = new QTableWidgetItem(QStringLiteral("#%1").arg(e.id));
                id->setData(Qt::UserRole, e.id);
                m_history->setItem(row, 0, id);
                m_history->setItem(row, 1, new QTableWidgetItem(QStringLiteral("#%1").arg(e.modelVersionId)));
                m_history->setItem(row, 2, new QTableWidgetItem(e.format));
                m_history->setItem(row, 3, new QTableWidgetItem(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat)));
                auto file = new QTableWidgetItem(e.path);
                file->setToolTip(e.path);
                m_history->setItem(row, 4, file);
                ++row;
            }
        } else {
            showError(list.error());
        }
    }
    suggestPath();
    const bool running = m_watcher.isRunning();
    m_exportButton->setEnabled(!running && m_modelCombo->count() > 0);
    m_exportButton->setToolTip(m_modelCombo->count() == 0
                                   ? tr("Train a model first: there is no model version.")
                                   : QString());
}

void ExportDock::suggestPath()
{
    if (m_pathEdited || !m_project->isOpen())
        return;
    const qint64 model = comboId(m_modelCombo);
    if (model == 0) {
        m_pathEdit->clear();
        return;
    }
    const QFileInfo project(m_project->path());
    m_pathEdit->setText(QDir(project.absolutePath())
                            .filePath(QStringLiteral("%1-exports/model-v%2.pt")
                                          .arg(project.completeBaseName())
                                          .arg(model)));
}

void ExportDock::selectModelVersion(qint64 modelVersionId)
{
    selectComboId(m_modelCombo, modelVersionId);
}

void ExportDock::startExport()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    const qint64 model = comboId(m_modelCombo);
    const QString out = m_pathEdit->text().trimmed();
    if (model == 0)
        return;
    if (out.isEmpty()) {
        showError(tr("Choose an output file."));
        return;
    }
    if (!QDir().mkpath(QFileInfo(out).absolutePath())) {
        showError(tr("Cannot create the folder %1").arg(QFileInfo(out).absolutePath()));
        return;
    }
    showError({});
    m_report->hide();
    m_cancel = CancelToken();
    m_job = std::make_shared<Job>();
    m_job->modelVersionId = model;
    m_exportButton->setEnabled(false);
    m_progress->show();
    m_progress->setRange(0, 0);
    ProgressFn progress = [this](qint64 done, qint64 total, const QString &stage) {
        QMetaObject::invokeMethod(this, [this, done, total, stage] {
            m_progress->setRange(0, int(std::max<qint64>(1, total)));
            m_progress->setValue(int(done));
            m_progress->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage + QStringLiteral(" %p%"));
        }, Qt::QueuedConnection);
    };
    m_watcher.setFuture(QtConcurrent::run([job = m_job, path = m_project->path(), model, out,
                                           progress, cancel = m_cancel] {
        job->result = exportTorchScript(path, model, out, progress, cancel);
    }));
}

void ExportDock::finish()
{
    m_progress->hide();
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    m_progress->setFormat(QStringLiteral("%p%"));
    if (!m_job || !m_job->result)
        return;
    const Result<ExportOutcome> &result = *m_job->result;
    if (!result) {
        m_progress->reset();
        showError(tr("Export failed: %1").arg(result.error()));
        reload();
        return;
    }
    const ExportOutcome &o = result.value();
    Report r;
    r.path = o.path;
    r.sha256 = o.sha256;
    r.bytes = o.bytes;
    r.samples = o.verification.samples;
    r.maxAbsDiff = o.verification.maxAbsDiff;
    r.meanAbsDiff = o.verification.meanAbsDiff;
    r.top1Agreement = o.verification.top1Agreement;
    r.exportedAccuracy = o.verification.exportedAccuracy;
    r.passed = o.verification.passed;
    showReport(tr("Export #%1 of model version #%2, verified on %3 test samples (%4 s)")
                   .arg(o.exportId)
                   .arg(m_job->modelVersionId)
                   .arg(o.verification.samples)
                   .arg(o.seconds, 0, 'f', 2),
               r);
    m_project->notifyContentsChanged();
}

void ExportDock::showExport(qint64 exportId)
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto list = store->exports();
    if (!list)
        return showError(list.error());
    for (const ExportInfo &e : list.value()) {
        if (e.id != exportId)
            continue;
        showError({});
        // verificationJson: the ExportVerification fields in snake_case (deploy/torchscriptexport.cpp).
        const QJsonObject v = QJsonDocument::fromJson(e.verificationJson.toUtf8()).object();
        Report r;
        r.path = e.path;
        r.sha256 = e.sha256;
        r.samples = v.value("samples").toInteger();
        r.maxAbsDiff = v.value("max_abs_diff").toDouble();
        r.meanAbsDiff = v.value("mean_abs_diff").toDouble();
        r.top1Agreement = v.value("top1_agreement").toDouble();
        r.exportedAccuracy = v.value("exported_accuracy").toDouble();
        r.passed = v.value("passed").toBool();
        if (QFileInfo(e.path).exists())
            r.bytes = QFileInfo(e.path).size();
        showReport(tr("Export #%1 (stored %2) of model version #%3, %4, verified on %5 samples")
                       .arg(e.id)
                       .arg(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat))
                       .arg(e.modelVersionId)
                       .arg(e.format)
                       .arg(r.samples),
                   r);
        if (v.isEmpty())
            showError(tr("Export #%1 has no readable verification report.").arg(e.id));
        for (int row = 0; row < m_history->rowCount(); ++row) {
            if (m_history->item(row, 0)->data(Qt::UserRole).toLongLong() == exportId) {
                const QSignalBlocker blocker(m_history);
                m_history->selectRow(row);
            }
        }
        return;
    }
}

void ExportDock::showReport(const QString &title, const Report &r)
{
    m_reportTitle->setText(title);
    m_verdict->setText(r.passed ? tr("<b style='color:#1a7f37'>passed</b>")
                                : tr("<b style='color:#b00020'>failed</b>"));
    m_maxDiff->setText(QString::number(r.maxAbsDiff, 'g', 4));
    m_meanDiff->setText(QString::number(r.meanAbsDiff, 'g', 4));
    m_agreement->setText(percent(r.top1Agreement));
    m_accuracy->setText(percent(r.exportedAccuracy));
    m_sha->setText(r.sha256);
    QString file = r.path;
    if (r.bytes >= 0)
        file += QStringLiteral(" (%1)").arg(QLocale().formattedDataSize(r.bytes));
    else
        file += tr(" (file no longer exists)");
    m_path->setText(file);
    m_report->show();
}

} // namespace lepton
