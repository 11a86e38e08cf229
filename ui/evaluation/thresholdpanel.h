#pragma once
// For two-class evaluations: a decision threshold on the positive class's score, with precision,
// recall, F1, accuracy and the 2 x 2 confusion matrix recomputed (in core) as the slider moves.
#include "eval/threshold.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QTableWidget;

namespace lepton {

class ThresholdPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int SliderSteps = 1000;   // threshold = value / SliderSteps

    explicit ThresholdPanel(QWidget *parent = nullptr);

    // Returns false (and shows nothing) unless the evaluation is binary with stored scores.
    bool setPredictions(const QVector<PredictionRecord> &predictions, const QStringList &classes);
    void setThreshold(double threshold);
    void setPositiveClass(int positiveClass);
    double threshold() const;
    const BinaryThresholdMetrics &metrics() const { return m_metrics; }

    QSlider *slider() const { return m_slider; }
    QTableWidget *confusionTable() const { return m_confusion; }
    QLabel *valueLabel(const QString &key) const;   // precision, recall, f1, accuracy

private:
    void update();

    QVector<PredictionRecord> m_predictions;
    QStringList m_classes;
    BinaryThresholdMetrics m_metrics;
    QSlider *m_slider;
    QLabel *m_thresholdLabel;
    QComboBox *m_positive;
    QLabel *m_error;
    QTableWidget *m_confusion;
    QHash<QString, QLabel *> m_values;
};

} // namespace lepton
