#pragma once
// What a sweep varies: grid or random search over learning rate, batch size, weight decay, dropout
// and optimizer (value lists, or min/max ranges with an optional log scale for random search).
// Every other setting comes from the hyperparameter form (the sweep's base).
#include "train/sweep.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace lepton {

class SweepForm : public QWidget
{
    Q_OBJECT

public:
    explicit SweepForm(QWidget *parent = nullptr);

    // The sweep on top of base, or what is wrong with the form.
    Result<SweepSpec> spec(const TrainConfig &base, qint64 datasetId, qint64 architectureId) const;
    // The "parameters" object of the sweep, or what is wrong (empty parameters is a problem).
    Result<QJsonObject> parameters() const;
    QString problem() const;
    // Trials the sweep will run (0 when the form has a problem).
    int trialCount() const;
    // Start is allowed when the form is valid and the dock can run (project open, nothing running).
    void setStartAllowed(bool allowed);
    // Epochs per trial (from the base settings), for the summary line.
    void setEpochsPerTrial(int epochs);

signals:
    void changed();
    void startRequested();

private:
    struct Row
    {
        QString name;           // learning_rate, batch_size, weight_decay, dropout
        QCheckBox *enabled;
        QComboBox *mode;        // values | range
        QLineEdit *values;
        QLineEdit *min;
        QLineEdit *max;
        QCheckBox *log;
        bool rangeAllowed;
    };
    void addRow(const QString &name, const QString &label, const QString &values, const QString &min,
                const QString &max, bool log, bool rangeAllowed);
    void updateState();

    QComboBox *m_method;
    QSpinBox *m_trials;
    QSpinBox *m_seed;
    QVector<Row> m_rows;
    QCheckBox *m_optimizerEnabled;
    QVector<QCheckBox *> m_optimizers;
    QLabel *m_summary;
    QLabel *m_problem;
    QPushButton *m_start;
    bool m_startAllowed = false;
    int m_epochs = 1;
};

} // namespace lepton
