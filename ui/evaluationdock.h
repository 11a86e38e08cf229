#pragma once
// Evaluates a model version on a split off the GUI thread; shows metrics, per-class scores,
// the confusion matrix, and the evaluations stored in the project.
#include "common/progress.h"
#include "eval/metrics.h"

#include <QDockWidget>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace lepton {

class ProjectContext;

class EvaluationDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit EvaluationDock(ProjectContext *project, QWidget *parent = nullptr);
    ~EvaluationDock() override;

    void stopAndWait();
    void selectModelVersion(qint64 modelVersionId);
    void showEvaluation(qint64 evaluationId);

private:
    struct Table
    {
        double accuracy = 0, macroPrecision = 0, macroRecall = 0, macroF1 = 0;
        QVector<ClassMetrics> perClass;
        QVector<QVector<qint64>> confusion;   // [truth][predicted]
    };
    struct Job;

    void reload();
    void evaluate();
    void finish();
    void showTable(const Table &table, const QStringList &classes);
    void showError(const QString &message);
    QStringList classesOfModelVersion(qint64 modelVersionId) const;
    static Table tableFromMetrics(const ClassificationMetrics &m);
    static bool tableFromJson(const QString &json, Table *out);

    ProjectContext *m_project;
    QComboBox *m_modelCombo;
    QComboBox *m_splitCombo;
    QPushButton *m_evaluateButton;
    QPushButton *m_cancelButton;
    QProgressBar *m_progress;
    QLabel *m_summary;
    QLabel *m_error;
    QTableWidget *m_classTable;
    QTableWidget *m_confusionTable;
    QTableWidget *m_history;

    QFutureWatcher<void> m_watcher;
    CancelToken m_cancel;
    std::shared_ptr<Job> m_job;
};

} // namespace lepton
