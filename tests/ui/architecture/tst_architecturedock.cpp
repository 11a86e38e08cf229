// The Architecture dock's "Import ONNX…": the model is read off the GUI thread, its layers appear as
// nodes in the editor with the importer's notes, Save stores the graph as an architecture version and
// its weights as a model version of the dataset with the model's input shape; an unsupported operator
// is named in the error and leaves the graph alone.
// With LEPTON_SCREENSHOT_DIR set, the dock after the import is saved there as architecturedock-onnx.png.
#include "architecture/architecturedock.h"
#include "architecture/graphdocument.h"
#include "architecture/grapheditor.h"
#include "architecture/graphscene.h"
#include "architecture/nodeitem.h"
#include "projectcontext.h"

#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "widgetlookup.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using Testing::child;

namespace {

QString fixture(const char *name) { return QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/") + QLatin1String(name); }

} // namespace

class TestArchitectureDock : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void importOnnxModel()
    {
        QVERIFY(m_dir.isValid());
        auto demo = createDemoProject(m_dir.filePath("onnx.lepton"));
        QVERIFY2(demo.ok(), qPrintable(demo.error()));
        ProjectContext project;
        QVERIFY(project.open(demo->projectPath).ok());
        ArchitectureDock dock(&project);
        dock.resize(1280, 760);
        dock.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dock));

        auto button = child<QPushButton>(&dock, "graphImportOnnxButton");
        QVERIFY(button->isEnabled());
        dock.importOnnxFile(fixture("onnx_import_digits.onnx"));
        QVERIFY(!button->isEnabled());   // running on a worker; finishes through the event loop
        QVERIFY(QTest::qWaitFor([&] { return button->isEnabled(); }, 60000));

        const ModelGraph &g = dock.editor()->document()->graph();
        QStringList types;
        for (const GraphNode &n : g.nodes) {
            types << n.type;
            QVERIFY2(dock.editor()->scene()->nodeItem(n.id), qPrintable(n.id));   // drawn in the editor
        }
        QCOMPARE(types, QStringList({"Input", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"}));
        QVERIFY(dock.editor()->document()->analysis().valid());
        QCOMPARE(dock.editor()->document()->analysis().outputShape.dims, QVector<qint64>{10});
        QVERIFY(dock.hasImportedWeights());
        auto notes = child<QLabel>(&dock, "architectureImportNotes");
        QVERIFY(notes->isVisible());
        QVERIFY2(notes->text().contains("onnx_import_digits.onnx"), qPrintable(notes->text()));
        QVERIFY(!child<QLineEdit>(&dock, "graphNameEdit")->text().isEmpty());
        if (const QByteArray dir = qgetenv("LEPTON_SCREENSHOT_DIR"); !dir.isEmpty()) {
            dock.editor()->scene()->update();
            QTest::qWait(200);
            QVERIFY(dock.grab().save(QDir(QString::fromLocal8Bit(dir)).filePath("architecturedock-onnx.png")));
        }

        // Save: a new architecture version plus the weights as a model version of the digits dataset.
        auto store = ProjectStore::open(demo->projectPath);
        QVERIFY(store.ok());
        const qsizetype versionsBefore = store.value()->modelVersions()->size();
        QVERIFY2(dock.saveBlockedReason().isEmpty(), qPrintable(dock.saveBlockedReason()));
        auto saved = dock.save();
        QVERIFY2(saved.ok(), qPrintable(saved.error()));
        auto versions = store.value()->modelVersions();
        QVERIFY(versions.ok());
        QCOMPARE(versions->size(), versionsBefore + 1);
        const ModelVersionInfo &v = versions->last();
        QCOMPARE(v.architectureId, saved.value());
        QCOMPARE(v.datasetId, demo->datasetId);
        QCOMPARE(v.name, QStringLiteral("imported from onnx_import_digits.onnx"));
        QVERIFY2(notes->text().contains(QStringLiteral("model version #%1").arg(v.id)), qPrintable(notes->text()));
        QVERIFY(!dock.hasImportedWeights());

        // An unsupported operator: named, with its node, and the editor keeps its graph.
        const int nodes = int(g.nodes.size());
        dock.importOnnxFile(fixture("onnx_import_unsupported.onnx"));
        QVERIFY(QTest::qWaitFor([&] { return button->isEnabled(); }, 60000));
        auto errors = child<QLabel>(&dock, "architectureErrors");
        QVERIFY(errors->isVisible());
        QVERIFY2(errors->text().contains("Elu") && errors->text().contains("act1"), qPrintable(errors->text()));
        QCOMPARE(int(dock.editor()->document()->graph().nodes.size()), nodes);

        // A file that is not there.
        dock.importOnnxFile(m_dir.filePath("missing.onnx"));
        QVERIFY(QTest::qWaitFor([&] { return button->isEnabled(); }, 60000));
        QVERIFY2(errors->text().contains("missing.onnx"), qPrintable(errors->text()));
    }
};

QTEST_MAIN(TestArchitectureDock)
#include "tst_architecturedock.moc"
