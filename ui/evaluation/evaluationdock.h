#pragma once
// Evaluates a model version on a split off the GUI thread (progress, cancel) and shows an
// evaluation: summary cards, per-class table, confusion heatmap that filters the misclassified-
// sample gallery, ROC / PR charts, the binary threshold, a comparison of two evaluations, the
// stored history, and CSV / JSON / HTML export. Stored evaluations are shown from the project's
// per-sample predictions without running the model again.
#include "common/progress.h"
#include "eval/evaluation.h"

#include <QDockWidget>
#include <QFutureWatcher>
#include <QHash>
#include <QImage>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace lepton {

class ComparisonView;
class ConfusionView;
class CurveCharts;
class ProjectContext;
class RegressionView;
class SampleGallery;
class SummaryCards;
class ThresholdPanel;

class EvaluationDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit EvaluationDock(ProjectContext *project, QWidget *parent = nullptr);
    ~EvaluationDock() override;

    void stopAndWait();
    void selectModelVersion(qint64 modelVersionId);
    // A stored evaluation, rebuilt from the project.
    void showEvaluation(qint64 evaluationId);
    // Any evaluation (fresh, stored, or built from predictions); thumbnails by sample id.
    void showOutcome(const EvaluationOutcome &e, const QHash<qint64, QImage> &thumbnails = {});
    // The evaluation shown, or null.
    const EvaluationOutcome *currentEvaluation() const { return m_current ? &*m_current : nullptr; }
    // Writes the shown evaluation as .csv (predictions), .json (metrics) or .html (report).
    Status exportReport(const QString &path);

    QTabWidget *tabs() const { return m_tabs; }
    SummaryCards *summaryCards() const { return m_cards; }
    ConfusionView *confusionView() const { return m_confusion; }
    SampleGallery *gallery() const { return m_gallery; }
    // True while thumbnails of a stored evaluation are still loading.
    // True from a thumbnail request until its batch has been handled on the GUI thread (the
    // watcher stops running before its finished() signal is delivered).
    bool thumbnailsLoading() const { return m_thumbnailsPending; }
    CurveCharts *curveCharts() const { return m_curves; }
    ThresholdPanel *thresholdPanel() const { return m_threshold; }
    ComparisonView *comparisonView() const { return m_comparison; }
    RegressionView *regressionView() const { return m_regression; }

private:
    struct Job;
    struct ThumbnailBatch
    {
        quint64 generation = 0;
        QHash<qint64, QImage> thumbnails;
    };

    QWidget *createControls();
    QWidget *createOverviewTab();
    QWidget *createCompareTab();
    void reload();
    void evaluate();
    void finish();
    void compare();
    void showError(const QString &message);
    void showClassTable(const EvaluationOutcome &e);
    void exportWithDialog(const QString &kind);
    void setTabShown(QWidget *tab, bool shown);
    void selectModelDataset();
    void loadThumbnails(const EvaluationOutcome &e);

    ProjectContext *m_project;
    QComboBox *m_modelCombo;
    QComboBox *m_datasetCombo;
    QComboBox *m_splitCombo;
    QPushButton *m_evaluateButton;
    QPushButton *m_cancelButton;
    QPushButton *m_exportCsv;
    QPushButton *m_exportJson;
    QPushButton *m_exportHtml;
    QProgressBar *m_progress;
    QLabel *m_summary;
    QLabel *m_error;
    SummaryCards *m_cards;
    QTabWidget *m_tabs;
    QTableWidget *m_classTable;
    ConfusionView *m_confusion;
    CurveCharts *m_curves;
    SampleGallery *m_gallery;
    ThresholdPanel *m_threshold;
    QWidget *m_thresholdTab;
    QComboBox *m_compareA;
    QComboBox *m_compareB;
    ComparisonView *m_comparison;
    RegressionView *m_regression;
    QWidget *m_overviewTab = nullptr;
    QWidget *m_compareTab = nullptr;
    QTableWidget *m_history;

    std::optional<EvaluationOutcome> m_current;
    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    std::shared_ptr<Job> m_job;
    // Thumbnails of a stored evaluation load on a worker; a batch for an evaluation no longer
    // shown (older generation) is dropped.
    QFutureWatcher<ThumbnailBatch> m_thumbnailWatcher;
    quint64 m_thumbnailGeneration = 0;
    bool m_thumbnailsPending = false;
};

} // namespace lepton
