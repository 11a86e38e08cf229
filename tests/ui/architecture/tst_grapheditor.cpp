// Drives the node-graph editor offscreen with real widgets: a palette drop and a port-to-port mouse
// drag, live shape labels, exact undo/redo over every kind of edit, copy/paste and shortcuts,
// parameter editing through the properties panel, invalid graphs blocking Save, and saving into a
// real temporary project as a new architecture version.
#include "architecture/architecturedock.h"
#include "architecture/edgeitem.h"
#include "architecture/graphdocument.h"
#include "architecture/grapheditor.h"
#include "architecture/graphlayout.h"
#include "architecture/graphscene.h"
#include "architecture/graphsummary.h"
#include "architecture/graphview.h"
#include "architecture/layerpalette.h"
#include "architecture/nodeitem.h"
#include "architecture/propertiespanel.h"
#include "projectcontext.h"

#include "graph/layerregistry.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "widgetlookup.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>

using namespace lepton;
using Testing::child;

namespace {

ModelGraph inputOnly(int c, int h, int w)
{
    ModelGraph g;
    g.name = QStringLiteral("test");
    g.nodes.append(GraphNode{QStringLiteral("input"), QStringLiteral("Input"),
                             {{"channels", c}, {"height", h}, {"width", w}}, {}});
    return g;
}

// A valid chain input → conv → relu → flatten → linear with positions from the layout.
ModelGraph smallChain()
{
    ModelGraph g = inputOnly(1, 8, 8);
    g.nodes.append(GraphNode{"conv1", "Conv2d", {{"out_channels", 4}, {"padding", 1}}, {"input"}});
    g.nodes.append(GraphNode{"relu1", "ReLU", {}, {"conv1"}});
    g.nodes.append(GraphNode{"flatten1", "Flatten", {}, {"relu1"}});
    g.nodes.append(GraphNode{"linear1", "Linear", {{"out_features", 3}}, {"flatten1"}});
    return g;
}

QPoint viewPoint(GraphView *view, QPointF scenePos) { return view->mapFromScene(scenePos); }

// Sends the drag-enter/move/drop sequence a real drag from the palette produces.
void dropOnView(GraphView *view, QMimeData *data, QPoint pos)
{
    QDragEnterEvent enter(pos, Qt::CopyAction, data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(pos, Qt::CopyAction, data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &move);
    QDropEvent drop(QPointF(pos), Qt::CopyAction, data, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &drop);
    QVERIFY(drop.isAccepted());
}

// A left-button drag in the view from one scene point to another, as the mouse does it.
void dragInView(GraphView *view, QPointF from, QPointF to)
{
    QWidget *vp = view->viewport();
    const QPoint a = viewPoint(view, from), b = viewPoint(view, to);
    QTest::mousePress(vp, Qt::LeftButton, {}, a);
    QTest::mouseMove(vp, (a + b) / 2);
    QTest::mouseMove(vp, b);
    QTest::mouseRelease(vp, Qt::LeftButton, {}, b);
}

QListWidgetItem *paletteItem(LayerPalette *palette, const QString &type)
{
    for (int i = 0; i < palette->count(); ++i)
        if (palette->item(i)->data(Qt::UserRole).toString() == type)
            return palette->item(i);
    return nullptr;
}

} // namespace

class TestGraphEditor : public QObject
{
    Q_OBJECT

private slots:
    void paletteListsEveryRegisteredLayer();
    void dropConnectShowsShapeAndUndoes();
    void undoRedoRestoresExactJson();
    void copyPasteAndDeleteByKeyboard();
    void refusedConnectionsAreExplained();
    void propertiesPanelEditsParameters();
    void invalidGraphMarksNodeAndBlocksSave();
    void saveAddsArchitectureVersion();
    void importExportRoundTrip();
    void resnetLayoutHasNoOverlaps();
    void zoomShortcuts();
    void panAndRubberBandSelect();
};

void TestGraphEditor::paletteListsEveryRegisteredLayer()
{
    LayerPalette palette;
    const QStringList names = LayerRegistry::instance().names();
    QCOMPARE(palette.count(), names.size());
    for (const QString &n : names)
        QVERIFY2(paletteItem(&palette, n), qPrintable(n));
    // The palette's drag payload is the type name.
    std::unique_ptr<QMimeData> data(palette.model()->mimeData({palette.model()->index(1, 0)}));
    QCOMPARE(QString::fromUtf8(data->data(LayerTypeMimeType)), names.at(1));
}

void TestGraphEditor::dropConnectShowsShapeAndUndoes()
{
    GraphEditor editor;
    editor.resize(1200, 800);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    GraphDocument *doc = editor.document();
    doc->setGraph(inputOnly(1, 28, 28));
    editor.view()->setZoom(1.0);
    editor.view()->centerOn(editor.scene()->nodeItem("input"));
    const QByteArray empty = doc->toJson();

    // Drag "Conv2d" from the palette onto the canvas below the input node.
    QListWidgetItem *conv = paletteItem(editor.palette(), "Conv2d");
    QVERIFY(conv);
    QMimeData *data = editor.palette()->model()->mimeData({editor.palette()->indexFromItem(conv)});
    const QPointF below = doc->position("input") + QPointF(GraphNodeMetrics::Width / 2, 220);
    dropOnView(editor.view(), data, viewPoint(editor.view(), below));
    delete data;
    QCOMPARE(doc->graph().nodes.size(), 2);
    const QString convId = doc->graph().nodes.last().id;
    QCOMPARE(convId, QString("conv1"));
    NodeItem *convItem = editor.scene()->nodeItem(convId);
    QVERIFY(convItem);
    QVERIFY(convItem->isSelected());
    QVERIFY(convItem->hasError());   // not connected yet
    QCOMPARE(convItem->shapeText(), QString("→ ?"));
    const QByteArray dropped = doc->toJson();

    // Mouse drag from the input's output port to conv1's input slot.
    NodeItem *inputItem = editor.scene()->nodeItem("input");
    dragInView(editor.view(), inputItem->outputPort()->scenePos(), convItem->inputPort(0)->scenePos());
    QCOMPARE(doc->node(convId)->inputs, QStringList{"input"});
    convItem = editor.scene()->nodeItem(convId);
    QVERIFY(!convItem->hasError());
    // Conv2d defaults: 16 channels, 3×3 kernel, no padding: 28 → 26.
    QCOMPARE(convItem->shapeText(), QString("→ 16×26×26"));
    QCOMPARE(convItem->costText(), QString("160 params · 97.3K MACs"));
    QCOMPARE(editor.scene()->edgeItems().size(), 1);
    QCOMPARE(editor.scene()->edgeItems().first()->label(), QString("1×28×28"));
    auto table = child<QTableWidget>(&editor, "architectureLayerTable");
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(table->item(1, 2)->text(), QString("16×26×26"));

    // Ctrl+Z on the canvas undoes the connection, then the drop, each to the exact JSON.
    editor.view()->setFocus();
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), dropped);
    QCOMPARE(editor.scene()->nodeItem(convId)->shapeText(), QString("→ ?"));
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), empty);
    QVERIFY(!editor.scene()->nodeItem(convId));
    // Ctrl+Shift+Z redoes both.
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(editor.scene()->nodeItem(convId)->shapeText(), QString("→ 16×26×26"));

    // Double-clicking a palette entry adds that layer too.
    const int before = int(doc->graph().nodes.size());
    emit editor.palette()->itemActivated(paletteItem(editor.palette(), "ReLU"));
    QCOMPARE(doc->graph().nodes.size(), before + 1);
    QCOMPARE(doc->graph().nodes.last().type, QString("ReLU"));
}

void TestGraphEditor::undoRedoRestoresExactJson()
{
    GraphDocument doc;
    doc.setGraph(smallChain());
    QUndoStack *stack = doc.undoStack();
    QVector<QByteArray> states{doc.toJson()};
    auto step = [&] { states << doc.toJson(); };

    doc.addNode("Dropout", QPointF(400, 300));                   // add
    step();
    QVERIFY(doc.connectNodes("relu1", "dropout1", 0));           // connect
    step();
    doc.setParameter("conv1", "out_channels", 8);                // parameter
    doc.setParameter("conv1", "out_channels", 12);               // same parameter: merges
    step();
    doc.moveNodes({{"relu1", QPointF(10, 20)}}, 7);              // one drag ...
    doc.moveNodes({{"relu1", QPointF(15, 25)}, {"conv1", QPointF(5, 5)}}, 7);   // ... merges
    step();
    doc.deleteItems({"relu1"});                                  // delete with edges in and out
    step();
    QVERIFY(doc.node("flatten1")->inputs.isEmpty());
    QVERIFY(doc.node("dropout1")->inputs.isEmpty());
    doc.disconnectInput("conv1", 0);                             // disconnect
    step();
    auto pasted = doc.pasteFragment(doc.copyFragment({"flatten1", "linear1"}), QPointF(50, 50));
    QVERIFY(pasted);
    step();
    doc.autoLayout();
    step();
    doc.setParameter("conv1", "bias", false);
    doc.setParameter("conv1", "bias", QJsonValue(QJsonValue::Undefined));   // back to the default: key removed
    step();
    QCOMPARE(stack->count(), states.size() - 1);

    for (int i = int(states.size()) - 1; i > 0; --i) {
        QCOMPARE(doc.toJson(), states[i]);
        stack->undo();
        QCOMPARE(doc.toJson(), states[i - 1]);
    }
    for (int i = 1; i < states.size(); ++i) {
        stack->redo();
        QCOMPARE(doc.toJson(), states[i]);
    }
    // The layout is part of the document JSON and survives a reload.
    GraphDocument reloaded;
    QVERIFY(reloaded.loadJson(doc.toJson()));
    QCOMPARE(reloaded.toJson(), doc.toJson());
    QCOMPARE(reloaded.position("conv1"), doc.position("conv1"));
    // Core reads the same JSON (the layout key is ignored).
    auto graph = ModelGraph::fromJson(doc.toJson());
    QVERIFY(graph);
    QCOMPARE(graph->nodes.size(), doc.graph().nodes.size());
}

void TestGraphEditor::copyPasteAndDeleteByKeyboard()
{
    GraphEditor editor;
    editor.resize(1200, 800);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    GraphDocument *doc = editor.document();
    doc->setGraph(smallChain());
    const QByteArray original = doc->toJson();
    editor.view()->setFocus();

    editor.scene()->selectNodes({"conv1", "relu1"});
    QTest::keyClick(editor.view(), Qt::Key_C, Qt::ControlModifier);
    QTest::keyClick(editor.view(), Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(doc->graph().nodes.size(), 7);
    const GraphNode &conv2 = doc->graph().nodes[5];
    const GraphNode &relu2 = doc->graph().nodes[6];
    QCOMPARE(conv2.id, QString("conv2"));
    QCOMPARE(conv2.params, doc->node("conv1")->params);
    QVERIFY(conv2.inputs.isEmpty());                     // the edge from outside is not copied
    QCOMPARE(relu2.inputs, QStringList{"conv2"});        // the edge inside the copy is
    QCOMPARE(doc->position("conv2"), doc->position("conv1") + QPointF(40, 40));
    QCOMPARE(editor.scene()->selectedNodeIds(), (QStringList{"conv2", "relu2"}));

    // Delete removes the pasted pair; Ctrl+Z brings them back, Ctrl+Z again undoes the paste.
    const QByteArray afterPaste = doc->toJson();
    QTest::keyClick(editor.view(), Qt::Key_Delete);
    QCOMPARE(doc->graph().nodes.size(), 5);
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), afterPaste);
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), original);

    // A selected edge deletes alone; undo restores the exact graph.
    EdgeItem *edge = editor.scene()->edgeItem("flatten1", 0);
    QVERIFY(edge);
    editor.scene()->clearSelection();
    edge->setSelected(true);
    QTest::keyClick(editor.view(), Qt::Key_Delete);
    QVERIFY(doc->node("flatten1")->inputs.isEmpty());
    QVERIFY(doc->node("relu1"));
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), original);

    // Dragging a node moves it as one undo step however many mouse moves it took.
    NodeItem *relu = editor.scene()->nodeItem("relu1");
    editor.view()->setZoom(1.0);
    editor.view()->centerOn(relu);
    const QPointF start = doc->position("relu1");
    const QPointF grab = relu->scenePos() + QPointF(60, 50);
    const int before = editor.document()->undoStack()->index();
    QWidget *vp = editor.view()->viewport();
    QTest::mousePress(vp, Qt::LeftButton, {}, viewPoint(editor.view(), grab));
    for (int i = 1; i <= 5; ++i)
        QTest::mouseMove(vp, viewPoint(editor.view(), grab + QPointF(20 * i, 10 * i)));
    QTest::mouseRelease(vp, Qt::LeftButton, {}, viewPoint(editor.view(), grab + QPointF(100, 50)));
    QCOMPARE(editor.document()->undoStack()->index(), before + 1);   // one step for the whole drag
    const QPointF moved = doc->position("relu1") - start;
    QVERIFY2((moved - QPointF(100, 50)).manhattanLength() <= 2,
             qPrintable(QStringLiteral("moved by %1, %2").arg(moved.x()).arg(moved.y())));
    QTest::keyClick(editor.view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(doc->toJson(), original);
}

void TestGraphEditor::refusedConnectionsAreExplained()
{
    GraphEditor editor;
    GraphDocument *doc = editor.document();
    doc->setGraph(smallChain());
    const QByteArray original = doc->toJson();
    auto status = child<QLabel>(&editor, "graphStatus");

    QVERIFY(!editor.scene()->connectPorts("relu1", "relu1", 0));
    QVERIFY2(status->text().contains("cannot feed itself"), qPrintable(status->text()));
    QVERIFY(!editor.scene()->connectPorts("relu1", "input", 0));
    QVERIFY2(status->text().contains("takes no inputs"), qPrintable(status->text()));
    // ReLU has one input slot, already used: dropping on the node asks for a second one.
    QVERIFY(!editor.scene()->connectPorts("conv1", "relu1", 1));
    QVERIFY2(!status->text().isEmpty(), "no message");
    QVERIFY(!editor.scene()->connectPorts("linear1", "conv1", 0));
    QVERIFY2(status->text().contains("cycle"), qPrintable(status->text()));
    QCOMPARE(doc->toJson(), original);
    QCOMPARE(doc->undoStack()->count(), 0);
    // A variadic node shows one free slot beyond its inputs, up to the registry maximum.
    doc->addNode("Add", QPointF(0, 600));
    const LayerType *add = LayerRegistry::instance().find("Add");
    QCOMPARE(editor.scene()->nodeItem("add1")->inputPortCount(), add->minInputs);
    QVERIFY(editor.scene()->connectPorts("relu1", "add1", 0));
    QVERIFY(editor.scene()->connectPorts("conv1", "add1", 1));
    QCOMPARE(editor.scene()->nodeItem("add1")->inputPortCount(), std::min(3, add->maxInputs));
}

void TestGraphEditor::propertiesPanelEditsParameters()
{
    GraphEditor editor;
    editor.resize(1200, 800);
    editor.show();
    GraphDocument *doc = editor.document();
    doc->setGraph(smallChain());
    const QByteArray original = doc->toJson();
    editor.scene()->selectNodes({"conv1"});
    QCOMPARE(editor.properties()->nodeId(), QString("conv1"));

    auto spin = qobject_cast<QSpinBox *>(editor.properties()->editor("out_channels"));
    QVERIFY(spin);
    QCOMPARE(spin->value(), 4);
    QCOMPARE(spin->minimum(), 1);   // the registry's minimum
    spin->setValue(0);              // below the minimum: clamped by the spin box
    QCOMPARE(spin->value(), 1);
    spin->setValue(8);
    QCOMPARE(doc->node("conv1")->params.value("out_channels").toInt(), 8);
    QCOMPARE(editor.scene()->nodeItem("conv1")->shapeText(), QString("→ 8×8×8"));
    QCOMPARE(editor.scene()->edgeItem("relu1", 0)->label(), QString("8×8×8"));
    auto bias = qobject_cast<QCheckBox *>(editor.properties()->editor("bias"));
    QVERIFY(bias);
    bias->setChecked(false);
    QCOMPARE(doc->nodeAnalysis("conv1")->parameters, 8 * 1 * 3 * 3);

    // Float parameters refuse text that is not a number at or above the minimum.
    editor.scene()->selectNodes({"linear1"});
    doc->addNode("Dropout", QPointF(0, 900));
    editor.scene()->selectNodes({"dropout1"});
    auto p = qobject_cast<QLineEdit *>(editor.properties()->editor("p"));
    QVERIFY(p);
    p->setText("-1");
    emit p->editingFinished();
    QVERIFY(!child<QLabel>(editor.properties(), "propertiesValidation")->isHidden());
    QVERIFY(!doc->node("dropout1")->params.contains("p"));
    p->setText("0.25");
    emit p->editingFinished();
    QCOMPARE(doc->node("dropout1")->params.value("p").toDouble(), 0.25);

    // Undo everything: the exact starting graph, and the panel shows the old value.
    while (doc->undoStack()->canUndo())
        doc->undoStack()->undo();
    QCOMPARE(doc->toJson(), original);
    editor.scene()->selectNodes({"conv1"});
    QCOMPARE(qobject_cast<QSpinBox *>(editor.properties()->editor("out_channels"))->value(), 4);
}

void TestGraphEditor::invalidGraphMarksNodeAndBlocksSave()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("p.lepton");
    QVERIFY(ProjectStore::create(path));
    ProjectContext project;
    QVERIFY(project.open(path));
    ArchitectureDock dock(&project);
    GraphEditor *editor = dock.editor();
    GraphDocument *doc = editor->document();
    QVERIFY(dock.newFromTemplate("lenet", TensorShape{{1, 28, 28}}, 10, "lenet-test"));
    QVERIFY(doc->analysis().valid());
    auto save = child<QPushButton>(&dock, "graphSaveButton");
    QVERIFY(save->isEnabled());

    // Feed fc1 (a Linear layer) straight from the 1×28×28 image: it needs a flat vector.
    const QString target = "fc1";
    QVERIFY(doc->node(target));
    QVERIFY(editor->scene()->connectPorts("input", target, 0));
    const NodeAnalysis *a = doc->nodeAnalysis(target);
    QVERIFY(a && !a->error.isEmpty());
    NodeItem *item = editor->scene()->nodeItem(target);
    QVERIFY(item->hasError());
    QVERIFY(item->toolTip().contains(a->error.toHtmlEscaped()));
    // Layers after it are drawn as blocked, not as the cause.
    int blocked = 0;
    for (const GraphNode &n : doc->graph().nodes)
        if (editor->scene()->nodeItem(n.id)->isBlocked()) {
            ++blocked;
            QVERIFY(!editor->scene()->nodeItem(n.id)->hasError());
        }
    QVERIFY(blocked > 0);
    QVERIFY(!save->isEnabled());
    const QString reason = child<QLabel>(&dock, "graphSaveReason")->text();
    QVERIFY2(reason.contains("Cannot save") && reason.contains(target), qPrintable(reason));
    QVERIFY(!dock.save());
    bool listed = false;
    auto messages = child<QListWidget>(editor, "graphMessages");
    for (int i = 0; i < messages->count(); ++i)
        listed |= messages->item(i)->data(Qt::UserRole).toString() == target;
    QVERIFY(listed);
    // The summary table marks the row.
    auto table = child<QTableWidget>(editor, "architectureLayerTable");
    bool marked = false;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->text() == target)
            marked = table->item(r, 2)->text() == "error";
    QVERIFY(marked);
    // Clicking the message selects the node.
    for (int i = 0; i < messages->count(); ++i)
        if (messages->item(i)->data(Qt::UserRole).toString() == target)
            emit messages->itemClicked(messages->item(i));
    QCOMPARE(editor->scene()->selectedNodeIds(), QStringList{target});

    doc->undoStack()->undo();
    QVERIFY(!editor->scene()->nodeItem(target)->hasError());
    QVERIFY(save->isEnabled());
}

void TestGraphEditor::saveAddsArchitectureVersion()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("p.lepton");
    QVERIFY(ProjectStore::create(path));
    ProjectContext project;
    QVERIFY(project.open(path));
    ModelGraph g = smallChain();
    g.name = "chain";
    const qint64 first = project.store()->addArchitecture("chain", QString::fromUtf8(g.toJson())).value();
    ArchitectureDock dock(&project);
    QCOMPARE(dock.currentArchitectureId(), first);
    QCOMPARE(dock.loadedArchitectureId(), first);
    GraphDocument *doc = dock.editor()->document();
    QCOMPARE(doc->graph().nodes.size(), 5);
    QCOMPARE(child<QLineEdit>(&dock, "graphNameEdit")->text(), QString("chain"));
    auto save = child<QPushButton>(&dock, "graphSaveButton");
    QVERIFY(!save->isEnabled());   // nothing changed yet
    QVERIFY(!child<QLabel>(&dock, "graphSaveReason")->text().isEmpty());

    doc->setParameter("linear1", "out_features", 5);
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    auto list = project.store()->architectures();
    QVERIFY(list);
    QCOMPARE(list->size(), 2);
    const ArchitectureInfo &saved = list->last();
    QCOMPARE(saved.name, QString("chain"));
    QCOMPARE(saved.version, 2);
    QCOMPARE(saved.graphJson.toUtf8(), doc->toJson());
    QCOMPARE(dock.loadedArchitectureId(), saved.id);
    QCOMPARE(dock.currentArchitectureId(), saved.id);
    QVERIFY(!save->isEnabled());
    auto stored = ModelGraph::fromJson(saved.graphJson.toUtf8());
    QVERIFY(stored);
    QCOMPARE(analyzeGraph(stored.value()).outputShape.toString(), QString("5"));

    // Ctrl+S saves a third version from anywhere in the dock.
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    dock.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dock));
    doc->setParameter("linear1", "out_features", 6);
    dock.editor()->view()->setFocus();
    QTest::keyClick(dock.editor()->view(), Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(project.store()->architectures()->size(), 3);
    QCOMPARE(project.store()->architectures()->last().version, 3);

    // Loading version 1 back from the combo shows its graph.
    auto combo = child<QComboBox>(&dock, "architectureCombo");
    QCOMPARE(combo->count(), 3);
    combo->setCurrentIndex(combo->findData(first));
    QCOMPARE(dock.loadedArchitectureId(), first);
    QCOMPARE(doc->node("linear1")->params.value("out_features").toInt(), 3);
}

void TestGraphEditor::importExportRoundTrip()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("p.lepton");
    QVERIFY(ProjectStore::create(path));
    ProjectContext project;
    QVERIFY(project.open(path));
    ArchitectureDock dock(&project);
    GraphDocument *doc = dock.editor()->document();
    QVERIFY(dock.newFromTemplate("vgg", TensorShape{{3, 32, 32}}, 5, "vgg-test"));
    doc->moveNodes({{"input", QPointF(-300, -200)}});
    const QByteArray json = doc->toJson();
    const QString file = dir.filePath("g.json");
    QVERIFY(dock.exportGraphFile(file));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), json);

    QVERIFY(dock.newFromTemplate("lenet", TensorShape{{1, 28, 28}}, 10, "other"));
    QVERIFY(dock.importGraphFile(file));
    QCOMPARE(doc->toJson(), json);
    QCOMPARE(child<QLineEdit>(&dock, "graphNameEdit")->text(), QString("vgg-test"));
    doc->undoStack()->undo();   // import is one undo step
    QCOMPARE(doc->graph().name, QString("other"));

    // A broken file is refused with its name in the message; the graph stays.
    const QString broken = dir.filePath("broken.json");
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\"format\": \"lepton-graph\", \"version\": 1, \"nodes\": [");
    b.close();
    const QByteArray before = doc->toJson();
    Status st = dock.importGraphFile(broken);
    QVERIFY(!st);
    QVERIFY2(st.error().contains("broken.json"), qPrintable(st.error()));
    QVERIFY(!child<QLabel>(&dock, "architectureErrors")->isHidden());
    QCOMPARE(doc->toJson(), before);
}

void TestGraphEditor::resnetLayoutHasNoOverlaps()
{
    auto resnet = makeTemplate("resnet", TensorShape{{3, 32, 32}}, 10);
    QVERIFY2(resnet, qPrintable(resnet.error()));
    GraphEditor editor;
    editor.resize(1400, 900);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.document()->setGraph(resnet.value());
    QVERIFY(editor.document()->analysis().valid());
    QVector<QRectF> rects;
    for (const GraphNode &n : resnet->nodes)
        rects << editor.scene()->nodeItem(n.id)->sceneBoundingRect();
    for (int i = 0; i < rects.size(); ++i)
        for (int j = i + 1; j < rects.size(); ++j)
            QVERIFY2(!rects[i].intersects(rects[j]),
                     qPrintable(resnet->nodes[i].id + " overlaps " + resnet->nodes[j].id));
    // Every node lies below all of its inputs (data flows down).
    for (const GraphNode &n : resnet->nodes)
        for (const QString &in : n.inputs)
            QVERIFY(editor.document()->position(in).y() < editor.document()->position(n.id).y());
    editor.view()->fitToView();
    QVERIFY(editor.view()->zoom() >= GraphView::ReadableZoom);
    // The input node is in view after fitting.
    const QRect visible = editor.view()->viewport()->rect();
    QVERIFY(visible.contains(editor.view()->mapFromScene(editor.scene()->nodeItem("input")->sceneBoundingRect().center())));
}

void TestGraphEditor::zoomShortcuts()
{
    GraphEditor editor;
    editor.resize(1000, 700);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.document()->setGraph(smallChain());
    editor.view()->setZoom(1.0);
    editor.view()->setFocus();
    QTest::keyClick(editor.view(), Qt::Key_Equal, Qt::ControlModifier);
    QVERIFY(editor.view()->zoom() > 1.0);
    QTest::keyClick(editor.view(), Qt::Key_Minus, Qt::ControlModifier);
    QTest::keyClick(editor.view(), Qt::Key_Minus, Qt::ControlModifier);
    QVERIFY(editor.view()->zoom() < 1.0);
    QTest::keyClick(editor.view(), Qt::Key_0, Qt::ControlModifier);   // fit: the whole chain fits
    for (const GraphNode &n : editor.document()->graph().nodes)
        QVERIFY(editor.view()->viewport()->rect().contains(
            editor.view()->mapFromScene(editor.scene()->nodeItem(n.id)->sceneBoundingRect()).boundingRect()));
}

void TestGraphEditor::panAndRubberBandSelect()
{
    GraphEditor editor;
    editor.resize(1200, 800);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.document()->setGraph(smallChain());
    GraphView *view = editor.view();
    view->setZoom(1.0);
    view->centerOn(editor.scene()->nodeItem("relu1"));
    QWidget *vp = view->viewport();

    // Rubber band from empty canvas left of the chain across conv1 and relu1.
    const QRectF conv = editor.scene()->nodeItem("conv1")->sceneBoundingRect();
    const QRectF relu = editor.scene()->nodeItem("relu1")->sceneBoundingRect();
    dragInView(view, QPointF(conv.left() - 40, conv.top() - 10), relu.center());
    QCOMPARE(editor.scene()->selectedNodeIds(), (QStringList{"conv1", "relu1"}));
    QCOMPARE(editor.document()->undoStack()->count(), 0);   // selecting is not an edit

    // Middle-button drag pans: the scene point under the cursor moves with it.
    const QPoint a = vp->rect().center(), b = a + QPoint(-80, -60);
    const QPointF before = view->mapToScene(a);
    QTest::mousePress(vp, Qt::MiddleButton, {}, a);
    QTest::mouseMove(vp, b);
    QTest::mouseRelease(vp, Qt::MiddleButton, {}, b);
    QVERIFY((view->mapToScene(b) - before).manhattanLength() < 2);
    QCOMPARE(editor.document()->undoStack()->count(), 0);
}

QTEST_MAIN(TestGraphEditor)
#include "tst_grapheditor.moc"
