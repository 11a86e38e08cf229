#include "exportdock.h"

#include "exporttargetreport.h"
#include "projectcontext.h"
#include "recordtext.h"

#include "deploy/onnxexport.h"
#include "project/projectstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace lepton {

namespace {

const char *const kTargetKeys[] = {"torchscript", "onnx", "package"};

QString uniquePackageFolder(const QString &folder)
{
    const QString base = QDir(folder).filePath(
        QStringLiteral("package-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QString dir = base;
    for (int n = 2; QFileInfo::exists(dir) || QFileInfo::exists(dir + QStringLiteral(".tar.gz")); ++n)
        dir = base + QStringLiteral("-%1").arg(n);
    return dir;
}

} // namespace

ExportDock::ExportDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Export"), parent)
    , m_project(project)
    , m_modelCombo(new QComboBox)
    , m_folderEdit(new QLineEdit)
    , m_browseButton(new QPushButton(tr("Browse…")))
    , m_openFolderButton(new QPushButton(tr("Open Folder")))
    , m_targetChecks{new QCheckBox(tr("TorchScript (model.pt)")),
                     new QCheckBox(tr("ONNX (model.onnx), opset")),
                     new QCheckBox(tr("Deployment package (package-<time>/ and .tar.gz)"))}
    , m_opsetSpin(new QSpinBox)
    , m_exportButton(new QPushButton(tr("Export")))
    , m_cancelButton(new QPushButton(tr("Cancel")))
    , m_progress(new QProgressBar)
    , m_error(new QLabel)
    , m_reports{new ExportTargetReport(tr("TorchScript")), new ExportTargetReport(tr("ONNX")),
                new ExportTargetReport(tr("Deployment package"))}
    , m_storedReport(new ExportTargetReport(tr("Stored export")))
    , m_results(new QScrollArea)
    , m_history(new QTableWidget)
{
    setObjectName("exportDock");
    m_modelCombo->setObjectName("exportModelCombo");
    m_folderEdit->setObjectName("exportFolderEdit");
    m_browseButton->setObjectName("exportBrowseButton");
    m_openFolderButton->setObjectName("exportOpenFolderButton");
    m_opsetSpin->setObjectName("exportOpsetSpin");
    m_exportButton->setObjectName("exportRunButton");
    m_cancelButton->setObjectName("exportCancelButton");
    m_progress->setObjectName("exportProgress");
    m_error->setObjectName("exportError");
    m_storedReport->setObjectName("exportStoredReport");
    m_history->setObjectName("exportHistory");
    for (int t = 0; t < TargetCount; ++t) {
        m_targetChecks[t]->setObjectName(QStringLiteral("exportTarget-%1").arg(kTargetKeys[t]));
        m_reports[t]->setObjectName(QStringLiteral("exportReport-%1").arg(kTargetKeys[t]));
        m_reports[t]->hide();
    }
    m_storedReport->hide();
    m_targetChecks[TorchScriptTarget]->setChecked(true);
    m_targetChecks[OnnxTarget]->setChecked(true);
    m_targetChecks[PackageTarget]->setToolTip(
        tr("A folder with model.pt, model.onnx, labels, preprocessing, manifest (SHA-256 of every file), "
           "README and smoke-test samples, plus a .tar.gz of it."));
    m_opsetSpin->setRange(OnnxMinOpset, OnnxMaxOpset);
    m_opsetSpin->setValue(OnnxDefaultOpset);
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(24);
    m_openFolderButton->setToolTip(tr("Show the output folder in the file manager"));
    m_progress->hide();
    m_cancelButton->hide();
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    m_history->setColumnCount(7);
    m_history->setHorizontalHeaderLabels({tr("Export"), tr("Model version"), tr("Format"), tr("Verification"),
                                          tr("Created"), tr("SHA-256"), tr("File")});
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->horizontalHeader()->setStretchLastSection(true);

    auto folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folderEdit, 1);
    folderRow->addWidget(m_browseButton);
    folderRow->addWidget(m_openFolderButton);
    auto targetRow = new QHBoxLayout;
    targetRow->addWidget(m_targetChecks[TorchScriptTarget]);
    targetRow->addSpacing(12);
    targetRow->addWidget(m_targetChecks[OnnxTarget]);
    targetRow->addWidget(m_opsetSpin);
    targetRow->addSpacing(12);
    targetRow->addWidget(m_targetChecks[PackageTarget]);
    targetRow->addStretch(1);
    auto form = new QFormLayout;
    form->addRow(tr("Model version:"), m_modelCombo);
    form->addRow(tr("Output folder:"), folderRow);
    form->addRow(tr("Targets:"), targetRow);
    auto run = new QHBoxLayout;
    run->addWidget(m_exportButton);
    run->addWidget(m_cancelButton);
    run->addWidget(m_progress, 1);
    run->addStretch(0);

    auto reports = new QWidget;
    auto reportRow = new QHBoxLayout(reports);
    reportRow->setContentsMargins(0, 0, 0, 0);
    for (ExportTargetReport *r : m_reports)
        reportRow->addWidget(r, 1, Qt::AlignTop);
    reportRow->addWidget(m_storedReport, 1, Qt::AlignTop);
    m_results->setObjectName("exportResults");
    m_results->setWidget(reports);
    m_results->setWidgetResizable(true);
    m_results->setFrameShape(QFrame::NoFrame);
    m_results->hide();

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(form);
    layout->addLayout(run);
    layout->addWidget(m_error);
    layout->addWidget(m_results);
    layout->addWidget(new QLabel(tr("Stored exports (select one to see its verification report)")));
    layout->addWidget(m_history, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        ++m_generation;
        m_folderEdited = false;
        for (ExportTargetReport *r : m_reports)
            r->hide();
        m_storedReport->hide();
        updateResultsArea();
        showError({});
        reload();
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &ExportDock::reload);
    connect(m_modelCombo, &QComboBox::currentIndexChanged, this, &ExportDock::suggestFolder);
    connect(m_folderEdit, &QLineEdit::textEdited, this, [this] { m_folderEdited = true; });
    connect(m_folderEdit, &QLineEdit::textChanged, this, &ExportDock::updateButtons);
    for (QCheckBox *check : m_targetChecks)
        connect(check, &QCheckBox::toggled, this, &ExportDock::updateButtons);
    connect(m_browseButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Folder"), m_folderEdit->text());
        if (!dir.isEmpty()) {
            m_folderEdit->setText(dir);
            m_folderEdited = true;
        }
    });
    connect(m_openFolderButton, &QPushButton::clicked, this, [this] {
        const QFileInfo dir(m_folderEdit->text().trimmed());
        if (dir.isDir() && !QDesktopServices::openUrl(QUrl::fromLocalFile(dir.absoluteFilePath())))
            showError(tr("No file manager could open %1").arg(dir.absoluteFilePath()));
    });
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDock::startExport);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_cancel.cancel();
        m_cancelButton->setEnabled(false);
        m_cancelButton->setText(tr("Cancelling…"));
    });
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

void ExportDock::updateResultsArea()
{
    bool any = m_storedReport->isVisibleTo(m_results->widget());
    for (ExportTargetReport *r : m_reports)
        any = any || r->isVisibleTo(m_results->widget());
    m_results->setVisible(any);
    // QScrollArea caches its widget's size hint, so ask for the reports' height directly; beyond
    // about 24 lines the reports scroll instead of squeezing the history.
    const int wanted = m_results->widget()->sizeHint().height() + 2 * m_results->frameWidth();
    m_results->setMinimumHeight(std::min(wanted, 24 * fontMetrics().height()));
}

QString ExportDock::targetName(Target target) const
{
    return m_reports[target]->title();
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
        } else {
            showError(list.error());
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
                const QVector<NamedVerification> checks = verificationsFromJson(e.verificationJson);
                bool passed = !checks.isEmpty();
                for (const NamedVerification &c : checks)
                    passed = passed && c.verification.passed;
                auto verdict = new QTableWidgetItem(checks.isEmpty() ? tr("unreadable")
                                                    : passed          ? tr("passed")
                                                                      : tr("failed"));
                verdict->setToolTip(e.verificationJson);
                m_history->setItem(row, 3, verdict);
                m_history->setItem(row, 4, new QTableWidgetItem(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat)));
                auto sha = new QTableWidgetItem(e.sha256.left(12) + QStringLiteral("…"));
                sha->setToolTip(e.sha256);
                m_history->setItem(row, 5, sha);
                auto file = new QTableWidgetItem(e.path);
                file->setToolTip(e.path);
                m_history->setItem(row, 6, file);
                ++row;
            }
        } else {
            showError(list.error());
        }
    }
    suggestFolder();
    updateButtons();
}

void ExportDock::suggestFolder()
{
    if (m_folderEdited || !m_project->isOpen())
        return;
    const qint64 model = comboId(m_modelCombo);
    if (model == 0) {
        m_folderEdit->clear();
        return;
    }
    const QFileInfo project(m_project->path());
    m_folderEdit->setText(QDir(project.absolutePath()).filePath(QStringLiteral("exports/version-%1").arg(model)));
}

void ExportDock::updateButtons()
{
    const bool running = m_watcher.isRunning();
    bool anyTarget = false;
    for (QCheckBox *check : m_targetChecks) {
        check->setEnabled(!running);
        anyTarget = anyTarget || check->isChecked();
    }
    m_opsetSpin->setEnabled(!running && m_targetChecks[OnnxTarget]->isChecked());
    m_modelCombo->setEnabled(!running);
    m_folderEdit->setEnabled(!running);
    m_browseButton->setEnabled(!running);
    const QString folder = m_folderEdit->text().trimmed();
    m_openFolderButton->setEnabled(!folder.isEmpty() && QFileInfo(folder).isDir());

    QString why;
    if (m_modelCombo->count() == 0)
        why = tr("Train a model first: there is no model version.");
    else if (!anyTarget)
        why = tr("Tick at least one target.");
    else if (folder.isEmpty())
        why = tr("Choose an output folder.");
    m_exportButton->setEnabled(!running && why.isEmpty());
    m_exportButton->setToolTip(why);
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
    const QString folder = QFileInfo(m_folderEdit->text().trimmed()).absoluteFilePath();
    QVector<Target> targets;
    for (int t = 0; t < TargetCount; ++t)
        if (m_targetChecks[t]->isChecked())
            targets << Target(t);
    if (model == 0 || targets.isEmpty() || m_folderEdit->text().trimmed().isEmpty())
        return;
    if (!QDir().mkpath(folder)) {
        showError(tr("Cannot create the folder %1").arg(folder));
        return;
    }
    showError({});
    m_storedReport->hide();
    {
        const QSignalBlocker blocker(m_history);
        m_history->clearSelection();
    }
    for (int t = 0; t < TargetCount; ++t) {
        m_reports[t]->setVisible(targets.contains(Target(t)));
        m_reports[t]->showPending(tr("Waiting…"));
    }
    updateResultsArea();
    m_cancel = CancelToken();
    m_running = targets.size();
    m_runIndex = 0;
    m_cancelButton->setEnabled(true);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->show();
    m_progress->show();
    m_progress->setRange(0, 0);

    const int opset = m_opsetSpin->value();
    const QString packageDir = uniquePackageFolder(folder);
    const int generation = m_generation;
    // Runs on the worker thread: each target is independent, so one failing does not stop the rest.
    m_watcher.setFuture(QtConcurrent::run([this, targets, generation, opset, folder, packageDir,
                                           path = m_project->path(), model, cancel = m_cancel] {
        for (Target t : targets) {
            TargetOutcome o;
            o.target = t;
            if (cancel.isCancelled()) {
                o.error = tr("Cancelled before it started.");
            } else {
                QMetaObject::invokeMethod(this, [this, t, generation] {
                    if (generation == m_generation)
                        targetStarted(t);
                }, Qt::QueuedConnection);
                ProgressFn progress = [this, t, generation](qint64 done, qint64 total, const QString &stage) {
                    QMetaObject::invokeMethod(this, [this, t, generation, done, total, stage] {
                        if (generation == m_generation)
                            targetProgress(t, done, total, stage);
                    }, Qt::QueuedConnection);
                };
                if (t == TorchScriptTarget) {
                    auto r = exportTorchScript(path, model, QDir(folder).filePath("model.pt"), progress, cancel);
                    if (r)
                        o.exported = r.value();
                    else
                        o.error = r.error();
                } else if (t == OnnxTarget) {
                    auto r = exportOnnx(path, model, QDir(folder).filePath("model.onnx"), opset, progress, cancel);
                    if (r)
                        o.exported = r.value();
                    else
                        o.error = r.error();
                } else {
                    auto r = exportPackage(path, model, packageDir, progress, cancel);
                    if (r)
                        o.package = r.value();
                    else
                        o.error = r.error();
                }
                if (!o.error.isEmpty() && cancel.isCancelled())
                    o.error = tr("Cancelled: %1").arg(o.error);
            }
            QMetaObject::invokeMethod(this, [this, o, generation] {
                if (generation == m_generation)
                    targetFinished(o);
            }, Qt::QueuedConnection);
        }
    }));
    updateButtons();
}

void ExportDock::targetStarted(Target target)
{
    ++m_runIndex;
    m_reports[target]->showPending(tr("Exporting and verifying…"));
    targetProgress(target, 0, 0, QString());
}

void ExportDock::targetProgress(Target target, qint64 done, qint64 total, const QString &stage)
{
    m_progress->setRange(0, int(std::max<qint64>(0, total)));
    m_progress->setValue(int(done));
    QString text = tr("%1 (%2 of %3)").arg(targetName(target)).arg(m_runIndex).arg(m_running);
    if (!stage.isEmpty())
        text += QStringLiteral(": ") + stage;
    m_progress->setFormat(total > 0 ? text + QStringLiteral(" %p%") : text);
}

void ExportDock::targetFinished(const TargetOutcome &o)
{
    ExportTargetReport *report = m_reports[o.target];
    if (!o.error.isEmpty()) {
        report->showFailure(o.error);
        updateResultsArea();
        return;
    }
    if (o.target != PackageTarget) {
        const ExportOutcome &e = o.exported;
        QString summary = tr("Export #%1, verified on %2 test samples in %3 s")
                              .arg(e.exportId)
                              .arg(e.verification.samples)
                              .arg(e.seconds, 0, 'f', 2);
        if (o.target == OnnxTarget)
            summary = tr("Opset %1. ").arg(m_opsetSpin->value()) + summary;
        report->showVerified(summary, {{QString(), e.verification}}, e.sha256, e.path);
        updateResultsArea();
        return;
    }
    const PackageOutcome &p = o.package;
    // The archive's hash and id are in the record exportPackage added.
    QString sha;
    qint64 id = 0;
    if (ProjectStore *store = m_project->store()) {
        if (auto list = store->exports()) {
            for (const ExportInfo &e : list.value())
                if (e.format == QLatin1String("package") && QFileInfo(e.path) == QFileInfo(p.archive))
                    sha = e.sha256, id = e.id;
        }
    }
    const QString summary = id > 0 ? tr("Export #%1, %2 files, in %3 s").arg(id).arg(p.files.size()).arg(p.seconds, 0, 'f', 2)
                                   : tr("%1 files, in %2 s (no project record found for the archive)")
                                         .arg(p.files.size())
                                         .arg(p.seconds, 0, 'f', 2);
    report->showVerified(summary,
                         {{tr("TorchScript"), p.torchscript.verification}, {tr("ONNX"), p.onnx.verification}},
                         sha, p.archive, p.folder);
    updateResultsArea();
}

void ExportDock::finish()
{
    m_progress->hide();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_cancelButton->hide();
    m_running = m_runIndex = 0;
    updateButtons();
    if (m_project->isOpen())
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
        if (!m_watcher.isRunning()) {
            for (ExportTargetReport *r : m_reports)
                r->hide();
        }
        const QVector<NamedVerification> checks = verificationsFromJson(e.verificationJson);
        const qint64 samples = checks.isEmpty() ? 0 : checks.first().verification.samples;
        QString folder;
        if (e.format == QLatin1String("package") && e.path.endsWith(QLatin1String(".tar.gz"))
            && QFileInfo(e.path.chopped(7)).isDir())
            folder = e.path.chopped(7);
        m_storedReport->setTitle(tr("Stored export #%1 (%2)").arg(e.id).arg(e.format));
        m_storedReport->showVerified(tr("Model version #%1, created %2, verified on %3 samples")
                                         .arg(e.modelVersionId)
                                         .arg(QLocale().toString(e.created.toLocalTime(), QLocale::ShortFormat))
                                         .arg(samples),
                                     checks, e.sha256, e.path, folder, e.verificationJson);
        m_storedReport->show();
        updateResultsArea();
        for (int row = 0; row < m_history->rowCount(); ++row) {
            if (m_history->item(row, 0)->data(Qt::UserRole).toLongLong() == exportId) {
                const QSignalBlocker blocker(m_history);
                m_history->selectRow(row);
            }
        }
        return;
    }
}

} // namespace lepton
