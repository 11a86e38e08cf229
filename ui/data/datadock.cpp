#include "data/datadock.h"

#include "data/augmentationeditor.h"
#include "data/classcountchart.h"
#include "data/datasetstats.h"
#include "data/importdialog.h"
#include "data/reimport.h"
#include "data/reimportreport.h"
#include "projectcontext.h"
#include "recordtext.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

namespace lepton {

struct DataDock::Job
{
    QString source;
    std::optional<Result<ImportedDataset>> imported;
    std::optional<Result<qint64>> datasetId;
    qint64 reimportDataset = 0;   // a re-import of this dataset (else an import)
    std::optional<Result<ReimportReport>> reimported;
};

QImage sampleImage(const SampleRecord &sample, int channels, int height, int width)
{
    const qsizetype plane = qsizetype(height) * width;
    if (height <= 0 || width <= 0 || sample.pixels.size() < plane * channels)
        return {};
    const auto *src = reinterpret_cast<const uchar *>(sample.pixels.constData());
    if (channels == 1) {
        QImage image(width, height, QImage::Format_Grayscale8);
        for (int y = 0; y < height; ++y)
            memcpy(image.scanLine(y), src + qsizetype(y) * width, width);
        return image;
    }
    QImage image(width, height, QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const qsizetype at = qsizetype(y) * width + x;
            line[3 * x + 0] = src[2 * plane + at];   // BGR planes -> RGB pixels
            line[3 * x + 1] = src[plane + at];
            line[3 * x + 2] = src[at];
        }
    }
    return image;
}

DataDock::DataDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Data"), parent)
    , m_project(project)
    , m_datasetCombo(new QComboBox)
    , m_summary(new QLabel)
    , m_error(new QLabel)
    , m_classTable(new QTableWidget)
    , m_classChart(new ClassCountChart)
    , m_splitCombo(new QComboBox)
    , m_thumbnailNote(new QLabel)
    , m_thumbnails(new QListView)
    , m_thumbnailModel(new QStandardItemModel(this))
    , m_importButton(new QPushButton(tr("Import dataset…")))
    , m_reimportButton(new QPushButton(tr("Re-import")))
    , m_cancelButton(new QPushButton(tr("Cancel")))
    , m_importProgress(new QProgressBar)
    , m_importStatus(new QLabel)
    , m_tabs(new QTabWidget)
    , m_augmentation(new AugmentationEditor(project))
    , m_undo(new QUndoStack(this))
    , m_classFilter(new QComboBox)
    , m_mergeTarget(new QComboBox)
    , m_mergeButton(new QPushButton(tr("Merge selected class into")))
    , m_relabelTarget(new QComboBox)
    , m_relabelButton(new QPushButton(tr("Move selected to")))
    , m_excludeButton(new QPushButton(tr("Exclude selected")))
    , m_selectionNote(new QLabel)
    , m_copyButton(new QPushButton(tr("Copy dataset")))
    , m_trainPercent(new QSpinBox)
    , m_valPercent(new QSpinBox)
    , m_testPercent(new QLabel)
    , m_splitSeed(new QSpinBox)
    , m_resplitButton(new QPushButton(tr("Split again")))
    , m_undoButton(new QPushButton(tr("Undo")))
    , m_redoButton(new QPushButton(tr("Redo")))
    , m_editNote(new QLabel)
{
    setObjectName("dataDock");
    m_datasetCombo->setObjectName("dataDatasetCombo");
    m_summary->setObjectName("dataSummary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setObjectName("dataError");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();

    m_classTable->setObjectName("dataClassTable");
    m_classTable->setColumnCount(5);
    m_classTable->setHorizontalHeaderLabels(
        {tr("Class"), tr("Samples"), tr("Train"), tr("Validation"), tr("Test")});
    m_classTable->verticalHeader()->hide();
    // Class names are renamed in place (double-click or F2); the counts are read-only items.
    m_classTable->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_classTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_classTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_classTable->setContextMenuPolicy(Qt::CustomContextMenu);
    m_classTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_classTable->setToolTip(tr("Double-click a class name to rename it; right-click to merge it into another class."));
    m_mergeTarget->setObjectName("dataMergeTarget");
    m_mergeButton->setObjectName("dataMergeButton");

    m_splitCombo->setObjectName("dataSplitCombo");
    m_splitCombo->addItem(tr("All splits"), -1);
    for (Split s : {Split::Train, Split::Validation, Split::Test})
        m_splitCombo->addItem(splitName(s), int(s));

    m_thumbnails->setObjectName("dataThumbnails");
    m_thumbnails->setViewMode(QListView::IconMode);
    m_thumbnails->setIconSize(QSize(40, 40));
    m_thumbnails->setGridSize(QSize(52, 64));
    m_thumbnails->setResizeMode(QListView::Adjust);
    m_thumbnails->setMovement(QListView::Static);
    m_thumbnails->setUniformItemSizes(true);
    m_thumbnails->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_thumbnails->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_thumbnails->setContextMenuPolicy(Qt::CustomContextMenu);
    m_thumbnails->setModel(m_thumbnailModel);
    m_classFilter->setObjectName("dataClassFilter");
    m_relabelTarget->setObjectName("dataRelabelTarget");
    m_relabelButton->setObjectName("dataRelabelButton");
    m_excludeButton->setObjectName("dataExcludeButton");
    m_excludeButton->setToolTip(tr("Remove the selected samples from the dataset (undoable)."));
    m_selectionNote->setObjectName("dataSelectionNote");

    m_copyButton->setObjectName("dataCopyButton");
    m_copyButton->setToolTip(tr("A new dataset with the same classes, samples, splits and augmentation, to edit "
                                "while runs keep the original."));
    m_trainPercent->setObjectName("dataSplitTrain");
    m_valPercent->setObjectName("dataSplitValidation");
    m_testPercent->setObjectName("dataSplitTest");
    m_splitSeed->setObjectName("dataSplitSeed");
    m_resplitButton->setObjectName("dataResplitButton");
    m_trainPercent->setRange(1, 100);
    m_valPercent->setRange(0, 99);
    m_trainPercent->setSuffix(QStringLiteral(" %"));
    m_valPercent->setSuffix(QStringLiteral(" %"));
    m_splitSeed->setRange(0, std::numeric_limits<int>::max());
    m_resplitButton->setToolTip(tr("A new seeded stratified split of the samples, per class (undoable)."));
    m_undoButton->setObjectName("dataUndoButton");
    m_redoButton->setObjectName("dataRedoButton");
    m_undoButton->setEnabled(false);
    m_redoButton->setEnabled(false);
    m_editNote->setObjectName("dataEditNote");
    m_editNote->setWordWrap(true);
    m_editNote->setStyleSheet("color: #555;");
    m_editNote->hide();

    m_importButton->setObjectName("dataImportButton");
    m_reimportButton->setObjectName("dataReimportButton");
    m_reimportButton->setToolTip(tr("Read the dataset's image folder again: only new and changed files are read; moved "
                                    "files keep their samples, missing files are reported and kept."));
    m_cancelButton->setObjectName("dataImportCancelButton");
    m_importProgress->setObjectName("dataImportProgress");
    m_importStatus->setObjectName("dataImportStatus");
    m_importStatus->setWordWrap(true);
    m_importStatus->setTextFormat(Qt::RichText);
    m_importProgress->hide();
    m_cancelButton->hide();

    auto top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Dataset:")));
    top->addWidget(m_datasetCombo, 1);
    top->addWidget(m_copyButton);
    top->addWidget(m_undoButton);
    top->addWidget(m_redoButton);
    top->addWidget(m_reimportButton);
    top->addWidget(m_importButton);
    auto importRow = new QHBoxLayout;
    importRow->addWidget(m_importProgress, 1);
    importRow->addWidget(m_cancelButton);

    auto classBox = new QWidget;
    auto classLayout = new QVBoxLayout(classBox);
    classLayout->setContentsMargins(0, 0, 0, 0);
    m_classTitle = new QLabel(tr("Classes"));
    m_classTitle->setObjectName("dataClassTitle");
    classLayout->addWidget(m_classTitle);
    auto mergeRow = new QHBoxLayout;
    mergeRow->addWidget(m_mergeButton);
    mergeRow->addWidget(m_mergeTarget, 1);
    classLayout->addLayout(mergeRow);
    auto splitRow = new QHBoxLayout;
    splitRow->addWidget(new QLabel(tr("Split: train")));
    splitRow->addWidget(m_trainPercent);
    splitRow->addWidget(new QLabel(tr("validation")));
    splitRow->addWidget(m_valPercent);
    splitRow->addWidget(m_testPercent);
    splitRow->addWidget(new QLabel(tr("seed")));
    splitRow->addWidget(m_splitSeed);
    splitRow->addWidget(m_resplitButton);
    splitRow->addStretch(1);
    classLayout->addLayout(splitRow);
    auto classSplit = new QSplitter(Qt::Vertical);
    classSplit->addWidget(m_classTable);
    classSplit->addWidget(m_classChart);
    classSplit->setStretchFactor(0, 1);
    classSplit->setStretchFactor(1, 2);
    classSplit->setSizes({240, 360});   // the chart gets the larger share; the table scrolls
    classLayout->addWidget(classSplit, 1);

    auto thumbBox = new QWidget;
    auto thumbLayout = new QVBoxLayout(thumbBox);
    thumbLayout->setContentsMargins(0, 0, 0, 0);
    auto thumbHeader = new QHBoxLayout;
    thumbHeader->addWidget(new QLabel(tr("Samples")));
    thumbHeader->addWidget(m_splitCombo);
    thumbHeader->addWidget(m_classFilter);
    thumbHeader->addWidget(m_thumbnailNote, 1);
    thumbLayout->addLayout(thumbHeader);
    thumbLayout->addWidget(m_thumbnails);
    auto sampleEditRow = new QHBoxLayout;
    sampleEditRow->addWidget(m_selectionNote, 1);
    sampleEditRow->addWidget(m_relabelButton);
    sampleEditRow->addWidget(m_relabelTarget);
    sampleEditRow->addWidget(m_excludeButton);
    thumbLayout->addLayout(sampleEditRow);

    auto splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(classBox);
    splitter->addWidget(thumbBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(top);
    layout->addLayout(importRow);
    layout->addWidget(m_importStatus);
    layout->addWidget(m_summary);
    layout->addWidget(m_editNote);
    layout->addWidget(m_error);
    m_tabs->setObjectName("dataTabs");
    m_augmentation->setObjectName("dataAugmentation");
    m_tabs->addTab(splitter, tr("Classes and samples"));
    m_tabs->addTab(m_augmentation, tr("Augmentation"));
    layout->addWidget(m_tabs, 1);
    setWidget(body);

    // Work for the previous project stops first, then the new one is shown (its preview scheduled).
    connect(m_project, &ProjectContext::projectChanged, this, [this] {
        stopAndWait();
        m_undo->clear();
        m_importStatus->clear();
        m_importButton->setEnabled(m_project->isOpen());
    });
    connect(m_project, &ProjectContext::projectChanged, this, &DataDock::reloadDatasets);
    connect(m_project, &ProjectContext::contentsChanged, this, &DataDock::reloadDatasets);
    connect(m_datasetCombo, &QComboBox::currentIndexChanged, this, &DataDock::showCurrent);
    connect(m_importButton, &QPushButton::clicked, this, &DataDock::startImport);
    connect(m_reimportButton, &QPushButton::clicked, this, &DataDock::startReimport);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { m_cancel.cancel(); });
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &DataDock::finishImport);
    m_importButton->setEnabled(m_project->isOpen());
    connect(m_splitCombo, &QComboBox::currentIndexChanged, this, &DataDock::showCurrent);
    connect(m_classFilter, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) {
            m_thumbnailModel->clear();
            loadThumbnails(m_info);
            updateEditState();
        }
    });

    // Label edits.
    // The rename rebuilds the table, so it runs after the edited item has finished changing.
    connect(m_classTable, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (m_filling || item->column() != 0)
            return;
        const int index = item->data(Qt::UserRole).toInt();
        const QString name = item->text();
        QMetaObject::invokeMethod(this, [this, index, name] { renameClass(index, name); }, Qt::QueuedConnection);
    });
    connect(m_classTable, &QTableWidget::itemSelectionChanged, this, &DataDock::updateEditState);
    connect(m_mergeTarget, &QComboBox::currentIndexChanged, this, &DataDock::updateEditState);
    connect(m_thumbnails->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DataDock::updateEditState);
    connect(m_mergeButton, &QPushButton::clicked, this,
            [this] { mergeClass(m_classTable->currentRow(), m_mergeTarget->currentData().toInt()); });
    connect(m_relabelButton, &QPushButton::clicked, this,
            [this] { relabelSamples(selectedSampleIds(), m_relabelTarget->currentData().toInt()); });
    connect(m_excludeButton, &QPushButton::clicked, this, [this] { excludeSamples(selectedSampleIds()); });
    connect(m_copyButton, &QPushButton::clicked, this, &DataDock::copyDataset);
    const auto showTest = [this] {
        const int test = 100 - m_trainPercent->value() - m_valPercent->value();
        m_testPercent->setText(test >= 0 ? tr("test %1 %").arg(test) : tr("<span style='color:#b00020'>over 100 %</span>"));
        updateEditState();
    };
    connect(m_trainPercent, &QSpinBox::valueChanged, this, showTest);
    connect(m_valPercent, &QSpinBox::valueChanged, this, showTest);
    connect(m_resplitButton, &QPushButton::clicked, this, [this] {
        resplit(m_trainPercent->value() / 100.0, m_valPercent->value() / 100.0, quint32(m_splitSeed->value()));
    });
    connect(m_classTable, &QWidget::customContextMenuRequested, this, &DataDock::showClassMenu);
    connect(m_thumbnails, &QWidget::customContextMenuRequested, this, &DataDock::showSampleMenu);
    connect(m_undoButton, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(m_redoButton, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, m_undoButton, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, m_redoButton, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::undoTextChanged, this,
            [this](const QString &text) { m_undoButton->setToolTip(text.isEmpty() ? QString() : tr("Undo %1").arg(text)); });
    connect(m_undo, &QUndoStack::redoTextChanged, this,
            [this](const QString &text) { m_redoButton->setToolTip(text.isEmpty() ? QString() : tr("Redo %1").arg(text)); });
    QAction *undo = m_undo->createUndoAction(this);
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *redo = m_undo->createRedoAction(this);
    redo->setShortcut(QKeySequence::Redo);
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_tabs->widget(0)->addAction(undo);
    m_tabs->widget(0)->addAction(redo);
    reloadDatasets();
}

DataDock::~DataDock()
{
    stopAndWait();
}

QString DataDock::unsavedEdits() const
{
    if (!m_augmentation->isModified() || m_augmentation->dataset().id <= 0)
        return {};
    return tr("the augmentation pipeline of dataset \u201c%1\u201d").arg(m_augmentation->dataset().name);
}

bool DataDock::saveEdits(QString *error) { return m_augmentation->save(error); }

void DataDock::discardEdits() { m_augmentation->revert(); }

void DataDock::stopAndWait()
{
    m_augmentation->stopAndWait();
    if (!m_watcher.isRunning())
        return;
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void DataDock::startImport()
{
    if (m_watcher.isRunning() || !m_project->isOpen())
        return;
    ImportDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.source() == ImportDialog::Source::ImageFolder) {
        // A folder imported before (at the same input size): update that dataset incrementally,
        // or import it again as a separate dataset.
        auto known = datasetImportedFrom(*m_project->store(), dialog.path());
        auto ds = known && known.value() > 0 ? m_project->store()->dataset(known.value()) : Result<DatasetInfo>::failure({});
        const ImportOptions o = dialog.options();
        if (ds && ds->width == o.width && ds->height == o.height && ds->channels == o.channels) {
            QMessageBox ask(QMessageBox::Question, tr("Folder imported before"),
                            tr("%1 is dataset %2 '%3'. Update it (only new and changed files are read; moved and "
                               "missing files are reported), or import the folder again as a new dataset?")
                                .arg(dialog.path())
                                .arg(ds->id)
                                .arg(ds->name),
                            QMessageBox::Cancel, this);
            ask.setObjectName("dataReimportQuestion");
            QPushButton *update = ask.addButton(tr("Update dataset"), QMessageBox::AcceptRole);
            update->setObjectName("dataReimportUpdate");
            ask.addButton(tr("Import as new"), QMessageBox::ActionRole)->setObjectName("dataReimportNew");
            ask.setDefaultButton(update);
            ask.exec();
            if (ask.clickedButton() == update) {
                ReimportOptions options;
                options.folder = dialog.path();
                reimport(ds->id, options);
                return;
            }
            if (ask.clickedButton() == ask.button(QMessageBox::Cancel))
                return;
        }
    }
    m_job = std::make_shared<Job>();
    m_job->source = dialog.path();
    const ProgressFn progress = beginJob(tr("Importing %1…").arg(dialog.path().toHtmlEscaped()));
    m_watcher.setFuture(QtConcurrent::run([job = m_job, source = dialog.source(), options = dialog.options(),
                                           csv = dialog.csvOptions(), path = m_project->path(), progress,
                                           cancel = m_cancel] {
        switch (source) {
        case ImportDialog::Source::ImageFolder:
            job->imported = importImageFolder(job->source, options, progress, cancel);
            break;
        case ImportDialog::Source::DigitSheet:
            job->imported = importDigitSheet(job->source, options, progress, cancel);
            break;
        case ImportDialog::Source::TabularCsv:
            job->imported = importTabularCsv(job->source, csv, progress, cancel);
            break;
        case ImportDialog::Source::PathListCsv:
            job->imported = importPathListCsv(job->source, csv, options, progress, cancel);
            break;
        }
        if (!*job->imported || cancel.isCancelled())
            return;
        // This worker thread needs its own connection to the project.
        auto store = ProjectStore::open(path);
        if (!store) {
            job->datasetId = Result<qint64>::failure(store.error());
            return;
        }
        job->datasetId = importIntoProject(*store.value(), job->imported->value());
    }));
}

ProgressFn DataDock::beginJob(const QString &status)
{
    m_cancel = CancelToken();
    m_importButton->setEnabled(false);
    m_reimportButton->setEnabled(false);
    m_cancelButton->show();
    m_importProgress->show();
    m_importProgress->setRange(0, 0);
    m_importStatus->setText(status);
    return [this](qint64 done, qint64 total, const QString &) {
        QMetaObject::invokeMethod(this, [this, done, total] {
            m_importProgress->setRange(0, int(std::max<qint64>(1, total)));
            m_importProgress->setValue(int(std::min(done, total)));
        }, Qt::QueuedConnection);
    };
}

void DataDock::startReimport()
{
    if (m_watcher.isRunning() || !m_project->isOpen() || m_info.id == 0 || !canReimport(m_info))
        return;
    ReimportOptions options;
    if (!QFileInfo(m_info.source).isDir()) {   // the folder moved: ask where it is now
        options.folder = QFileDialog::getExistingDirectory(
            this, tr("%1 is gone: where is the folder of '%2' now?").arg(m_info.source, m_info.name));
        if (options.folder.isEmpty())
            return;
    }
    reimport(m_info.id, options);
}

void DataDock::reimport(qint64 datasetId, const ReimportOptions &options)
{
    auto ds = m_project->store()->dataset(datasetId);
    m_job = std::make_shared<Job>();
    m_job->source = !options.folder.isEmpty() ? options.folder : ds ? ds->source : QString();
    m_job->reimportDataset = datasetId;
    const ProgressFn progress =
        beginJob(tr("Re-importing %1 (only new and changed files are read)…").arg(m_job->source.toHtmlEscaped()));
    m_watcher.setFuture(QtConcurrent::run([job = m_job, options, path = m_project->path(), progress, cancel = m_cancel] {
        auto store = ProjectStore::open(path);   // this worker thread's own connection
        if (!store) {
            job->reimported = Result<ReimportReport>::failure(store.error());
            return;
        }
        job->reimported = reimportImageFolder(*store.value(), job->reimportDataset, options, progress, cancel);
    }));
}

void DataDock::finishImport()
{
    m_importButton->setEnabled(m_project->isOpen());
    m_cancelButton->hide();
    m_importProgress->hide();
    updateEditState();
    if (m_job && m_job->reimported) {
        if (!*m_job->reimported) {
            m_importStatus->setText(tr("<span style='color:#b00020'>Re-import of %1 failed: %2</span>")
                                        .arg(m_job->source.toHtmlEscaped(), m_job->reimported->error().toHtmlEscaped()));
            return;
        }
        m_importStatus->setText(reimportReportHtml(m_job->reimported->value()));
        m_project->notifyContentsChanged();
        showDataset(m_job->reimportDataset);
        showCurrent();   // the same dataset, with new samples and classes
        return;
    }
    if (!m_job || !m_job->imported)
        return;
    if (!*m_job->imported) {
        m_importStatus->setText(tr("<span style='color:#b00020'>Import of %1 failed: %2</span>")
                                    .arg(m_job->source.toHtmlEscaped(),
                                         m_job->imported->error().toHtmlEscaped()));
        return;
    }
    if (!m_job->datasetId) {
        m_importStatus->setText(tr("Import of %1 cancelled.").arg(m_job->source.toHtmlEscaped()));
        return;
    }
    if (!*m_job->datasetId) {
        m_importStatus->setText(tr("<span style='color:#b00020'>Storing %1 failed: %2</span>")
                                    .arg(m_job->source.toHtmlEscaped(),
                                         m_job->datasetId->error().toHtmlEscaped()));
        return;
    }
    const ImportedDataset &data = m_job->imported->value();
    QString text = tr("Imported %1 samples from %2.").arg(data.samples.size()).arg(m_job->source);
    if (!data.issues.isEmpty()) {
        QStringList skipped;
        for (int i = 0; i < std::min<qsizetype>(5, data.issues.size()); ++i)
            skipped << QStringLiteral("%1: %2").arg(data.issues[i].path, data.issues[i].reason);
        text += tr(" Skipped %1 file(s)/row(s), e.g. %2").arg(data.issues.size()).arg(skipped.join("; "));
    }
    m_importStatus->setText(text.toHtmlEscaped());
    m_project->notifyContentsChanged();
    showDataset(m_job->datasetId->value());
}

qint64 DataDock::currentDatasetId() const
{
    return comboId(m_datasetCombo);
}

void DataDock::showDataset(qint64 datasetId)
{
    selectComboId(m_datasetCombo, datasetId);
}

void DataDock::reloadDatasets()
{
    const qint64 previous = currentDatasetId();
    {
        const QSignalBlocker blocker(m_datasetCombo);
        m_datasetCombo->clear();
        if (ProjectStore *store = m_project->store()) {
            auto list = store->datasets();
            if (list) {
                for (const DatasetInfo &d : list.value())
                    m_datasetCombo->addItem(datasetText(d), d.id);
            } else {
                m_error->setText(list.error());
                m_error->show();
            }
        }
        if (!selectComboId(m_datasetCombo, previous) && m_datasetCombo->count() > 0)
            m_datasetCombo->setCurrentIndex(0);
    }
    // Contents changes (a new run, say) need no reload of an unchanged dataset view, but may make
    // its samples and classes read-only (or editable again).
    if (previous == 0 || previous != currentDatasetId() || m_classTable->rowCount() == 0) {
        showCurrent();
    } else if (ProjectStore *store = m_project->store(); store && m_info.id != 0) {
        auto inUse = store->datasetInUse(m_info.id);
        m_inUse = store->isReadOnly() ? tr("the project is read-only (%1)").arg(store->readOnlyReason())
                  : inUse             ? inUse.value()
                                      : inUse.error();
        updateEditState();
    }
}

void DataDock::showCurrent()
{
    const QSignalBlocker blockTable(m_classTable);
    m_info = DatasetInfo();
    m_inUse.clear();
    m_classTable->setRowCount(0);
    m_classChart->clear();
    m_thumbnailModel->clear();
    m_thumbnailNote->clear();
    m_error->hide();
    ProjectStore *store = m_project->store();
    const qint64 id = currentDatasetId();
    if (!store || id == 0) {
        m_augmentation->setDataset({});
        m_summary->setText(store ? tr("This project has no datasets.") : QString());
        updateEditState();
        return;
    }
    auto dataset = store->dataset(id);
    if (!dataset) {
        m_summary->clear();
        m_error->setText(dataset.error());
        m_error->show();
        updateEditState();
        return;
    }
    m_info = dataset.value();
    const DatasetInfo &info = m_info;
    if (store->isReadOnly())
        m_inUse = tr("the project is read-only (%1)").arg(store->readOnlyReason());
    else if (auto inUse = store->datasetInUse(id))
        m_inUse = inUse.value();
    else
        m_inUse = inUse.error();
    {   // the class pickers: keep the filter's class when it still exists
        m_filling = true;
        const int filter = m_classFilter->currentData().toInt();
        const QString filterName = filter >= 0 ? m_classFilter->currentText() : QString();
        m_classFilter->clear();
        m_mergeTarget->clear();
        m_relabelTarget->clear();
        m_classFilter->addItem(tr("All classes"), -1);
        for (int c = 0; c < info.classes.size(); ++c) {
            m_classFilter->addItem(info.classes[c], c);
            m_mergeTarget->addItem(info.classes[c], c);
            m_relabelTarget->addItem(info.classes[c], c);
        }
        if (const int again = m_classFilter->findText(filterName); !filterName.isEmpty() && again > 0)
            m_classFilter->setCurrentIndex(again);
        m_classFilter->setVisible(!info.isRegression());
        m_filling = false;
    }
    if (const int n = info.sampleCount(); n > 0) {   // the split row starts at the dataset's split
        const QSignalBlocker blockTrain(m_trainPercent), blockVal(m_valPercent);
        m_trainPercent->setValue(int(std::lround(100.0 * info.splitCounts[0] / n)));
        m_valPercent->setValue(int(std::lround(100.0 * info.splitCounts[1] / n)));
        m_testPercent->setText(tr("test %1 %").arg(100 - m_trainPercent->value() - m_valPercent->value()));
        m_splitSeed->setValue(int(std::min<quint32>(info.splitSeed, quint32(std::numeric_limits<int>::max()))));
    }
    m_augmentation->setDataset(info);
    m_summary->setText(tr("<b>%1</b> — %2 from %3<br>Input %4×%5×%6 (channels×height×width), "
                          "%7 samples: %8 train, %9 validation, %10 test (%11)")
                           .arg(info.name.toHtmlEscaped(), info.kind, info.source.toHtmlEscaped())
                           .arg(info.channels)
                           .arg(info.height)
                           .arg(info.width)
                           .arg(info.sampleCount())
                           .arg(info.splitCounts[0])
                           .arg(info.splitCounts[1])
                           .arg(info.splitCounts[2])
                           .arg(info.kind == QLatin1String("image-split-folders")
                                    ? tr("splits from the train/val/test folders")
                                    : tr("split seed %1").arg(info.splitSeed)));

    // Per-class counts per split (or the target's statistics) come from the labels (no pixels).
    auto stats = datasetStatistics(*store, id);
    m_classTitle->setText(info.isRegression() ? tr("Target %1").arg(info.targetName) : tr("Classes"));
    m_classTable->setHorizontalHeaderLabels(info.isRegression()
                                                ? QStringList{tr("Statistic"), tr("All"), tr("Train"), tr("Validation"), tr("Test")}
                                                : QStringList{tr("Class"), tr("Samples"), tr("Train"), tr("Validation"), tr("Test")});
    if (!stats) {
        m_error->setText(stats.error());
        m_error->show();
        updateEditState();
        return;
    }
    if (info.isRegression()) {
        showTargets(stats.value());
        loadThumbnails(info);
        updateEditState();
        return;
    }
    const QVector<std::array<int, 3>> &perSplit = stats->classCounts;
    m_classTable->setRowCount(info.classes.size());
    for (int c = 0; c < info.classes.size(); ++c) {
        const std::array<int, 3> &n = perSplit[c];
        auto name = new QTableWidgetItem(info.classes[c]);
        name->setData(Qt::UserRole, c);
        name->setToolTip(tr("Double-click to rename"));
        m_classTable->setItem(c, 0, name);
        const QList<int> counts{n[0] + n[1] + n[2], n[0], n[1], n[2]};
        for (int k = 0; k < counts.size(); ++k) {
            auto item = new QTableWidgetItem(QString::number(counts[k]));
            item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_classTable->setItem(c, k + 1, item);
        }
    }
    m_classChart->setCounts(info.classes, perSplit);
    loadThumbnails(info);
    updateEditState();
}

void DataDock::showTargets(const DatasetStatistics &stats)
{
    // Columns: all samples, then each split. Rows: count, min, mean, max, std (population).
    const QStringList rows{tr("samples"), tr("min"), tr("mean"), tr("max"), tr("std")};
    m_classTable->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        auto name = new QTableWidgetItem(rows[r]);
        name->setFlags(name->flags() & ~Qt::ItemIsEditable);
        m_classTable->setItem(r, 0, name);
        for (int c = 0; c < 4; ++c) {
            const TargetStatistics &t = stats.target[size_t(c)];
            const double values[] = {double(t.count), t.min, t.mean, t.max, t.std};
            auto item = new QTableWidgetItem(r == 0 ? QString::number(t.count)
                                             : t.count ? QString::number(values[r], 'g', 5)
                                                       : QStringLiteral("—"));
            item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_classTable->setItem(r, c + 1, item);
        }
    }
    // Histogram: 10 equal-width bins over [min, max], each bar stacked by split.
    const TargetStatistics &all = stats.target[0];
    if (all.count == 0)
        return;
    auto samples = m_project->store()->samples(stats.info.id, std::nullopt, false);
    if (!samples)
        return;
    constexpr int bins = 10;
    const double lo = all.min, width = all.max > all.min ? (all.max - all.min) / bins : 1.0;
    QVector<std::array<int, 3>> counts(bins, {0, 0, 0});
    for (const SampleRecord &s : samples.value())
        ++counts[std::clamp(int((s.target - lo) / width), 0, bins - 1)][size_t(s.split)];
    QStringList labels;
    for (int b = 0; b < bins; ++b)
        labels << QStringLiteral("%1 – %2").arg(lo + b * width, 0, 'g', 4).arg(lo + (b + 1) * width, 0, 'g', 4);
    m_classChart->setCounts(labels, counts);
    m_classChart->chart()->setTitle(tr("Distribution of %1 (10 bins)").arg(stats.info.targetName));
}

void DataDock::loadThumbnails(const DatasetInfo &info)
{
    const int splitValue = m_splitCombo->currentData().toInt();
    std::optional<Split> split;
    if (splitValue >= 0)
        split = Split(splitValue);
    // Samples come back in import order (grouped by class); to show every class, read all of
    // a small dataset and take evenly spaced ones. Large datasets show the first ones only.
    // A class filter counts its samples first (ids only, no pixels).
    const int label = info.isRegression() ? -1 : m_classFilter->currentData().toInt();
    qint64 total = split ? info.splitCounts[int(*split)] : info.sampleCount();
    if (label >= 0) {
        auto ofClass = m_project->store()->samples(info.id, split, false, -1, label);
        total = ofClass ? ofClass->size() : 0;
    }
    const qint64 bytes = total * info.channels * info.height * info.width;
    const bool spread = total > MaxThumbnails && bytes <= 64ll * 1024 * 1024;
    auto samples = m_project->store()->samples(info.id, split, true, spread ? -1 : MaxThumbnails, label);
    if (!samples) {
        m_error->setText(samples.error());
        m_error->show();
        return;
    }
    QVector<SampleRecord> shown;
    if (spread) {
        const double step = double(samples->size()) / MaxThumbnails;
        for (int i = 0; i < MaxThumbnails; ++i)
            shown << samples->at(qsizetype(i * step));
    } else {
        shown = samples.value();
    }
    const bool tabular = info.kind == QLatin1String("tabular");
    m_thumbnails->setViewMode(tabular ? QListView::ListMode : QListView::IconMode);
    if (!tabular) {
        m_thumbnails->setGridSize(QSize(52, 64));
    } else {
        m_thumbnails->setGridSize(QSize());
    }
    for (const SampleRecord &s : shown) {
        const QString text = info.isRegression() ? QStringLiteral("%1 = %2").arg(info.targetName).arg(s.target, 0, 'g', 6)
                                                 : info.classes.value(s.label, QString::number(s.label));
        if (tabular) {   // float32 features: shown as numbers
            QStringList values;
            const auto *f = reinterpret_cast<const float *>(s.pixels.constData());
            for (qsizetype i = 0; i < std::min<qsizetype>(s.pixels.size() / qsizetype(sizeof(float)), 6); ++i)
                values << QString::number(f[i], 'g', 4);
            auto item = new QStandardItem(QStringLiteral("%1: %2").arg(text, values.join(QLatin1String(", "))));
            item->setToolTip(tr("sample %1: %2\n%3, %4").arg(s.id).arg(s.path, text, splitName(s.split)));
            item->setData(s.id, SampleIdRole);
            m_thumbnailModel->appendRow(item);
            continue;
        }
        const QImage image = sampleImage(s, info.channels, info.height, info.width);
        auto item = new QStandardItem(text);
        if (!image.isNull())
            item->setIcon(QIcon(QPixmap::fromImage(
                image.scaled(40, 40, Qt::KeepAspectRatio, Qt::FastTransformation))));
        item->setToolTip(tr("sample %1: %2\n%3, %4").arg(s.id).arg(s.path, text, splitName(s.split)));
        item->setData(s.id, SampleIdRole);
        m_thumbnailModel->appendRow(item);
    }
    m_thumbnailNote->setText(spread ? tr("%1 of %2, evenly spaced").arg(shown.size()).arg(total)
                                    : tr("first %1 of %2").arg(shown.size()).arg(total));
}

} // namespace lepton
