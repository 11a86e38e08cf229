// Classification metrics against scikit-learn reference values (tests/fixtures/metrics_fixture.json,
// made by tests/fixtures/make_metrics_fixture.py), to 1e-12.
#include "eval/metrics.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lepton;

class TestMetrics : public QObject
{
    Q_OBJECT

    static QVector<int> ints(const QJsonValue &v)
    {
        QVector<int> out;
        for (const QJsonValue &x : v.toArray())
            out.append(x.toInt());
        return out;
    }

private Q_SLOTS:
    void matchesScikitLearn_data()
    {
        QTest::addColumn<QJsonObject>("c");
        QFile f(QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/metrics_fixture.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object().value("cases").toArray();
        QVERIFY(cases.size() >= 5);
        for (const QJsonValue &c : cases)
            QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
    }
    void matchesScikitLearn()
    {
        QFETCH(QJsonObject, c);
        const int k = c.value("classes").toInt();
        const ConfusionMatrix cm = ConfusionMatrix::fromLabels(ints(c.value("y_true")), ints(c.value("y_pred")), k);
        const ClassificationMetrics m = computeClassificationMetrics(cm);
        constexpr double tol = 1e-12;
        QVERIFY(qAbs(m.accuracy - c.value("accuracy").toDouble()) < tol);
        QVERIFY(qAbs(m.macroPrecision - c.value("macro_precision").toDouble()) < tol);
        QVERIFY(qAbs(m.macroRecall - c.value("macro_recall").toDouble()) < tol);
        QVERIFY(qAbs(m.macroF1 - c.value("macro_f1").toDouble()) < tol);
        QVERIFY(qAbs(m.balancedAccuracy - c.value("balanced_accuracy").toDouble()) < tol);
        QVERIFY(qAbs(m.microPrecision - c.value("micro_precision").toDouble()) < tol);
        QVERIFY(qAbs(m.microRecall - c.value("micro_recall").toDouble()) < tol);
        QVERIFY(qAbs(m.microF1 - c.value("micro_f1").toDouble()) < tol);
        QVERIFY(qAbs(m.weightedPrecision - c.value("weighted_precision").toDouble()) < tol);
        QVERIFY(qAbs(m.weightedRecall - c.value("weighted_recall").toDouble()) < tol);
        QVERIFY(qAbs(m.weightedF1 - c.value("weighted_f1").toDouble()) < tol);
        if (c.value("kappa").isNull()) {
            QVERIFY(!m.kappa);
            QVERIFY(m.kappaUndefined.contains("undefined"));
        } else {
            QVERIFY(m.kappa);
            QVERIFY(qAbs(*m.kappa - c.value("kappa").toDouble()) < tol);
        }
        const QJsonArray normalized = c.value("confusion_normalized").toArray();
        const QJsonArray confusion = c.value("confusion").toArray();
        for (int t = 0; t < k; ++t) {
            QVERIFY(qAbs(m.perClass[t].precision - c.value("precision").toArray()[t].toDouble()) < tol);
            QVERIFY(qAbs(m.perClass[t].recall - c.value("recall").toArray()[t].toDouble()) < tol);
            QVERIFY(qAbs(m.perClass[t].f1 - c.value("f1").toArray()[t].toDouble()) < tol);
            for (int p = 0; p < k; ++p) {
                QCOMPARE(cm.at(t, p), qint64(confusion[t].toArray()[p].toInt()));
                QVERIFY(qAbs(m.normalizedAt(t, p) - normalized[t].toArray()[p].toDouble()) < tol);
            }
        }
    }

    void handComputed()
    {
        // truth 0 0 1 1 2, predicted 0 1 1 1 0
        const ConfusionMatrix cm = ConfusionMatrix::fromLabels({0, 0, 1, 1, 2}, {0, 1, 1, 1, 0}, 3);
        const ClassificationMetrics m = computeClassificationMetrics(cm);
        QCOMPARE(m.accuracy, 0.6);
        QCOMPARE(m.perClass[0].precision, 0.5);    // 1 of 2 predicted zeros
        QCOMPARE(m.perClass[1].precision, 2.0 / 3.0);
        QCOMPARE(m.perClass[1].recall, 1.0);
        QCOMPARE(m.perClass[2].f1, 0.0);
        QCOMPARE(m.perClass[2].support, qint64(1));
        QCOMPARE(m.macroF1, (0.5 + 0.8 + 0.0) / 3.0);
        QCOMPARE(cm.total(), qint64(5));
        const QJsonObject json = m.toJson();
        QCOMPARE(json.value("confusion_matrix").toArray()[0].toArray()[1].toInt(), 1);
        QCOMPARE(json.value("confusion_matrix_normalized").toArray()[0].toArray()[1].toDouble(), 0.5);
        QCOMPARE(m.balancedAccuracy, (0.5 + 1.0 + 0.0) / 3.0);
        QVERIFY(json.value("kappa").isDouble());
        for (const char *key : {"accuracy", "macro_f1", "macro_precision", "macro_recall", "per_class",
                                "balanced_accuracy", "micro_f1", "weighted_f1"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
