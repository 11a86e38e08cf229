// The Training dock driven offscreen: start, pause, resume, stop (a consistent, resumable run),
// resume from the run list, compare runs, form validation, chart decimation with 100k points,
// and the event-loop latency while training runs (printed, no threshold).
#include "projectcontext.h"
#include "training/decimation.h"
#include "training/hyperparameterform.h"
#include "training/runtable.h"
#include "training/trainingcharts.h"
#include "training/trainingdock.h"
#include "widgetlookup.h"

#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "regressionproject.h"

#include <QAbstractItemView>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>

using namespace lepton;
using lepton::Testing::child;

class TestTrainingDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_demo;

    static void click(QWidget *dock, const char *name)
    {
        auto button = child<QPushButton>(dock, name);
        QVERIFY2(button && button->isEnabled(), name);
        QTest::mouseClick(button, Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto demo = createDemoProject(m_dir.filePath(QStringLiteral("dock.lepton")));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_demo = demo.value();
    }

    // Min/max per bucket keeps every extreme of a long noisy curve in <= 2 points per pixel.
    void decimationKeepsExtremes()
    {
        QVector<QPointF> points;
        for (int i = 0; i < 100000; ++i)
            points.append(QPointF(i / 1000.0, std::sin(i * 0.37) + (i == 54321 ? 5.0 : 0.0) - (i == 777 ? 4.0 : 0.0)));
        const QVector<QPointF> d = Internal::decimateMinMax(points, 500);
        QVERIFY(d.size() <= 1000);
        QVERIFY(d.size() >= 500);
        QVERIFY(d.contains(points[54321]));
        QVERIFY(d.contains(points[777]));
        QVERIFY(std::is_sorted(d.begin(), d.end(), [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); }));
        const QVector<QPointF> few{{0, 1}, {1, 2}, {2, 3}};
        QCOMPARE(Internal::decimateMinMax(few, 500), few);
        // Smoothing of a constant is the constant (debiased EMA).
        const QVector<QPointF> flat{{0, 2}, {1, 2}, {2, 2}};
        for (const QPointF &p : Internal::smoothed(flat, 0.9))
            QVERIFY(std::abs(p.y() - 2) < 1e-12);
    }

    // 100k batch points: the drawn series stay bounded by the chart width. Prints the flush cost.
    void chartsWithManyPoints()
    {
        TrainingCharts charts;
        charts.resize(1000, 600);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        charts.clear(100);
        for (int i = 0; i < 100000; ++i)
            charts.addBatch(i / 1000.0, 1.0 + 0.5 * std::sin(i * 0.01), 0.001);
        QElapsedTimer t;
        t.start();
        charts.flush();
        const qint64 ms = t.elapsed();
        qInfo("flush of 100000 batch points: %lld ms; drawn %d batch-loss points, %d learning-rate points", ms,
              int(charts.batchLossSeries()->count()), int(charts.learningRateSeries()->count()));
        QCOMPARE(charts.bufferedBatches(), qint64(100000));
        QVERIFY(charts.batchLossSeries()->count() <= 2 * 1000 + 2);
        QVERIFY(charts.batchLossSeries()->count() > 100);
    }

    void formValidation()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        QVERIFY(context.open(m_demo.projectPath).ok());
        auto start = child<QPushButton>(&dock, "trainingStartButton");
        auto warmup = child<QSpinBox>(&dock, "trainingWarmupSpin");
        auto epochs = child<QSpinBox>(&dock, "trainingEpochsSpin");
        auto problem = child<QLabel>(&dock, "trainingFormProblem");
        QVERIFY(start && warmup && epochs && problem);
        QVERIFY(start->isEnabled());
        epochs->setValue(3);
        warmup->setValue(3);
        QVERIFY(!start->isEnabled());
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().contains("warm-up"), qPrintable(problem->text()));
        warmup->setValue(1);
        QVERIFY(start->isEnabled());
        QVERIFY(problem->isHidden());
    }

    // Start, pause (no batch runs while paused), resume, stop: the run is stored as cancelled
    // with whole epochs only; then it is resumed from the run list and finishes.
    void startPauseResumeStopThenResumeFromList()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(m_demo.projectPath).ok());
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(3);
        child<QSpinBox>(&dock, "trainingBatchSizeSpin")->setValue(128);
        TrainingCharts *charts = dock.charts();

        click(&dock, "trainingStartButton");
        QVERIFY(dock.isTraining());
        QVERIFY(!child<QPushButton>(&dock, "trainingStartButton")->isEnabled());
        QVERIFY(!child<QSpinBox>(&dock, "trainingEpochsSpin")->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(charts->bufferedBatches() >= 3, 300000);
        click(&dock, "trainingPauseButton");
        QVERIFY(dock.isPaused());
        QCOMPARE(child<QPushButton>(&dock, "trainingPauseButton")->text(), QStringLiteral("Resume"));
        QTest::qWait(1500);   // the batch in flight (if any) lands
        const qint64 held = charts->bufferedBatches();
        QTest::qWait(1000);
        QCOMPARE(charts->bufferedBatches(), held);   // nothing trains while paused
        click(&dock, "trainingPauseButton");
        QVERIFY(!dock.isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(charts->bufferedBatches() > held + 2, 300000);
        click(&dock, "trainingStopButton");
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY(child<QLabel>(&dock, "trainingError")->isHidden());
        // isTraining() stays true until the end is handled on the GUI thread, which re-enables Start.
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&dock, "trainingStartButton")->isEnabled(), 60000);

        auto store = ProjectStore::open(m_demo.projectPath);
        auto runs = store.value()->runs();
        QVERIFY(!runs->isEmpty());
        const RunInfo run = runs->last();
        QCOMPARE(run.status, QStringLiteral("cancelled"));
        QVERIFY(run.epochsDone < 3);
        QCOMPARE(store.value()->epochs(run.id)->size(), run.epochsDone);
        if (run.epochsDone > 0)
            QCOMPARE(store.value()->checkpoint(run.id)->epoch, run.epochsDone);

        // Resume it from the run list.
        RunTable *table = dock.runTable();
        table->selectRun(run.id);
        QCOMPARE(table->selectedRuns(), QVector<qint64>{run.id});
        click(&dock, "trainingResumeButton");
        QVERIFY(dock.isTraining());
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 600000);
        QVERIFY2(child<QLabel>(&dock, "trainingError")->isHidden(),
                 qPrintable(child<QLabel>(&dock, "trainingError")->text()));
        auto after = store.value()->run(run.id);
        QCOMPARE(after->status, QStringLiteral("finished"));
        QCOMPARE(after->epochsDone, 3);
        QCOMPARE(charts->valLossSeries()->count(), 3);   // stored epochs + the resumed ones
        QVERIFY(charts->learningRateSeries()->count() > 0);
    }

    // A regression dataset: the form offers the regression metrics and no classification settings,
    // the run trains with the MSE loss, and the second chart shows train and validation R².
    void regressionRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plane.lepton"));
        {
            auto store = ProjectStore::create(path);
            QVERIFY(store.ok());
            auto added = Testing::addPlaneRegression(*store.value(), dir.filePath(QStringLiteral("plane.csv")));
            QVERIFY2(added.ok(), qPrintable(added.error()));
        }
        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(path).ok());
        auto monitor = child<QComboBox>(&dock, "trainingMonitorCombo");
        QStringList offered;
        for (int i = 0; i < monitor->count(); ++i)
            offered << monitor->itemText(i);
        QCOMPARE(offered, (QStringList{"val_loss", "val_mae", "val_r2"}));
        QVERIFY(!child<QDoubleSpinBox>(&dock, "trainingLabelSmoothingSpin")->isEnabled());
        monitor->setCurrentText(QStringLiteral("val_r2"));
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(5);
        child<QSpinBox>(&dock, "trainingBatchSizeSpin")->setValue(16);
        child<QDoubleSpinBox>(&dock, "trainingLearningRateSpin")->setValue(0.05);
        child<QComboBox>(&dock, "trainingScheduleCombo")->setCurrentText(QStringLiteral("constant"));
        click(&dock, "trainingStartButton");
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY2(child<QLabel>(&dock, "trainingError")->isHidden(), qPrintable(child<QLabel>(&dock, "trainingError")->text()));

        auto store = ProjectStore::open(path);
        const RunInfo run = store.value()->runs()->last();
        QCOMPARE(run.status, QStringLiteral("finished"));
        QCOMPARE(TrainConfig::fromJson(QJsonDocument::fromJson(run.configJson.toUtf8()).object())->monitor,
                 QStringLiteral("val_r2"));
        const QVector<EpochRecord> epochs = store.value()->epochs(run.id).value();
        QCOMPARE(epochs.size(), 5);
        TrainingCharts *charts = dock.charts();
        QVERIFY(charts->isRegression());
        QCOMPARE(charts->accuracyView()->chart()->title(), QStringLiteral("R² (1 is perfect)"));
        QCOMPARE(charts->valAccuracySeries()->name(), QStringLiteral("validation R²"));
        QCOMPARE(charts->valAccuracySeries()->count(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(charts->valAccuracySeries()->at(i).y(), epochs[i].valR2);
            QCOMPARE(charts->valLossSeries()->at(i).y(), epochs[i].valLoss);   // the MSE
        }
        QVERIFY2(epochs.last().valR2 > 0.95, qPrintable(QString::number(epochs.last().valR2)));   // learning: R² of a
        QVERIFY(epochs.first().valR2 < epochs.last().valR2);                                       // fresh net ≈ 0
        // The stored run, picked in the run list, reports its regression metrics.
        dock.runTable()->selectRun(run.id);
        QTRY_VERIFY(child<QLabel>(&dock, "trainingStatus")->text().contains(QStringLiteral("Last validation MSE")));
        QVERIFY(child<QLabel>(&dock, "trainingStatus")->text().contains(QStringLiteral("R² %1").arg(epochs.last().valR2, 0, 'f', 4)));
    }

    // "Start from" a stored model version: picking it selects that version's architecture, and
    // the run (learning rate 1e-6, one epoch) starts from its weights: the first validation loss
    // is the version's own, not a random network's (~2.3).
    void startFromAModelVersion()
    {
        auto store = ProjectStore::open(m_demo.projectPath);
        QVERIFY(store.ok());
        auto versions = store.value()->modelVersions();
        QVERIFY2(versions.ok() && !versions->isEmpty(), "an earlier case trains a model version");
        const ModelVersionInfo from = versions->last();
        auto fromEpochs = store.value()->epochs(from.runId);
        QVERIFY(fromEpochs.ok() && fromEpochs->size() >= from.epoch && from.epoch > 0);
        const double fromLoss = fromEpochs->at(from.epoch - 1).valLoss;
        auto other = store.value()->addArchitecture(QStringLiteral("another architecture"),
                                                    store.value()->architecture(from.architectureId)->graphJson);
        QVERIFY(other.ok());

        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(m_demo.projectPath).ok());
        auto architectures = child<QComboBox>(&dock, "trainingArchitectureCombo");
        architectures->setCurrentIndex(architectures->findData(other.value()));
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(1);
        child<QSpinBox>(&dock, "trainingBatchSizeSpin")->setValue(128);
        child<QDoubleSpinBox>(&dock, "trainingLearningRateSpin")->setValue(0.000001);
        auto initFrom = child<QComboBox>(&dock, "trainingInitFromCombo");
        QCOMPARE(initFrom->currentData().toLongLong(), qint64(0));   // random initialization by default
        const int index = initFrom->findData(from.id);
        QVERIFY(index > 0);
        // As a user does: open the list, move to the version, press Enter (emits activated()).
        initFrom->setFocus();
        initFrom->showPopup();
        initFrom->view()->setCurrentIndex(initFrom->model()->index(index, 0));
        QTest::keyClick(initFrom->view(), Qt::Key_Return);
        QTRY_COMPARE(initFrom->currentData().toLongLong(), from.id);
        QCOMPARE(architectures->currentData().toLongLong(), from.architectureId);

        click(&dock, "trainingStartButton");
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY2(child<QLabel>(&dock, "trainingError")->isHidden(),
                 qPrintable(child<QLabel>(&dock, "trainingError")->text()));
        const RunInfo run = store.value()->runs()->last();
        QCOMPARE(run.status, QStringLiteral("finished"));
        QCOMPARE(run.architectureId, from.architectureId);
        QCOMPARE(QJsonDocument::fromJson(run.configJson.toUtf8()).object().value("init_model_version").toInteger(),
                 from.id);
        const double loss = store.value()->epochs(run.id)->first().valLoss;
        QVERIFY2(qAbs(loss - fromLoss) < 0.02, qPrintable(QStringLiteral("val loss %1, model version's %2").arg(loss).arg(fromLoss)));
    }

    // Two runs selected: their settings side by side and the other run's curves overlaid.
    void compareRuns()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        QVERIFY(context.open(m_demo.projectPath).ok());
        const QVector<RunInfo> runs = dock.runTable()->runs();
        QVERIFY(runs.size() >= 1);
        // A second, short run so that there are two to compare.
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(1);
        child<QSpinBox>(&dock, "trainingBatchSizeSpin")->setValue(256);
        click(&dock, "trainingStartButton");
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QTableWidget *table = dock.runTable()->table();
        QVERIFY(table->rowCount() >= 2);
        table->selectAll();
        QTableWidget *compare = dock.runTable()->comparison();
        QVERIFY(!compare->isHidden());
        QCOMPARE(compare->columnCount(), table->rowCount());
        QVERIFY(compare->rowCount() > 10);
        QCOMPARE(dock.charts()->comparisonSeriesCount(), 2 * (table->rowCount() - 1));
        table->clearSelection();
        table->selectRow(0);
        QVERIFY(compare->isHidden());
        QCOMPARE(dock.charts()->comparisonSeriesCount(), 0);
    }

    // How late a 20 ms timer fires on the GUI thread while a run trains (printed, no threshold).
    void eventLoopLatencyWhileTraining()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(m_demo.projectPath).ok());
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(1);
        QVector<double> lateness;
        QElapsedTimer clock;
        QTimer probe;
        probe.setInterval(20);
        probe.setTimerType(Qt::PreciseTimer);
        qint64 last = 0;
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.nsecsElapsed();
            if (last > 0)
                lateness.append(std::max(0.0, (now - last) / 1e6 - 20.0));
            last = now;
        });
        click(&dock, "trainingStartButton");
        clock.start();
        probe.start();
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        probe.stop();
        QVERIFY(lateness.size() > 10);
        std::sort(lateness.begin(), lateness.end());
        double sum = 0;
        for (double l : lateness)
            sum += l;
        qInfo("event-loop lateness of a 20 ms timer while training (%d ticks): mean %.2f ms, p50 %.2f ms, p99 %.2f ms, "
              "max %.2f ms",
              int(lateness.size()), sum / lateness.size(), lateness[lateness.size() / 2],
              lateness[int(lateness.size() * 0.99)], lateness.last());
    }
};

QTEST_MAIN(TestTrainingDock)
#include "tst_trainingdock.moc"
