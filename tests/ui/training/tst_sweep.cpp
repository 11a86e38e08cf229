// Sweeps in the Training dock, driven offscreen: the sweep form's checks and trial count, the
// scatter chart's axes, a 2-trial grid sweep started from the GUI (results table sorted by the
// metric, the chart's points, the best trial marked, a trial selecting its run), and a sweep
// stopped from the GUI and resumed from the Sweeps tab until every trial has finished.
#include "projectcontext.h"
#include "training/runtable.h"
#include "training/sweepform.h"
#include "training/sweepresults.h"
#include "training/sweepscatter.h"
#include "training/trainingcharts.h"
#include "training/trainingdock.h"
#include "widgetlookup.h"

#include "pipeline/demopipeline.h"
#include "project/projectstore.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace lepton;
using lepton::Testing::child;

namespace {

double metricAt(const QSortFilterProxyModel *m, int row)
{
    return m->index(row, 3).data().toString().toDouble();
}

} // namespace

class TestSweep : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    DemoProject m_demo;

    static void click(QWidget *w, const char *name)
    {
        auto button = child<QPushButton>(w, name);
        QVERIFY2(button && button->isEnabled(), name);
        QTest::mouseClick(button, Qt::LeftButton);
    }

    // One epoch per trial; learning rate varied over `rates`.
    static void defineSweep(TrainingDock &dock, const QString &rates, int batchSize)
    {
        child<QSpinBox>(&dock, "trainingEpochsSpin")->setValue(1);
        child<QSpinBox>(&dock, "trainingBatchSizeSpin")->setValue(batchSize);
        auto method = child<QComboBox>(&dock, "sweepMethodCombo");
        method->setCurrentIndex(method->findData(QStringLiteral("grid")));
        child<QCheckBox>(&dock, "sweepVary_learning_rate")->setChecked(true);
        auto values = child<QLineEdit>(&dock, "sweepValues_learning_rate");
        values->clear();
        QTest::keyClicks(values, rates);
    }

    static QVector<RunInfo> sweepRuns(const QString &path, qint64 sweepId)
    {
        QVector<RunInfo> found;
        auto store = ProjectStore::open(path);
        for (const RunInfo &r : store.value()->runs().value())
            if (r.sweepId == sweepId)
                found.append(r);
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        auto demo = createDemoProject(m_dir.filePath(QStringLiteral("sweep.lepton")));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_demo = demo.value();
    }

    // Bad values are named in place and block Start; the trial count is the grid's product.
    void formChecksAndCountsTrials()
    {
        SweepForm form;
        form.setStartAllowed(true);
        auto start = child<QPushButton>(&form, "sweepStartButton");
        auto problem = child<QLabel>(&form, "sweepProblem");
        auto rates = child<QLineEdit>(&form, "sweepValues_learning_rate");
        QVERIFY(start && problem && rates);
        QVERIFY(start->isEnabled());
        QCOMPARE(form.trialCount(), 3);   // the default learning rates
        rates->setText(QStringLiteral("0.001, fast"));
        QVERIFY(!start->isEnabled());
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().contains("Learning rate") && problem->text().contains("fast"), qPrintable(problem->text()));
        rates->setText(QStringLiteral("0.001 0.01"));
        QVERIFY(start->isEnabled());
        child<QCheckBox>(&form, "sweepVary_batch_size")->setChecked(true);
        child<QLineEdit>(&form, "sweepValues_batch_size")->setText(QStringLiteral("32, 64, 12.5"));
        QVERIFY2(form.problem().contains("Batch size"), qPrintable(form.problem()));
        child<QLineEdit>(&form, "sweepValues_batch_size")->setText(QStringLiteral("32, 64, 128"));
        child<QCheckBox>(&form, "sweepVary_optimizer")->setChecked(true);
        child<QCheckBox>(&form, "sweepOptimizer_sgd")->setChecked(false);
        QCOMPARE(form.trialCount(), 2 * 3 * 2);
        auto params = form.parameters();
        QVERIFY2(params.ok(), qPrintable(params.error()));
        QCOMPARE(params->value("batch_size").toArray(), QJsonArray({32, 64, 128}));
        QCOMPARE(params->value("optimizer").toArray(), QJsonArray({"adam", "adamw"}));

        // Random search: ranges become available; a log range needs min > 0.
        auto method = child<QComboBox>(&form, "sweepMethodCombo");
        auto mode = child<QComboBox>(&form, "sweepMode_weight_decay");
        QVERIFY(!mode->isEnabled());
        method->setCurrentIndex(method->findData(QStringLiteral("random")));
        child<QSpinBox>(&form, "sweepTrialsSpin")->setValue(5);
        QCOMPARE(form.trialCount(), 5);
        child<QCheckBox>(&form, "sweepVary_weight_decay")->setChecked(true);
        QVERIFY(mode->isEnabled());
        mode->setCurrentIndex(mode->findData(QStringLiteral("range")));
        child<QLineEdit>(&form, "sweepMin_weight_decay")->setText(QStringLiteral("0"));
        QVERIFY2(form.problem().contains("log range needs min > 0"), qPrintable(form.problem()));
        child<QLineEdit>(&form, "sweepMin_weight_decay")->setText(QStringLiteral("1e-5"));
        QVERIFY2(form.problem().isEmpty(), qPrintable(form.problem()));
        auto spec = form.spec(TrainConfig(), 1, 1);
        QVERIFY2(spec.ok(), qPrintable(spec.error()));
        QCOMPARE(spec->method, QStringLiteral("random"));
        QCOMPARE(spec->trials, 5);
        QCOMPARE(spec->parameters.value("weight_decay").toObject(),
                 QJsonObject({{"min", 1e-5}, {"max", 0.01}, {"log", true}}));
        // Back to a grid: the range falls back to the value list.
        method->setCurrentIndex(method->findData(QStringLiteral("grid")));
        QCOMPARE(mode->currentData().toString(), QStringLiteral("values"));
        QVERIFY(form.parameters()->value("weight_decay").isArray());
    }

    // Log x axis for the learning rate, categories for the optimizer; the best trial is marked.
    void scatterAxes()
    {
        QVector<SweepTrial> trials(3);
        const double rates[] = {1e-4, 1e-3, 3e-2};
        const char *optimizers[] = {"adam", "sgd", "adamw"};
        for (int i = 0; i < 3; ++i) {
            trials[i].runId = 10 + i;
            trials[i].bestEpoch = 2;
            trials[i].bestMetric = 0.5 - 0.1 * i;
            trials[i].config.learningRate = rates[i];
            trials[i].config.optimizer = QString::fromLatin1(optimizers[i]);
            trials[i].status = QStringLiteral("finished");
        }
        SweepTrial pending;
        pending.status = QStringLiteral("pending");
        trials.append(pending);
        SweepScatter scatter;
        scatter.resize(600, 400);
        scatter.show();
        QVERIFY(QTest::qWaitForWindowExposed(&scatter));
        scatter.setTrials(trials, QStringLiteral("val_loss"), QStringLiteral("learning_rate"), 12);
        QCOMPARE(scatter.trialSeries()->count(), 3);   // the pending trial has no point
        QCOMPARE(scatter.bestSeries()->count(), 1);
        QCOMPARE(scatter.bestSeries()->at(0), QPointF(3e-2, 0.3));
        QVERIFY(scatter.hasLogAxis());
        QCOMPARE(scatter.view()->chart()->axes(Qt::Horizontal).first()->type(), QAbstractAxis::AxisTypeLogValue);
        scatter.setTrials(trials, QStringLiteral("val_loss"), QStringLiteral("optimizer"), 12);
        QVERIFY(!scatter.hasLogAxis());
        QCOMPARE(scatter.view()->chart()->axes(Qt::Horizontal).first()->type(), QAbstractAxis::AxisTypeCategory);
        QCOMPARE(scatter.bestSeries()->at(0), QPointF(1, 0.3));   // adamw is category 1
        QSignalSpy clicked(&scatter, &SweepScatter::trialClicked);
        emit scatter.trialSeries()->clicked(QPointF(2.02, 0.41));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toLongLong(), qint64(11));   // sgd's point
    }

    // A 2-trial grid started from the GUI: 2 runs in the sweep, the table sorted best first,
    // 2 points on the chart, the best marked, and a selected trial selecting its run.
    void gridSweepFromTheGui()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(m_demo.projectPath).ok());
        defineSweep(dock, QStringLiteral("0.0003, 0.003"), 128);
        QCOMPARE(dock.sweepForm()->trialCount(), 2);
        click(&dock, "sweepStartButton");
        QVERIFY(dock.isTraining());
        QVERIFY(dock.isSweeping());
        QVERIFY(!child<QPushButton>(&dock, "trainingStartButton")->isEnabled());
        QVERIFY(!child<QPushButton>(&dock, "sweepStartButton")->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(&dock, "trainingStatus")->text().contains("trial 2/2"), 300000);
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY2(child<QLabel>(&dock, "trainingError")->isHidden(), qPrintable(child<QLabel>(&dock, "trainingError")->text()));
        QVERIFY2(child<QLabel>(&dock, "trainingStatus")->text().contains("finished: 2 of 2"),
                 qPrintable(child<QLabel>(&dock, "trainingStatus")->text()));

        SweepResults *results = dock.sweepResults();
        const qint64 sweepId = results->currentSweep();
        QVERIFY(sweepId > 0);
        const QVector<RunInfo> runs = sweepRuns(m_demo.projectPath, sweepId);
        QCOMPARE(runs.size(), 2);
        for (const RunInfo &r : runs)
            QCOMPARE(r.status, QStringLiteral("finished"));

        QSortFilterProxyModel *table = results->proxy();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->headerData(3, Qt::Horizontal).toString(), QStringLiteral("val_loss"));
        QVERIFY(metricAt(table, 0) <= metricAt(table, 1));   // val_loss: lowest first
        const qint64 bestRun = results->outcome().bestRunId;
        QCOMPARE(table->index(0, 1).data().toString(), QStringLiteral("#%1").arg(bestRun));

        SweepScatter *scatter = results->scatter();
        QCOMPARE(scatter->trialSeries()->count(), 2);
        QCOMPARE(scatter->bestSeries()->count(), 1);
        // The table shows the metric with 4 decimals.
        QVERIFY(qAbs(scatter->bestSeries()->at(0).y() - std::min(metricAt(table, 0), metricAt(table, 1))) <= 0.5e-4);
        QVERIFY(scatter->hasLogAxis());

        // Sorting by the learning rate column (numeric), both ways.
        results->table()->sortByColumn(5, Qt::AscendingOrder);
        QCOMPARE(table->index(0, 5).data().toString(), QStringLiteral("0.0003"));
        results->table()->sortByColumn(5, Qt::DescendingOrder);
        QCOMPARE(table->index(0, 5).data().toString(), QStringLiteral("0.003"));

        // Selecting a trial selects its run in the run list (and shows its curves).
        results->table()->selectRow(1);
        const qint64 runOfRow = table->index(1, 1).data().toString().mid(1).toLongLong();
        QCOMPARE(dock.runTable()->selectedRuns(), QVector<qint64>{runOfRow});
        QCOMPARE(dock.charts()->valLossSeries()->count(), 1);
    }

    // Stopped from the GUI, the sweep keeps what it has; Resume sweep finishes the rest without
    // making a second run for the interrupted trial.
    void stopAndResumeSweep()
    {
        ProjectContext context;
        TrainingDock dock(&context);
        dock.resize(1400, 900);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(context.open(m_demo.projectPath).ok());
        defineSweep(dock, QStringLiteral("0.001, 0.002"), 32);   // 125 batches a trial
        click(&dock, "sweepStartButton");
        QTRY_VERIFY_WITH_TIMEOUT(dock.charts()->bufferedBatches() >= 1, 300000);
        click(&dock, "trainingStopButton");
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY2(child<QLabel>(&dock, "trainingStatus")->text().contains("stopped"),
                 qPrintable(child<QLabel>(&dock, "trainingStatus")->text()));

        SweepResults *results = dock.sweepResults();
        const qint64 sweepId = results->currentSweep();
        auto stopped = loadSweep(m_demo.projectPath, sweepId);
        QVERIFY2(stopped.ok(), qPrintable(stopped.error()));
        int finished = 0;
        for (const SweepTrial &t : stopped->trials)
            finished += t.status == QLatin1String("finished") ? 1 : 0;
        QVERIFY(finished < 2);
        QVERIFY(results->sweepCombo()->currentText().contains("cancelled"));
        const int runsBefore = int(sweepRuns(m_demo.projectPath, sweepId).size());

        click(&dock, "sweepResumeButton");
        QVERIFY(dock.isSweeping());
        QTRY_VERIFY_WITH_TIMEOUT(!dock.isTraining(), 300000);
        QVERIFY2(child<QLabel>(&dock, "trainingError")->isHidden(), qPrintable(child<QLabel>(&dock, "trainingError")->text()));
        const QVector<RunInfo> runs = sweepRuns(m_demo.projectPath, sweepId);
        QCOMPARE(runs.size(), 2);
        QVERIFY(runs.size() >= runsBefore);
        for (const RunInfo &r : runs)
            QCOMPARE(r.status, QStringLiteral("finished"));
        QCOMPARE(results->currentSweep(), sweepId);
        QCOMPARE(results->proxy()->rowCount(), 2);
        QCOMPARE(results->scatter()->trialSeries()->count(), 2);
        QVERIFY(results->sweepCombo()->currentText().contains("finished"));
        QVERIFY(!child<QPushButton>(&dock, "sweepResumeButton")->isEnabled());
    }
};

QTEST_MAIN(TestSweep)
#include "tst_sweep.moc"
