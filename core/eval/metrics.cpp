#include "eval/metrics.h"

#include <QJsonArray>

namespace lepton {

ConfusionMatrix::ConfusionMatrix(int classCount)
    : m_classes(classCount), m_counts(classCount * classCount, 0)
{
}

ConfusionMatrix ConfusionMatrix::fromLabels(const QVector<int> &truth, const QVector<int> &predicted,
                                            int classCount)
{
    ConfusionMatrix m(classCount);
    const int n = qMin(truth.size(), predicted.size());
    for (int i = 0; i < n; ++i)
        m.add(truth[i], predicted[i]);
    return m;
}

void ConfusionMatrix::add(int truth, int predicted)
{
    if (truth < 0 || truth >= m_classes || predicted < 0 || predicted >= m_classes)
        return;
    ++m_counts[truth * m_classes + predicted];
}

qint64 ConfusionMatrix::total() const
{
    qint64 t = 0;
    for (qint64 c : m_counts)
        t += c;
    return t;
}

qint64 ConfusionMatrix::rowSum(int truth) const
{
    qint64 t = 0;
    for (int p = 0; p < m_classes; ++p)
        t += at(truth, p);
    return t;
}

qint64 ConfusionMatrix::columnSum(int predicted) const
{
    qint64 t = 0;
    for (int r = 0; r < m_classes; ++r)
        t += at(r, predicted);
    return t;
}

ClassificationMetrics computeClassificationMetrics(const ConfusionMatrix &cm)
{
    ClassificationMetrics m;
    m.confusion = cm;
    const int k = cm.classCount();
    const qint64 total = cm.total();
    qint64 correct = 0;
    for (int c = 0; c < k; ++c)
        correct += cm.at(c, c);
    m.accuracy = total ? double(correct) / double(total) : 0.0;
    m.perClass.resize(k);
    for (int c = 0; c < k; ++c) {
        ClassMetrics &pc = m.perClass[c];
        const qint64 tp = cm.at(c, c);
        const qint64 predicted = cm.columnSum(c);
        pc.support = cm.rowSum(c);
        pc.precision = predicted ? double(tp) / double(predicted) : 0.0;
        pc.recall = pc.support ? double(tp) / double(pc.support) : 0.0;
        pc.f1 = (pc.precision + pc.recall) > 0 ? 2 * pc.precision * pc.recall / (pc.precision + pc.recall) : 0.0;
        m.macroPrecision += pc.precision;
        m.macroRecall += pc.recall;
        m.macroF1 += pc.f1;
    }
    if (k > 0) {
        m.macroPrecision /= k;
        m.macroRecall /= k;
        m.macroF1 /= k;
    }
    return m;
}

QJsonObject ClassificationMetrics::toJson() const
{
    QJsonArray classes;
    for (const ClassMetrics &c : perClass)
        classes.append(QJsonObject{{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1},
                                   {"support", double(c.support)}});
    QJsonArray matrix;
    for (int r = 0; r < confusion.classCount(); ++r) {
        QJsonArray row;
        for (int p = 0; p < confusion.classCount(); ++p)
            row.append(double(confusion.at(r, p)));
        matrix.append(row);
    }
    return QJsonObject{{"accuracy", accuracy},     {"macro_precision", macroPrecision},
                       {"macro_recall", macroRecall}, {"macro_f1", macroF1},
                       {"per_class", classes},     {"confusion_matrix", matrix}};
}

} // namespace lepton
