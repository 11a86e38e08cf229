#pragma once
// The misclassified samples of an evaluation as thumbnails (from the project's stored pixels) with
// their true and predicted class and the model's confidence; filtered to one confusion-matrix cell
// on request and sortable by confidence.
#include "project/projectstore.h"

#include <QHash>
#include <QImage>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace lepton {

class SampleGallery : public QWidget
{
    Q_OBJECT

public:
    explicit SampleGallery(QWidget *parent = nullptr);

    // thumbnails: by sample id; samples without one are shown with their name only.
    void setPredictions(const QVector<PredictionRecord> &predictions, const QStringList &classes,
                        const QHash<qint64, QImage> &thumbnails, const QString &unavailable = {});
    // Thumbnails that arrived later (loaded off the GUI thread); keeps the filter and sort.
    void setThumbnails(const QHash<qint64, QImage> &thumbnails);
    // Only the samples with this true and predicted class (any cell, the diagonal too).
    void showCell(int truth, int predicted);
    // Every misclassified sample.
    void showAllMistakes();
    void setMostConfidentFirst(bool mostConfidentFirst);

    int visibleCount() const;
    QListWidget *list() const { return m_list; }
    // Row of the visible item `i` in the predictions given to setPredictions.
    int predictionIndex(int i) const;

private:
    void refill();

    QVector<PredictionRecord> m_predictions;
    QStringList m_classes;
    QHash<qint64, QImage> m_thumbnails;
    int m_truth = -1, m_predicted = -1;   // -1: all mistakes
    QLabel *m_filter;
    QPushButton *m_allButton;
    QComboBox *m_sort;
    QListWidget *m_list;
};

// A thumbnail of a sample's stored pixels (uint8, C x H x W planar; 1 or 3 channels).
QImage sampleImage(const QByteArray &pixels, int channels, int height, int width);

struct EvaluationOutcome;
// Thumbnails (at most 64 px) of the samples in an evaluation, from the project's stored pixels.
// Safe on a worker thread with that thread's own store.
QHash<qint64, QImage> evaluationThumbnails(const ProjectStore &store, const EvaluationOutcome &e);

} // namespace lepton
