#pragma once
// The project's sweeps: pick one, see its trials in a table sortable by the monitored metric and
// by each varied hyperparameter, and the metric against a chosen hyperparameter in a scatter chart
// with the best trial marked. Selecting a trial selects its run; a stopped sweep can be resumed.
#include "train/sweep.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace lepton {

class ProjectStore;
class SweepScatter;

class SweepResults : public QWidget
{
    Q_OBJECT

public:
    explicit SweepResults(QWidget *parent = nullptr);

    // Re-reads the sweeps of the project (keeps the shown sweep and the selected trial).
    void reload(ProjectStore *store, const QString &projectPath);
    void showSweep(qint64 sweepId);
    qint64 currentSweep() const;
    // The sweep the dock is running now (0: none): it is not offered for resuming.
    void setActiveSweep(qint64 sweepId);
    void setBusy(bool busy);
    void selectRun(qint64 runId);

    const SweepOutcome &outcome() const { return m_outcome; }
    QComboBox *sweepCombo() const { return m_sweeps; }
    QTableView *table() const { return m_table; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    SweepScatter *scatter() const { return m_scatter; }

signals:
    void runSelected(qint64 runId);
    void resumeRequested(qint64 sweepId);

private:
    void loadCurrent();
    void fillTable();
    void updateChart();
    void updateButtons();
    qint64 selectedRun() const;

    QComboBox *m_sweeps;
    QPushButton *m_resume;
    QLabel *m_summary;
    QTableView *m_table;
    QStandardItemModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_axis;
    SweepScatter *m_scatter;

    ProjectStore *m_store = nullptr;
    QString m_path;
    QVector<SweepInfo> m_infos;
    SweepOutcome m_outcome;
    QStringList m_varied;        // hyperparameters the shown sweep varies
    QString m_error;
    qint64 m_shown = 0;          // sweep whose table is built (to keep the sort across reloads)
    qint64 m_active = 0;
    bool m_busy = false;
};

} // namespace lepton
