// Drives the compression wizard offscreen on the demo project trained for one epoch: every page,
// a structured-pruning run with a fine-tuning epoch (live curves, progress), the results page
// (before/after table, per-class comparison, accuracy-vs-size chart with its Pareto front), then an
// int8 run, "Export this version", and the Model > Compress… menu action.
#include "compression/compressionresults.h"
#include "compression/compressionwizard.h"
#include "evaluation/comparisonview.h"
#include "export/exportdock.h"
#include "mainwindow.h"
#include "projectcontext.h"
#include "training/trainingcharts.h"

#include "project/projectstore.h"
#include "trainedproject.h"
#include "widgetlookup.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

class TestCompressWizard : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_version = 0;

    // With LEPTON_SHOT_DIR set, saves what the page looks like (to look at, not compared).
    static void shot(QWidget *w, const char *name)
    {
        const QString dir = qEnvironmentVariable("LEPTON_SHOT_DIR");
        if (!dir.isEmpty())
            w->grab().save(dir + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
    }

    // The names drawn next to the points of a trade-off chart ("v3", "v5 int8").
    static QStringList pointNames(CompressionResults *results, const char *chart)
    {
        QStringList names;
        auto *view = results->findChild<QChartView *>(QLatin1String(chart));
        for (QAbstractSeries *s : view->chart()->series())
            if (auto *xy = qobject_cast<QXYSeries *>(s); xy && xy->pointLabelsVisible())
                names << xy->pointLabelsFormat();
        return names;
    }

    static bool runTo(CompressionWizard &w)
    {
        QSignalSpy done(&w, &CompressionWizard::finishedRun);
        w.next();   // settings → run: starts the work
        if (w.currentId() != CompressionWizard::RunPage)
            return false;
        return done.wait(600000) && done.first().first().toBool();
    }

private slots:
    void initTestCase()
    {
        m_project = m_dir.filePath(QStringLiteral("wizard.lepton"));
        auto trained = Testing::makeTrainedDemoProject(m_project, 1);
        QVERIFY2(trained, qPrintable(trained.error()));
        m_version = trained->modelVersionId;
    }

    void walksAllPages()
    {
        ProjectContext project;
        QVERIFY(project.open(m_project));
        CompressionWizard w(&project);
        w.show();
        QCOMPARE(w.currentId(), int(CompressionWizard::ModelPage));
        w.selectModelVersion(m_version);
        QCOMPARE(w.selectedModelVersion(), m_version);
        QVERIFY(w.currentPage()->isComplete());
        shot(&w, "1-model");
        w.next();
        QCOMPARE(w.currentId(), int(CompressionWizard::MethodPage));
        QVERIFY(w.modelInfo()->text().contains(QStringLiteral("parameters")));
        w.methodGroup()->button(0)->click();   // structured pruning
        w.next();
        QCOMPARE(w.currentId(), int(CompressionWizard::SettingsPage));
        QCOMPARE(w.sparsitySpin()->value(), 0.5);   // the default without a size goal
        QVERIFY(w.settingsHint()->text().isEmpty());
        w.back();
        // a size goal of 36% of the weights: the suggested fraction of channels is 1 - sqrt(0.36) = 0.4
        const QString info = w.modelInfo()->text();
        const double kib = QRegularExpression(QStringLiteral("weights ([0-9.]+) KiB")).match(info).captured(1).toDouble();
        QVERIFY2(kib > 0, qPrintable(info));
        w.targetSizeSpin()->setValue(kib * 0.36);
        shot(&w, "2-method");
        w.next();
        QCOMPARE(w.sparsitySpin()->value(), 0.4);
        QVERIFY(w.settingsHint()->text().contains(QStringLiteral("size goal")));
        shot(&w, "3-settings");
        w.finetuneSpin()->setValue(1);
        QVERIFY(w.settings().structured);
        QVERIFY2(runTo(w), qPrintable(w.runError()));
        QVERIFY(w.currentPage()->isComplete());
        QVERIFY(w.charts()->valAccuracySeries()->count() + int(w.charts()->bufferedBatches()) > 0);   // live curve
        shot(&w, "4-run");
        w.next();
        QCOMPARE(w.currentId(), int(CompressionWizard::ResultsPage));
        shot(&w, "5-results");
        const CompressionOutcome *o = w.outcome();
        QVERIFY(o);
        QVERIFY(o->after.parameters < o->before.parameters);
        CompressionResults *results = w.results();
        QCOMPARE(results->beforeAfterTable()->rowCount(), 10);
        QCOMPARE(results->beforeAfterTable()->item(2, 1)->text(), QLocale().toString(o->before.parameters));
        QCOMPARE(results->beforeAfterTable()->item(2, 2)->text(), QLocale().toString(o->after.parameters));
        QCOMPARE(results->comparison()->classTable()->rowCount(), 10);   // ten digits
        // the source and the fine-tuned result have test evaluations; the smaller one at no worse accuracy
        // would dominate, so the front holds at least one and every point is drawn
        QVERIFY(results->family().size() >= 2);
        QCOMPARE(results->paretoSeries()->count() + results->otherSeries()->count(), int(results->family().size()));
        QVERIFY(results->paretoSeries()->count() >= 1);
        for (const char *chart : {"tradeOffChart", "latencyChart"}) {
            const QStringList names = pointNames(results, chart);
            QCOMPARE(names.size(), int(results->family().size()));
            QVERIFY2(names.contains(QStringLiteral("v%1").arg(o->modelVersionId)), qPrintable(names.join(',')));
        }
        QVERIFY(results->exportButton()->isEnabled());
        QSignalSpy exportSpy(&w, &CompressionWizard::exportRequested);
        results->exportButton()->click();
        QCOMPARE(exportSpy.count(), 1);
        QCOMPARE(exportSpy.first().first().toLongLong(), o->modelVersionId);
        // the goals: the accuracy drop and the size, each said met or not met against the measured value
        const QString goals = results->goalsLabel()->text();
        QCOMPARE(goals.count(QStringLiteral("met:")), 2);
        const bool sizeMet = o->after.weightBytes <= qint64(kib * 0.36 * 1024.0);
        QVERIFY2(goals.contains((sizeMet ? QStringLiteral("met:</b></span> weights") : QStringLiteral("not met:</b></span> weights"))),
                 qPrintable(goals));
        QCOMPARE(results->latencyParetoSeries()->count() + results->latencyOtherSeries()->count(),
                 int(results->family().size()));
        if (auto *tabs = results->findChild<QTabWidget *>()) {
            for (int i = 1; i < tabs->count(); ++i) {
                tabs->setCurrentIndex(i);
                shot(&w, QStringLiteral("5-results-%1").arg(i).toLatin1().constData());
            }
        }
    }

    void int8RunAndModelMenu()
    {
        ProjectContext project;
        QVERIFY(project.open(m_project));
        CompressionWizard w(&project);
        w.show();
        w.selectModelVersion(m_version);
        w.next();
        w.methodGroup()->button(1)->click();   // unstructured: says it buys neither size nor speed
        w.next();
        QVERIFY(w.settingsHint()->text().contains(QStringLiteral("Sparsity only")));
        w.back();
        w.methodGroup()->button(3)->click();   // distillation: the default student has <= 1/4 of the parameters
        w.next();
        QVERIFY2(w.studentInfo()->text().contains(QStringLiteral("of the teacher's")), qPrintable(w.studentInfo()->text()));
        const double percent = QRegularExpression(QStringLiteral("([0-9.]+)% of the teacher"))
                                   .match(w.studentInfo()->text()).captured(1).toDouble();
        QVERIFY2(percent > 0 && percent <= 25.0, qPrintable(w.studentInfo()->text()));
        w.back();
        w.methodGroup()->button(2)->click();   // int8
        w.maxDropSpin()->setValue(2.0);
        w.next();
        w.calibrationSpin()->setValue(64);
        QCOMPARE(w.settings().method, CompressionMethod::Quantize);
        QVERIFY2(runTo(w), qPrintable(w.runError()));
        // Back from the finished run, change a setting: Next runs again and makes another version
        const qint64 first = w.outcome()->modelVersionId;
        w.back();
        QCOMPARE(w.currentId(), int(CompressionWizard::SettingsPage));
        QVERIFY(!w.outcome());
        QVERIFY2(w.settingsHint()->text().contains(QStringLiteral("version %1 from the last run").arg(first)),
                 qPrintable(w.settingsHint()->text()));
        w.calibrationSpin()->setValue(32);
        QVERIFY2(runTo(w), qPrintable(w.runError()));
        QVERIFY(w.outcome()->modelVersionId > first);
        w.next();
        QVERIFY(w.outcome()->after.precision.startsWith(QLatin1String("int8")));
        QVERIFY(pointNames(w.results(), "tradeOffChart").contains(QStringLiteral("v%1 int8").arg(w.outcome()->modelVersionId)));
        QVERIFY(w.results()->exportButton()->isEnabled());   // as TorchScript
        QVERIFY(w.results()->family().size() >= 3);
        for (const FamilyPoint &p : w.results()->family())
            QVERIFY(p.latencyMs > 0);   // every version timed in this run
        QCOMPARE(w.results()->latencyParetoSeries()->count() + w.results()->latencyOtherSeries()->count(),
                 int(w.results()->family().size()));
    }

    void cancelStopsTheRun()
    {
        ProjectContext project;
        QVERIFY(project.open(m_project));
        CompressionWizard w(&project);
        w.show();
        w.selectModelVersion(m_version);
        w.next();
        w.methodGroup()->button(3)->click();   // distillation
        w.next();
        w.distillEpochsSpin()->setValue(50);
        QSignalSpy done(&w, &CompressionWizard::finishedRun);
        w.next();
        w.cancelButton()->click();
        QVERIFY(done.wait(600000));
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(!w.currentPage()->isComplete());
    }

    void menuOpensTheWizardAndExportLeadsToTheDock()
    {
        MainWindow window;
        QAction *action = window.findChild<QAction *>(QStringLiteral("compressAction"));
        QVERIFY(action);
        action->trigger();
        auto *wizard = window.findChild<CompressionWizard *>();
        QVERIFY(wizard && wizard->isVisible());
        QCOMPARE(wizard->modelCombo()->count(), 0);   // no project open: nothing to pick
        QVERIFY(!wizard->currentPage()->isComplete());
        wizard->close();   // deletes itself
        QTRY_VERIFY(!window.findChild<CompressionWizard *>());

        QVERIFY2(window.openProject(m_project), qPrintable(window.lastError()));
        window.show();
        window.exportDock()->hide();   // "Export this version…" must bring it back
        action->trigger();
        wizard = window.findChild<CompressionWizard *>();
        QVERIFY(wizard);
        QVERIFY(wizard->modelCombo()->count() >= 1);
        wizard->selectModelVersion(m_version);
        QVERIFY(wizard->modelInfo()->text().contains(QStringLiteral("parameters")));
        QVERIFY(wizard->currentPage()->isComplete());
        emit wizard->exportRequested(m_version);   // what "Export this version…" sends
        QTRY_VERIFY(!window.findChild<CompressionWizard *>());
        QVERIFY(window.exportDock()->isVisible());
        auto *combo = window.exportDock()->findChild<QComboBox *>(QStringLiteral("exportModelCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->currentData().toLongLong(), m_version);
    }
};

QTEST_MAIN(TestCompressWizard)
#include "tst_compresswizard.moc"
