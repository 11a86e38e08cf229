// The window on a project that is not only its own: unsaved edits are offered for saving before
// quitting, closing or opening another project; what another process adds appears in the tree
// without a click; a read-only project says so.
#include "architecture/architecturedock.h"
#include "architecture/graphdocument.h"
#include "architecture/grapheditor.h"
#include "mainwindow.h"
#include "projectcontext.h"
#include "projectdock.h"

#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "processrun.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "widgetlookup.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>

using namespace lepton;
using Testing::child;

namespace {

// Answers the next "Unsaved Changes" question with `button` (and records that it was asked).
void answerUnsavedQuestion(QMessageBox::StandardButton button, bool *asked, QString *text = nullptr)
{
    QTimer::singleShot(0, qApp, [button, asked, text] {
        auto box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || box->objectName() != QLatin1String("unsavedEditsBox")) {
            qWarning("expected the unsaved-edits question");
            if (QApplication::activeModalWidget())
                QApplication::activeModalWidget()->close();
            return;
        }
        *asked = true;
        if (text)
            *text = box->text();
        box->button(button)->click();
    });
}

// Changes the first Conv2d's output channels: an undoable edit, so the graph is unsaved.
bool editGraph(ArchitectureDock *dock)
{
    GraphDocument *doc = dock->editor()->document();
    for (const GraphNode &n : doc->graph().nodes)
        if (n.type == QLatin1String("Conv2d")) {
            doc->setParameter(n.id, QStringLiteral("out_channels"), n.params.value("out_channels").toInt() + 8);
            return !doc->undoStack()->isClean();
        }
    return false;
}

int architectureCount(const QString &project)
{
    auto store = ProjectStore::open(project);
    return store ? int(store.value()->architectures()->size()) : -1;
}

} // namespace

class TestSharedProject : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("LeptonTest");
        QCoreApplication::setApplicationName("tst_sharedproject");
        configureRuntime();
        auto demo = createDemoProject(m_dir.filePath("demo.lepton"), defaultDigitSheetPath());
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        m_project = demo->projectPath;
    }

    void closeWithUnsavedGraphAsks()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.openProject(m_project), qPrintable(w.lastError()));
        QTRY_VERIFY(w.architectureDock()->loadedArchitectureId() != 0);
        QVERIFY(editGraph(w.architectureDock()));
        const int before = architectureCount(m_project);

        // Cancel: the window stays, the edit with it.
        bool asked = false;
        QString question;
        answerUnsavedQuestion(QMessageBox::Cancel, &asked, &question);
        QVERIFY(!w.close());
        QVERIFY(asked);
        QVERIFY2(question.contains(QLatin1String("Architecture")), qPrintable(question));
        QVERIFY(w.isVisible());
        QVERIFY(!w.architectureDock()->unsavedEdits().isEmpty());

        // Opening another project asks too; Cancel keeps this one.
        asked = false;
        answerUnsavedQuestion(QMessageBox::Cancel, &asked);
        QVERIFY(!w.openProject(m_project));
        QVERIFY(asked);
        QVERIFY(!w.architectureDock()->unsavedEdits().isEmpty());

        // Save: a new version is stored, then the window closes.
        asked = false;
        answerUnsavedQuestion(QMessageBox::Save, &asked);
        QVERIFY(w.close());
        QVERIFY(asked);
        QCOMPARE(architectureCount(m_project), before + 1);
    }

    void discardLosesOnlyWhatWasAsked()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(m_project));
        QTRY_VERIFY(w.architectureDock()->loadedArchitectureId() != 0);
        QVERIFY(editGraph(w.architectureDock()));
        const int before = architectureCount(m_project);
        bool asked = false;
        answerUnsavedQuestion(QMessageBox::Discard, &asked);
        QVERIFY(w.closeProject());
        QVERIFY(asked);
        QCOMPARE(architectureCount(m_project), before);
        // nothing unsaved: no question
        QVERIFY(w.openProject(m_project));
        QVERIFY(w.close());
    }

    // Another process adds a dataset (a copy) while the window shows the project: the tree shows it
    // within a few seconds, without any action in the window.
    void showsWhatAnotherProcessAdded()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(m_project));
        QTreeWidget *tree = w.projectDock()->tree();
        auto datasets = [&] {
            for (int i = 0; i < tree->topLevelItemCount(); ++i)
                if (tree->topLevelItem(i)->text(0).startsWith(QLatin1String("Datasets")))
                    return tree->topLevelItem(i)->childCount();
            return -1;
        };
        QCOMPARE(datasets(), 1);
        const Testing::ProcessRun copied =
            Testing::runProcess(QStringLiteral(LEPTON_CLI), {"dataset", m_project, "--copy", "copied elsewhere"});
        QVERIFY2(copied.exitCode == 0, copied.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(datasets(), 2, 5000);
        QVERIFY(w.close());
    }

    void readOnlyProjectSaysSo()
    {
        const QString copy = m_dir.filePath("readonly.lepton");
        QVERIFY(QFile::copy(m_project, copy));
        QVERIFY(QFile::setPermissions(copy, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.openProject(copy), qPrintable(w.lastError()));
        QVERIFY(w.project()->isReadOnly());
        QVERIFY2(w.windowTitle().contains(QLatin1String("read-only")), qPrintable(w.windowTitle()));
        auto label = child<QLabel>(&w, "readOnlyLabel");
        QVERIFY(label && label->isVisible());
        QVERIFY2(label->text().contains(QLatin1String("0444")), qPrintable(label->text()));
        // an edit is refused with the reason, and the file stays as it was
        QTRY_VERIFY(w.architectureDock()->loadedArchitectureId() != 0);
        QVERIFY(editGraph(w.architectureDock()));
        auto saved = w.architectureDock()->save();
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().contains(QLatin1String("read-only")), qPrintable(saved.error()));
        w.architectureDock()->discardEdits();
        QVERIFY(w.close());
    }
};

QTEST_MAIN(TestSharedProject)
#include "tst_sharedproject.moc"
