#pragma once
// The project's architectures in the node-graph editor: load any stored version, start from a
// template or a JSON file, edit, and save the result as a new version.
#include "common/result.h"
#include "unsavededits.h"

#include <QDockWidget>
#include <QFutureWatcher>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QToolButton;

namespace lepton {

class GraphEditor;
class ProjectContext;
struct TensorShape;

class ArchitectureDock : public QDockWidget, public UnsavedEdits
{
    Q_OBJECT

public:
    explicit ArchitectureDock(ProjectContext *project, QWidget *parent = nullptr);
    ~ArchitectureDock() override;

    QString unsavedEdits() const override;
    bool saveEdits(QString *error) override;
    void discardEdits() override;

    void showArchitecture(qint64 architectureId);
    qint64 currentArchitectureId() const;
    // The stored version the editor started from (0: a new, unsaved graph).
    qint64 loadedArchitectureId() const { return m_loadedId; }
    GraphEditor *editor() const { return m_editor; }

    // Empty when Save is possible, else why not (no project, invalid graph, no name, no changes).
    QString saveBlockedReason() const;
    // Writes the graph as a new version of the architecture named in the name field.
    Result<qint64> save();
    Status importGraphFile(const QString &path);
    // Reads an ONNX model off the GUI thread; the graph replaces the editor's (undoable) with the
    // importer's notes shown, and Save also stores its weights as a model version when a dataset fits.
    void importOnnxFile(const QString &path);
    bool isImporting() const { return m_onnxWatcher.isRunning(); }
    QString importNotes() const;
    // True while the graph came from an ONNX file whose weights are not stored yet.
    bool hasImportedWeights() const { return m_pendingImport.has_value(); }
    Status exportGraphFile(const QString &path);
    Status newFromTemplate(const QString &templateName, const TensorShape &input, int classes,
                           const QString &architectureName);

private:
    void reloadArchitectures();
    void onProjectChanged();
    void onComboChanged();
    void loadArchitecture(qint64 id);
    void addSmallCnn();
    void rebuildNewMenu();
    void updateSaveState();
    void showError(const QString &text);
    bool confirmDiscard();
    void finishOnnxImport();
    void setImportNotes(const QStringList &notes);

    struct OnnxJob;
    struct PendingImport
    {
        QByteArray weights;
        QString source;   // file name, for the model version's name
    };

    ProjectContext *m_project;
    GraphEditor *m_editor;
    QComboBox *m_architectureCombo;
    QToolButton *m_newButton;
    QMenu *m_newMenu;
    QPushButton *m_addButton;
    QPushButton *m_importButton;
    QPushButton *m_importOnnxButton;
    QPushButton *m_exportButton;
    QLineEdit *m_nameEdit;
    QPushButton *m_saveButton;
    QLabel *m_saveReason;
    QLabel *m_errors;
    QLabel *m_notes;
    qint64 m_loadedId = 0;
    QFutureWatcher<void> m_onnxWatcher;
    std::shared_ptr<OnnxJob> m_onnxJob;
    std::optional<PendingImport> m_pendingImport;
};

} // namespace lepton
