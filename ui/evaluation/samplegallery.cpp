#include "samplegallery.h"

#include "eval/evaluation.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace {

constexpr int kThumb = 64;

double confidence(const PredictionRecord &p)
{
    return p.predicted >= 0 && p.predicted < p.scores.size() ? p.scores[p.predicted] : -1.0;
}

} // namespace

QImage sampleImage(const QByteArray &pixels, int channels, int height, int width)
{
    if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)
        || pixels.size() != qsizetype(channels) * height * width)
        return {};
    const auto *src = reinterpret_cast<const uchar *>(pixels.constData());
    if (channels == 1) {
        QImage image(width, height, QImage::Format_Grayscale8);
        for (int y = 0; y < height; ++y)
            memcpy(image.scanLine(y), src + qsizetype(y) * width, size_t(width));
        return image;
    }
    QImage image(width, height, QImage::Format_RGB888);
    const qsizetype plane = qsizetype(height) * width;
    for (int y = 0; y < height; ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                line[x * 3 + c] = src[c * plane + qsizetype(y) * width + x];
    }
    return image;
}

QHash<qint64, QImage> evaluationThumbnails(const ProjectStore &store, const EvaluationOutcome &e)
{
    QHash<qint64, QImage> out;
    if (!e.hasPredictions())
        return out;
    qint64 datasetId = e.datasetId;
    if (datasetId <= 0) {
        auto model = store.modelVersion(e.modelVersionId);
        if (!model)
            return out;
        datasetId = model->datasetId;
    }
    auto dataset = store.dataset(datasetId);
    auto samples = store.samples(datasetId, e.allSplits ? std::nullopt : std::optional<Split>(e.split), true);
    if (!dataset || !samples)
        return out;
    QSet<qint64> wanted;
    for (const PredictionRecord &p : e.predictions)
        wanted.insert(p.sampleId);
    for (const SampleRecord &s : samples.value()) {
        if (!wanted.contains(s.id))
            continue;
        QImage image = sampleImage(s.pixels, dataset->channels, dataset->height, dataset->width);
        if (image.width() > kThumb || image.height() > kThumb)
            image = image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (!image.isNull())
            out.insert(s.id, image);
    }
    return out;
}

SampleGallery::SampleGallery(QWidget *parent)
    : QWidget(parent)
    , m_filter(new QLabel)
    , m_allButton(new QPushButton(tr("All mistakes")))
    , m_sort(new QComboBox)
    , m_list(new QListWidget)
{
    m_filter->setObjectName("evaluationGalleryFilter");
    m_allButton->setObjectName("evaluationGalleryAll");
    m_sort->setObjectName("evaluationGallerySort");
    m_list->setObjectName("evaluationGallery");
    m_sort->addItem(tr("Most confident first"), true);
    m_sort->addItem(tr("Least confident first"), false);
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(kThumb, kThumb));
    m_list->setGridSize(QSize(kThumb + 56, kThumb + 48));
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setWordWrap(true);
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_allButton->setToolTip(tr("Show every misclassified sample again"));
    auto header = new QHBoxLayout;
    header->addWidget(m_filter, 1);
    header->addWidget(m_allButton);
    header->addWidget(m_sort);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_list, 1);
    connect(m_allButton, &QPushButton::clicked, this, &SampleGallery::showAllMistakes);
    connect(m_sort, &QComboBox::currentIndexChanged, this, &SampleGallery::refill);
    refill();
}

void SampleGallery::setPredictions(const QVector<PredictionRecord> &predictions, const QStringList &classes,
                                   const QHash<qint64, QImage> &thumbnails, const QString &unavailable)
{
    m_predictions = predictions;
    m_classes = classes;
    m_thumbnails = thumbnails;
    m_truth = m_predicted = -1;
    refill();
    if (!unavailable.isEmpty())
        m_filter->setText(unavailable);
}

void SampleGallery::setThumbnails(const QHash<qint64, QImage> &thumbnails)
{
    m_thumbnails = thumbnails;
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        const QImage image = m_thumbnails.value(m_predictions.value(item->data(Qt::UserRole).toInt()).sampleId);
        if (!image.isNull())
            item->setIcon(QPixmap::fromImage(image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    }
}

void SampleGallery::showCell(int truth, int predicted)
{
    m_truth = truth;
    m_predicted = predicted;
    refill();
}

void SampleGallery::showAllMistakes()
{
    m_truth = m_predicted = -1;
    refill();
}

void SampleGallery::setMostConfidentFirst(bool mostConfidentFirst)
{
    m_sort->setCurrentIndex(mostConfidentFirst ? 0 : 1);
}

int SampleGallery::visibleCount() const
{
    return m_list->count();
}

int SampleGallery::predictionIndex(int i) const
{
    const QListWidgetItem *item = m_list->item(i);
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

void SampleGallery::refill()
{
    const auto name = [&](int c) { return m_classes.value(c, QString::number(c)); };
    QVector<int> rows;
    for (int i = 0; i < m_predictions.size(); ++i) {
        const PredictionRecord &p = m_predictions[i];
        const bool wanted = m_truth < 0 ? p.truth != p.predicted : (p.truth == m_truth && p.predicted == m_predicted);
        if (wanted)
            rows.append(i);
    }
    const bool mostFirst = m_sort->currentData().toBool();
    std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
        const double ca = confidence(m_predictions[a]), cb = confidence(m_predictions[b]);
        return mostFirst ? ca > cb : ca < cb;
    });
    m_list->clear();
    for (int row : rows) {
        const PredictionRecord &p = m_predictions[row];
        const double c = confidence(p);
        const QString conf = c >= 0 ? QStringLiteral("%1%").arg(c * 100, 0, 'f', 1) : tr("n/a");
        auto item = new QListWidgetItem(tr("%1 → %2\n%3").arg(name(p.truth), name(p.predicted), conf));
        const QImage image = m_thumbnails.value(p.sampleId);
        if (!image.isNull())
            item->setIcon(QPixmap::fromImage(image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        item->setData(Qt::UserRole, row);
        item->setToolTip(tr("%1\ntrue: %2, predicted: %3, confidence %4").arg(p.sample, name(p.truth), name(p.predicted), conf));
        item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
        m_list->addItem(item);
    }
    if (m_predictions.isEmpty())
        m_filter->setText(tr("No per-sample predictions to show."));
    else if (m_truth < 0)
        m_filter->setText(tr("<b>%n misclassified sample(s)</b> — click a confusion-matrix cell to see only its samples", nullptr,
                             int(rows.size())));
    else
        m_filter->setText(tr("<b>%n sample(s)</b> with true class %1 predicted as %2", nullptr, int(rows.size()))
                              .arg(name(m_truth), name(m_predicted)));
    m_allButton->setEnabled(m_truth >= 0);
}

} // namespace lepton
