// A whole image-folder import through the GUI, offscreen: "Import dataset…" opens the real dialog,
// the folder is typed in and OK clicked; the worker imports it (a corrupt and an empty file
// reported, the rest imported), the dock shows the classes, counts and thumbnails. Then
// "Re-import" on the unchanged folder reads nothing, and after files are added, changed and
// deleted it reports each of them and the dock follows. "Import dataset…" on the same folder asks
// whether to update that dataset (incremental) or import the folder as a new one; both are taken.
#include "data/datadock.h"
#include "data/importdialog.h"
#include "projectcontext.h"

#include "project/projectstore.h"
#include "widgetlookup.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <opencv2/imgcodecs.hpp>

using namespace lepton;
using Testing::child;

namespace {

void writePng(const QString &file, int value, int size = 8)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    cv::Mat m(size, size, CV_8UC3, cv::Scalar(value, 255 - value, 40));
    QVERIFY(cv::imwrite(file.toStdString(), m));
}

void writeBytes(const QString &file, const QByteArray &bytes)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestDataImportGui : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // Clicks the button named `button` of the message box once it is up (polled: it opens after
    // the import dialog closes).
    static void answerQuestion(const QString &button, int attempts = 100)
    {
        QTimer::singleShot(50, [button, attempts] {
            auto box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box) {
                if (attempts > 0)
                    answerQuestion(button, attempts - 1);
                return;
            }
            QVERIFY2(box->text().contains(QStringLiteral("imported before")) || box->text().contains(QStringLiteral("Update it")),
                     qPrintable(box->text()));
            auto b = box->findChild<QPushButton *>(button);
            if (!b) {
                box->reject();
                QFAIL(qPrintable(QStringLiteral("no button %1").arg(button)));
            }
            b->click();
        });
    }

    // Fills the modal import dialog once it is up, then clicks OK.
    static void fillDialogWhenShown(const QString &folder)
    {
        QTimer::singleShot(0, [folder] {
            auto dialog = qobject_cast<ImportDialog *>(QApplication::activeModalWidget());
            QVERIFY2(dialog, "the import dialog is not open");
            // A failed check below must not leave the modal dialog open (the test would hang).
            const auto closeOnFailure = qScopeGuard([dialog] {
                if (dialog->isVisible())
                    dialog->reject();
            });
            auto source = child<QComboBox>(dialog, "importSourceCombo");
            source->setCurrentIndex(source->findData(int(ImportDialog::Source::ImageFolder)));
            child<QLineEdit>(dialog, "importPathEdit")->setText(folder);
            child<QLineEdit>(dialog, "importNameEdit")->setText(QStringLiteral("shapes"));
            child<QSpinBox>(dialog, "importWidthSpin")->setValue(8);
            child<QSpinBox>(dialog, "importHeightSpin")->setValue(8);
            auto ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            QVERIFY(ok->isEnabled());
            QTest::mouseClick(ok, Qt::LeftButton);
        });
    }

private Q_SLOTS:
    void importThenReimportThroughTheDock()
    {
        const QString folder = m_dir.filePath(QStringLiteral("shapes"));
        for (int i = 0; i < 10; ++i) {
            writePng(QStringLiteral("%1/circle/c%2.png").arg(folder).arg(i), 10 * i);
            writePng(QStringLiteral("%1/square/s%2.png").arg(folder).arg(i), 100 + 10 * i, 12);   // other size
        }
        writeBytes(folder + QStringLiteral("/square/broken.png"), QByteArray("\x89PNG\r\n\x1a\n garbage", 17));
        writeBytes(folder + QStringLiteral("/circle/empty.jpg"), {});
        const QString projectPath = m_dir.filePath(QStringLiteral("gui.lepton"));
        QVERIFY(ProjectStore::create(projectPath).ok());

        ProjectContext project;
        DataDock dock(&project);
        dock.resize(1100, 750);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));
        QVERIFY(project.open(projectPath).ok());
        auto importButton = child<QPushButton>(&dock, "dataImportButton");
        auto reimport = child<QPushButton>(&dock, "dataReimportButton");
        auto status = child<QLabel>(&dock, "dataImportStatus");
        QVERIFY(importButton->isEnabled());
        QVERIFY(!reimport->isVisible());   // no dataset yet

        fillDialogWhenShown(folder);
        QTest::mouseClick(importButton, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Imported")), 30000);
        const QString imported = status->text();
        QVERIFY2(imported.contains(QStringLiteral("Imported 20 samples")) && imported.contains(QStringLiteral("Skipped 2")),
                 qPrintable(imported));
        QVERIFY2(imported.contains(QStringLiteral("broken.png")) && imported.contains(QStringLiteral("empty.jpg")),
                 qPrintable(imported));
        QVERIFY(importButton->isEnabled());

        // The dock shows the new dataset: two classes of ten, thumbnails, the re-import button.
        auto combo = child<QComboBox>(&dock, "dataDatasetCombo");
        QCOMPARE(combo->count(), 1);
        QVERIFY(combo->currentText().contains(QStringLiteral("shapes")));
        auto table = child<QTableWidget>(&dock, "dataClassTable");
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("circle"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("square"));
        QTRY_VERIFY(child<QListView>(&dock, "dataThumbnails")->model()->rowCount() > 0);
        QVERIFY(reimport->isVisible() && reimport->isEnabled());
        auto store = project.store();
        const qint64 id = dock.currentDatasetId();
        QCOMPARE(store->dataset(id)->sampleCount(), 20);

        // Unchanged folder: nothing read.
        QTest::mouseClick(reimport, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Re-imported")), 30000);
        QVERIFY2(status->text().contains(QStringLiteral("20 unchanged (not read)"))
                     && status->text().contains(QStringLiteral("2 files read")),   // the two bad files, read again
                 qPrintable(status->text()));

        // Two new files, one changed, one deleted.
        QVERIFY(QFile::remove(folder + QStringLiteral("/square/broken.png")));
        QVERIFY(QFile::remove(folder + QStringLiteral("/circle/empty.jpg")));
        writePng(folder + QStringLiteral("/circle/c10.png"), 33);
        writePng(folder + QStringLiteral("/triangle/t0.png"), 77);
        QVERIFY(QFile::remove(folder + QStringLiteral("/square/s3.png")));
        writePng(folder + QStringLiteral("/circle/c0.png"), 250, 16);
        QTest::mouseClick(reimport, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("new:")), 30000);
        const QString report = status->text();
        QVERIFY2(report.contains(QStringLiteral("2 new, 1 changed, 0 moved, 1 missing (kept)")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("c10.png")) && report.contains(QStringLiteral("t0.png"))
                     && report.contains(QStringLiteral("s3.png")) && report.contains(QStringLiteral("new classes: triangle")),
                 qPrintable(report));
        QCOMPARE(store->dataset(id)->sampleCount(), 22);
        QTRY_COMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(2, 0)->text(), QStringLiteral("triangle"));

        // "Import dataset…" on the same folder asks: update the dataset (incremental) or import anew.
        status->clear();
        fillDialogWhenShown(folder);
        answerQuestion(QStringLiteral("dataReimportUpdate"));
        QTest::mouseClick(importButton, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Re-imported")), 30000);
        QVERIFY2(status->text().contains(QStringLiteral("21 unchanged (not read)")), qPrintable(status->text()));
        QCOMPARE(combo->count(), 1);
        fillDialogWhenShown(folder);
        answerQuestion(QStringLiteral("dataReimportNew"));
        QTest::mouseClick(importButton, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Imported")), 30000);
        QCOMPARE(combo->count(), 2);
        QCOMPARE(store->dataset(dock.currentDatasetId())->sampleCount(), 21);   // s3.png is gone
    }
};

QTEST_MAIN(TestDataImportGui)
#include "tst_dataimport_gui.moc"
