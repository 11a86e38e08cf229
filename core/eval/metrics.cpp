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

namespace {

double f1Of(double p, double r)
{
    return (p + r) > 0 ? 2 * p * r / (p + r) : 0.0;
}

// sklearn cohen_kappa_score: 1 - sum(off-diagonal observed) / sum(off-diagonal expected).
void computeKappa(const ConfusionMatrix &cm, ClassificationMetrics &m)
{
    const int k = cm.classCount();
    const double total = double(cm.total());
    if (total <= 0) {
        m.kappaUndefined = QStringLiteral("Cohen's kappa is undefined: there are no samples");
        return;
    }
    double observed = 0, expected = 0;
    for (int t = 0; t < k; ++t) {
        for (int p = 0; p < k; ++p) {
            if (t == p)
                continue;
            observed += double(cm.at(t, p));
            expected += double(cm.columnSum(t)) * double(cm.rowSum(p)) / total;
        }
    }
    if (expected == 0) {
        m.kappaUndefined = QStringLiteral("Cohen's kappa is undefined: truth and prediction are one "
                                          "and the same single class, so chance agreement is 1");
        return;
    }
    m.kappa = 1.0 - observed / expected;
}

} // namespace

double ClassificationMetrics::normalizedAt(int truth, int predicted) const
{
    const qint64 row = confusion.rowSum(truth);
    return row ? double(confusion.at(truth, predicted)) / double(row) : 0.0;
}

ClassificationMetrics computeClassificationMetrics(const ConfusionMatrix &cm)
{
    ClassificationMetrics m;
    m.confusion = cm;
    const int k = cm.classCount();
    const qint64 total = cm.total();
    qint64 correct = 0, predictedTotal = 0;
    for (int c = 0; c < k; ++c)
        correct += cm.at(c, c);
    m.accuracy = total ? double(correct) / double(total) : 0.0;
    m.perClass.resize(k);
    int present = 0;
    for (int c = 0; c < k; ++c) {
        ClassMetrics &pc = m.perClass[c];
        const qint64 tp = cm.at(c, c);
        const qint64 predicted = cm.columnSum(c);
        predictedTotal += predicted;
        pc.support = cm.rowSum(c);
        pc.precision = predicted ? double(tp) / double(predicted) : 0.0;
        pc.recall = pc.support ? double(tp) / double(pc.support) : 0.0;
        pc.f1 = f1Of(pc.precision, pc.recall);
        m.macroPrecision += pc.precision;
        m.macroRecall += pc.recall;
        m.macroF1 += pc.f1;
        m.weightedPrecision += pc.precision * double(pc.support);
        m.weightedRecall += pc.recall * double(pc.support);
        m.weightedF1 += pc.f1 * double(pc.support);
        if (pc.support) {
            m.balancedAccuracy += pc.recall;
            ++present;
        }
    }
    if (k > 0) {
        m.macroPrecision /= k;
        m.macroRecall /= k;
        m.macroF1 /= k;
    }
    if (present > 0)
        m.balancedAccuracy /= present;
    if (total > 0) {
        m.weightedPrecision /= double(total);
        m.weightedRecall /= double(total);
        m.weightedF1 /= double(total);
    }
    // Micro averages pool tp/fp/fn over all classes; with every label included they equal accuracy.
    m.microPrecision = predictedTotal ? double(correct) / double(predictedTotal) : 0.0;
    m.microRecall = total ? double(correct) / double(total) : 0.0;
    m.microF1 = f1Of(m.microPrecision, m.microRecall);
    computeKappa(cm, m);
    return m;
}

QJsonObject ClassificationMetrics::toJson() const
{
    QJsonArray classes;
    for (const ClassMetrics &c : perClass)
        classes.append(QJsonObject{{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1},
                                   {"support", double(c.support)}});
    QJsonArray matrix, normalized;
    for (int r = 0; r < confusion.classCount(); ++r) {
        QJsonArray row, nrow;
        for (int p = 0; p < confusion.classCount(); ++p) {
            row.append(double(confusion.at(r, p)));
            nrow.append(normalizedAt(r, p));
        }
        matrix.append(row);
        normalized.append(nrow);
    }
    QJsonObject json{{"accuracy", accuracy},
                     {"balanced_accuracy", balancedAccuracy},
                     {"macro_precision", macroPrecision},
                     {"macro_recall", macroRecall},
                     {"macro_f1", macroF1},
                     {"micro_precision", microPrecision},
                     {"micro_recall", microRecall},
                     {"micro_f1", microF1},
                     {"weighted_precision", weightedPrecision},
                     {"weighted_recall", weightedRecall},
                     {"weighted_f1", weightedF1},
                     {"per_class", classes},
                     {"confusion_matrix", matrix},
                     {"confusion_matrix_normalized", normalized}};
    json.insert(QLatin1String("kappa"), kappa ? QJsonValue(*kappa) : QJsonValue(QJsonValue::Null));
    if (!kappa)
        json.insert(QLatin1String("kappa_undefined"), kappaUndefined);
    return json;
}

} // namespace lepton
