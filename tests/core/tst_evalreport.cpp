// Evaluations kept with their per-sample predictions, rebuilt from the project, and written as
// CSV / JSON / HTML reports; the binary threshold and the comparison of two evaluations.
#include "eval/charts.h"
#include "eval/comparison.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "eval/threshold.h"
#include "project/projectstore.h"
#include "trainedproject.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace lepton;

class TestEvalReport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    EvaluationOutcome m_evaluated;   // from the model
    QString m_project;

    static QString fixture(const QString &name)
    {
        return QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/") + name;
    }
    static EvaluationOutcome binaryFixture()
    {
        auto rows = readPredictionsCsv(fixture(QStringLiteral("binary_predictions.csv")));
        if (!rows)
            qFatal("%s", qPrintable(rows.error()));
        auto e = evaluationFromPredictions({QStringLiteral("negative"), QStringLiteral("positive")}, rows.value());
        if (!e)
            qFatal("%s", qPrintable(e.error()));
        return e.value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("eval.lepton"));
        auto trained = Testing::makeTrainedDemoProject(m_project, 1);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        auto e = evaluateModel(m_project, trained->modelVersionId, Split::Test);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        m_evaluated = e.value();
    }

    void predictionsAreStoredWithTheEvaluation()
    {
        QCOMPARE(qint64(m_evaluated.predictions.size()), m_evaluated.samples);
        QCOMPARE(m_evaluated.samples, qint64(500));
        auto store = ProjectStore::open(m_project);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        auto samples = store.value()->samples(1, Split::Test, false);
        QVERIFY(samples.ok());
        auto loaded = loadEvaluation(*store.value(), m_evaluated.evaluationId);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->predictions.size(), m_evaluated.predictions.size());
        for (int i = 0; i < loaded->predictions.size(); ++i) {
            const PredictionRecord &a = m_evaluated.predictions[i], &b = loaded->predictions[i];
            QCOMPARE(b.sampleId, samples->at(i).id);
            QCOMPARE(b.sample, samples->at(i).path);
            QCOMPARE(b.truth, samples->at(i).label);
            QCOMPARE(b.predicted, a.predicted);
            QCOMPARE(b.scores, a.scores);   // bit for bit
            QCOMPARE(int(b.scores.size()), 10);
        }
        // Metrics rebuilt from the stored predictions are the ones computed at evaluation time.
        QCOMPARE(loaded->metrics.accuracy, m_evaluated.metrics.accuracy);
        QCOMPARE(loaded->metrics.macroF1, m_evaluated.metrics.macroF1);
        QVERIFY(loaded->scores && m_evaluated.scores);
        QCOMPARE(loaded->scores->logLoss, m_evaluated.scores->logLoss);
        QCOMPARE(loaded->scores->microRocAuc, m_evaluated.scores->microRocAuc);
        QCOMPARE(loaded->modelVersionId, m_evaluated.modelVersionId);
        QCOMPARE(loaded->split, Split::Test);
        QVERIFY(!loaded->modelName.isEmpty());
    }

    void csvHasOneRowPerSampleAndTheStoredScores()
    {
        const QString file = m_dir.filePath(QStringLiteral("pred.csv"));
        QVERIFY(writePredictionsCsv(m_evaluated, file).ok());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(int(lines.size()), 500 + 2);   // header, 500 rows, final empty
        QCOMPARE(lines.first(), QByteArray("sample,true,pred,score_0,score_1,score_2,score_3,score_4,score_5,"
                                           "score_6,score_7,score_8,score_9"));
        QVERIFY(lines.last().isEmpty());
        for (int i = 1; i <= 500; ++i)
            QCOMPARE(int(lines[i].count(',')), 12);
        QVERIFY(lines[1].startsWith(m_evaluated.predictions.first().sample.toUtf8() + ','));
        auto back = readPredictionsCsv(file);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->size(), m_evaluated.predictions.size());
        for (int i = 0; i < back->size(); ++i) {
            QCOMPARE(back->at(i).sample, m_evaluated.predictions[i].sample);
            QCOMPARE(back->at(i).truth, m_evaluated.predictions[i].truth);
            QCOMPARE(back->at(i).predicted, m_evaluated.predictions[i].predicted);
            QCOMPARE(back->at(i).scores, m_evaluated.predictions[i].scores);
        }
    }

    void csvQuotingAndBadInput()
    {
        const EvaluationOutcome e = binaryFixture();
        QCOMPARE(e.predictions[4].sample, QStringLiteral("scan,\"04\".png"));
        const QByteArray csv = predictionsCsv(e);
        QVERIFY(csv.contains("\n\"scan,\"\"04\"\".png\",0,1,0.45"));
        auto back = parsePredictionsCsv(csv, QStringLiteral("mem"));
        QVERIFY(back.ok());
        QCOMPARE(back->at(4).sample, e.predictions[4].sample);

        auto ragged = parsePredictionsCsv("sample,true,pred,score_0,score_1\na,0,1,0.5\n", QStringLiteral("r.csv"));
        QVERIFY(!ragged.ok());
        QVERIFY2(ragged.error().contains("r.csv") && ragged.error().contains("record 2"), qPrintable(ragged.error()));
        auto notNumber = parsePredictionsCsv("sample,true,pred,score_0,score_1\na,0,1,0.5,x\n", QStringLiteral("n.csv"));
        QVERIFY(!notNumber.ok());
        QVERIFY2(notNumber.error().contains("score_1"), qPrintable(notNumber.error()));
        auto badHeader = parsePredictionsCsv("id,label\n", QStringLiteral("h.csv"));
        QVERIFY(!badHeader.ok());
        QVERIFY(badHeader.error().contains("line 1"));
        auto unclosed = parsePredictionsCsv("sample,true,pred\n\"a,0,1\n", QStringLiteral("q.csv"));
        QVERIFY(!unclosed.ok());
        auto outOfRange = evaluationFromPredictions({QStringLiteral("a"), QStringLiteral("b")},
                                                    {PredictionRecord{0, QStringLiteral("x.png"), 2, 0, {0.5, 0.5}}});
        QVERIFY(!outOfRange.ok());
        QVERIFY2(outOfRange.error().contains("x.png"), qPrintable(outOfRange.error()));
    }

    void jsonRoundTrip()
    {
        const QString file = m_dir.filePath(QStringLiteral("metrics.json"));
        QVERIFY(writeMetricsJson(m_evaluated, file).ok());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(o, evaluationJson(m_evaluated, true));
        QCOMPARE(o.value("accuracy").toDouble(), m_evaluated.metrics.accuracy);
        QCOMPARE(o.value("kappa").toDouble(), *m_evaluated.metrics.kappa);
        QCOMPARE(o.value("evaluation_id").toInteger(), m_evaluated.evaluationId);
        QCOMPARE(o.value("model_version_id").toInteger(), m_evaluated.modelVersionId);
        const QJsonObject s = o.value("scores").toObject();
        QCOMPARE(s.value("log_loss").toDouble(), m_evaluated.scores->logLoss);
        QCOMPARE(s.value("roc_auc_micro").toDouble(), m_evaluated.scores->microRocAuc);
        QCOMPARE(int(s.value("roc_curves").toArray().size()), 10);
        const QJsonArray cm = o.value("confusion_matrix").toArray();
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                QCOMPARE(cm[t].toArray()[p].toInteger(), m_evaluated.metrics.confusion.at(t, p));
    }

    void htmlIsSelfContained()
    {
        const QString html = htmlReport(m_evaluated);
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        // Nothing is fetched from elsewhere: no scripts, stylesheets or remote sources.
        QVERIFY(!html.contains(QLatin1String("http://")) && !html.contains(QLatin1String("https://")));
        QVERIFY(!html.contains(QLatin1String("<script")) && !html.contains(QLatin1String("<link")));
        const QRegularExpression img(QStringLiteral("<img alt=\"([^\"]+)\" src=\"([^\"]+)\">"));
        QStringList alts;
        for (auto it = img.globalMatch(html); it.hasNext();) {
            const auto m = it.next();
            alts << m.captured(1);
            const QString src = m.captured(2);
            QVERIFY2(src.startsWith("data:image/svg+xml;base64,"), qPrintable(src.left(60)));
            const QByteArray svg = QByteArray::fromBase64(src.mid(int(strlen("data:image/svg+xml;base64,"))).toLatin1());
            QXmlStreamReader xml(svg);
            int elements = 0;
            while (!xml.atEnd())
                elements += xml.readNext() == QXmlStreamReader::StartElement;
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QVERIFY(elements > 10);
        }
        QCOMPARE(alts, QStringList({"Confusion matrix", "ROC curves", "Precision-recall curves", "Calibration curve"}));
        // Names the evaluation, the model version and its metrics.
        QVERIFY(html.contains(QStringLiteral("Evaluation #%1").arg(m_evaluated.evaluationId)));
        QVERIFY(html.contains(QStringLiteral("model version #%1 (%2)").arg(m_evaluated.modelVersionId).arg(m_evaluated.modelName)));
        QVERIFY(html.contains(QString::number(m_evaluated.metrics.accuracy, 'f', 4)));
        QVERIFY(html.contains(QString::number(m_evaluated.metrics.macroF1, 'f', 4)));
        QVERIFY(html.contains(QString::number(m_evaluated.scores->calibration.expectedCalibrationError, 'f', 4)));
        const QString file = m_dir.filePath(QStringLiteral("r.html"));
        QVERIFY(writeReport(m_evaluated, file).ok());
        QVERIFY(QFileInfo(file).size() > 10000);
        QVERIFY(!writeReport(m_evaluated, m_dir.filePath(QStringLiteral("r.txt"))).ok());
        auto unwritable = writeHtmlReport(m_evaluated, QStringLiteral("/nonexistent-dir/r.html"));
        QVERIFY(!unwritable.ok());
        QVERIFY(unwritable.error().contains("/nonexistent-dir/r.html"));
    }

    void binaryThresholdAsComputedByHand_data()
    {
        QTest::addColumn<double>("threshold");
        QTest::addColumn<int>("tp");
        QTest::addColumn<int>("fp");
        QTest::addColumn<int>("fn");
        QTest::addColumn<int>("tn");
        QTest::addColumn<double>("precision");
        QTest::addColumn<double>("recall");
        QTest::addColumn<double>("f1");
        QTest::addColumn<double>("accuracy");
        // See tests/fixtures/binary_predictions.md.
        QTest::newRow("0.50") << 0.50 << 3 << 2 << 2 << 3 << 3.0 / 5 << 3.0 / 5 << 3.0 / 5 << 0.6;
        QTest::newRow("0.55 tie") << 0.55 << 3 << 2 << 2 << 3 << 3.0 / 5 << 3.0 / 5 << 3.0 / 5 << 0.6;
        QTest::newRow("0.65") << 0.65 << 2 << 1 << 3 << 4 << 2.0 / 3 << 2.0 / 5 << 0.5 << 0.6;
        QTest::newRow("0.35") << 0.35 << 4 << 2 << 1 << 3 << 2.0 / 3 << 4.0 / 5 << 8.0 / 11 << 0.7;
        QTest::newRow("0.96") << 0.96 << 0 << 0 << 5 << 5 << 0.0 << 0.0 << 0.0 << 0.5;
    }

    void binaryThresholdAsComputedByHand()
    {
        QFETCH(double, threshold);
        QFETCH(int, tp);
        QFETCH(int, fp);
        QFETCH(int, fn);
        QFETCH(int, tn);
        QFETCH(double, precision);
        QFETCH(double, recall);
        QFETCH(double, f1);
        QFETCH(double, accuracy);
        const EvaluationOutcome e = binaryFixture();
        auto m = binaryThresholdMetrics(e.predictions, 1, threshold);
        QVERIFY2(m.ok(), qPrintable(m.error()));
        QCOMPARE(m->truePositives, qint64(tp));
        QCOMPARE(m->falsePositives, qint64(fp));
        QCOMPARE(m->falseNegatives, qint64(fn));
        QCOMPARE(m->trueNegatives, qint64(tn));
        QVERIFY(qAbs(m->precision - precision) < 1e-12);
        QVERIFY(qAbs(m->recall - recall) < 1e-12);
        QVERIFY(qAbs(m->f1 - f1) < 1e-12);
        QVERIFY(qAbs(m->accuracy - accuracy) < 1e-12);
        QCOMPARE(m->confusion.at(1, 1), qint64(tp));
        QCOMPARE(m->confusion.at(0, 1), qint64(fp));
        QCOMPARE(m->confusion.at(1, 0), qint64(fn));
        QCOMPARE(m->confusion.at(0, 0), qint64(tn));
    }

    void thresholdNeedsABinaryTask()
    {
        auto m = binaryThresholdMetrics(m_evaluated.predictions, 1, 0.5);
        QVERIFY(!m.ok());
        QVERIFY2(m.error().contains("binary"), qPrintable(m.error()));
        QVERIFY(!binaryThresholdMetrics(binaryFixture().predictions, 2, 0.5).ok());
    }

    void comparisonDeltas()
    {
        const EvaluationOutcome a = binaryFixture();
        QVector<PredictionRecord> better = a.predictions;
        better[2].predicted = 0;   // a false positive fixed
        auto b = evaluationFromPredictions(a.classes, better);
        QVERIFY(b.ok());
        auto c = compareEvaluations(a, b.value());
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->summary.first().name, QStringLiteral("Accuracy"));
        QVERIFY(qAbs(*c->summary.first().delta() - 0.1) < 1e-12);   // 7/10 - 6/10
        QCOMPARE(int(c->perClass.size()), 2);
        // positive: precision 3/5 -> 3/4, recall unchanged; negative: recall 3/5 -> 4/5.
        QVERIFY(qAbs(c->perClass[1].precisionDelta() - (0.75 - 0.6)) < 1e-12);
        QCOMPARE(c->perClass[1].recallDelta(), 0.0);
        QVERIFY(qAbs(c->perClass[0].recallDelta() - 0.2) < 1e-12);
        auto mismatch = compareEvaluations(a, m_evaluated);
        QVERIFY(!mismatch.ok());
        QVERIFY(mismatch.error().contains("different classes"));
    }

    void evaluationsFromOlderProjectsStillOpen()
    {
        const QString file = m_dir.filePath(QStringLiteral("v2.lepton"));
        QVERIFY(ProjectStore::createAtSchemaVersion(file, 2).ok());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec("INSERT INTO datasets (id, name, kind, channels, height, width) VALUES (1, 'old', 'image-folder', 1, 2, 2)"));
            QVERIFY(q.exec("INSERT INTO classes (dataset_id, idx, name) VALUES (1, 0, 'cat'), (1, 1, 'dog')"));
            QVERIFY(q.exec("INSERT INTO model_versions (id, dataset_id, name, weights) VALUES (1, 1, 'm', x'00')"));
            QVERIFY(q.exec("INSERT INTO evaluations (id, model_version_id, split, accuracy, macro_f1, metrics_json) "
                           "VALUES (1, 1, 'test', 0.8333, 0.8, '{\"confusion_matrix\":[[3,1],[0,2]]}')"));
            q.finish();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("v2"));
        }
        auto store = ProjectStore::open(file);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        auto e = loadEvaluation(*store.value(), 1);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QVERIFY(!e->hasPredictions());
        QCOMPARE(e->samples, qint64(6));
        QCOMPARE(e->metrics.accuracy, 5.0 / 6);
        QCOMPARE(e->metrics.perClass[0].recall, 0.75);
        QVERIFY(!e->scores);
        QVERIFY2(e->scoresError.contains("before per-sample scores were kept"), qPrintable(e->scoresError));
        auto csv = writePredictionsCsv(e.value(), m_dir.filePath(QStringLiteral("none.csv")));
        QVERIFY(!csv.ok());
        QVERIFY(csv.error().contains("evaluate the model again"));
        // The HTML report still works, without score charts and saying why.
        const QString html = htmlReport(e.value());
        QVERIFY(html.contains("Confusion matrix"));
        QVERIFY(html.contains("No ROC"));
        QVERIFY(!loadEvaluation(*store.value(), 99).ok());
    }

    void curveDecimation()
    {
        QVector<double> x, y;
        for (int i = 0; i <= 1000; ++i) {
            x << i / 1000.0;
            y << i / 1000.0;
        }
        CurvePoints line = decimateCurve(x, y, 200);
        QCOMPARE(line.x, QVector<double>({0.0, 1.0}));   // a straight line needs its two ends
        // A staircase keeps its corners and stays within the point budget.
        x.clear();
        y.clear();
        for (int i = 0; i < 1000; ++i) {
            x << i / 1000.0 << i / 1000.0;
            y << i / 1000.0 << (i + 1) / 1000.0;
        }
        CurvePoints stairs = decimateCurve(x, y, 100);
        QVERIFY(stairs.x.size() <= 100 && stairs.x.size() >= 2);
        QCOMPARE(stairs.x.first(), 0.0);
        QCOMPARE(stairs.y.last(), 1.0);
        QCOMPARE(seriesColor(0), QStringLiteral("#1f77b4"));
        QCOMPARE(seriesColor(10), seriesColor(0));
    }
};

QTEST_GUILESS_MAIN(TestEvalReport)
#include "tst_evalreport.moc"
