#pragma once
// A dataset as stored: where it came from, its splits, class counts and sample thumbnails.
#include "common/progress.h"
#include "project/records.h"

#include <QDockWidget>
#include <QFutureWatcher>
#include <QImage>

class QComboBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTableWidget;
class QTabWidget;

namespace lepton {

struct DatasetStatistics;

class ClassCountChart;
class AugmentationEditor;
class ProjectContext;

// A stored sample (uint8, C*H*W; 3 channels are BGR) as an image.
QImage sampleImage(const SampleRecord &sample, int channels, int height, int width);

class DataDock : public QDockWidget
{
    Q_OBJECT

public:
    static constexpr int MaxThumbnails = 200;

    explicit DataDock(ProjectContext *project, QWidget *parent = nullptr);
    ~DataDock() override;

    void stopAndWait();

    void showDataset(qint64 datasetId);
    qint64 currentDatasetId() const;

private:
    struct Job;

    void reloadDatasets();
    void startImport();
    void finishImport();
    void showCurrent();
    // Regression datasets: target statistics per split in the table, a histogram in the chart.
    void showTargets(const DatasetStatistics &stats);
    void loadThumbnails(const DatasetInfo &info);

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
    QPushButton *m_cancelButton;
    QProgressBar *m_importProgress;
    QLabel *m_importStatus;
    QTabWidget *m_tabs;
    AugmentationEditor *m_augmentation;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    std::shared_ptr<Job> m_job;
};

} // namespace lepton
