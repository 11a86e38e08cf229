// Drives the workbench window offscreen on a real demo project: tree, training with live
// curves, evaluation, export, and a broken project file.
#include "architecture/architecturedock.h"
#include "data/datadock.h"
#include "evaluation/evaluationdock.h"
#include "export/exportdock.h"
#include "export/exporttargetreport.h"
#include "mainwindow.h"
#include "projectcontext.h"
#include "projectdock.h"
#include "startpage.h"
#include "training/trainingdock.h"

#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "widgetlookup.h"

#include <QApplication>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QInputDialog>
#include <QTimer>
#include <QChartView>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace lepton;
using Testing::child;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsDemoProjectInTreeAndDocks();
    void trainsWithLiveCurves();
    void evaluatesModelVersion();
    void exportsTorchScript();
    void brokenProjectShowsError();
    void opensDemoFromStartPage();
    void restoresDockLayout();
    void importsIntoNewProject();

private:
    static QLineSeries *series(QChartView *view, const QString &name);
    static void raiseDock(MainWindow &w, const QString &dockName);
    static int childCount(ProjectDock *dock, const QString &groupPrefix);

    QTemporaryDir m_dir;
    DemoProject m_demo;
};

QLineSeries *TestMainWindow::series(QChartView *view, const QString &name)
{
    for (QAbstractSeries *s : view->chart()->series()) {
        if (s->objectName() == name)
            return qobject_cast<QLineSeries *>(s);
    }
    return nullptr;
}

void TestMainWindow::raiseDock(MainWindow &w, const QString &dockName)
{
    auto dock = w.findChild<QDockWidget *>(dockName);
    QVERIFY(dock);
    dock->show();
    dock->raise();
    QTRY_VERIFY(dock->widget()->isVisible());
}

int TestMainWindow::childCount(ProjectDock *dock, const QString &groupPrefix)
{
    QTreeWidget *tree = dock->tree();
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0).startsWith(groupPrefix))
            return tree->topLevelItem(i)->childCount();
    }
    return -1;
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("LeptonTest");
    QCoreApplication::setApplicationName("tst_mainwindow");
    configureRuntime();
    QVERIFY(m_dir.isValid());
    auto demo = createDemoProject(m_dir.filePath("demo.lepton"), defaultDigitSheetPath());
    QVERIFY2(demo.ok(), qPrintable(demo.error()));
    m_demo = demo.value();
}

void TestMainWindow::showsDemoProjectInTreeAndDocks()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.startPage()->isVisible());
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    QVERIFY(!w.startPage()->isVisible());

    ProjectDock *dock = w.projectDock();
    QVERIFY(dock->isVisible());
    QVERIFY(dock->findItem(ProjectItemKind::Dataset, m_demo.datasetId));
    QVERIFY(dock->findItem(ProjectItemKind::Architecture, m_demo.architectureId));
    QCOMPARE(childCount(dock, "Datasets"), 1);
    QCOMPARE(childCount(dock, "Architectures"), 1);
    QCOMPARE(childCount(dock, "Runs"), 0);

    // Selecting the dataset in the tree shows it in the Data dock.
    dock->tree()->setCurrentItem(dock->findItem(ProjectItemKind::Dataset, m_demo.datasetId));
    QTRY_VERIFY(w.dataDock()->widget()->isVisible());
    auto classes = child<QTableWidget>(w.dataDock(), "dataClassTable");
    QCOMPARE(classes->rowCount(), 10);
    QCOMPARE(classes->item(0, 1)->text(), QString("500"));
    auto thumbnails = child<QListView>(w.dataDock(), "dataThumbnails");
    QCOMPARE(thumbnails->model()->rowCount(), int(DataDock::MaxThumbnails));

    dock->tree()->setCurrentItem(dock->findItem(ProjectItemKind::Architecture, m_demo.architectureId));
    QTRY_VERIFY(w.architectureDock()->widget()->isVisible());
    auto layers = child<QTableWidget>(w.architectureDock(), "architectureLayerTable");
    QVERIFY(layers->rowCount() > 3);
    QVERIFY(child<QLabel>(w.architectureDock(), "architectureErrors")->isHidden());
}

void TestMainWindow::trainsWithLiveCurves()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    raiseDock(w, "trainingDock");

    auto epochs = child<QSpinBox>(w.trainingDock(), "trainingEpochsSpin");
    auto start = child<QPushButton>(w.trainingDock(), "trainingStartButton");
    auto lossView = child<QChartView>(w.trainingDock(), "lossChart");
    auto accuracyView = child<QChartView>(w.trainingDock(), "accuracyChart");
    QVERIFY(epochs && start && lossView && accuracyView);
    QLineSeries *batchLoss = series(lossView, "batchLossSeries");
    QLineSeries *valLoss = series(lossView, "valLossSeries");
    QLineSeries *valAccuracy = series(accuracyView, "valAccuracySeries");
    QVERIFY(batchLoss && valLoss && valAccuracy);

    epochs->setValue(2);
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(!start->isEnabled());

    QTRY_VERIFY_WITH_TIMEOUT(batchLoss->count() > 0, 300000);
    const int seen = batchLoss->count();
    QTRY_VERIFY_WITH_TIMEOUT(batchLoss->count() > seen, 300000);
    QTRY_COMPARE_WITH_TIMEOUT(valLoss->count(), 2, 600000);
    QCOMPARE(valAccuracy->count(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 60000);
    QVERIFY2(child<QLabel>(w.trainingDock(), "trainingError")->isHidden(),
             qPrintable(child<QLabel>(w.trainingDock(), "trainingError")->text()));

    QCOMPARE(childCount(w.projectDock(), "Runs"), 1);
    QCOMPARE(childCount(w.projectDock(), "Model versions"), 1);
    QVERIFY(w.projectDock()->tree()->findItems("← run #", Qt::MatchContains | Qt::MatchRecursive)
                .size() == 1);
}

void TestMainWindow::evaluatesModelVersion()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    raiseDock(w, "evaluationDock");
    auto button = child<QPushButton>(w.evaluationDock(), "evaluationRunButton");
    auto confusion = child<QTableWidget>(w.evaluationDock(), "evaluationConfusionTable");
    QVERIFY(button && confusion);
    QVERIFY2(button->isEnabled(), "no model version to evaluate (did training run?)");
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 300000);
    QVERIFY2(child<QLabel>(w.evaluationDock(), "evaluationError")->isHidden(),
             qPrintable(child<QLabel>(w.evaluationDock(), "evaluationError")->text()));
    QCOMPARE(confusion->rowCount(), 10);
    QCOMPARE(child<QTableWidget>(w.evaluationDock(), "evaluationClassTable")->rowCount(), 10);
    QCOMPARE(child<QTableWidget>(w.evaluationDock(), "evaluationHistory")->rowCount(), 1);
    QCOMPARE(childCount(w.projectDock(), "Evaluations"), 1);
}

void TestMainWindow::exportsTorchScript()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    raiseDock(w, "exportDock");
    auto button = child<QPushButton>(w.exportDock(), "exportRunButton");
    auto report = child<ExportTargetReport>(w.exportDock(), "exportReport-torchscript");
    auto onnx = child<QCheckBox>(w.exportDock(), "exportTarget-onnx");
    QVERIFY(button && report && onnx);
    QVERIFY(child<QCheckBox>(w.exportDock(), "exportTarget-torchscript")->isChecked());
    if (onnx->isChecked())
        QTest::mouseClick(onnx, Qt::LeftButton);   // TorchScript only: the export dock test covers the rest
    QVERIFY(!onnx->isChecked());
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 300000);
    QVERIFY2(child<QLabel>(w.exportDock(), "exportError")->isHidden(),
             qPrintable(child<QLabel>(w.exportDock(), "exportError")->text()));
    QVERIFY(report->isVisible());
    QCOMPARE(report->state(), ExportTargetReport::State::Passed);
    QCOMPARE(child<QLineEdit>(report, "exportSha256")->text().size(), 64);
    QCOMPARE(childCount(w.projectDock(), "Exports"), 1);
}

void TestMainWindow::brokenProjectShowsError()
{
    const QString broken = m_dir.filePath("broken.lepton");
    {
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray garbage;
        for (int i = 0; i < 4096; ++i)
            garbage.append(char((i * 7919) % 251));
        f.write(garbage);
    }
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(!w.openProject(broken));
    QVERIFY(!w.project()->isOpen());
    QVERIFY(w.startPage()->isVisible());
    QVERIFY(!w.startPage()->error().isEmpty());
    QVERIFY(w.startPage()->error().contains("broken.lepton"));

    // With a project open, a broken file leaves that project open and says why.
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    QVERIFY(!w.openProject(broken));
    QCOMPARE(w.project()->path(), QFileInfo(m_demo.projectPath).absoluteFilePath());
    QTRY_VERIFY(w.findChild<QMessageBox *>("errorMessageBox"));
    auto box = w.findChild<QMessageBox *>("errorMessageBox");
    QVERIFY(box->text().contains("broken.lepton"));
    box->close();
    QVERIFY(w.projectDock()->findItem(ProjectItemKind::Dataset, m_demo.datasetId));
}

void TestMainWindow::opensDemoFromStartPage()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto demoButton = child<QPushButton>(w.startPage(), "startDemoButton");
    QVERIFY(demoButton && demoButton->isVisible());
    QTest::mouseClick(demoButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.project()->isOpen(), 300000);
    const QString path = w.project()->path();
    QVERIFY2(path.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)),
             qPrintable(path));
    QVERIFY(QFileInfo(path).fileName().startsWith("demo-"));
    QCOMPARE(childCount(w.projectDock(), "Datasets"), 1);
    QCOMPARE(childCount(w.projectDock(), "Architectures"), 1);
    QVERIFY(w.findChild<QTableWidget *>("dataClassTable")->rowCount() == 10);

    // Closing returns to the start page, which now lists the project as recent.
    w.closeProject();
    QVERIFY(w.startPage()->isVisible());
    auto recent = child<QListWidget>(w.startPage(), "startRecentList");
    QVERIFY(recent->count() >= 1);
    QCOMPARE(recent->item(0)->data(Qt::UserRole).toString(), path);
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(path + QLatin1String(suffix));
}

void TestMainWindow::restoresDockLayout()
{
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
        QVERIFY(!w.exportDock()->isHidden());
        w.exportDock()->close();
        QVERIFY(w.exportDock()->isHidden());
        QVERIFY(w.close());   // saves geometry and dock state
    }
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.exportDock()->isHidden());   // start page: docks hidden anyway
    QVERIFY2(w.openProject(m_demo.projectPath), qPrintable(w.lastError()));
    QVERIFY(w.exportDock()->isHidden());
    QVERIFY(!w.trainingDock()->isHidden());
    QVERIFY(!w.projectDock()->isHidden());
    w.exportDock()->show();
    QVERIFY(w.close());
}

// Accepts the next modal dialog after `prepare` has filled it in.
template <typename Dialog, typename Prepare>
static void whenDialogOpens(Prepare prepare)
{
    QTimer::singleShot(0, qApp, [prepare] {
        auto dialog = qobject_cast<Dialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            qWarning("expected a modal %s", Dialog::staticMetaObject.className());
            if (QApplication::activeModalWidget())
                QApplication::activeModalWidget()->close();
            return;
        }
        prepare(dialog);
        dialog->accept();
    });
}

void TestMainWindow::importsIntoNewProject()
{
    const QString path = m_dir.filePath("empty.lepton");
    QVERIFY(ProjectStore::create(path).ok());
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openProject(path), qPrintable(w.lastError()));
    QCOMPARE(childCount(w.projectDock(), "Datasets"), 0);
    QVERIFY(!child<QPushButton>(w.trainingDock(), "trainingStartButton")->isEnabled());

    raiseDock(w, "dataDock");
    auto importButton = child<QPushButton>(w.dataDock(), "dataImportButton");
    whenDialogOpens<QDialog>([](QDialog *d) {
        auto source = d->findChild<QComboBox *>("importSourceCombo");
        QVERIFY(source);
        source->setCurrentIndex(1);   // OpenCV digit sheet at its default path
    });
    QTest::mouseClick(importButton, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(childCount(w.projectDock(), "Datasets"), 1, 120000);
    QCOMPARE(child<QTableWidget>(w.dataDock(), "dataClassTable")->rowCount(), 10);

    raiseDock(w, "architectureDock");
    whenDialogOpens<QInputDialog>([](QInputDialog *) {});
    QTest::mouseClick(child<QPushButton>(w.architectureDock(), "architectureAddSmallCnnButton"),
                      Qt::LeftButton);
    QTRY_COMPARE(childCount(w.projectDock(), "Architectures"), 1);
    QVERIFY(child<QTableWidget>(w.architectureDock(), "architectureLayerTable")->rowCount() > 3);
    QVERIFY(child<QPushButton>(w.trainingDock(), "trainingStartButton")->isEnabled());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
