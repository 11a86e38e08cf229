// `lepton eval` with its report flags, end to end on the real digit sheet: the CSV carries the
// predictions stored in the project, the JSON the metrics, the HTML is self-contained; a stored
// evaluation gives the same reports without the model.
#include "eval/evaluation.h"
#include "data/importer.h"
#include "eval/report.h"
#include "project/projectstore.h"
#include "trainedproject.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "processrun.h"

using namespace lepton;

class TestEvalCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    QString m_version;
    qint64 m_evaluationId = 0;

    using Run = lepton::Testing::ProcessRun;

    static Run lepton(const QStringList &args)
    {
        return lepton::Testing::runProcess(QStringLiteral(LEPTON_CLI), args);
    }

    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_project = m_dir.filePath(QStringLiteral("cli.lepton"));
        auto trained = Testing::makeTrainedDemoProject(m_project, 1);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_version = QString::number(trained->modelVersionId);
    }

    void evaluateWithReports()
    {
        const QString csv = m_dir.filePath("pred.csv"), html = m_dir.filePath("report.html"),
                      metrics = m_dir.filePath("metrics.json");
        const Run r = lepton({"eval", m_project, "--model", m_version, "--split", "test", "--predictions", csv,
                              "--report", html, "--metrics", metrics, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!o.isEmpty(), r.out.constData());
        m_evaluationId = o.value("evaluation_id").toInteger();
        QVERIFY(m_evaluationId > 0);
        QCOMPARE(o.value("split").toString(), QStringLiteral("test"));
        QCOMPARE(o.value("samples").toInt(), 500);
        QCOMPARE(o.value("files").toObject().value("predictions").toString(), csv);
        QCOMPARE(o.value("files").toObject().value("report").toString(), html);

        // The CSV holds exactly the predictions stored with the evaluation.
        auto store = ProjectStore::open(m_project);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        auto stored = store.value()->predictions(m_evaluationId);
        QVERIFY(stored.ok());
        QCOMPARE(int(stored->size()), 500);
        auto rows = readPredictionsCsv(csv);
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        QCOMPARE(int(rows->size()), 500);
        for (int i = 0; i < 500; ++i) {
            QCOMPARE(rows->at(i).sample, stored->at(i).sample);
            QCOMPARE(rows->at(i).truth, stored->at(i).truth);
            QCOMPARE(rows->at(i).predicted, stored->at(i).predicted);
            QCOMPARE(rows->at(i).scores, stored->at(i).scores);
        }
        QVERIFY(read(csv).startsWith("sample,true,pred,score_0,"));

        // The metrics file carries the metrics the command printed, plus the curves.
        const QJsonObject m = QJsonDocument::fromJson(read(metrics)).object();
        QCOMPARE(m.value("accuracy").toDouble(), o.value("accuracy").toDouble());
        QCOMPARE(m.value("macro_f1").toDouble(), o.value("macro_f1").toDouble());
        QCOMPARE(m.value("scores").toObject().value("log_loss").toDouble(),
                 o.value("scores").toObject().value("log_loss").toDouble());
        QCOMPARE(int(m.value("scores").toObject().value("roc_curves").toArray().size()), 10);

        const QString page = QString::fromUtf8(read(html));
        QVERIFY(page.contains("<!DOCTYPE html>"));
        QVERIFY(!page.contains("http://") && !page.contains("https://"));
        QCOMPARE(int(page.count("src=\"data:image/svg+xml;base64,")), 4);
        QVERIFY(page.contains(QStringLiteral("model version #%1").arg(m_version)));
        QVERIFY(page.contains(QString::number(o.value("accuracy").toDouble(), 'f', 4)));
    }

    void storedEvaluationWithoutTheModel()
    {
        QVERIFY(m_evaluationId > 0);
        const QString csv = m_dir.filePath("again.csv"), html = m_dir.filePath("again.html");
        const Run r = lepton({"eval", m_project, "--evaluation", QString::number(m_evaluationId), "--predictions",
                              csv, "--report", html});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("wrote predictions: " + csv.toUtf8()), r.out.constData());
        QCOMPARE(read(csv), read(m_dir.filePath("pred.csv")));
        QVERIFY(read(html).contains("src=\"data:image/svg+xml;base64,"));
        // No new evaluation was added.
        auto store = ProjectStore::open(m_project);
        QVERIFY(store.ok());
        QCOMPARE(int(store.value()->evaluations()->size()), 1);
    }

    void badCommandLines()
    {
        Run r = lepton({"eval", m_project});
        QCOMPARE(r.exitCode, 2);
        r = lepton({"eval", m_project, "--model", m_version, "--evaluation", "1"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("either --model"));
        r = lepton({"eval", m_project, "--evaluation", "99"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no evaluation with id 99"), r.err.constData());
        r = lepton({"eval", m_project, "--evaluation", QString::number(m_evaluationId), "--report",
                    "/nonexistent-dir/r.html"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("/nonexistent-dir/r.html"), r.err.constData());
    }

    // The digit sheet imported again as a "new test set": evaluating on all its samples gives the
    // metrics of its per-sample predictions, and the samples shared with the first evaluation (the
    // model dataset's test split, same pixels) get the same predictions and true classes.
    void anotherDatasetOfTheProject()
    {
        Run r = lepton({"import", m_project, "--digits", defaultDigitSheetPath(), "--name", "new test set", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString dataset = QString::number(QJsonDocument::fromJson(r.out).object().value("dataset_id").toInteger());
        const QString csv = m_dir.filePath("new.csv");
        r = lepton({"eval", m_project, "--model", m_version, "--dataset", dataset, "--split", "all", "--predictions", csv,
                    "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("samples").toInt(), 5000);
        QCOMPARE(o.value("split").toString(), QStringLiteral("all"));
        QCOMPARE(QString::number(o.value("dataset_id").toInteger()), dataset);
        QCOMPARE(o.value("dataset_name").toString(), QStringLiteral("new test set"));

        auto rows = readPredictionsCsv(csv);
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        QCOMPARE(int(rows->size()), 5000);
        QStringList classes;
        for (const QJsonValue &c : o.value("classes").toArray())
            classes << c.toString();
        auto recomputed = evaluationFromPredictions(classes, rows.value());
        QVERIFY(recomputed.ok());
        QCOMPARE(recomputed->metrics.accuracy, o.value("accuracy").toDouble());
        QCOMPARE(recomputed->metrics.macroF1, o.value("macro_f1").toDouble());

        auto first = readPredictionsCsv(m_dir.filePath("pred.csv"));
        QVERIFY(first.ok());
        QHash<QString, PredictionRecord> bySample;
        for (const PredictionRecord &p : rows.value())
            bySample.insert(p.sample, p);
        for (const PredictionRecord &p : first.value()) {
            QVERIFY2(bySample.contains(p.sample), qPrintable(p.sample));
            QCOMPARE(bySample[p.sample].truth, p.truth);
            QCOMPARE(bySample[p.sample].predicted, p.predicted);
        }

        // A dataset of another input size is refused, naming both shapes; nothing is stored.
        r = lepton({"import", m_project, "--digits", defaultDigitSheetPath(), "--size", "28x28", "--name", "big digits",
                    "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString big = QString::number(QJsonDocument::fromJson(r.out).object().value("dataset_id").toInteger());
        auto store = ProjectStore::open(m_project);
        QVERIFY(store.ok());
        const qsizetype evaluations = store.value()->evaluations()->size();
        r = lepton({"eval", m_project, "--model", m_version, "--dataset", big});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("1×28×28") && r.err.contains("1×20×20") && r.err.contains("'big digits'"), r.err.constData());
        QCOMPARE(store.value()->evaluations()->size(), evaluations);

        r = lepton({"eval", m_project, "--model", m_version, "--dataset", "0"});
        QCOMPARE(r.exitCode, 2);
        r = lepton({"eval", m_project, "--evaluation", "1", "--dataset", dataset});
        QCOMPARE(r.exitCode, 2);
        r = lepton({"eval", m_project, "--model", m_version, "--split", "everything"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("all"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestEvalCli)
#include "tst_evalcli.moc"
