// Evaluating a model version on another dataset of the project: a copy of the test split with the
// classes listed in reverse order, a two-class subset, and datasets that do not fit (unknown class,
// other input shape). Every prediction is recomputed here with the model and the class mapping
// applied by hand; the metrics must be those of the recomputed predictions.
#include "eval/evaluator.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"
#include "trainedproject.h"

#include <QHash>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace lepton;
using namespace lepton::Internal;

class TestEvalDataset : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_version = 0;
    qint64 m_modelDataset = 0;
    QVector<SampleRecord> m_test;   // the model dataset's test split, with pixels

    // Adds a dataset holding `samples` (pixels copied) under `classes`; labels relabelled by `label`.
    qint64 addDataset(const QString &name, const QStringList &classes, const QVector<SampleRecord> &samples,
                      int height = 20, int width = 20)
    {
        auto store = ProjectStore::open(m_project);
        if (!store)
            return 0;
        DatasetInfo info;
        info.name = name;
        info.kind = QStringLiteral("digit-sheet");
        info.channels = 1;
        info.height = height;
        info.width = width;
        info.classes = classes;
        auto id = store.value()->addDataset(info, samples);
        return id ? id.value() : 0;
    }

    // The model's own predictions for `samples`, computed here (not by the evaluator).
    QVector<int> predictHere(const QVector<SampleRecord> &samples, QVector<QVector<double>> *scores)
    {
        auto store = ProjectStore::open(m_project);
        auto loaded = loadModelVersion(*store.value(), m_version);
        if (!loaded)
            return {};
        torch::NoGradGuard noGrad;
        QVector<int> out;
        for (const SampleRecord &s : samples) {
            torch::Tensor x = torch::from_blob(const_cast<char *>(s.pixels.constData()), {1, 1, 20, 20}, torch::kUInt8)
                                  .to(torch::kFloat32)
                                  .div(255.0f);
            torch::Tensor logits = loaded->module->forward(x);
            out.append(int(logits.argmax(1).item<int64_t>()));
            torch::Tensor p = logits.to(torch::kDouble).softmax(1).contiguous();
            scores->append(QVector<double>(p.data_ptr<double>(), p.data_ptr<double>() + 10));
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("eval.lepton"));
        auto trained = Testing::makeTrainedDemoProject(m_project, 1);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_version = trained->modelVersionId;
        m_modelDataset = trained->project.datasetId;
        auto store = ProjectStore::open(m_project);
        QVERIFY(store.ok());
        auto test = store.value()->samples(m_modelDataset, Split::Test, true);
        QVERIFY(test.ok());
        m_test = test.value();
        QCOMPARE(int(m_test.size()), 500);
    }

    void reversedClassOrder()
    {
        // Same pixels, classes listed "9".."0": dataset label l is model class 9 - l.
        QStringList reversed;
        for (int c = 9; c >= 0; --c)
            reversed.append(QString::number(c));
        QVector<SampleRecord> copy = m_test;
        for (int i = 0; i < copy.size(); ++i) {
            copy[i].label = 9 - m_test[i].label;
            copy[i].split = Split(i % 3);   // spread over the splits: "all" must take every one
        }
        const qint64 dataset = addDataset(QStringLiteral("reversed test set"), reversed, copy);
        QVERIFY(dataset > 0);

        auto e = evaluateModel(m_project, m_version, EvaluationTarget{dataset, std::nullopt});
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->samples, qint64(500));
        QCOMPARE(e->datasetId, dataset);
        QVERIFY(e->allSplits);
        QCOMPARE(e->classes, QStringList({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));

        QVector<QVector<double>> scores;
        const QVector<int> predicted = predictHere(copy, &scores);
        QCOMPARE(int(predicted.size()), 500);
        // "All" goes split by split (train, validation, test), so predictions are matched by path.
        QHash<QString, int> byPath;
        for (int i = 0; i < copy.size(); ++i)
            byPath.insert(copy[i].path, i);
        QCOMPARE(int(byPath.size()), 500);
        QVector<PredictionRecord> expected;
        for (const PredictionRecord &p : e->predictions) {
            QVERIFY2(byPath.contains(p.sample), qPrintable(p.sample));
            const int i = byPath.value(p.sample);
            QCOMPARE(p.truth, m_test[i].label);   // mapped back by name
            QCOMPARE(p.predicted, predicted[i]);
            for (int c = 0; c < 10; ++c)
                QVERIFY(qAbs(p.scores[c] - scores[i][c]) < 1e-6);
            PredictionRecord r;
            r.sample = copy[i].path;
            r.truth = m_test[i].label;
            r.predicted = predicted[i];
            r.scores = scores[i];
            expected.append(r);
        }
        auto reference = evaluationFromPredictions(e->classes, expected);
        QVERIFY(reference.ok());
        QCOMPARE(e->metrics.accuracy, reference->metrics.accuracy);
        QCOMPARE(e->metrics.macroF1, reference->metrics.macroF1);
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                QCOMPARE(e->metrics.confusion.at(t, p), reference->metrics.confusion.at(t, p));

        // The same as evaluating the model's own test split: same pixels, same classes.
        auto own = evaluateModel(m_project, m_version, Split::Test);
        QVERIFY(own.ok());
        QCOMPARE(own->datasetId, m_modelDataset);
        QCOMPARE(own->metrics.accuracy, e->metrics.accuracy);
        QCOMPARE(own->metrics.macroF1, e->metrics.macroF1);

        // Stored with the dataset and the "all" scope; read back the same.
        auto store = ProjectStore::open(m_project);
        auto info = store.value()->evaluation(e->evaluationId);
        QVERIFY(info.ok());
        QCOMPARE(info->datasetId, dataset);
        QCOMPARE(info->split, QStringLiteral("all"));
        auto loaded = loadEvaluation(*store.value(), e->evaluationId);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->datasetId, dataset);
        QCOMPARE(loaded->datasetName, QStringLiteral("reversed test set"));
        QVERIFY(loaded->allSplits);
        QCOMPARE(loaded->scopeName(), QStringLiteral("all"));
        QCOMPARE(loaded->metrics.accuracy, e->metrics.accuracy);
        QCOMPARE(evaluationJson(loaded.value(), false).value("dataset_id").toInteger(), dataset);

        // One split of it only.
        auto oneSplit = evaluateModel(m_project, m_version, EvaluationTarget{dataset, Split::Validation});
        QVERIFY2(oneSplit.ok(), qPrintable(oneSplit.error()));
        QCOMPARE(oneSplit->samples, qint64(std::count_if(copy.begin(), copy.end(),
                                                         [](const SampleRecord &s) { return s.split == Split::Validation; })));
    }

    void subsetOfClasses()
    {
        // Only the sevens and threes, listed as "7", "3".
        QVector<SampleRecord> subset;
        for (SampleRecord s : m_test) {
            if (s.label != 7 && s.label != 3)
                continue;
            s.label = s.label == 7 ? 0 : 1;
            s.split = Split::Test;
            subset.append(s);
        }
        const qint64 dataset = addDataset(QStringLiteral("sevens and threes"), {"7", "3"}, subset);
        QVERIFY(dataset > 0);
        auto e = evaluateModel(m_project, m_version, EvaluationTarget{dataset, Split::Test});
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->samples, qint64(subset.size()));
        QVector<QVector<double>> scores;
        const QVector<int> predicted = predictHere(subset, &scores);
        int correct = 0;
        for (int i = 0; i < subset.size(); ++i) {
            QCOMPARE(e->predictions[i].truth, subset[i].label == 0 ? 7 : 3);
            QCOMPARE(e->predictions[i].predicted, predicted[i]);
            correct += predicted[i] == e->predictions[i].truth;
        }
        QCOMPARE(e->metrics.accuracy, double(correct) / subset.size());
        QCOMPARE(e->metrics.perClass[7].support, qint64(std::count_if(subset.begin(), subset.end(),
                                                                     [](const SampleRecord &s) { return s.label == 0; })));
        QCOMPARE(e->metrics.perClass[0].support, qint64(0));   // classes the dataset lacks are empty
    }

    void incompatibleDatasets()
    {
        QVector<SampleRecord> few = m_test.mid(0, 4);
        for (SampleRecord &s : few)
            s.label = 0;
        const qint64 unknown = addDataset(QStringLiteral("animals"), {"cat", "3"}, few);
        QVERIFY(unknown > 0);
        auto e = evaluateModel(m_project, m_version, EvaluationTarget{unknown, std::nullopt});
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains("'cat'") && e.error().contains("'animals'") && e.error().contains("'OpenCV digits'"),
                 qPrintable(e.error()));
        QVERIFY2(!e.error().contains("'3'"), qPrintable(e.error()));

        QVector<SampleRecord> big = few;
        for (SampleRecord &s : big)
            s.pixels = QByteArray(28 * 28, char(0));
        const qint64 other = addDataset(QStringLiteral("big digits"), {"0"}, big, 28, 28);
        QVERIFY(other > 0);
        e = evaluateModel(m_project, m_version, EvaluationTarget{other, std::nullopt});
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains("1×28×28") && e.error().contains("1×20×20") && e.error().contains("'big digits'"),
                 qPrintable(e.error()));

        e = evaluateModel(m_project, m_version, EvaluationTarget{999, Split::Test});
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains("999"), qPrintable(e.error()));

        // Nothing was stored for the failures.
        auto store = ProjectStore::open(m_project);
        for (const EvaluationInfo &info : store.value()->evaluations().value())
            QVERIFY(info.datasetId != unknown && info.datasetId != other);
    }
};

QTEST_GUILESS_MAIN(TestEvalDataset)
#include "tst_evaldataset.moc"
