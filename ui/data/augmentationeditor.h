#pragma once
// Editor of a dataset's augmentation pipeline: ordered operations with their parameters and
// probability, normalization statistics from the training split, and a live preview (one sample
// and N augmented versions) computed off the GUI thread by core's augmentPreview(), the function
// training uses.
#include "common/progress.h"
#include "data/augment.h"

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace lepton {

class ProjectContext;

class AugmentationEditor : public QWidget
{
    Q_OBJECT

public:
    static constexpr int PreviewCount = 8;

    explicit AugmentationEditor(ProjectContext *project, QWidget *parent = nullptr);
    ~AugmentationEditor() override;

    // Loads the dataset's stored pipeline and its first training sample (0: none).
    void setDataset(const DatasetInfo &dataset);
    const AugmentationPipeline &pipeline() const { return m_pipeline; }
    bool isModified() const { return m_modified; }
    const DatasetInfo &dataset() const { return m_dataset; }
    // Stores the pipeline in the project; false with the error shown (and in *error) when it cannot.
    bool save(QString *error = nullptr);
    void revert();
    void stopAndWait();

signals:
    void previewUpdated();   // a new preview is on screen (tests wait for it)

private:
    struct PreviewResult;
    struct StatsResult;

    void rebuildList();
    void showOpEditor();
    void pipelineEdited();
    void schedulePreview();
    void startPreview();
    void finishPreview();
    void loadPreviewSample();
    void addOp();
    void removeOp();
    void moveOp(int delta);
    void computeNormalization();
    void finishNormalization();
    int currentRow() const;

    ProjectContext *m_project;
    DatasetInfo m_dataset;
    AugmentationPipeline m_pipeline;
    QByteArray m_samplePixels;
    QString m_samplePath;
    bool m_modified = false;

    QComboBox *m_addCombo;
    QPushButton *m_addButton, *m_removeButton, *m_upButton, *m_downButton;
    QListWidget *m_opList;
    QWidget *m_opBox;
    QFormLayout *m_opForm;
    QLabel *m_opDescription;
    QLabel *m_error;
    QPushButton *m_saveButton, *m_revertButton, *m_statsButton, *m_statsCancel, *m_redrawButton;
    QProgressBar *m_statsProgress;
    QSpinBox *m_sampleSpin;
    QLabel *m_previewNote;
    QList<QLabel *> m_previewLabels;
    QTimer *m_debounce;
    quint64 m_previewSeed = 42;

    QFutureWatcher<void> m_previewWatcher;
    std::shared_ptr<PreviewResult> m_preview;
    bool m_previewPending = false;
    QFutureWatcher<void> m_statsWatcher;
    std::shared_ptr<StatsResult> m_stats;
    CancelToken m_statsCancelToken;
};

} // namespace lepton
