#include "architecture/architecturedock.h"

#include "architecture/graphdocument.h"
#include "architecture/grapheditor.h"
#include "architecture/graphview.h"
#include "projectcontext.h"
#include "recordtext.h"

#include "graph/modelgraph.h"
#include "graph/onnximport.h"
#include "graph/templates.h"
#include "project/projectstore.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace lepton {

struct ArchitectureDock::OnnxJob
{
    QString path;
    std::optional<Result<OnnxImport>> result;
};

namespace {
const TensorShape DefaultInput{{1, 28, 28}};
constexpr int DefaultClasses = 10;
} // namespace

ArchitectureDock::ArchitectureDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Architecture"), parent)
    , m_project(project)
    , m_editor(new GraphEditor)
    , m_architectureCombo(new QComboBox)
    , m_newButton(new QToolButton)
    , m_newMenu(new QMenu(this))
    , m_addButton(new QPushButton(tr("Add small CNN…")))
    , m_importButton(new QPushButton(tr("Import…")))
    , m_importOnnxButton(new QPushButton(tr("Import ONNX…")))
    , m_exportButton(new QPushButton(tr("Export…")))
    , m_nameEdit(new QLineEdit)
    , m_saveButton(new QPushButton(tr("Save Version")))
    , m_saveReason(new QLabel)
    , m_errors(new QLabel)
    , m_notes(new QLabel)
{
    setObjectName("architectureDock");
    m_architectureCombo->setObjectName("architectureCombo");
    m_architectureCombo->setToolTip(tr("Stored architecture versions; choosing one loads it into the editor"));
    m_newButton->setObjectName("architectureNewButton");
    m_newButton->setText(tr("New"));
    m_newButton->setToolTip(tr("Start a new graph: empty or from a template"));
    m_newButton->setPopupMode(QToolButton::InstantPopup);
    m_newButton->setMenu(m_newMenu);
    m_addButton->setObjectName("architectureAddSmallCnnButton");
    m_addButton->setToolTip(tr("Adds the built-in small CNN (conv-bn-relu-pool ×2, linear, "
                               "dropout, linear) sized for a dataset of this project"));
    m_importButton->setObjectName("graphImportButton");
    m_importButton->setToolTip(tr("Replace the graph with one from a graph JSON file (undoable)"));
    m_importOnnxButton->setObjectName("graphImportOnnxButton");
    m_importOnnxButton->setToolTip(tr("Bring in an ONNX model's graph and weights (Conv, Gemm/MatMul+Add, "
                                      "BatchNormalization, pooling, activations, Add, Concat, Flatten); Save stores "
                                      "the graph and, when a dataset fits, the weights as a model version"));
    m_exportButton->setObjectName("graphExportButton");
    m_exportButton->setToolTip(tr("Write the graph, with its layout, to a JSON file"));
    m_nameEdit->setObjectName("graphNameEdit");
    m_nameEdit->setPlaceholderText(tr("architecture name"));
    m_saveButton->setObjectName("graphSaveButton");
    m_saveReason->setObjectName("graphSaveReason");
    m_saveReason->setWordWrap(true);
    m_errors->setObjectName("architectureErrors");
    m_errors->setWordWrap(true);
    m_errors->setStyleSheet("color: #b00020;");
    m_errors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->hide();
    m_notes->setObjectName("architectureImportNotes");
    m_notes->setWordWrap(true);
    m_notes->setStyleSheet("color: #1f4e79;");
    m_notes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notes->hide();

    auto top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Architecture:")));
    top->addWidget(m_architectureCombo, 1);
    top->addWidget(m_newButton);
    top->addWidget(m_addButton);
    top->addWidget(m_importButton);
    top->addWidget(m_importOnnxButton);
    top->addWidget(m_exportButton);
    auto saveRow = new QHBoxLayout;
    saveRow->addWidget(new QLabel(tr("Name:")));
    saveRow->addWidget(m_nameEdit);
    saveRow->addWidget(m_saveButton);
    saveRow->addWidget(m_saveReason, 1);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(top);
    layout->addLayout(saveRow);
    layout->addWidget(m_errors);
    layout->addWidget(m_notes);
    layout->addWidget(m_editor, 1);
    setWidget(body);

    auto saveAction = new QAction(tr("Save Version"), this);
    saveAction->setObjectName("saveAction");
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    body->addAction(saveAction);
    connect(saveAction, &QAction::triggered, this, [this] {
        if (saveBlockedReason().isEmpty())
            (void)save();
    });

    GraphDocument *doc = m_editor->document();
    connect(m_project, &ProjectContext::projectChanged, this, &ArchitectureDock::onProjectChanged);
    connect(m_project, &ProjectContext::contentsChanged, this, &ArchitectureDock::reloadArchitectures);
    connect(m_architectureCombo, &QComboBox::currentIndexChanged, this, &ArchitectureDock::onComboChanged);
    connect(m_addButton, &QPushButton::clicked, this, &ArchitectureDock::addSmallCnn);
    connect(m_newMenu, &QMenu::aboutToShow, this, &ArchitectureDock::rebuildNewMenu);
    connect(m_saveButton, &QPushButton::clicked, this, [this] { (void)save(); });
    connect(m_importButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Graph JSON"), {},
                                                          tr("Graph JSON (*.json);;All files (*)"));
        if (!path.isEmpty())
            (void)importGraphFile(path);
    });
    connect(m_importOnnxButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import ONNX Model"), {},
                                                          tr("ONNX models (*.onnx);;All files (*)"));
        if (!path.isEmpty() && confirmDiscard())
            importOnnxFile(path);
    });
    connect(&m_onnxWatcher, &QFutureWatcher<void>::finished, this, &ArchitectureDock::finishOnnxImport);
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        const QString suggested = (m_nameEdit->text().trimmed().isEmpty() ? QStringLiteral("graph")
                                                                          : m_nameEdit->text().trimmed())
                                  + QStringLiteral(".json");
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Graph JSON"), suggested,
                                                          tr("Graph JSON (*.json)"));
        if (!path.isEmpty())
            (void)exportGraphFile(path);
    });
    connect(m_nameEdit, &QLineEdit::textChanged, this, &ArchitectureDock::updateSaveState);
    connect(doc, &GraphDocument::analysisChanged, this, &ArchitectureDock::updateSaveState);
    connect(doc->undoStack(), &QUndoStack::cleanChanged, this, &ArchitectureDock::updateSaveState);
    onProjectChanged();
}

ArchitectureDock::~ArchitectureDock()
{
    m_onnxWatcher.waitForFinished();
}

qint64 ArchitectureDock::currentArchitectureId() const { return comboId(m_architectureCombo); }

void ArchitectureDock::showArchitecture(qint64 architectureId)
{
    selectComboId(m_architectureCombo, architectureId);
}

void ArchitectureDock::showError(const QString &text)
{
    m_errors->setText(text);
    m_errors->setVisible(!text.isEmpty());
}

QString ArchitectureDock::unsavedEdits() const
{
    if (m_editor->document()->undoStack()->isClean())
        return {};
    const QString name = m_nameEdit->text().trimmed();
    return name.isEmpty() ? tr("the unnamed graph in the Architecture editor")
                          : tr("the graph \u201c%1\u201d in the Architecture editor").arg(name);
}

bool ArchitectureDock::saveEdits(QString *error)
{
    auto saved = save();
    if (!saved)
        *error = saved.error();
    return saved.ok();
}

void ArchitectureDock::discardEdits()
{
    m_editor->document()->undoStack()->setClean();   // what is on screen goes with the next load
}

bool ArchitectureDock::confirmDiscard()
{
    if (m_editor->document()->undoStack()->isClean())
        return true;
    return QMessageBox::question(this, tr("Discard Changes"),
                                 tr("The graph has unsaved changes. Discard them?"),
                                 QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
           == QMessageBox::Discard;
}

void ArchitectureDock::onProjectChanged()
{
    m_loadedId = 0;
    m_pendingImport.reset();
    setImportNotes({});
    m_editor->document()->setGraph(ModelGraph());
    m_nameEdit->clear();
    showError({});
    reloadArchitectures();
    if (m_loadedId == 0 && currentArchitectureId() != 0)
        loadArchitecture(currentArchitectureId());
    updateSaveState();
}

void ArchitectureDock::reloadArchitectures()
{
    const qint64 keep = m_loadedId != 0 ? m_loadedId : currentArchitectureId();
    {
        const QSignalBlocker blocker(m_architectureCombo);
        m_architectureCombo->clear();
        if (ProjectStore *store = m_project->store()) {
            if (auto list = store->architectures()) {
                for (const ArchitectureInfo &a : list.value())
                    m_architectureCombo->addItem(architectureText(a), a.id);
            } else {
                showError(list.error());
            }
        }
        if (!selectComboId(m_architectureCombo, keep) && m_architectureCombo->count() > 0)
            m_architectureCombo->setCurrentIndex(m_architectureCombo->count() - 1);
    }
    m_addButton->setEnabled(m_project->isOpen());
    // New records elsewhere (a run, an import) never replace a graph being edited.
    if (currentArchitectureId() != 0 && currentArchitectureId() != m_loadedId
        && m_editor->document()->undoStack()->isClean() && m_editor->document()->graph().nodes.isEmpty())
        loadArchitecture(currentArchitectureId());
    updateSaveState();
}

void ArchitectureDock::onComboChanged()
{
    const qint64 id = currentArchitectureId();
    if (id == 0 || id == m_loadedId)
        return;
    if (!confirmDiscard()) {
        const QSignalBlocker blocker(m_architectureCombo);
        selectComboId(m_architectureCombo, m_loadedId);
        return;
    }
    loadArchitecture(id);
}

void ArchitectureDock::loadArchitecture(qint64 id)
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto arch = store->architecture(id);
    if (!arch) {
        showError(arch.error());
        return;
    }
    if (Status st = m_editor->document()->loadJson(arch->graphJson.toUtf8()); !st) {
        showError(tr("The graph of %1 cannot be read: %2").arg(architectureText(arch.value()), st.error()));
        return;
    }
    m_pendingImport.reset();
    setImportNotes({});
    showError({});
    m_loadedId = id;
    m_nameEdit->setText(arch->name);
    m_editor->showStatus(tr("Loaded %1").arg(architectureText(arch.value())));
    m_editor->view()->requestFit();
    updateSaveState();
}

QString ArchitectureDock::saveBlockedReason() const
{
    const GraphDocument *doc = m_editor->document();
    if (!m_project->isOpen())
        return tr("Open a project to save the graph into it.");
    if (doc->graph().nodes.isEmpty())
        return tr("The graph is empty.");
    if (!doc->analysis().valid())
        return tr("Cannot save: %n problem(s), first: %1", nullptr, int(doc->analysis().errors.size()))
            .arg(doc->analysis().errors.first());
    if (m_nameEdit->text().trimmed().isEmpty())
        return tr("Name the architecture to save it.");
    if (m_loadedId != 0 && doc->undoStack()->isClean())
        return tr("No changes since this version was loaded or saved.");
    return {};
}

void ArchitectureDock::updateSaveState()
{
    const QString reason = saveBlockedReason();
    m_saveButton->setEnabled(reason.isEmpty());
    m_saveButton->setToolTip(reason.isEmpty() ? tr("Save the graph as a new version (%1)")
                                                    .arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText))
                                              : reason);
    const bool problem = !m_editor->document()->analysis().valid() && !m_editor->document()->graph().nodes.isEmpty();
    m_saveReason->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QStringLiteral("color: #6b7280;"));
    m_saveReason->setText(reason);
    m_exportButton->setEnabled(!m_editor->document()->graph().nodes.isEmpty());
}

Result<qint64> ArchitectureDock::save()
{
    const QString reason = saveBlockedReason();
    if (!reason.isEmpty())
        return Result<qint64>::failure(reason);
    const QString name = m_nameEdit->text().trimmed();
    GraphDocument *doc = m_editor->document();
    doc->setNameRaw(name);   // the stored JSON carries the architecture's name
    QString weightsText;
    Result<qint64> id = Result<qint64>::failure(QString());
    if (m_pendingImport) {
        // An imported graph: its weights go with it when a dataset of the project fits.
        auto graph = ModelGraph::fromJson(doc->toJson());
        auto stored = graph ? storeImportedModel(*m_project->store(), graph.value(), m_pendingImport->weights,
                                                 m_pendingImport->source)
                            : Result<StoredImport>::failure(graph.error());
        if (stored) {
            id = stored->architectureId;
            weightsText = stored->modelVersionId > 0
                              ? tr("; imported weights stored as model version #%1").arg(stored->modelVersionId)
                              : QStringLiteral("; %1").arg(stored->weightsNote);
            m_pendingImport.reset();
        } else {
            id = Result<qint64>::failure(stored.error());
        }
    } else {
        id = m_project->store()->addArchitecture(name, QString::fromUtf8(doc->toJson()));
    }
    if (!id) {
        showError(tr("Cannot save the architecture: %1").arg(id.error()));
        return id;
    }
    showError({});
    m_loadedId = id.value();
    doc->undoStack()->setClean();
    m_project->notifyContentsChanged();
    selectComboId(m_architectureCombo, m_loadedId);
    m_editor->showStatus(tr("Saved as %1%2").arg(m_architectureCombo->currentText(), weightsText));
    if (!weightsText.isEmpty())
        setImportNotes({tr("Saved as %1%2.").arg(m_architectureCombo->currentText(), weightsText)});
    updateSaveState();
    return id;
}

Status ArchitectureDock::importGraphFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        const QString error = tr("Cannot read %1: %2").arg(path, file.errorString());
        showError(error);
        return Status::failure(error);
    }
    if (Status st = m_editor->document()->replaceWithJson(file.readAll(), tr("Import %1").arg(QFileInfo(path).fileName())); !st) {
        const QString error = tr("Cannot import %1: %2").arg(path, st.error());
        showError(error);
        return Status::failure(error);
    }
    m_pendingImport.reset();
    setImportNotes({});
    showError({});
    m_loadedId = 0;
    const QString name = m_editor->document()->graph().name;
    m_nameEdit->setText(name.isEmpty() ? QFileInfo(path).completeBaseName() : name);
    m_editor->showStatus(tr("Imported %1").arg(path));
    m_editor->view()->requestFit();
    updateSaveState();
    return success();
}

void ArchitectureDock::importOnnxFile(const QString &path)
{
    if (m_onnxWatcher.isRunning())
        return;
    showError({});
    setImportNotes({});
    m_importOnnxButton->setEnabled(false);
    m_editor->showStatus(tr("Importing %1…").arg(QFileInfo(path).fileName()));
    m_onnxJob = std::make_shared<OnnxJob>();
    m_onnxJob->path = path;
    m_onnxWatcher.setFuture(QtConcurrent::run([job = m_onnxJob] { job->result = importOnnxModel(job->path); }));
}

void ArchitectureDock::finishOnnxImport()
{
    m_importOnnxButton->setEnabled(true);
    if (!m_onnxJob || !m_onnxJob->result)
        return;
    const QString path = m_onnxJob->path;
    const Result<OnnxImport> &result = *m_onnxJob->result;
    if (!result) {
        showError(tr("Cannot import the ONNX model: %1").arg(result.error()));
        m_editor->showStatus(tr("Import of %1 failed").arg(QFileInfo(path).fileName()), true);
        return;
    }
    ModelGraph graph = result->graph;
    if (graph.name.isEmpty())
        graph.name = QFileInfo(path).completeBaseName();
    if (Status st = m_editor->document()->replaceWithJson(graph.toJson(), tr("Import %1").arg(QFileInfo(path).fileName()));
        !st) {
        showError(tr("Cannot import %1: %2").arg(path, st.error()));
        return;
    }
    showError({});
    m_loadedId = 0;
    m_nameEdit->setText(graph.name);
    m_pendingImport = PendingImport{result->weights, QFileInfo(path).fileName()};
    QStringList notes = result->notes;
    notes.prepend(tr("Imported %1: %n layer(s) with their weights. Save stores the graph as a new architecture "
                     "version and the weights as a model version when a dataset has its input shape and class count.",
                     nullptr, int(graph.nodes.size()))
                      .arg(QFileInfo(path).fileName()));
    setImportNotes(notes);
    m_editor->showStatus(tr("Imported %1").arg(path));
    m_editor->view()->requestFit();
    updateSaveState();
}

QString ArchitectureDock::importNotes() const
{
    return m_notes->isVisible() ? m_notes->text() : QString();
}

void ArchitectureDock::setImportNotes(const QStringList &notes)
{
    QStringList lines;
    for (const QString &n : notes)
        lines << n.toHtmlEscaped();
    m_notes->setText(lines.join(QStringLiteral("<br>")));
    m_notes->setVisible(!notes.isEmpty());
}

Status ArchitectureDock::exportGraphFile(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_editor->document()->toJson()) < 0 || !file.commit()) {
        const QString error = tr("Cannot write %1: %2").arg(path, file.errorString());
        showError(error);
        return Status::failure(error);
    }
    showError({});
    m_editor->showStatus(tr("Exported to %1").arg(path));
    return success();
}

Status ArchitectureDock::newFromTemplate(const QString &templateName, const TensorShape &input, int classes,
                                         const QString &architectureName)
{
    auto graph = makeTemplate(templateName, input, classes);
    if (!graph) {
        showError(graph.error());
        return Status::failure(graph.error());
    }
    graph->name = architectureName;
    if (Status st = m_editor->document()->replaceWithJson(graph->toJson(), tr("New from template %1").arg(templateName)); !st) {
        showError(st.error());
        return st;
    }
    m_pendingImport.reset();
    setImportNotes({});
    showError({});
    m_loadedId = 0;
    m_nameEdit->setText(architectureName);
    m_editor->view()->requestFit();
    updateSaveState();
    return success();
}

void ArchitectureDock::rebuildNewMenu()
{
    m_newMenu->clear();
    m_newMenu->addAction(tr("Empty Graph (Input only)"), this, [this] {
        ModelGraph g;
        g.nodes.append(GraphNode{QStringLiteral("input"), QStringLiteral("Input"), {}, {}});
        (void)m_editor->document()->replaceWithJson(g.toJson(), tr("New empty graph"));
        m_loadedId = 0;
        m_pendingImport.reset();
        setImportNotes({});
        m_nameEdit->clear();
        m_editor->view()->requestFit();
        updateSaveState();
    });
    m_newMenu->addSeparator();
    QVector<DatasetInfo> datasets;
    if (ProjectStore *store = m_project->store())
        if (auto list = store->datasets())
            datasets = list.value();
    for (const ArchitectureTemplate &t : architectureTemplates()) {
        QMenu *sub = m_newMenu->addMenu(t.title);
        sub->setToolTipsVisible(true);
        sub->menuAction()->setToolTip(t.description);
        for (const DatasetInfo &d : datasets) {
            const TensorShape shape{{d.channels, d.height, d.width}};
            const int classes = d.outputCount();
            const QString name = QStringLiteral("%1-%2").arg(t.name, d.name);
            const QString outputs = d.isRegression() ? tr("regression of %1: 1 output").arg(d.targetName)
                                                     : tr("%1 classes").arg(classes);
            sub->addAction(tr("For %1 (%2, %3)").arg(d.name, shape.toString(), outputs), this,
                           [this, t, shape, classes, name] { (void)newFromTemplate(t.name, shape, classes, name); });
        }
        sub->addAction(tr("Default input %1, %2 classes").arg(DefaultInput.toString()).arg(DefaultClasses), this,
                       [this, t] { (void)newFromTemplate(t.name, DefaultInput, DefaultClasses, t.name); });
    }
    m_newMenu->setToolTipsVisible(true);
}

void ArchitectureDock::addSmallCnn()
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto datasets = store->datasets();
    if (!datasets || datasets->isEmpty()) {
        showError(datasets ? tr("Import a dataset first: the network is sized for one.") : datasets.error());
        return;
    }
    QStringList names;
    for (const DatasetInfo &d : datasets.value())
        names << datasetText(d);
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Add Small CNN"), tr("Size the network for dataset:"),
                                                 names, 0, false, &ok);
    if (!ok || !confirmDiscard())
        return;
    const DatasetInfo &d = datasets->at(names.indexOf(chosen));
    ModelGraph graph = smallCnnTemplate(d.channels, d.height, d.width, d.outputCount());
    const QString name = QStringLiteral("small-cnn-%1").arg(d.name);
    graph.name = name;
    auto id = store->addArchitecture(name, QString::fromUtf8(graph.toJson()));
    if (!id) {
        showError(tr("Cannot add the architecture: %1").arg(id.error()));
        return;
    }
    m_editor->document()->undoStack()->setClean();   // the user chose to replace the edits
    m_project->notifyContentsChanged();
    showArchitecture(id.value());
    if (m_loadedId != id.value())
        loadArchitecture(id.value());
}

} // namespace lepton
