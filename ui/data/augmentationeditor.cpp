#include "data/augmentationeditor.h"

#include "data/datadock.h"
#include "projectcontext.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>
#include <optional>

namespace lepton {

struct AugmentationEditor::PreviewResult
{
    std::optional<Result<QVector<QByteArray>>> images;
};

struct AugmentationEditor::StatsResult
{
    std::optional<Result<ChannelStatistics>> stats;
};

namespace {

QString joinValues(const QVector<double> &values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'g', 6);
    return parts.join(QLatin1String(", "));
}

// "0.1, 0.2" -> {0.1, 0.2}; nullopt when a part is not a number.
std::optional<QVector<double>> parseValues(const QString &text)
{
    QVector<double> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.trimmed().toDouble(&ok);
        if (!ok)
            return std::nullopt;
        out.append(v);
    }
    return out;
}

QString opText(const AugmentOp &op)
{
    const AugmentOpType *t = findAugmentOpType(op.type);
    const QString name = t ? t->label : op.type;
    if (op.type == QLatin1String("normalize"))
        return QStringLiteral("%1  (mean %2; std %3)").arg(name, joinValues(op.mean), joinValues(op.std));
    return QStringLiteral("%1  (p = %2)").arg(name).arg(op.probability);
}

} // namespace

AugmentationEditor::AugmentationEditor(ProjectContext *project, QWidget *parent)
    : QWidget(parent)
    , m_project(project)
    , m_addCombo(new QComboBox)
    , m_addButton(new QPushButton(tr("Add")))
    , m_removeButton(new QPushButton(tr("Remove")))
    , m_upButton(new QPushButton(tr("Up")))
    , m_downButton(new QPushButton(tr("Down")))
    , m_opList(new QListWidget)
    , m_opBox(new QWidget)
    , m_opForm(new QFormLayout)
    , m_opDescription(new QLabel)
    , m_error(new QLabel)
    , m_saveButton(new QPushButton(tr("Save to project")))
    , m_revertButton(new QPushButton(tr("Revert")))
    , m_statsButton(new QPushButton(tr("Compute from training split")))
    , m_statsCancel(new QPushButton(tr("Cancel")))
    , m_redrawButton(new QPushButton(tr("New draws")))
    , m_statsProgress(new QProgressBar)
    , m_sampleSpin(new QSpinBox)
    , m_previewNote(new QLabel)
    , m_debounce(new QTimer(this))
{
    m_addCombo->setObjectName("augmentAddCombo");
    m_addButton->setObjectName("augmentAddButton");
    m_removeButton->setObjectName("augmentRemoveButton");
    m_upButton->setObjectName("augmentUpButton");
    m_downButton->setObjectName("augmentDownButton");
    m_opList->setObjectName("augmentOpList");
    m_saveButton->setObjectName("augmentSaveButton");
    m_revertButton->setObjectName("augmentRevertButton");
    m_statsButton->setObjectName("augmentStatsButton");
    m_statsCancel->setObjectName("augmentStatsCancel");
    m_redrawButton->setObjectName("augmentRedrawButton");
    m_sampleSpin->setObjectName("augmentSampleSpin");
    m_error->setObjectName("augmentError");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();
    m_opDescription->setWordWrap(true);
    m_opDescription->setStyleSheet("color: palette(mid);");
    m_previewNote->setObjectName("augmentPreviewNote");
    m_previewNote->setWordWrap(true);
    m_statsProgress->hide();
    m_statsCancel->hide();
    m_opList->setMaximumHeight(160);

    auto addRow = new QHBoxLayout;
    addRow->addWidget(m_addCombo, 1);
    addRow->addWidget(m_addButton);
    auto moveRow = new QHBoxLayout;
    moveRow->addWidget(m_removeButton);
    moveRow->addWidget(m_upButton);
    moveRow->addWidget(m_downButton);
    moveRow->addStretch(1);
    auto opLayout = new QVBoxLayout(m_opBox);
    opLayout->setContentsMargins(0, 0, 0, 0);
    opLayout->addWidget(m_opDescription);
    opLayout->addLayout(m_opForm);
    auto statsRow = new QHBoxLayout;
    statsRow->addWidget(m_statsButton);
    statsRow->addWidget(m_statsProgress, 1);
    statsRow->addWidget(m_statsCancel);
    opLayout->addLayout(statsRow);

    auto left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Operations, applied in order to each training sample")));
    left->addLayout(addRow);
    left->addWidget(m_opList);
    left->addLayout(moveRow);
    left->addWidget(m_opBox);
    left->addStretch(1);
    auto saveRow = new QHBoxLayout;
    saveRow->addWidget(m_saveButton);
    saveRow->addWidget(m_revertButton);
    saveRow->addStretch(1);
    left->addLayout(saveRow);
    left->addWidget(m_error);

    auto previewHeader = new QHBoxLayout;
    previewHeader->addWidget(new QLabel(tr("Preview of training sample")));
    previewHeader->addWidget(m_sampleSpin);
    previewHeader->addWidget(m_redrawButton);
    previewHeader->addStretch(1);
    auto grid = new QGridLayout;
    for (int i = 0; i <= PreviewCount; ++i) {
        auto label = new QLabel;
        label->setObjectName(QStringLiteral("augmentPreview%1").arg(i));
        label->setFixedSize(76, 76);
        label->setAlignment(Qt::AlignCenter);
        label->setFrameShape(i == 0 ? QFrame::Box : QFrame::StyledPanel);
        label->setToolTip(i == 0 ? tr("The stored sample") : tr("Augmented version %1").arg(i));
        grid->addWidget(label, i / 3, i % 3);
        m_previewLabels << label;
    }
    auto right = new QVBoxLayout;
    right->addLayout(previewHeader);
    right->addLayout(grid);
    right->addWidget(m_previewNote);
    right->addStretch(1);

    auto layout = new QHBoxLayout(this);
    layout->addLayout(left, 3);
    layout->addLayout(right, 2);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &AugmentationEditor::startPreview);
    connect(&m_previewWatcher, &QFutureWatcher<void>::finished, this, &AugmentationEditor::finishPreview);
    connect(&m_statsWatcher, &QFutureWatcher<void>::finished, this, &AugmentationEditor::finishNormalization);
    connect(m_opList, &QListWidget::currentRowChanged, this, &AugmentationEditor::showOpEditor);
    connect(m_addButton, &QPushButton::clicked, this, &AugmentationEditor::addOp);
    connect(m_removeButton, &QPushButton::clicked, this, &AugmentationEditor::removeOp);
    connect(m_upButton, &QPushButton::clicked, this, [this] { moveOp(-1); });
    connect(m_downButton, &QPushButton::clicked, this, [this] { moveOp(1); });
    connect(m_saveButton, &QPushButton::clicked, this, [this] { save(); });
    connect(m_revertButton, &QPushButton::clicked, this, &AugmentationEditor::revert);
    connect(m_statsButton, &QPushButton::clicked, this, &AugmentationEditor::computeNormalization);
    connect(m_statsCancel, &QPushButton::clicked, this, [this] { m_statsCancelToken.cancel(); });
    connect(m_redrawButton, &QPushButton::clicked, this, [this] {
        ++m_previewSeed;
        schedulePreview();
    });
    connect(m_sampleSpin, &QSpinBox::valueChanged, this, [this] {
        loadPreviewSample();
        schedulePreview();
    });
    setDataset({});
}

AugmentationEditor::~AugmentationEditor()
{
    stopAndWait();
}

void AugmentationEditor::stopAndWait()
{
    m_debounce->stop();
    m_statsCancelToken.cancel();
    m_previewWatcher.waitForFinished();
    m_statsWatcher.waitForFinished();
}

void AugmentationEditor::setDataset(const DatasetInfo &dataset)
{
    stopAndWait();
    m_dataset = dataset;
    m_pipeline = {};
    m_modified = false;
    m_error->hide();
    const bool tabular = dataset.kind == QLatin1String("tabular");
    m_addCombo->clear();
    for (const AugmentOpType &t : augmentOpTypes())
        if (!tabular || !t.imageOnly)
            m_addCombo->addItem(t.label, t.id);
    ProjectStore *store = m_project->store();
    if (store && dataset.id > 0) {
        auto stored = datasetAugmentation(*store, dataset.id);
        if (stored) {
            m_pipeline = stored.value();
        } else {
            m_error->setText(stored.error());
            m_error->show();
        }
    }
    {
        const QSignalBlocker blocker(m_sampleSpin);
        m_sampleSpin->setRange(0, std::max(0, dataset.splitCounts[0] - 1));
        m_sampleSpin->setValue(0);
    }
    setEnabled(dataset.id > 0);
    loadPreviewSample();
    rebuildList();
    pipelineEdited();
    m_modified = false;
    m_saveButton->setEnabled(false);
    m_revertButton->setEnabled(false);
}

void AugmentationEditor::loadPreviewSample()
{
    m_samplePixels.clear();
    m_samplePath.clear();
    ProjectStore *store = m_project->store();
    const bool image = m_dataset.kind != QLatin1String("tabular") && (m_dataset.channels == 1 || m_dataset.channels == 3);
    if (!store || m_dataset.id <= 0 || !image)
        return;
    const int index = m_sampleSpin->value();
    auto samples = store->samples(m_dataset.id, Split::Train, true, index + 1);
    if (samples && samples->size() > index) {
        m_samplePixels = samples->at(index).pixels;
        m_samplePath = samples->at(index).path;
    }
}

int AugmentationEditor::currentRow() const
{
    return m_opList->currentRow();
}

void AugmentationEditor::rebuildList()
{
    const int row = currentRow();
    {
        const QSignalBlocker blocker(m_opList);
        m_opList->clear();
        for (const AugmentOp &op : m_pipeline.ops)
            m_opList->addItem(opText(op));
        if (!m_pipeline.ops.isEmpty())
            m_opList->setCurrentRow(std::clamp(row, 0, int(m_pipeline.ops.size()) - 1));
    }
    showOpEditor();
}

void AugmentationEditor::showOpEditor()
{
    while (m_opForm->rowCount() > 0)
        m_opForm->removeRow(0);
    const int row = currentRow();
    const bool has = row >= 0 && row < m_pipeline.ops.size();
    m_removeButton->setEnabled(has);
    m_upButton->setEnabled(has && row > 0);
    m_downButton->setEnabled(has && row + 1 < m_pipeline.ops.size());
    m_statsButton->setVisible(has && m_pipeline.ops[row].type == QLatin1String("normalize"));
    if (!has) {
        m_opDescription->setText(m_pipeline.isEmpty() ? tr("No operations: training uses the samples as stored.")
                                                      : QString());
        return;
    }
    const AugmentOp &op = m_pipeline.ops[row];
    const AugmentOpType *type = findAugmentOpType(op.type);
    m_opDescription->setText(type ? QStringLiteral("<b>%1</b>: %2").arg(type->label, type->description) : op.type);
    if (op.type == QLatin1String("normalize")) {
        auto mean = new QLineEdit(joinValues(op.mean));
        auto std = new QLineEdit(joinValues(op.std));
        mean->setObjectName("augmentMean");
        std->setObjectName("augmentStd");
        m_opForm->addRow(tr("Mean (per channel)"), mean);
        m_opForm->addRow(tr("Std (per channel)"), std);
        auto apply = [this, row, mean, std] {
            const auto m = parseValues(mean->text());
            const auto s = parseValues(std->text());
            if (!m || !s) {
                m_error->setText(tr("Mean and std are comma-separated numbers."));
                m_error->show();
                return;
            }
            m_pipeline.ops[row].mean = *m;
            m_pipeline.ops[row].std = *s;
            m_opList->item(row)->setText(opText(m_pipeline.ops[row]));
            pipelineEdited();
        };
        connect(mean, &QLineEdit::editingFinished, this, apply);
        connect(std, &QLineEdit::editingFinished, this, apply);
        return;
    }
    auto probability = new QDoubleSpinBox;
    probability->setObjectName("augmentProbability");
    probability->setRange(0, 1);
    probability->setDecimals(2);
    probability->setSingleStep(0.05);
    probability->setValue(op.probability);
    m_opForm->addRow(tr("Probability"), probability);
    connect(probability, &QDoubleSpinBox::valueChanged, this, [this, row](double v) {
        m_pipeline.ops[row].probability = v;
        m_opList->item(row)->setText(opText(m_pipeline.ops[row]));
        pipelineEdited();
    });
    for (const AugmentParameter &p : type->parameters) {
        auto spin = new QDoubleSpinBox;
        spin->setObjectName(QStringLiteral("augmentParam_%1").arg(p.name));
        spin->setRange(p.minimum, p.maximum);
        spin->setDecimals(p.decimals);
        spin->setSingleStep(p.decimals == 0 ? (op.type == QLatin1String("blur") ? 2 : 1) : std::pow(10.0, -p.decimals) * 5);
        spin->setValue(op.param(p.name));
        m_opForm->addRow(p.label, spin);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, row, name = p.name](double v) {
            m_pipeline.ops[row].params[name] = v;
            pipelineEdited();
        });
    }
}

void AugmentationEditor::pipelineEdited()
{
    m_modified = true;
    m_saveButton->setEnabled(true);
    m_revertButton->setEnabled(true);
    const QString bad = m_dataset.id > 0 ? m_pipeline.validateFor(m_dataset) : QString();
    m_error->setText(bad);
    m_error->setVisible(!bad.isEmpty());
    m_saveButton->setEnabled(bad.isEmpty());
    schedulePreview();
}

void AugmentationEditor::addOp()
{
    const QString type = m_addCombo->currentData().toString();
    AugmentOp op = makeAugmentOp(type);
    int at = int(m_pipeline.ops.size());
    if (type == QLatin1String("normalize")) {
        if (m_pipeline.normalization()) {
            m_opList->setCurrentRow(at - 1);
            return;   // one normalize step, always last
        }
        op.mean = QVector<double>(std::max(1, m_dataset.channels), 0.0);
        op.std = QVector<double>(std::max(1, m_dataset.channels), 1.0);
    } else if (m_pipeline.normalization()) {
        at -= 1;   // keep normalize last
    }
    m_pipeline.ops.insert(at, op);
    rebuildList();
    m_opList->setCurrentRow(at);
    pipelineEdited();
}

void AugmentationEditor::removeOp()
{
    const int row = currentRow();
    if (row < 0 || row >= m_pipeline.ops.size())
        return;
    m_pipeline.ops.removeAt(row);
    rebuildList();
    pipelineEdited();
}

void AugmentationEditor::moveOp(int delta)
{
    const int row = currentRow(), to = row + delta;
    if (row < 0 || to < 0 || to >= m_pipeline.ops.size())
        return;
    m_pipeline.ops.swapItemsAt(row, to);
    rebuildList();
    m_opList->setCurrentRow(to);
    pipelineEdited();
}

bool AugmentationEditor::save(QString *error)
{
    ProjectStore *store = m_project->store();
    if (!store || m_dataset.id <= 0)
        return false;
    if (auto st = setDatasetAugmentation(*store, m_dataset.id, m_pipeline); !st) {
        m_error->setText(st.error());
        m_error->show();
        if (error)
            *error = st.error();
        return false;
    }
    m_modified = false;
    m_saveButton->setEnabled(false);
    m_revertButton->setEnabled(false);
    m_previewNote->setText(m_previewNote->text() + tr(" Saved: training on this dataset uses it."));
    return true;
}

void AugmentationEditor::revert()
{
    setDataset(m_dataset);
}

void AugmentationEditor::schedulePreview()
{
    m_debounce->start();
}

void AugmentationEditor::startPreview()
{
    if (m_previewWatcher.isRunning()) {
        m_previewPending = true;   // one more round when this one finishes
        return;
    }
    const bool valid = m_error->isHidden();
    if (m_samplePixels.isEmpty() || !valid) {
        for (QLabel *l : m_previewLabels)
            l->clear();
        m_previewNote->setText(m_dataset.kind == QLatin1String("tabular")
                                   ? tr("Tabular data: no image preview. Noise and standardization apply to the features.")
                               : !valid ? tr("Fix the pipeline to see the preview.")
                                        : tr("No training sample to preview."));
        Q_EMIT previewUpdated();
        return;
    }
    m_preview = std::make_shared<PreviewResult>();
    m_previewWatcher.setFuture(QtConcurrent::run([result = m_preview, pipeline = m_pipeline, pixels = m_samplePixels,
                                                  c = m_dataset.channels, h = m_dataset.height, w = m_dataset.width,
                                                  seed = m_previewSeed] {
        result->images = augmentPreview(pipeline, pixels, c, h, w, PreviewCount, seed);
    }));
}

void AugmentationEditor::finishPreview()
{
    if (m_previewPending) {
        m_previewPending = false;
        startPreview();
        return;
    }
    if (!m_preview || !m_preview->images)
        return;
    const auto &images = *m_preview->images;
    if (!images) {
        m_previewNote->setText(images.error());
        Q_EMIT previewUpdated();
        return;
    }
    auto show = [this](QLabel *label, const QByteArray &pixels) {
        SampleRecord s;
        s.pixels = pixels;
        const QImage image = sampleImage(s, m_dataset.channels, m_dataset.height, m_dataset.width);
        label->setPixmap(QPixmap::fromImage(image.scaled(72, 72, Qt::KeepAspectRatio, Qt::FastTransformation)));
    };
    show(m_previewLabels[0], m_samplePixels);
    for (int i = 0; i < PreviewCount && i < images->size(); ++i)
        show(m_previewLabels[i + 1], images->at(i));
    const bool normalizes = m_pipeline.normalization() != nullptr;
    m_previewNote->setText(tr("%1 (framed) and %2 augmented versions, seed %3.%4")
                               .arg(m_samplePath)
                               .arg(PreviewCount)
                               .arg(m_previewSeed)
                               .arg(normalizes ? tr(" Normalization follows and is not shown.") : QString()));
    Q_EMIT previewUpdated();
}

void AugmentationEditor::computeNormalization()
{
    if (m_statsWatcher.isRunning() || m_dataset.id <= 0)
        return;
    m_statsCancelToken = CancelToken();
    m_stats = std::make_shared<StatsResult>();
    m_statsButton->setEnabled(false);
    m_statsProgress->show();
    m_statsCancel->show();
    m_statsProgress->setRange(0, 0);
    ProgressFn progress = [this](qint64 done, qint64 total, const QString &) {
        QMetaObject::invokeMethod(this, [this, done, total] {
            m_statsProgress->setRange(0, int(std::max<qint64>(1, total)));
            m_statsProgress->setValue(int(std::min(done, total)));
        }, Qt::QueuedConnection);
    };
    m_statsWatcher.setFuture(QtConcurrent::run([result = m_stats, path = m_project->path(), id = m_dataset.id, progress,
                                                cancel = m_statsCancelToken] {
        auto store = ProjectStore::open(path);   // this worker's own connection
        if (!store) {
            result->stats = Result<ChannelStatistics>::failure(store.error());
            return;
        }
        result->stats = trainingSplitStatistics(*store.value(), id, progress, cancel);
    }));
}

void AugmentationEditor::finishNormalization()
{
    m_statsButton->setEnabled(true);
    m_statsProgress->hide();
    m_statsCancel->hide();
    if (!m_stats || !m_stats->stats)
        return;
    if (!*m_stats->stats) {
        m_error->setText(tr("Statistics: %1").arg(m_stats->stats->error()));
        m_error->show();
        return;
    }
    AugmentOp *n = m_pipeline.ops.isEmpty() || m_pipeline.ops.last().type != QLatin1String("normalize")
                       ? nullptr
                       : &m_pipeline.ops.last();
    if (!n)
        return;
    n->mean = m_stats->stats->value().mean;
    n->std = m_stats->stats->value().std;
    rebuildList();
    pipelineEdited();
}

} // namespace lepton
