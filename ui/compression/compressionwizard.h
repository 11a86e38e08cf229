#pragma once
// Compression wizard: model version → method and goal → settings (with defaults) → run off the GUI
// thread with progress, cancel and live training curves → results (before/after, per class,
// accuracy vs size with the Pareto front) → "Export this version".
#include "common/progress.h"
#include "compress/compressor.h"
#include "compress/modelfamily.h"
#include "graph/modelgraph.h"

#include <QFutureWatcher>
#include <QWizard>

#include <memory>
#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QFormLayout;

namespace lepton {

class CompressionResults;
struct CompressionGoals;
class ProjectContext;
class TrainingCharts;

class CompressionWizard : public QWizard
{
    Q_OBJECT

public:
    enum Page { ModelPage, MethodPage, SettingsPage, RunPage, ResultsPage };

    explicit CompressionWizard(ProjectContext *project, QWidget *parent = nullptr);
    ~CompressionWizard() override;

    void selectModelVersion(qint64 id);
    qint64 selectedModelVersion() const;
    CompressionSettings settings() const;
    bool isRunning() const { return m_watcher.isRunning(); }
    void cancelAndWait();

    QComboBox *modelCombo() const { return m_model; }
    QButtonGroup *methodGroup() const { return m_method; }
    QDoubleSpinBox *maxDropSpin() const { return m_maxDrop; }
    QCheckBox *thenInt8Check() const { return m_thenInt8; }
    QDoubleSpinBox *targetSizeSpin() const { return m_targetKiB; }
    QSpinBox *targetLatencySpin() const { return m_targetLatency; }
    QLabel *modelInfo() const { return m_modelInfo; }
    QLabel *settingsHint() const { return m_settingsHint; }
    QLabel *studentInfo() const { return m_studentInfo; }
    QDoubleSpinBox *sparsitySpin() const { return m_sparsity; }
    QSpinBox *finetuneSpin() const { return m_finetune; }
    QSpinBox *calibrationSpin() const { return m_calibration; }
    QComboBox *studentCombo() const { return m_student; }
    QSpinBox *distillEpochsSpin() const { return m_distillEpochs; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *stageLabel() const { return m_stage; }
    QPushButton *cancelButton() const { return m_cancelButton; }
    TrainingCharts *charts() const { return m_charts; }
    CompressionResults *results() const { return m_results; }
    const CompressionOutcome *outcome() const { return m_outcome ? &*m_outcome : nullptr; }
    QString runError() const { return m_error; }

signals:
    void exportRequested(qint64 modelVersionId);
    void finishedRun(bool ok);

private:
    QWizardPage *makeModelPage();
    QWizardPage *makeMethodPage();
    QWizardPage *makeSettingsPage();
    QWizardPage *makeRunPage();
    QWizardPage *makeResultsPage();
    void start();
    void finish();
    void showModelInfo();
    void prepareSettings();   // entering the settings page: the method's settings and the goal's hints
    void showStudentInfo();
    CompressionGoals goals() const;

    ProjectContext *m_project;
    QComboBox *m_model = nullptr;
    QLabel *m_modelInfo = nullptr;
    QButtonGroup *m_method = nullptr;
    QDoubleSpinBox *m_maxDrop = nullptr;
    QCheckBox *m_thenInt8 = nullptr;
    QDoubleSpinBox *m_learningRate = nullptr;
    int m_learningRateFor = -1;   // the method whose default m_learningRate holds
    QGroupBox *m_quantBox = nullptr;
    QDoubleSpinBox *m_targetKiB = nullptr;
    QSpinBox *m_targetLatency = nullptr;
    QLabel *m_settingsHint = nullptr;
    QLabel *m_studentInfo = nullptr;
    FamilyPoint m_source;          // the chosen version as modelFamily() sees it (weights, accuracy)
    qint64 m_sourceParameters = 0;
    TensorShape m_inputShape;
    int m_classes = 0;
    QGroupBox *m_pruneBox = nullptr;
    QFormLayout *m_pruneForm = nullptr;
    QGroupBox *m_distillBox = nullptr;
    QGroupBox *m_trainingBox = nullptr;
    QDoubleSpinBox *m_sparsity = nullptr;
    QComboBox *m_ranking = nullptr;
    QCheckBox *m_perLayer = nullptr;
    QSpinBox *m_iterations = nullptr;
    QSpinBox *m_finetune = nullptr;
    QSpinBox *m_calibration = nullptr;
    QComboBox *m_observer = nullptr;
    QComboBox *m_engine = nullptr;
    QComboBox *m_student = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QDoubleSpinBox *m_alpha = nullptr;
    QSpinBox *m_distillEpochs = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_stage = nullptr;
    QPushButton *m_cancelButton = nullptr;
    TrainingCharts *m_charts = nullptr;
    CompressionResults *m_results = nullptr;
    QFutureWatcher<void> m_watcher;
    struct RunResult
    {
        std::optional<Result<CompressionOutcome>> outcome;
        Result<QVector<FamilyPoint>> family = Result<QVector<FamilyPoint>>::failure(QString());
    };
    std::shared_ptr<RunResult> m_result;   // written by the worker
    CancelToken m_cancel;
    std::optional<CompressionOutcome> m_outcome;
    QString m_error;
    bool m_done = false;
    qint64 m_previousResult = 0;   // the version the last finished run made (0: none yet)
};

} // namespace lepton
