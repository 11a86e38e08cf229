#include "architecture/grapheditor.h"

#include "architecture/graphdocument.h"
#include "architecture/graphscene.h"
#include "architecture/graphsummary.h"
#include "architecture/graphview.h"
#include "architecture/layerpalette.h"
#include "architecture/nodeitem.h"
#include "architecture/propertiespanel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSplitter>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace lepton {

namespace {

constexpr char FragmentMimeType[] = "application/x-lepton-graph-fragment";

QWidget *titled(const QString &title, QWidget *content)
{
    auto box = new QWidget;
    auto layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto label = new QLabel(QStringLiteral("<b>%1</b>").arg(title));
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return box;
}

} // namespace

GraphEditor::GraphEditor(QWidget *parent)
    : QWidget(parent)
    , m_document(new GraphDocument(this))
    , m_scene(new GraphScene(m_document, this))
    , m_view(new GraphView(m_scene))
    , m_palette(new LayerPalette)
    , m_properties(new PropertiesPanel(m_document))
    , m_summary(new GraphSummaryTable(m_document))
    , m_totals(new QLabel)
    , m_messages(new QListWidget)
    , m_status(new QLabel)
    , m_toolBar(new QToolBar)
{
    setObjectName("graphEditor");
    m_totals->setObjectName("graphTotals");
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messages->setObjectName("graphMessages");
    m_messages->setWordWrap(true);
    m_status->setObjectName("graphStatus");
    m_status->setWordWrap(true);
    m_toolBar->setObjectName("graphToolBar");
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto propertiesScroll = new QScrollArea;
    propertiesScroll->setWidget(m_properties);
    propertiesScroll->setWidgetResizable(true);
    propertiesScroll->setFrameShape(QFrame::NoFrame);
    propertiesScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto left = new QSplitter(Qt::Vertical);
    left->addWidget(titled(tr("Layers"), m_palette));
    left->addWidget(titled(tr("Properties"), propertiesScroll));
    left->setStretchFactor(0, 2);
    left->setStretchFactor(1, 3);

    auto center = new QWidget;
    auto centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    centerLayout->setSpacing(2);
    centerLayout->addWidget(m_toolBar);
    centerLayout->addWidget(m_view, 1);
    centerLayout->addWidget(m_status);

    auto summaryBox = new QWidget;
    auto summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->setContentsMargins(0, 0, 0, 0);
    summaryLayout->addWidget(m_summary, 1);
    summaryLayout->addWidget(m_totals);
    auto right = new QSplitter(Qt::Vertical);
    right->addWidget(titled(tr("Summary"), summaryBox));
    right->addWidget(titled(tr("Problems"), m_messages));
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);

    auto split = new QSplitter(Qt::Horizontal);
    split->setObjectName("graphEditorSplitter");
    split->addWidget(left);
    split->addWidget(center);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 0);
    split->setSizes({160, 640, 360});
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    createActions();
    connect(m_palette, &LayerPalette::layerActivated, this, &GraphEditor::addLayerAtCenter);
    connect(m_scene, &GraphScene::message, this, [this](const QString &text) { showStatus(text, true); });
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &GraphEditor::onSelectionChanged);
    connect(m_summary, &GraphSummaryTable::nodeActivated, this, &GraphEditor::focusNode);
    connect(m_summary, &GraphSummaryTable::totalsChanged, m_totals, &QLabel::setText);
    connect(m_messages, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        if (const QString id = item->data(Qt::UserRole).toString(); !id.isEmpty())
            focusNode(id);
    });
    connect(m_document, &GraphDocument::analysisChanged, this, &GraphEditor::refreshMessages);
    connect(m_document->undoStack(), &QUndoStack::indexChanged, this, [this] { m_status->clear(); });
    m_totals->setText(m_summary->totalsText());
    refreshMessages();
}

QAction *GraphEditor::action(const QString &objectName) const { return findChild<QAction *>(objectName); }

void GraphEditor::createActions()
{
    auto add = [this](QWidget *owner, const QString &name, const QString &text, QList<QKeySequence> keys,
                      auto slot, Qt::ShortcutContext context = Qt::WidgetWithChildrenShortcut) {
        auto a = new QAction(text, this);
        a->setObjectName(name);
        QList<QKeySequence> unique;
        for (const QKeySequence &k : keys)
            if (!k.isEmpty() && !unique.contains(k))
                unique << k;
        a->setShortcuts(unique);
        a->setShortcutContext(context);
        if (!keys.isEmpty())
            a->setToolTip(QStringLiteral("%1 (%2)").arg(text, keys.first().toString(QKeySequence::NativeText)).remove(QLatin1Char('&')));
        connect(a, &QAction::triggered, this, slot);
        owner->addAction(a);
        return a;
    };
    QUndoStack *stack = m_document->undoStack();
    QAction *undo = stack->createUndoAction(this, tr("Undo"));
    undo->setObjectName("undoAction");
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *redo = stack->createRedoAction(this, tr("Redo"));
    redo->setObjectName("redoAction");
    QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
    if (!redoKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)))
        redoKeys << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
    redo->setShortcuts(redoKeys);
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    addAction(redo);
    m_toolBar->addAction(undo);
    m_toolBar->addAction(redo);
    m_toolBar->addSeparator();

    // Editing keys act on the canvas only, so they never steal from text fields.
    m_toolBar->addAction(add(m_view, "deleteAction", tr("Delete"), {QKeySequence(QKeySequence::Delete), QKeySequence(Qt::Key_Backspace)},
                             [this] { m_scene->deleteSelection(); }, Qt::WidgetShortcut));
    add(m_view, "cutAction", tr("Cut"), {QKeySequence(QKeySequence::Cut)}, [this] { cutSelection(); }, Qt::WidgetShortcut);
    m_toolBar->addAction(add(m_view, "copyAction", tr("Copy"), {QKeySequence(QKeySequence::Copy)}, [this] { copySelection(); },
                             Qt::WidgetShortcut));
    m_toolBar->addAction(add(m_view, "pasteAction", tr("Paste"), {QKeySequence(QKeySequence::Paste)}, [this] { paste(); },
                             Qt::WidgetShortcut));
    add(m_view, "selectAllAction", tr("Select All"), {QKeySequence(QKeySequence::SelectAll)}, [this] {
        for (QGraphicsItem *item : m_scene->items())
            if (item->type() == NodeItem::Type)
                item->setSelected(true);
    }, Qt::WidgetShortcut);
    m_toolBar->addSeparator();
    m_toolBar->addAction(add(this, "layoutAction", tr("Auto-layout"), {QKeySequence(Qt::CTRL | Qt::Key_L)}, [this] {
        m_document->autoLayout();
        m_view->fitToView();
    }));
    m_toolBar->addAction(add(this, "fitAction", tr("Fit"), {QKeySequence(Qt::CTRL | Qt::Key_0)},
                             [this] { m_view->fitToView(); }));
    m_toolBar->addAction(add(this, "zoomInAction", tr("Zoom In"),
                             {QKeySequence(QKeySequence::ZoomIn), QKeySequence(Qt::CTRL | Qt::Key_Equal)},
                             [this] { m_view->zoomIn(); }));
    m_toolBar->addAction(add(this, "zoomOutAction", tr("Zoom Out"), {QKeySequence(QKeySequence::ZoomOut)},
                             [this] { m_view->zoomOut(); }));
}

void GraphEditor::copySelection()
{
    const QStringList ids = m_scene->selectedNodeIds();
    if (ids.isEmpty())
        return;
    const QByteArray fragment = m_document->copyFragment(ids);
    auto data = new QMimeData;
    data->setData(QString::fromLatin1(FragmentMimeType), fragment);
    data->setText(QString::fromUtf8(fragment));
    QGuiApplication::clipboard()->setMimeData(data);
    m_pasteCount = 0;
    showStatus(tr("Copied %n node(s)", nullptr, int(ids.size())));
}

void GraphEditor::cutSelection()
{
    copySelection();
    m_scene->deleteSelection();
}

void GraphEditor::paste()
{
    const QMimeData *data = QGuiApplication::clipboard()->mimeData();
    if (!data)
        return;
    const QString mime = QString::fromLatin1(FragmentMimeType);
    const QByteArray fragment = data->hasFormat(mime) ? data->data(mime) : data->text().toUtf8();
    if (fragment.trimmed().isEmpty())
        return;
    ++m_pasteCount;
    auto ids = m_document->pasteFragment(fragment, QPointF(40, 40) * m_pasteCount);
    if (!ids) {
        showStatus(ids.error(), true);
        return;
    }
    m_scene->selectNodes(ids.value());
    showStatus(tr("Pasted %n node(s)", nullptr, int(ids->size())));
}

QString GraphEditor::addLayerAtCenter(const QString &type)
{
    return m_view->dropLayer(type, m_view->viewport()->rect().center());
}

void GraphEditor::showStatus(const QString &text, bool error)
{
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_status->setText(text);
}

void GraphEditor::focusNode(const QString &id)
{
    if (NodeItem *item = m_scene->nodeItem(id)) {
        m_scene->selectNodes({id});
        m_view->centerOn(item);
    }
}

void GraphEditor::onSelectionChanged()
{
    const QStringList ids = m_scene->selectedNodeIds();
    m_properties->setNode(ids.size() == 1 ? ids.first() : QString());
    m_summary->selectNode(ids.size() == 1 ? ids.first() : QString());
}

void GraphEditor::refreshMessages()
{
    m_messages->clear();
    const GraphAnalysis &a = m_document->analysis();
    static const QRegularExpression nodeRef(QStringLiteral("^node '([^']+)'"));
    for (const QString &error : a.errors) {
        auto item = new QListWidgetItem(error, m_messages);
        item->setForeground(QColor(0xb0, 0x00, 0x20));
        const auto match = nodeRef.match(error);
        if (match.hasMatch()) {
            item->setData(Qt::UserRole, match.captured(1));
            item->setToolTip(tr("Click to show the node"));
        }
    }
    if (a.errors.isEmpty()) {
        auto item = new QListWidgetItem(tr("No problems: the graph is valid."), m_messages);
        item->setForeground(QColor(0x2e, 0x7d, 0x32));
    }
}

} // namespace lepton
