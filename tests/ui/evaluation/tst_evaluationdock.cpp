// Drives the Evaluation dock offscreen on a demo project trained for one epoch: evaluate off the
// GUI thread, summary cards, sortable per-class table, a confusion-matrix click filtering the
// misclassified-sample gallery, curve toggling, comparison, exports; and the binary threshold
// slider on a hand-made predictions fixture, checked against hand-computed values.
#include "evaluation/comparisonview.h"
#include "evaluation/confusionview.h"
#include "evaluation/curvecharts.h"
#include "evaluation/evaluationdock.h"
#include "evaluation/regressionview.h"
#include "evaluation/samplegallery.h"
#include "evaluation/summarycards.h"
#include "evaluation/thresholdpanel.h"
#include "projectcontext.h"

#include "eval/report.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "regressionproject.h"
#include "trainedproject.h"
#include "train/trainer.h"
#include "widgetlookup.h"

#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace lepton;
using Testing::child;

class TestEvaluationDock : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_modelVersion = 0;

    static bool evaluateIn(EvaluationDock &dock, const QString &split)
    {
        auto splitCombo = child<QComboBox>(&dock, "evaluationSplitCombo");
        auto run = child<QPushButton>(&dock, "evaluationRunButton");
        splitCombo->setCurrentIndex(splitCombo->findText(split));
        const qint64 before = dock.currentEvaluation() ? dock.currentEvaluation()->evaluationId : 0;
        QTest::mouseClick(run, Qt::LeftButton);
        if (run->isEnabled() || !child<QPushButton>(&dock, "evaluationCancelButton")->isEnabled())
            return false;   // the work must be running off the GUI thread now
        return QTest::qWaitFor([&] { return dock.currentEvaluation() && dock.currentEvaluation()->evaluationId != before; },
                               300000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath("dock.lepton");
        auto trained = Testing::makeTrainedDemoProject(m_project, 1);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        m_modelVersion = trained->modelVersionId;
    }

    void evaluateAndDrillDown()
    {
        ProjectContext context;
        QVERIFY(context.open(m_project).ok());
        EvaluationDock dock(&context);
        dock.resize(1200, 800);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(!dock.currentEvaluation());   // nothing stored yet
        QVERIFY(!child<QPushButton>(&dock, "evaluationExportHtml")->isEnabled());
        QVERIFY(evaluateIn(dock, "test"));
        const EvaluationOutcome e = *dock.currentEvaluation();
        QCOMPARE(e.samples, qint64(500));
        QVERIFY(e.hasPredictions());

        // Cards show the core's numbers.
        QCOMPARE(dock.summaryCards()->valueLabel("accuracy")->text(), QString::number(e.metrics.accuracy * 100, 'f', 2) + "%");
        QCOMPARE(dock.summaryCards()->valueLabel("macro_f1")->text(), QString::number(e.metrics.macroF1, 'f', 4));
        QCOMPARE(dock.summaryCards()->valueLabel("ece")->text(),
                 QString::number(e.scores->calibration.expectedCalibrationError, 'f', 4));
        QCOMPARE(dock.summaryCards()->valueLabel("kappa")->text(), QString::number(*e.metrics.kappa, 'f', 4));

        // Per-class table sorts numerically by F1.
        auto classes = child<QTableWidget>(&dock, "evaluationClassTable");
        QCOMPARE(classes->rowCount(), 10);
        classes->sortByColumn(3, Qt::AscendingOrder);
        for (int r = 1; r < 10; ++r)
            QVERIFY(classes->item(r - 1, 3)->data(Qt::UserRole).toDouble() <= classes->item(r, 3)->data(Qt::UserRole).toDouble());

        // Gallery starts with every mistake, most confident first.
        SampleGallery *gallery = dock.gallery();
        qint64 mistakes = 0;
        for (const PredictionRecord &p : e.predictions)
            mistakes += p.truth != p.predicted;
        QCOMPARE(gallery->visibleCount(), int(mistakes));
        QVERIFY(mistakes > 0);
        const auto confidenceAt = [&](int i) {
            const PredictionRecord &p = e.predictions[gallery->predictionIndex(i)];
            return p.scores[p.predicted];
        };
        for (int i = 1; i < gallery->visibleCount(); ++i)
            QVERIFY(confidenceAt(i - 1) >= confidenceAt(i));
        QVERIFY(!gallery->list()->item(0)->icon().isNull());   // thumbnail from the stored pixels
        child<QComboBox>(gallery, "evaluationGallerySort")->setCurrentIndex(1);
        for (int i = 1; i < gallery->visibleCount(); ++i)
            QVERIFY(confidenceAt(i - 1) <= confidenceAt(i));

        // Click the largest off-diagonal confusion cell: the gallery shows exactly its samples.
        int bestT = -1, bestP = -1;
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                if (t != p && (bestT < 0 || e.metrics.confusion.at(t, p) > e.metrics.confusion.at(bestT, bestP)))
                    bestT = t, bestP = p;
        QTableWidget *cm = dock.confusionView()->table();
        QCOMPARE(cm->item(bestT, bestP)->text(), QString::number(e.metrics.confusion.at(bestT, bestP)));
        cm->scrollToItem(cm->item(bestT, bestP));
        QTest::mouseClick(cm->viewport(), Qt::LeftButton, {}, cm->visualItemRect(cm->item(bestT, bestP)).center());
        QCOMPARE(dock.tabs()->currentWidget(), static_cast<QWidget *>(gallery));
        QCOMPARE(gallery->visibleCount(), int(e.metrics.confusion.at(bestT, bestP)));
        for (int i = 0; i < gallery->visibleCount(); ++i) {
            const PredictionRecord &p = e.predictions[gallery->predictionIndex(i)];
            QCOMPARE(p.truth, bestT);
            QCOMPARE(p.predicted, bestP);
        }
        QVERIFY(child<QLabel>(gallery, "evaluationGalleryFilter")->text().contains("predicted as"));
        // A diagonal cell shows the correct samples of that class.
        QTest::mouseClick(cm->viewport(), Qt::LeftButton, {}, cm->visualItemRect(cm->item(2, 2)).center());
        QCOMPARE(gallery->visibleCount(), int(e.metrics.confusion.at(2, 2)));
        QTest::mouseClick(child<QPushButton>(gallery, "evaluationGalleryAll"), Qt::LeftButton);
        QCOMPARE(gallery->visibleCount(), int(mistakes));

        // Normalized view: row shares.
        dock.confusionView()->setNormalized(true);
        QCOMPARE(cm->item(bestT, bestP)->text(), QString::number(e.metrics.normalizedAt(bestT, bestP), 'f', 2));

        // Curves: one per class, legend click hides a class in both charts.
        CurveCharts *curves = dock.curveCharts();
        QVERIFY(curves->rocSeries(3) && curves->prSeries(3));
        QVERIFY(curves->rocSeries(3)->name().contains(QString::number(*e.scores->perClass[3].rocAuc, 'f', 3)));
        QVERIFY(curves->rocSeries(3)->count() <= 200);
        const QList<QLegendMarker *> markers = curves->rocView()->chart()->legend()->markers(curves->rocSeries(3));
        QCOMPARE(int(markers.size()), 1);
        emit markers.first()->clicked();
        QVERIFY(!curves->rocSeries(3)->isVisible());
        QVERIFY(!curves->prSeries(3)->isVisible());
        emit markers.first()->clicked();
        QVERIFY(curves->rocSeries(3)->isVisible());

        // Multi-class: no threshold tab.
        QVERIFY(!dock.tabs()->isTabVisible(dock.tabs()->indexOf(dock.thresholdPanel())));

        // Exports write the reports of the shown evaluation.
        QVERIFY(child<QPushButton>(&dock, "evaluationExportCsv")->isEnabled());
        const QString csv = m_dir.filePath("dock.csv"), html = m_dir.filePath("dock.html");
        QVERIFY(dock.exportReport(csv).ok());
        QVERIFY(dock.exportReport(html).ok());
        auto rows = readPredictionsCsv(csv);
        QVERIFY(rows.ok());
        QCOMPARE(int(rows->size()), 500);
        QFile page(html);
        QVERIFY(page.open(QIODevice::ReadOnly));
        QVERIFY(page.readAll().contains("data:image/svg+xml;base64,"));

        // A second evaluation (validation split) can be compared with the first.
        QVERIFY(evaluateIn(dock, "validation"));
        QCOMPARE(child<QComboBox>(&dock, "evaluationCompareA")->currentData().toLongLong(), e.evaluationId);
        ComparisonView *comparison = dock.comparisonView();
        QCOMPARE(comparison->classTable()->rowCount(), 10);
        const EvaluationOutcome &v = *dock.currentEvaluation();
        QVERIFY(qAbs(*comparison->comparison().summary.first().delta() - (v.metrics.accuracy - e.metrics.accuracy)) < 1e-12);

        // The stored evaluation comes back from the project, predictions included.
        EvaluationDock reopened(&context);
        QVERIFY(reopened.currentEvaluation());
        QCOMPARE(reopened.currentEvaluation()->evaluationId, v.evaluationId);
        reopened.showEvaluation(e.evaluationId);
        QCOMPARE(reopened.gallery()->visibleCount(), int(mistakes));
    }

    // The dataset picker: defaults to the model's dataset, evaluates on another dataset of the
    // project (here the model dataset's test samples again, classes listed in reverse order), and a
    // stored evaluation's thumbnails arrive from a worker thread.
    void evaluateOnAnotherDataset()
    {
        qint64 copyId = 0;
        {
            auto store = ProjectStore::open(m_project);
            QVERIFY(store.ok());
            auto model = store.value()->modelVersion(m_modelVersion);
            QVERIFY(model.ok());
            auto own = store.value()->dataset(model->datasetId);
            auto test = store.value()->samples(model->datasetId, Split::Test, true);
            QVERIFY(own.ok() && test.ok());
            DatasetInfo info = own.value();
            info.name = QStringLiteral("reversed copy");
            std::reverse(info.classes.begin(), info.classes.end());
            QVector<SampleRecord> samples = test.value();
            for (SampleRecord &s : samples)
                s.label = int(info.classes.size()) - 1 - s.label;
            auto id = store.value()->addDataset(info, samples);
            QVERIFY2(id.ok(), qPrintable(id.error()));
            copyId = id.value();
        }
        ProjectContext context;
        QVERIFY(context.open(m_project).ok());
        EvaluationDock dock(&context);
        dock.resize(1200, 800);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        auto datasets = child<QComboBox>(&dock, "evaluationDatasetCombo");
        dock.selectModelVersion(m_modelVersion);
        QVERIFY(datasets->currentData().toLongLong() != copyId);   // the model's own by default
        const qint64 own = datasets->currentData().toLongLong();
        datasets->setCurrentIndex(datasets->findData(copyId));
        QVERIFY(evaluateIn(dock, "all"));
        const EvaluationOutcome e = *dock.currentEvaluation();
        QCOMPARE(e.datasetId, copyId);
        QVERIFY(e.allSplits);
        QCOMPARE(e.samples, qint64(500));
        QVERIFY(child<QLabel>(&dock, "evaluationSummary")->text().contains("reversed copy"));

        // Same pixels as the model's test split, classes mapped by name: the same metrics.
        QVERIFY(evaluateIn(dock, "test"));
        QCOMPARE(dock.currentEvaluation()->datasetId, copyId);
        dock.selectModelVersion(m_modelVersion);
        datasets->setCurrentIndex(datasets->findData(own));
        QVERIFY(evaluateIn(dock, "test"));
        QCOMPARE(dock.currentEvaluation()->datasetId, own);
        QCOMPARE(dock.currentEvaluation()->metrics.accuracy, e.metrics.accuracy);
        QCOMPARE(dock.currentEvaluation()->metrics.macroF1, e.metrics.macroF1);

        // The stored evaluation comes back with its dataset picked; thumbnails load off the GUI thread.
        dock.showEvaluation(e.evaluationId);
        QCOMPARE(datasets->currentData().toLongLong(), copyId);
        QCOMPARE(child<QComboBox>(&dock, "evaluationSplitCombo")->currentText(), QStringLiteral("all"));
        QVERIFY(QTest::qWaitFor([&] { return !dock.thumbnailsLoading(); }, 60000));
        QVERIFY(dock.gallery()->visibleCount() > 0);
        QVERIFY(!dock.gallery()->list()->item(0)->icon().isNull());
        // A newer request makes an older one stale: showing another evaluation while loading wins.
        dock.showEvaluation(e.evaluationId);
        dock.showOutcome(*dock.currentEvaluation());
        QVERIFY(QTest::qWaitFor([&] { return !dock.thumbnailsLoading(); }, 60000));
        QVERIFY(dock.gallery()->list()->item(0)->icon().isNull());   // the stale batch was dropped
    }

    // A regression model: the dock shows MAE/RMSE/MSE/R² cards, the predicted-vs-true view with
    // every sample's error (largest first), hides the class-based tabs, and exports its CSV.
    void regressionEvaluation()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plane.lepton"));
        Testing::RegressionProject reg;
        {
            auto store = ProjectStore::create(path);
            QVERIFY(store.ok());
            auto added = Testing::addPlaneRegression(*store.value(), dir.filePath(QStringLiteral("plane.csv")));
            QVERIFY2(added.ok(), qPrintable(added.error()));
            reg = added.value();
        }
        TrainConfig config;
        config.epochs = 30;
        config.batchSize = 16;
        config.learningRate = 0.05;
        auto trained = trainModel(path, reg.datasetId, reg.architectureId, config);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));

        ProjectContext context;
        QVERIFY(context.open(path).ok());
        EvaluationDock dock(&context);
        dock.resize(1200, 800);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(evaluateIn(dock, "test"));
        const EvaluationOutcome e = *dock.currentEvaluation();
        QVERIFY(e.regression);
        QCOMPARE(e.samples, qint64(20));
        SummaryCards *cards = dock.summaryCards();
        QCOMPARE(cards->valueLabel("mae")->text(), QString::number(e.regressionMetrics.mae, 'g', 4));
        QCOMPARE(cards->valueLabel("rmse")->text(), QString::number(e.regressionMetrics.rmse, 'g', 4));
        QCOMPARE(cards->valueLabel("r2")->text(), QString::number(*e.regressionMetrics.r2, 'f', 4));
        QVERIFY(cards->valueLabel("mae")->isVisible());
        QVERIFY(!cards->valueLabel("accuracy")->isVisible());
        QVERIFY(child<QLabel>(&dock, "evaluationSummary")->text().contains(QStringLiteral("regression of <b>y</b>")));

        QTabWidget *tabs = dock.tabs();
        RegressionView *view = dock.regressionView();
        QCOMPARE(tabs->currentWidget(), view);
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(dock.gallery())));
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(dock.curveCharts())));
        QCOMPARE(view->plottedPoints(), 20);
        QTableWidget *errors = view->errorTable();
        QCOMPARE(errors->rowCount(), 20);
        for (int r = 1; r < 20; ++r)
            QVERIFY(errors->item(r - 1, 3)->data(Qt::UserRole).toDouble() >= errors->item(r, 3)->data(Qt::UserRole).toDouble());
        // The top row is the sample with the largest |predicted − target|.
        double worst = 0;
        for (const PredictionRecord &p : e.predictions)
            worst = std::max(worst, std::abs(p.predictedValue - p.targetValue));
        QCOMPARE(errors->item(0, 3)->data(Qt::UserRole).toDouble(), worst);

        const QString csv = dir.filePath(QStringLiteral("pred.csv"));
        QVERIFY(dock.exportReport(csv).ok());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readLine().trimmed(), QByteArray("sample,target,predicted,residual"));

        // Back to a classifier's evaluation: the class tabs return, the regression tab goes.
        ProjectContext demo;
        QVERIFY(demo.open(m_project).ok());
        EvaluationDock classifier(&demo);
        classifier.show();
        QVERIFY(QTest::qWaitForWindowExposed(&classifier));
        QVERIFY(evaluateIn(classifier, "validation"));
        QVERIFY(!classifier.tabs()->isTabVisible(classifier.tabs()->indexOf(classifier.regressionView())));
        QVERIFY(classifier.tabs()->isTabVisible(classifier.tabs()->indexOf(classifier.gallery())));
    }

    void thresholdSliderOnBinaryFixture()
    {
        ProjectContext context;
        EvaluationDock dock(&context);
        dock.show();
        auto rows = readPredictionsCsv(QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/binary_predictions.csv"));
        QVERIFY2(rows.ok(), qPrintable(rows.error()));
        auto e = evaluationFromPredictions({"negative", "positive"}, rows.value());
        QVERIFY2(e.ok(), qPrintable(e.error()));
        dock.showOutcome(e.value());
        ThresholdPanel *panel = dock.thresholdPanel();
        QVERIFY(dock.tabs()->isTabVisible(dock.tabs()->indexOf(panel)));
        dock.tabs()->setCurrentWidget(panel);
        QSlider *slider = child<QSlider>(panel, "evaluationThresholdSlider");
        QTableWidget *cm = child<QTableWidget>(panel, "evaluationThresholdConfusion");
        const auto value = [&](const char *key) { return panel->valueLabel(key)->text(); };
        const auto cell = [&](int t, int p) { return cm->item(t, p)->text().toInt(); };

        // Hand-computed in tests/fixtures/binary_predictions.md.
        QCOMPARE(slider->value(), 500);
        QCOMPARE(value("precision"), QStringLiteral("0.6000"));
        QCOMPARE(value("recall"), QStringLiteral("0.6000"));
        QCOMPARE(value("f1"), QStringLiteral("0.6000"));
        QCOMPARE(cell(1, 1), 3);
        QCOMPARE(cell(0, 1), 2);

        slider->setValue(650);
        QCOMPARE(value("precision"), QStringLiteral("0.6667"));
        QCOMPARE(value("recall"), QStringLiteral("0.4000"));
        QCOMPARE(value("f1"), QStringLiteral("0.5000"));
        QCOMPARE(value("accuracy"), QStringLiteral("0.6000"));
        QCOMPARE(cell(1, 1), 2);
        QCOMPARE(cell(0, 1), 1);
        QCOMPARE(cell(1, 0), 3);
        QCOMPARE(cell(0, 0), 4);

        // The keyboard moves it too: Page Down from 0.400 is one page (0.05) down, to 0.350.
        slider->setValue(400);
        QTest::keyClick(slider, Qt::Key_PageDown);
        QCOMPARE(slider->value(), 350);
        QCOMPARE(value("precision"), QStringLiteral("0.6667"));
        QCOMPARE(value("recall"), QStringLiteral("0.8000"));
        QCOMPARE(value("f1"), QString::number(8.0 / 11, 'f', 4));
        QCOMPARE(value("accuracy"), QStringLiteral("0.7000"));
        QCOMPARE(cell(1, 1), 4);
        QCOMPARE(cell(1, 0), 1);

        // The panel's numbers are the core's.
        auto core = binaryThresholdMetrics(e->predictions, 1, 0.35);
        QVERIFY(core.ok());
        QCOMPARE(panel->metrics().f1, core->f1);
        QCOMPARE(panel->metrics().precision, core->precision);

        // Positive class swapped: class 0 at 0.35 predicts "negative" when score_0 >= 0.35.
        child<QComboBox>(panel, "evaluationPositiveClass")->setCurrentIndex(0);
        auto swapped = binaryThresholdMetrics(e->predictions, 0, 0.35);
        QCOMPARE(value("recall"), QString::number(swapped->recall, 'f', 4));
    }
};

QTEST_MAIN(TestEvaluationDock)
#include "tst_evaluationdock.moc"
