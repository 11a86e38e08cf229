#include "thresholdpanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lepton {

ThresholdPanel::ThresholdPanel(QWidget *parent)
    : QWidget(parent)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_thresholdLabel(new QLabel)
    , m_positive(new QComboBox)
    , m_error(new QLabel)
    , m_confusion(new QTableWidget(2, 2))
{
    m_slider->setObjectName("evaluationThresholdSlider");
    m_thresholdLabel->setObjectName("evaluationThresholdValue");
    m_positive->setObjectName("evaluationPositiveClass");
    m_confusion->setObjectName("evaluationThresholdConfusion");
    m_slider->setRange(0, SliderSteps);
    m_slider->setValue(SliderSteps / 2);
    m_slider->setPageStep(SliderSteps / 20);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(SliderSteps / 10);
    m_thresholdLabel->setMinimumWidth(60);
    m_thresholdLabel->setStyleSheet("font-weight: 600;");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->setSelectionMode(QAbstractItemView::NoSelection);
    m_confusion->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusion->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusion->setMaximumHeight(140);

    auto sliderRow = new QHBoxLayout;
    sliderRow->addWidget(new QLabel(tr("Positive class:")));
    sliderRow->addWidget(m_positive);
    sliderRow->addSpacing(16);
    sliderRow->addWidget(new QLabel(tr("Threshold:")));
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_thresholdLabel);

    auto values = new QFormLayout;
    for (const auto &[key, title] : {std::pair{"precision", tr("Precision")}, std::pair{"recall", tr("Recall")},
                                     std::pair{"f1", tr("F1")}, std::pair{"accuracy", tr("Accuracy")}}) {
        auto label = new QLabel(QStringLiteral("—"));
        label->setObjectName(QStringLiteral("evaluationThreshold_%1").arg(QLatin1String(key)));
        label->setStyleSheet("font-size: 16px; font-weight: 600;");
        values->addRow(title + QLatin1Char(':'), label);
        m_values.insert(QLatin1String(key), label);
    }
    auto results = new QHBoxLayout;
    results->addLayout(values);
    results->addSpacing(24);
    results->addWidget(m_confusion, 1);

    auto help = new QLabel(tr("A sample is predicted positive when its positive-class score is at least the "
                              "threshold. Rows of the matrix: true class; columns: predicted class."));
    help->setWordWrap(true);
    help->setStyleSheet("color: palette(dark);");
    auto layout = new QVBoxLayout(this);
    layout->addLayout(sliderRow);
    layout->addWidget(m_error);
    layout->addLayout(results);
    layout->addWidget(help);
    layout->addStretch(1);

    connect(m_slider, &QSlider::valueChanged, this, &ThresholdPanel::update);
    connect(m_positive, &QComboBox::currentIndexChanged, this, &ThresholdPanel::update);
}

bool ThresholdPanel::setPredictions(const QVector<PredictionRecord> &predictions, const QStringList &classes)
{
    const bool binary = classes.size() == 2 && !predictions.isEmpty()
                        && std::all_of(predictions.begin(), predictions.end(),
                                       [](const PredictionRecord &p) { return p.scores.size() == 2; });
    m_predictions = binary ? predictions : QVector<PredictionRecord>();
    m_classes = classes;
    {
        const QSignalBlocker blocker(m_positive);
        m_positive->clear();
        if (binary) {
            m_positive->addItems(classes);
            m_positive->setCurrentIndex(1);
        }
    }
    if (binary)
        update();
    return binary;
}

void ThresholdPanel::setThreshold(double threshold)
{
    m_slider->setValue(int(std::lround(threshold * SliderSteps)));
}

void ThresholdPanel::setPositiveClass(int positiveClass)
{
    m_positive->setCurrentIndex(positiveClass);
}

double ThresholdPanel::threshold() const
{
    return double(m_slider->value()) / SliderSteps;
}

QLabel *ThresholdPanel::valueLabel(const QString &key) const
{
    return m_values.value(key);
}

void ThresholdPanel::update()
{
    m_thresholdLabel->setText(QString::number(threshold(), 'f', 3));
    if (m_predictions.isEmpty())
        return;
    auto computed = binaryThresholdMetrics(m_predictions, std::max(0, m_positive->currentIndex()), threshold());
    m_error->setVisible(!computed);
    if (!computed) {
        m_error->setText(computed.error());
        return;
    }
    m_metrics = computed.value();
    m_values[QStringLiteral("precision")]->setText(QString::number(m_metrics.precision, 'f', 4));
    m_values[QStringLiteral("recall")]->setText(QString::number(m_metrics.recall, 'f', 4));
    m_values[QStringLiteral("f1")]->setText(QString::number(m_metrics.f1, 'f', 4));
    m_values[QStringLiteral("accuracy")]->setText(QString::number(m_metrics.accuracy, 'f', 4));
    m_confusion->setHorizontalHeaderLabels({tr("pred. %1").arg(m_classes.value(0)), tr("pred. %1").arg(m_classes.value(1))});
    m_confusion->setVerticalHeaderLabels({tr("true %1").arg(m_classes.value(0)), tr("true %1").arg(m_classes.value(1))});
    for (int t = 0; t < 2; ++t) {
        for (int p = 0; p < 2; ++p) {
            auto item = new QTableWidgetItem(QString::number(m_metrics.confusion.at(t, p)));
            item->setTextAlignment(Qt::AlignCenter);
            item->setBackground(t == p ? QColor(214, 230, 245) : QColor(250, 219, 216));
            m_confusion->setItem(t, p, item);
        }
    }
}

} // namespace lepton
