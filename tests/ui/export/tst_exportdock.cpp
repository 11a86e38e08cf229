// Drives the Export dock offscreen on a real demo project trained for one epoch: all three targets
// with their verification reports, the files on disk, the history, a failing target that does
// not stop the others, and the Export button's enabled state.
#include "export/exportdock.h"
#include "export/exporttargetreport.h"
#include "mainwindow.h"
#include "projectdock.h"

#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "trainedproject.h"
#include "widgetlookup.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace lepton;
using Testing::child;

class TestExportDock : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void exportsAllTargets();
    void failedTargetDoesNotStopTheOthers();
    void noTargetDisablesExport();
    void toleranceBeyondLimitKeepsOnlyTheReport();

private:
    static void openOnDemo(MainWindow &w, const QString &project);
    static void setTargets(ExportDock *dock, bool torchscript, bool onnx, bool package);
    static int reportsIn(ExportDock *dock, ExportTargetReport::State state);
    static int exportsInTree(MainWindow &w);

    QTemporaryDir m_dir;
    DemoProject m_demo;
    qint64 m_modelVersion = 0;
};

void TestExportDock::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("LeptonTest");
    QCoreApplication::setApplicationName("tst_exportdock");
    configureRuntime();
    QVERIFY(m_dir.isValid());
    auto trained = Testing::makeTrainedDemoProject(m_dir.filePath("demo.lepton"));
    QVERIFY2(trained.ok(), qPrintable(trained.error()));
    m_demo = trained->project;
    m_modelVersion = trained->modelVersionId;
}

void TestExportDock::openOnDemo(MainWindow &w, const QString &project)
{
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY2(w.openProject(project), qPrintable(w.lastError()));
    w.exportDock()->show();
    w.exportDock()->raise();
    QTRY_VERIFY(w.exportDock()->widget()->isVisible());
}

void TestExportDock::setTargets(ExportDock *dock, bool torchscript, bool onnx, bool package)
{
    const std::pair<const char *, bool> wanted[] = {
        {"exportTarget-torchscript", torchscript}, {"exportTarget-onnx", onnx}, {"exportTarget-package", package}};
    for (const auto &[name, on] : wanted) {
        auto check = child<QCheckBox>(dock, name);
        QVERIFY(check);
        if (check->isChecked() != on)
            QTest::mouseClick(check, Qt::LeftButton);
        QCOMPARE(check->isChecked(), on);
    }
}

int TestExportDock::reportsIn(ExportDock *dock, ExportTargetReport::State state)
{
    int n = 0;
    for (const char *name : {"exportReport-torchscript", "exportReport-onnx", "exportReport-package"}) {
        auto report = dock->findChild<ExportTargetReport *>(name);
        if (report && report->isVisible() && report->state() == state)
            ++n;
    }
    return n;
}

int TestExportDock::exportsInTree(MainWindow &w)
{
    QTreeWidget *tree = w.projectDock()->tree();
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0).startsWith("Exports"))
            return tree->topLevelItem(i)->childCount();
    }
    return -1;
}

void TestExportDock::exportsAllTargets()
{
    MainWindow w;
    openOnDemo(w, m_demo.projectPath);
    ExportDock *dock = w.exportDock();
    auto button = child<QPushButton>(dock, "exportRunButton");
    auto folderEdit = child<QLineEdit>(dock, "exportFolderEdit");
    auto openFolder = child<QPushButton>(dock, "exportOpenFolderButton");
    auto history = child<QTableWidget>(dock, "exportHistory");
    QVERIFY(button && folderEdit && openFolder && history);
    const QString folder = QFileInfo(m_demo.projectPath).absoluteDir().filePath(
        QStringLiteral("exports/version-%1").arg(m_modelVersion));
    QCOMPARE(folderEdit->text(), folder);
    QVERIFY(!QFileInfo::exists(folder));
    QVERIFY(!openFolder->isEnabled());   // nothing to open yet
    const int storedBefore = history->rowCount();

    setTargets(dock, true, true, true);
    // Option editors come from the targets' option specs in the registry.
    for (const char *name : {"exportOption-onnx-opset", "exportOption-package-opset"}) {
        QCOMPARE(child<QSpinBox>(dock, name)->minimum(), 11);
        QCOMPARE(child<QSpinBox>(dock, name)->maximum(), 17);
        QCOMPARE(child<QSpinBox>(dock, name)->value(), 13);
    }
    child<QSpinBox>(dock, "exportOption-package-opset")->setValue(11);
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!button->isEnabled());
    QVERIFY(child<QPushButton>(dock, "exportCancelButton")->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 600000);
    QVERIFY2(child<QLabel>(dock, "exportError")->isHidden(), qPrintable(child<QLabel>(dock, "exportError")->text()));
    for (const char *name : {"exportReport-torchscript", "exportReport-onnx", "exportReport-package"}) {
        auto report = child<ExportTargetReport>(dock, name);
        QVERIFY(report);
        QVERIFY2(report->state() == ExportTargetReport::State::Passed,
                 qPrintable(QString("%1: %2").arg(name, child<QLabel>(report, "exportSummary")->text())));
        QVERIFY(child<QLabel>(report, "exportVerdict")->text().contains("passed"));
        QCOMPARE(child<QLineEdit>(report, "exportSha256")->text().size(), 64);
        QVERIFY(QFileInfo::exists(child<QLineEdit>(report, "exportPath")->text()));
        QVERIFY(!child<QLabel>(report, "exportTop1Agreement")->text().isEmpty());
    }
    QCOMPARE(reportsIn(dock, ExportTargetReport::State::Passed), 3);

    // The files, where the dock said it would put them.
    QVERIFY(QFileInfo(QDir(folder).filePath("model.pt")).size() > 0);
    QVERIFY(QFileInfo(QDir(folder).filePath("model.onnx")).size() > 0);
    const QStringList packages = QDir(folder).entryList({"package-*"}, QDir::Dirs);
    QCOMPARE(packages.size(), 1);
    const QString packageDir = QDir(folder).filePath(packages.first());
    QVERIFY(QFileInfo::exists(QDir(packageDir).filePath("manifest.json")));
    {
        QFile manifest(QDir(packageDir).filePath("manifest.json"));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(manifest.readAll()).object().value("onnx_opset").toInt(), 11);
    }
    QVERIFY(QFileInfo(packageDir + ".tar.gz").size() > 0);
    QCOMPARE(child<QLineEdit>(child<ExportTargetReport>(dock, "exportReport-package"), "exportPath")->text(),
             packageDir + ".tar.gz");
    QVERIFY(openFolder->isEnabled());

    // History: TorchScript, ONNX, and the package with its own model.pt and model.onnx records.
    QCOMPARE(history->rowCount(), storedBefore + 5);
    QStringList formats;
    for (int row = storedBefore; row < history->rowCount(); ++row) {
        formats << history->item(row, 2)->text();
        QCOMPARE(history->item(row, 3)->text(), QString("passed"));
    }
    QVERIFY(formats.contains("torchscript") && formats.contains("onnx") && formats.contains("package"));
    QCOMPARE(exportsInTree(w), storedBefore + 5);

    // Selecting a stored export shows the verification JSON stored with it.
    history->selectRow(history->rowCount() - 1);
    auto stored = child<ExportTargetReport>(dock, "exportStoredReport");
    QTRY_VERIFY(stored->isVisible());
    QCOMPARE(stored->state(), ExportTargetReport::State::Passed);
    QCOMPARE(child<QLineEdit>(stored, "exportSha256")->text().size(), 64);
    QVERIFY(child<QLabel>(stored, "exportMaxAbsDiff")->text().contains("ONNX"));
}

void TestExportDock::failedTargetDoesNotStopTheOthers()
{
    MainWindow w;
    openOnDemo(w, m_demo.projectPath);
    ExportDock *dock = w.exportDock();
    // A folder where model.pt should go: the TorchScript export cannot be published there.
    const QString folder = m_dir.filePath("blocked");
    QVERIFY(QDir().mkpath(folder + "/model.pt/inside"));
    auto folderEdit = child<QLineEdit>(dock, "exportFolderEdit");
    folderEdit->selectAll();
    QTest::keyClicks(folderEdit, folder);
    QCOMPARE(folderEdit->text(), folder);
    setTargets(dock, true, true, false);
    auto button = child<QPushButton>(dock, "exportRunButton");
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 600000);
    auto torchscript = child<ExportTargetReport>(dock, "exportReport-torchscript");
    auto onnx = child<ExportTargetReport>(dock, "exportReport-onnx");
    QCOMPARE(torchscript->state(), ExportTargetReport::State::Failed);
    QVERIFY(torchscript->isVisible());
    QVERIFY2(child<QLabel>(torchscript, "exportSummary")->text().contains("model.pt"),
             qPrintable(child<QLabel>(torchscript, "exportSummary")->text()));
    QCOMPARE(onnx->state(), ExportTargetReport::State::Passed);
    QVERIFY(QFileInfo(QDir(folder).filePath("model.onnx")).isFile());
    QVERIFY(child<ExportTargetReport>(dock, "exportReport-package")->isHidden());
}

void TestExportDock::noTargetDisablesExport()
{
    MainWindow w;
    openOnDemo(w, m_demo.projectPath);
    ExportDock *dock = w.exportDock();
    auto button = child<QPushButton>(dock, "exportRunButton");
    setTargets(dock, true, false, false);
    QVERIFY(button->isEnabled());
    setTargets(dock, false, false, false);
    QVERIFY(!button->isEnabled());
    QVERIFY(!button->toolTip().isEmpty());
    QVERIFY(!child<QSpinBox>(dock, "exportOption-onnx-opset")->isEnabled());
    setTargets(dock, false, false, true);
    QVERIFY(button->isEnabled());
}

void TestExportDock::toleranceBeyondLimitKeepsOnlyTheReport()
{
    MainWindow w;
    openOnDemo(w, m_demo.projectPath);
    ExportDock *dock = w.exportDock();
    const QString folder = m_dir.filePath("strict");
    auto folderEdit = child<QLineEdit>(dock, "exportFolderEdit");
    folderEdit->selectAll();
    QTest::keyClicks(folderEdit, folder);
    setTargets(dock, true, true, false);
    auto tolerance = child<QLineEdit>(dock, "exportToleranceEdit");
    auto button = child<QPushButton>(dock, "exportRunButton");
    tolerance->clear();
    QVERIFY(!button->isEnabled());   // no tolerance, no export
    QTest::keyClicks(tolerance, "0");
    QVERIFY(button->isEnabled());
    auto history = child<QTableWidget>(dock, "exportHistory");
    const int storedBefore = history->rowCount();
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 600000);

    // LibTorch reloads TorchScript bit-exactly; OpenCV DNN differs by ~1e-6, which a zero tolerance refuses.
    auto torchscript = child<ExportTargetReport>(dock, "exportReport-torchscript");
    auto onnx = child<ExportTargetReport>(dock, "exportReport-onnx");
    QCOMPARE(torchscript->state(), ExportTargetReport::State::Passed);
    QCOMPARE(onnx->state(), ExportTargetReport::State::Failed);
    QVERIFY(child<QLabel>(onnx, "exportSummary")->text().contains("failed verification"));
    QVERIFY(child<QLabel>(onnx, "exportMaxAbsDiff")->isVisible());
    QVERIFY2(child<QLabel>(onnx, "exportMaxAbsDiff")->text().contains("allowed 0"),
             qPrintable(child<QLabel>(onnx, "exportMaxAbsDiff")->text()));
    QVERIFY(child<QLabel>(onnx, "exportSize")->text().contains("failed verification"));
    QVERIFY(!QFileInfo::exists(QDir(folder).filePath("model.onnx")));
    QVERIFY(QFileInfo::exists(QDir(folder).filePath("model.pt")));

    // Both are recorded; the failed one says so in the history and keeps its numbers.
    QCOMPARE(history->rowCount(), storedBefore + 2);
    QCOMPARE(history->item(history->rowCount() - 1, 2)->text(), QString("onnx"));
    QCOMPARE(history->item(history->rowCount() - 1, 3)->text(), QString("failed"));
    history->selectRow(history->rowCount() - 1);
    auto stored = child<ExportTargetReport>(dock, "exportStoredReport");
    QTRY_VERIFY(stored->isVisible());
    QCOMPARE(stored->state(), ExportTargetReport::State::Failed);
    QVERIFY(child<QPlainTextEdit>(stored, "exportJson")->toPlainText().contains("\"passed\":false"));
}

QTEST_MAIN(TestExportDock)
#include "tst_exportdock.moc"
