#pragma once
// A dataset as stored: where it came from, its splits, class counts and sample thumbnails.
#include "common/progress.h"
#include "common/result.h"
#include "project/records.h"
#include "unsavededits.h"

#include <QDockWidget>
#include <functional>
#include <QFutureWatcher>
#include <QImage>

class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableWidget;
class QTabWidget;
class QTableWidgetItem;
class QUndoStack;

namespace lepton {

struct DatasetStatistics;
struct ReimportOptions;

class ClassCountChart;
class AugmentationEditor;
class ProjectContext;

// A stored sample (uint8, C*H*W; 3 channels are BGR) as an image.
QImage sampleImage(const SampleRecord &sample, int channels, int height, int width);

class DataDock : public QDockWidget, public UnsavedEdits
{
    Q_OBJECT

public:
    static constexpr int MaxThumbnails = 200;
    static constexpr int SampleIdRole = Qt::UserRole + 1;   // a thumbnail's sample id

    explicit DataDock(ProjectContext *project, QWidget *parent = nullptr);
    ~DataDock() override;

    // Label and split edits go to the project at once (undoable); only an augmentation pipeline
    // being edited can be unsaved.
    QString unsavedEdits() const override;
    bool saveEdits(QString *error) override;
    void discardEdits() override;

    void stopAndWait();

    void showDataset(qint64 datasetId);
    qint64 currentDatasetId() const;

    // Label edits of the shown dataset, undoable (the Undo/Redo buttons, Ctrl+Z): the buttons,
    // context menus and the class table's name cells call these.
    void renameClass(int classIndex, const QString &newName);
    void mergeClass(int from, int into);
    void relabelSamples(const QVector<qint64> &sampleIds, int label);
    void excludeSamples(const QVector<qint64> &sampleIds);
    void copyDataset();
    // A new seeded stratified split (fractions of train and validation; the rest is test).
    void resplit(double trainFraction, double validationFraction, quint32 seed);
    QUndoStack *undoStack() const { return m_undo; }
    QVector<qint64> selectedSampleIds() const;

private:
    struct Job;

    void reloadDatasets();
    void startImport();
    void startReimport();
    void reimport(qint64 datasetId, const ReimportOptions &options);
    ProgressFn beginJob(const QString &status);   // buttons, progress bar; the progress callback
    void finishImport();
    void showCurrent();
    // Regression datasets: target statistics per split in the table, a histogram in the chart.
    void showTargets(const DatasetStatistics &stats);
    void loadThumbnails(const DatasetInfo &info);
    // Enables the edits the shown dataset allows (none of samples/classes while runs use it).
    void updateEditState();
    // Does `redo` now; when it succeeds, pushes it with `undo` on the undo stack.
    bool runEdit(const QString &text, const std::function<Status()> &redo, const std::function<Status()> &undo);
    void editDone(const Status &status);
    void showClassMenu(const QPoint &pos);
    void showSampleMenu(const QPoint &pos);

    ProjectContext *m_project;
    QComboBox *m_datasetCombo;
    QLabel *m_summary;
    QLabel *m_error;
    QTableWidget *m_classTable;
    ClassCountChart *m_classChart;
    QLabel *m_classTitle = nullptr;
    QComboBox *m_splitCombo;
    QLabel *m_thumbnailNote;
    QListView *m_thumbnails;
    QStandardItemModel *m_thumbnailModel;
    QPushButton *m_importButton;
    QPushButton *m_reimportButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_importProgress;
    QLabel *m_importStatus;
    QTabWidget *m_tabs;
    AugmentationEditor *m_augmentation;
    QUndoStack *m_undo;
    DatasetInfo m_info;          // the shown dataset
    QString m_inUse;             // why its samples and classes cannot change; empty when they can
    bool m_filling = false;      // the class table is being filled (no rename)
    QComboBox *m_classFilter;
    QComboBox *m_mergeTarget;
    QPushButton *m_mergeButton;
    QComboBox *m_relabelTarget;
    QPushButton *m_relabelButton;
    QPushButton *m_excludeButton;
    QLabel *m_selectionNote;
    QPushButton *m_copyButton;
    QSpinBox *m_trainPercent;
    QSpinBox *m_valPercent;
    QLabel *m_testPercent;
    QSpinBox *m_splitSeed;
    QPushButton *m_resplitButton;
    QPushButton *m_undoButton;
    QPushButton *m_redoButton;
    QLabel *m_editNote;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    std::shared_ptr<Job> m_job;
};

} // namespace lepton
