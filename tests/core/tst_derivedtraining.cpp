// Compression's training runs (fine-tuning a pruned model, distilling a student) are ordinary runs:
// a run cancelled after its first epoch and resumed ends with the same weights as one that was never
// interrupted (max |diff| 0, one thread), because its teacher, temperature, α and "keep the pruned
// zeros" travel in the run's stored configuration; the result links to its parent version.
#include "compress/internal/magnitude.h"
#include "graph/internal/graphmodule.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "train/trainer.h"
#include "trainedproject.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using namespace lepton::Internal;

class TestDerivedTraining : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_source;
    Testing::TrainedProject m_trained;

    QString copyOfSource(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        return QFile::copy(m_source, path) ? path : QString();
    }

    static TrainConfig twoEpochs()
    {
        TrainConfig c;
        c.epochs = 2;
        c.seed = 11;
        c.learningRate = 3e-3;
        return c;
    }

    // Trains `derived` on a copy of the source project, either straight through or cancelled after
    // epoch 1 and resumed; returns the project path and the model version made.
    std::pair<QString, qint64> train(const QString &name, qint64 architectureId, const DerivedTraining &derived,
                                     bool interrupt)
    {
        const QString path = copyOfSource(name);
        CancelToken cancel;
        TrainObserver observer;
        if (interrupt)
            observer.onEpoch = [cancel](const EpochMetrics &m) {
                if (m.epoch == 1)
                    cancel.cancel();
            };
        auto first = trainDerivedModel(path, m_trained.project.datasetId, architectureId, twoEpochs(), derived,
                                       observer, cancel);
        if (!first) {
            qWarning("%s", qPrintable(first.error()));
            return {path, 0};
        }
        if (!interrupt)
            return {path, first->modelVersionId};
        if (!first->cancelled || first->epochs.size() != 1) {
            qWarning("the run was not cancelled after epoch 1");
            return {path, 0};
        }
        auto store = ProjectStore::open(path);
        const QJsonObject config = QJsonDocument::fromJson(store.value()->run(first->runId)->configJson.toUtf8()).object();
        if (DerivedTraining::fromJson(config.value(QStringLiteral("derived")).toObject()).toJson() != derived.toJson()) {
            qWarning("the run's stored configuration lost its derivation: %s", QJsonDocument(config).toJson().constData());
            return {path, 0};
        }
        auto resumed = resumeTraining(path, first->runId);
        if (!resumed || resumed->firstEpoch != 2) {
            qWarning("resume: %s", resumed ? "did not start at epoch 2" : qPrintable(resumed.error()));
            return {path, 0};
        }
        return {path, resumed->modelVersionId};
    }

    static LoadedModel load(const QString &path, qint64 version)
    {
        auto store = ProjectStore::open(path);
        auto loaded = loadModelVersion(*store.value(), version);
        if (!loaded)
            qFatal("%s", qPrintable(loaded.error()));
        return loaded.value();
    }

    static double maxAbsDiff(const LoadedModel &a, const LoadedModel &b)
    {
        torch::NoGradGuard noGrad;
        const auto pa = a.module->named_parameters(), pb = b.module->named_parameters();
        double diff = pa.size() == pb.size() ? 0.0 : 1e9;
        for (const auto &p : pa)
            diff = std::max(diff, (p.value() - pb[p.key()]).abs().max().item<double>());
        return diff;
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime(1);   // bit-for-bit comparisons need one thread
        m_source = m_dir.filePath(QStringLiteral("source.lepton"));
        auto trained = Testing::makeTrainedDemoProject(m_source, 1);
        QVERIFY2(trained, qPrintable(trained.error()));
        m_trained = trained.value();
    }

    void distillationResumesToTheSameWeights()
    {
        const LoadedModel teacher = load(m_source, m_trained.modelVersionId);
        auto student = makeTemplate(QStringLiteral("lenet"), teacher.module->analysis().inputShape, 10);
        QVERIFY2(student, qPrintable(student.error()));
        qint64 architecture = 0;
        {
            auto store = ProjectStore::open(m_source);
            auto added = store.value()->addArchitecture(QStringLiteral("LeNet student"), QString::fromUtf8(student->toJson()));
            QVERIFY2(added, qPrintable(added.error()));
            architecture = added.value();
        }
        DerivedTraining d;
        d.teacherModelVersionId = d.parentModelVersionId = m_trained.modelVersionId;
        d.temperature = 3.0;
        d.alpha = 0.7;
        const auto whole = train(QStringLiteral("distill-whole.lepton"), architecture, d, false);
        const auto resumed = train(QStringLiteral("distill-resumed.lepton"), architecture, d, true);
        QVERIFY(whole.second > 0 && resumed.second > 0);
        const LoadedModel a = load(whole.first, whole.second), b = load(resumed.first, resumed.second);
        QCOMPARE(b.version.parentId, m_trained.modelVersionId);
        QCOMPARE(maxAbsDiff(a, b), 0.0);
        // the teacher term changes what is learned: the same student without a teacher ends elsewhere
        DerivedTraining plain;
        plain.parentModelVersionId = m_trained.modelVersionId;
        const auto alone = train(QStringLiteral("student-alone.lepton"), architecture, plain, false);
        QVERIFY(alone.second > 0);
        QVERIFY(maxAbsDiff(a, load(alone.first, alone.second)) > 1e-4);
    }

    void fineTuningKeepsPrunedZerosAcrossResume()
    {
        // a magnitude-pruned copy of the trained model, stored as a version whose parent is the source
        LoadedModel pruned = load(m_source, m_trained.modelVersionId);
        const SparsityCount zeros = pruneMagnitude(*pruned.module, 0.5, true);
        QVERIFY(zeros.sparsity() > 0.49);
        qint64 prunedId = 0;
        {
            auto store = ProjectStore::open(m_source);
            ModelVersionInfo mv = pruned.version;
            mv.parentId = m_trained.modelVersionId;
            mv.name = QStringLiteral("pruned 50%");
            auto added = store.value()->addModelVersion(mv, pruned.module->saveWeights());
            QVERIFY2(added, qPrintable(added.error()));
            prunedId = added.value();
        }
        DerivedTraining d;
        d.initModelVersionId = d.parentModelVersionId = prunedId;
        d.keepZeroWeights = true;
        const auto whole = train(QStringLiteral("finetune-whole.lepton"), pruned.version.architectureId, d, false);
        const auto resumed = train(QStringLiteral("finetune-resumed.lepton"), pruned.version.architectureId, d, true);
        QVERIFY(whole.second > 0 && resumed.second > 0);
        const LoadedModel a = load(whole.first, whole.second), b = load(resumed.first, resumed.second);
        QCOMPARE(b.version.parentId, prunedId);
        QCOMPARE(maxAbsDiff(a, b), 0.0);
        // every weight pruned to zero is still zero after two epochs of training (and a resume)
        {
            torch::NoGradGuard noGrad;
            const auto before = pruned.module->named_parameters(), after = b.module->named_parameters();
            for (const auto &p : before) {
                const torch::Tensor wasZero = p.value().eq(0);
                QCOMPARE(after[p.key()].masked_select(wasZero).abs().sum().item<double>(), 0.0);
            }
        }
        QCOMPARE(countSparsity(*b.module).zeros, zeros.zeros);
        QVERIFY(maxAbsDiff(a, pruned) > 1e-4);   // and the rest did train
    }
};

QTEST_GUILESS_MAIN(TestDerivedTraining)
#include "tst_derivedtraining.moc"
