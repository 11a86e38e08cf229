#pragma once
// The training settings as a form: every TrainConfig field with sensible defaults, fields that
// do not apply to the chosen optimizer/schedule disabled, and the first problem shown in place.
#include "train/trainer.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace lepton {

class HyperparameterForm : public QWidget
{
    Q_OBJECT

public:
    explicit HyperparameterForm(QWidget *parent = nullptr);

    TrainConfig config() const;
    void setConfig(const TrainConfig &config);
    // Empty when the settings are valid, else what is wrong (also shown in the form).
    QString problem() const;
    // The model versions a run can start from (the "Start from" picker); keeps the selection.
    void setModelVersions(const QVector<ModelVersionInfo> &versions);
    // The chosen dataset's task: a regression dataset offers val_loss (MSE), val_mae and val_r2 as
    // the metric that picks the best epoch, and no label smoothing or class weights.
    void setRegression(bool regression);
    bool isRegression() const { return m_regression; }

signals:
    void changed();
    // The user picked a model version to start from (not emitted by setConfig/setModelVersions).
    void initModelVersionChosen(qint64 modelVersionId);

private:
    void updateState();

    bool m_regression = false;

    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QDoubleSpinBox *m_learningRate;
    QComboBox *m_optimizer;
    QDoubleSpinBox *m_momentum;
    QCheckBox *m_nesterov;
    QDoubleSpinBox *m_weightDecay;
    QComboBox *m_schedule;
    QSpinBox *m_warmup;
    QSpinBox *m_stepEpochs;
    QDoubleSpinBox *m_gamma;
    QSpinBox *m_plateauPatience;
    QDoubleSpinBox *m_clipNorm;
    QDoubleSpinBox *m_labelSmoothing;
    QLineEdit *m_classWeights;
    QComboBox *m_monitor;
    QSpinBox *m_patience;
    QSpinBox *m_seed;
    QComboBox *m_initFrom;
    QLabel *m_problem;
    QString m_weightsError;
};

} // namespace lepton
