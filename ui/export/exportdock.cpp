#include "export/exportdock.h"

#include "export/exporttargetreport.h"
#include "projectcontext.h"
#include "recordtext.h"

#include "project/projectstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
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

// "<folder>/<name>-<time>", numbered if taken (with or without an archive next to it).
QString uniqueFolder(const QString &folder, const QString &name)
{
    const QString base = QDir(folder).filePath(
        name + QStringLiteral("-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
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
    , m_toleranceEdit(new QLineEdit)
    , m_samplesSpin(new QSpinBox)
    , m_exportButton(new QPushButton(tr("Export")))
    , m_cancelButton(new QPushButton(tr("Cancel")))
    , m_progress(new QProgressBar)
    , m_error(new QLabel)
    , m_storedReport(new ExportTargetReport(tr("Stored export")))
    , m_results(new QScrollArea)
    , m_history(new QTableWidget)
{
    setObjectName("exportDock");
    m_modelCombo->setObjectName("exportModelCombo");
    m_folderEdit->setObjectName("exportFolderEdit");
    m_browseButton->setObjectName("exportBrowseButton");
    m_openFolderButton->setObjectName("exportOpenFolderButton");
    m_toleranceEdit->setObjectName("exportToleranceEdit");
    m_samplesSpin->setObjectName("exportVerifySamplesSpin");
    m_exportButton->setObjectName("exportRunButton");
    m_cancelButton->setObjectName("exportCancelButton");
    m_progress->setObjectName("exportProgress");
    m_error->setObjectName("exportError");
    m_storedReport->setObjectName("exportStoredReport");
    m_history->setObjectName("exportHistory");
    m_storedReport->hide();
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(24);
    m_openFolderButton->setToolTip(tr("Show the output folder in the file manager"));
    m_toleranceEdit->setText(QString::number(DefaultExportTolerance));
    m_toleranceEdit->setValidator(new QDoubleValidator(0.0, 1e9, 12, m_toleranceEdit));
    m_toleranceEdit->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.00000000")) + 16);
    m_toleranceEdit->setToolTip(tr("Largest |difference| allowed between the exported file's outputs and the "
                                   "live model's; beyond it the export fails and only its report is kept."));
    m_samplesSpin->setRange(1, 1000000);
    m_samplesSpin->setValue(int(DefaultExportVerifySamples));
    m_samplesSpin->setToolTip(tr("Held-out (test split) samples each export is verified on"));
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
    auto targetList = new QVBoxLayout;
    targetList->setSpacing(2);
    for (const auto &target : ExportTargetRegistry::instance().targets()) {
        TargetRow row;
        row.target = target;
        targetList->addWidget(makeTargetRow(row));
        m_targets.append(row);
    }
    auto checkRow = new QHBoxLayout;
    checkRow->addWidget(new QLabel(tr("max |diff|")));
    checkRow->addWidget(m_toleranceEdit);
    checkRow->addSpacing(12);
    checkRow->addWidget(new QLabel(tr("on up to")));
    checkRow->addWidget(m_samplesSpin);
    checkRow->addWidget(new QLabel(tr("test samples")));
    checkRow->addStretch(1);
    auto form = new QFormLayout;
    form->addRow(tr("Model version:"), m_modelCombo);
    form->addRow(tr("Output folder:"), folderRow);
    form->addRow(tr("Targets:"), targetList);
    form->addRow(tr("Verification:"), checkRow);
    auto run = new QHBoxLayout;
    run->addWidget(m_exportButton);
    run->addWidget(m_cancelButton);
    run->addWidget(m_progress, 1);
    run->addStretch(0);

    auto reports = new QWidget;
    auto reportRow = new QHBoxLayout(reports);
    reportRow->setContentsMargins(0, 0, 0, 0);
    for (const TargetRow &t : m_targets)
        reportRow->addWidget(t.report, 1, Qt::AlignTop);
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
        for (const TargetRow &t : m_targets)
            t.report->hide();
        m_storedReport->hide();
        updateResultsArea();
        showError({});
        reload();
    });
    connect(m_project, &ProjectContext::contentsChanged, this, &ExportDock::reload);
    connect(m_modelCombo, &QComboBox::currentIndexChanged, this, &ExportDock::suggestFolder);
    connect(m_folderEdit, &QLineEdit::textEdited, this, [this] { m_folderEdited = true; });
    connect(m_folderEdit, &QLineEdit::textChanged, this, &ExportDock::updateButtons);
    for (const TargetRow &t : m_targets)
        connect(t.check, &QCheckBox::toggled, this, &ExportDock::updateButtons);
    connect(m_toleranceEdit, &QLineEdit::textChanged, this, &ExportDock::updateButtons);
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
    for (const TargetRow &t : m_targets)
        any = any || t.report->isVisibleTo(m_results->widget());
    m_results->setVisible(any);
    // QScrollArea caches its widget's size hint, so ask for the reports' height directly; beyond
    // about 24 lines the reports scroll instead of squeezing the history.
    const int wanted = m_results->widget()->sizeHint().height() + 2 * m_results->frameWidth();
    m_results->setMinimumHeight(std::min(wanted, 24 * fontMetrics().height()));
}

QWidget *ExportDock::makeTargetRow(TargetRow &row)
{
    const ExportTarget &t = *row.target;
    auto line = new QWidget;
    auto layout = new QHBoxLayout(line);
    layout->setContentsMargins(0, 0, 0, 0);
    row.check = new QCheckBox(t.name());
    row.check->setObjectName(QStringLiteral("exportTarget-%1").arg(t.id()));
    row.check->setToolTip(t.description());
    row.check->setChecked(t.id() == QLatin1String("torchscript") || t.id() == QLatin1String("onnx"));
    layout->addWidget(row.check);
    for (const ExportOptionSpec &o : t.options()) {
        QWidget *editor = nullptr;
        if (o.kind == QLatin1String("int")) {
            auto spin = new QSpinBox;
            spin->setRange(int(o.minimum), o.maximum > o.minimum ? int(o.maximum) : 1 << 30);
            spin->setValue(o.defaultValue.toInt());
            editor = spin;
        } else if (o.kind == QLatin1String("float")) {
            auto spin = new QDoubleSpinBox;
            spin->setDecimals(6);
            spin->setRange(o.minimum, o.maximum > o.minimum ? o.maximum : 1e9);
            spin->setValue(o.defaultValue.toDouble());
            editor = spin;
        } else if (o.kind == QLatin1String("bool")) {
            auto check = new QCheckBox(o.name);
            check->setChecked(o.defaultValue.toBool());
            editor = check;
        } else {
            auto edit = new QLineEdit(o.defaultValue.toString());
            edit->setPlaceholderText(o.name);
            editor = edit;
        }
        editor->setObjectName(QStringLiteral("exportOption-%1-%2").arg(t.id(), o.name));
        editor->setToolTip(o.help);
        if (o.kind != QLatin1String("bool"))
            layout->addWidget(new QLabel(o.name));
        layout->addWidget(editor);
        row.optionEditors << editor;
    }
    layout->addStretch(1);
    row.report = new ExportTargetReport(t.name());
    row.report->setObjectName(QStringLiteral("exportReport-%1").arg(t.id()));
    row.report->hide();
    return line;
}

QJsonObject ExportDock::optionValues(const TargetRow &row) const
{
    QJsonObject values;
    const QVector<ExportOptionSpec> specs = row.target->options();
    for (int i = 0; i < specs.size() && i < row.optionEditors.size(); ++i) {
        QWidget *w = row.optionEditors[i];
        if (auto spin = qobject_cast<QSpinBox *>(w))
            values.insert(specs[i].name, spin->value());
        else if (auto dspin = qobject_cast<QDoubleSpinBox *>(w))
            values.insert(specs[i].name, dspin->value());
        else if (auto check = qobject_cast<QCheckBox *>(w))
            values.insert(specs[i].name, check->isChecked());
        else if (auto edit = qobject_cast<QLineEdit *>(w))
            values.insert(specs[i].name, edit->text());
    }
    return values;
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
                const bool passed = exportRecordPassed(e.verificationJson);
                auto verdict = new QTableWidgetItem(checks.isEmpty() ? tr("unreadable")
                                                    : passed          ? tr("passed")
                                                                      : tr("failed"));
                if (!passed)
                    verdict->setForeground(QColor(0xb0, 0x00, 0x20));
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
    for (const TargetRow &t : m_targets) {
        t.check->setEnabled(!running);
        anyTarget = anyTarget || t.check->isChecked();
        for (QWidget *editor : t.optionEditors)
            editor->setEnabled(!running && t.check->isChecked());
    }
    m_toleranceEdit->setEnabled(!running);
    m_samplesSpin->setEnabled(!running);
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
    else if (!m_toleranceEdit->hasAcceptableInput())
        why = tr("The tolerance must be a number >= 0.");
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
    QVector<int> rows;
    for (int i = 0; i < m_targets.size(); ++i)
        if (m_targets[i].check->isChecked())
            rows << i;
    if (model == 0 || rows.isEmpty() || m_folderEdit->text().trimmed().isEmpty() || !m_toleranceEdit->hasAcceptableInput())
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
    // What each target gets, read on the GUI thread: output path and settings.
    struct Job
    {
        int row;
        std::shared_ptr<const ExportTarget> target;
        QString outPath;
        ExportSettings settings;
    };
    QVector<Job> jobs;
    for (int i = 0; i < m_targets.size(); ++i) {
        const TargetRow &t = m_targets[i];
        t.report->setVisible(rows.contains(i));
        t.report->showPending(tr("Waiting…"));
        if (!rows.contains(i))
            continue;
        ExportSettings settings;
        settings.tolerance = QLocale().toDouble(m_toleranceEdit->text());
        if (!(settings.tolerance >= 0))
            settings.tolerance = m_toleranceEdit->text().toDouble();
        settings.verifySamples = m_samplesSpin->value();
        settings.options = optionValues(t);
        const QString out = t.target->writesFolder() ? uniqueFolder(folder, t.target->defaultOutputName())
                                                     : QDir(folder).filePath(t.target->defaultOutputName());
        jobs.append({i, t.target, out, settings});
    }
    updateResultsArea();
    m_cancel = CancelToken();
    m_running = jobs.size();
    m_runIndex = 0;
    m_cancelButton->setEnabled(true);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->show();
    m_progress->show();
    m_progress->setRange(0, 0);

    const int generation = m_generation;
    // Runs on the worker thread: each target is independent, so one failing does not stop the rest.
    m_watcher.setFuture(QtConcurrent::run([this, jobs, generation, path = m_project->path(), model, cancel = m_cancel] {
        for (const Job &job : jobs) {
            TargetOutcome o;
            o.row = job.row;
            if (cancel.isCancelled()) {
                o.error = tr("Cancelled before it started.");
            } else {
                QMetaObject::invokeMethod(this, [this, row = job.row, generation] {
                    if (generation == m_generation)
                        targetStarted(row);
                }, Qt::QueuedConnection);
                ProgressFn progress = [this, row = job.row, generation](qint64 done, qint64 total, const QString &stage) {
                    QMetaObject::invokeMethod(this, [this, row, generation, done, total, stage] {
                        if (generation == m_generation)
                            targetProgress(row, done, total, stage);
                    }, Qt::QueuedConnection);
                };
                auto r = runExportTarget(*job.target, path, model, job.outPath, job.settings, progress, cancel);
                if (r)
                    o.result = r.value();
                else
                    o.error = cancel.isCancelled() ? tr("Cancelled: %1").arg(r.error()) : r.error();
            }
            QMetaObject::invokeMethod(this, [this, o, generation] {
                if (generation == m_generation)
                    targetFinished(o);
            }, Qt::QueuedConnection);
        }
    }));
    updateButtons();
}

void ExportDock::targetStarted(int row)
{
    ++m_runIndex;
    m_targets[row].report->showPending(tr("Exporting and verifying…"));
    targetProgress(row, 0, 0, QString());
}

void ExportDock::targetProgress(int row, qint64 done, qint64 total, const QString &stage)
{
    m_progress->setRange(0, int(std::max<qint64>(0, total)));
    m_progress->setValue(int(done));
    QString text = tr("%1 (%2 of %3)").arg(m_targets[row].target->name()).arg(m_runIndex).arg(m_running);
    if (!stage.isEmpty())
        text += QStringLiteral(": ") + stage;
    m_progress->setFormat(total > 0 ? text + QStringLiteral(" %p%") : text);
}

void ExportDock::targetFinished(const TargetOutcome &o)
{
    ExportTargetReport *report = m_targets[o.row].report;
    if (!o.error.isEmpty()) {
        report->showFailure(o.error);
        updateResultsArea();
        return;
    }
    const ExportTargetResult &r = o.result;
    QVector<NamedVerification> checks;
    for (const ExportOutcome &e : r.verified) {
        QString name;
        if (r.verified.size() > 1)
            name = e.verification.runtime.contains(QLatin1String("OpenCV")) ? tr("ONNX") : tr("TorchScript");
        checks.append({name, e.verification});
    }
    const qint64 samples = r.verified.isEmpty() ? 0 : r.verified.first().verification.samples;
    QString summary;
    if (r.passed)
        summary = r.files.isEmpty() ? tr("Export #%1, verified on %2 test samples in %3 s").arg(r.exportId).arg(samples).arg(r.seconds, 0, 'f', 2)
                                    : tr("Export #%1, %2 files, verified on %3 test samples in %4 s")
                                          .arg(r.exportId)
                                          .arg(r.files.size())
                                          .arg(samples)
                                          .arg(r.seconds, 0, 'f', 2);
    else
        summary = r.failure;
    if (checks.isEmpty()) {
        report->showFailure(summary);
    } else {
        const QString path = r.archive.isEmpty() ? r.path : r.archive;
        report->showVerified(summary, checks, r.sha256, path, r.archive.isEmpty() ? QString() : r.path);
    }
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
            for (const TargetRow &t : m_targets)
                t.report->hide();
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
