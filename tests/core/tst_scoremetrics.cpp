// Probability and regression metrics against scikit-learn 1.2.1 reference values
// (tests/fixtures/score_metrics_fixture.json, made by tests/fixtures/make_score_metrics_fixture.py),
// to 1e-9; curves are compared element by element.
#include "eval/regressionmetrics.h"
#include "eval/scoremetrics.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lepton;

namespace {

constexpr double tol = 1e-9;

QJsonObject fixture()
{
    QFile f(QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/score_metrics_fixture.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QVector<double> doubles(const QJsonValue &v)
{
    QVector<double> out;
    for (const QJsonValue &x : v.toArray())
        out.append(x.toDouble());
    return out;
}

QVector<int> ints(const QJsonValue &v)
{
    QVector<int> out;
    for (const QJsonValue &x : v.toArray())
        out.append(x.toInt());
    return out;
}

ProbabilityMatrix matrix(const QJsonValue &rows)
{
    ProbabilityMatrix m;
    for (const QJsonValue &row : rows.toArray()) {
        const QVector<double> r = doubles(row);
        m.cols = r.size();
        m.values += r;
        ++m.rows;
    }
    return m;
}

bool near(const QVector<double> &a, const QJsonValue &expected, QByteArray *why)
{
    const QVector<double> b = doubles(expected);
    if (a.size() != b.size()) {
        *why = QByteArray("length ") + QByteArray::number(a.size()) + " != " + QByteArray::number(b.size());
        return false;
    }
    for (int i = 0; i < a.size(); ++i) {
        if (qAbs(a[i] - b[i]) >= tol) {
            *why = "element " + QByteArray::number(i) + ": " + QByteArray::number(a[i], 'g', 17) + " vs "
                   + QByteArray::number(b[i], 'g', 17);
            return false;
        }
    }
    return true;
}

} // namespace

#define VERIFY_NEAR_ARRAY(actual, expected)                                                         \
    do {                                                                                            \
        QByteArray why;                                                                             \
        QVERIFY2(near(actual, expected, &why), (QByteArray(#actual) + ": " + why).constData());     \
    } while (false)
#define VERIFY_NEAR(actual, expected)                                                               \
    QVERIFY2(qAbs((actual) - (expected)) < tol,                                                     \
             (QByteArray(#actual) + " = " + QByteArray::number(actual, 'g', 17) + ", expected "     \
              + QByteArray::number(expected, 'g', 17)).constData())

class TestScoreMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesScikitLearn_data()
    {
        QTest::addColumn<QJsonObject>("c");
        const QJsonArray cases = fixture().value("cases").toArray();
        QVERIFY(cases.size() >= 9);
        for (const QJsonValue &c : cases)
            QTest::newRow(qPrintable(c.toObject().value("name").toString())) << c.toObject();
    }
    void matchesScikitLearn()
    {
        QFETCH(QJsonObject, c);
        const QVector<int> truth = ints(c.value("y_true"));
        const ProbabilityMatrix probs = matrix(c.value("probs"));
        const int k = c.value("classes").toInt();
        QCOMPARE(probs.cols, k);

        const QVector<double> topK = doubles(c.value("top_k"));
        for (int i = 0; i < topK.size(); ++i)
            VERIFY_NEAR(topKAccuracy(truth, probs, i + 1).value(), topK[i]);

        auto computed = computeScoreMetrics(truth, probs);
        QVERIFY2(computed.ok(), qPrintable(computed.error()));
        const ScoreMetrics &m = computed.value();
        VERIFY_NEAR(m.logLoss, c.value("log_loss").toDouble());
        VERIFY_NEAR(m.top1Accuracy, topK[0]);

        const QJsonArray perClass = c.value("per_class").toArray();
        QCOMPARE(m.perClass.size(), k);
        for (int cls = 0; cls < k; ++cls) {
            const ClassRanking &r = m.perClass[cls];
            if (perClass[cls].isNull()) {
                QVERIFY(!r.rocAuc && !r.averagePrecision && !r.roc && !r.pr);
                // Binary names the one class that occurs; multi-class names the class itself.
                QVERIFY(r.undefined.contains(k == 2 ? QStringLiteral("only class") : QString::number(cls)));
                continue;
            }
            const QJsonObject e = perClass[cls].toObject();
            QVERIFY(r.rocAuc && r.averagePrecision && r.roc && r.pr);
            VERIFY_NEAR(*r.rocAuc, e.value("auc").toDouble());
            VERIFY_NEAR(*r.averagePrecision, e.value("ap").toDouble());
            VERIFY_NEAR_ARRAY(r.roc->fpr, e.value("fpr"));
            VERIFY_NEAR_ARRAY(r.roc->tpr, e.value("tpr"));
            VERIFY_NEAR_ARRAY(r.roc->thresholds, e.value("thresholds"));
            VERIFY_NEAR_ARRAY(r.pr->precision, e.value("precision"));
            VERIFY_NEAR_ARRAY(r.pr->recall, e.value("recall"));
            VERIFY_NEAR_ARRAY(r.pr->thresholds, e.value("pr_thresholds"));
        }
        QCOMPARE(m.skippedClasses, ints(c.value("skipped")));
        if (c.value("macro_auc").isNull()) {
            QVERIFY(!m.macroRocAuc && !m.macroAveragePrecision);
        } else {
            VERIFY_NEAR(m.macroRocAuc.value(), c.value("macro_auc").toDouble());
            VERIFY_NEAR(m.macroAveragePrecision.value(), c.value("macro_ap").toDouble());
        }
        VERIFY_NEAR(m.microRocAuc, c.value("micro_auc").toDouble());
        VERIFY_NEAR(m.microAveragePrecision, c.value("micro_ap").toDouble());
        const QJsonObject micro = c.value("micro_roc").toObject();
        VERIFY_NEAR_ARRAY(m.microRoc.fpr, micro.value("fpr"));
        VERIFY_NEAR_ARRAY(m.microRoc.tpr, micro.value("tpr"));
        VERIFY_NEAR_ARRAY(m.microRoc.thresholds, micro.value("thresholds"));

        const QJsonObject cal = c.value("calibration").toObject();
        VERIFY_NEAR_ARRAY(m.calibration.probTrue, cal.value("prob_true"));
        VERIFY_NEAR_ARRAY(m.calibration.probPred, cal.value("prob_pred"));
        QVector<double> counts;
        for (qint64 n : m.calibration.counts)
            counts.append(double(n));
        VERIFY_NEAR_ARRAY(counts, cal.value("counts"));
        VERIFY_NEAR(m.calibration.expectedCalibrationError, cal.value("ece").toDouble());

        const QJsonObject json = m.toJson();
        QCOMPARE(json.value("auc_skipped_classes").toArray().size(), m.skippedClasses.size());
        QCOMPARE(json.value("auc_undefined").toArray().size(), m.skippedClasses.size());
    }

    void regressionMatchesScikitLearn()
    {
        const QJsonArray cases = fixture().value("regression").toArray();
        QVERIFY(cases.size() >= 2);
        for (const QJsonValue &v : cases) {
            const QJsonObject c = v.toObject();
            auto m = computeRegressionMetrics(doubles(c.value("y_true")), doubles(c.value("y_pred")));
            QVERIFY2(m.ok(), qPrintable(m.error()));
            VERIFY_NEAR(m->mae, c.value("mae").toDouble());
            VERIFY_NEAR(m->rmse, c.value("rmse").toDouble());
            if (c.value("r2").isNull()) {
                QVERIFY(!m->r2);
                QVERIFY(m->r2Undefined.contains("undefined"));
                QVERIFY(m->toJson().value("r2").isNull());
            } else {
                VERIFY_NEAR(m->r2.value(), c.value("r2").toDouble());
            }
        }
        QVERIFY(!computeRegressionMetrics({}, {}).ok());
        QVERIFY(computeRegressionMetrics({1, 2}, {1}).error().contains("2 targets but 1 predictions"));
    }

    void undefinedCasesSayWhy()
    {
        // Binary with one class present: a message, never NaN.
        auto roc = rocCurve({1, 1, 1}, {0.2, 0.5, 0.9});
        QVERIFY(!roc.ok());
        QCOMPARE(roc.error(), QStringLiteral("ROC curve needs both classes present; only the positive class occurs"));
        QVERIFY(!precisionRecallCurve({0, 0}, {0.1, 0.2}).ok());

        ProbabilityMatrix binary{3, 2, {0.9, 0.1, 0.4, 0.6, 0.3, 0.7}};
        auto m = computeScoreMetrics({1, 1, 1}, binary, {"cat", "dog"});
        QVERIFY(m.ok());
        QCOMPARE(m->perClass[1].undefined,
                 QStringLiteral("binary ROC and precision-recall need both classes present; only class 'dog' occurs"));
        QVERIFY(!m->macroRocAuc);

        ProbabilityMatrix three{3, 3, {0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1}};
        auto absent = computeScoreMetrics({0, 1, 0}, three, {"a", "b", "c"});
        QVERIFY(absent.ok());
        QCOMPARE(absent->perClass[2].undefined,
                 QStringLiteral("ROC AUC and average precision for class 'c' are undefined: the class is absent from the split"));
        QCOMPARE(absent->skippedClasses, QVector<int>{2});
        QVERIFY(absent->toJson().value("roc_auc_per_class").toArray()[2].isNull());

        // Malformed input names the sample.
        ProbabilityMatrix bad{2, 2, {0.5, 0.5, 1.5, -0.5}};
        QVERIFY(computeScoreMetrics({0, 1}, bad).error().startsWith("sample 1, class 0"));
        QVERIFY(!computeScoreMetrics({0, 2}, ProbabilityMatrix{2, 2, {0.5, 0.5, 0.5, 0.5}}).ok());
        QVERIFY(!topKAccuracy({0}, ProbabilityMatrix{1, 2, {0.5, 0.5}}, 0).ok());
    }

    void areaUnderCurveChecksShape()
    {
        QCOMPARE(areaUnderCurve({0, 1}, {0, 1}).value(), 0.5);
        QCOMPARE(areaUnderCurve({1, 0}, {1, 1}).value(), 1.0);
        QVERIFY(!areaUnderCurve({0}, {0}).ok());
        QVERIFY(areaUnderCurve({0, 1, 0.5}, {0, 1, 1}).error().contains("neither increasing nor decreasing"));
    }
};

QTEST_GUILESS_MAIN(TestScoreMetrics)
#include "tst_scoremetrics.moc"
