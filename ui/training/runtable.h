#pragma once
// The runs of the project: status, epochs, best metric, duration and main settings; selecting
// several shows their hyperparameters side by side (and the dock overlays their curves).
#include "project/records.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace lepton {

class ProjectStore;

class RunTable : public QWidget
{
    Q_OBJECT

public:
    explicit RunTable(QWidget *parent = nullptr);

    void reload(ProjectStore *store);
    QVector<qint64> selectedRuns() const;
    void selectRun(qint64 runId);
    const QVector<RunInfo> &runs() const { return m_runs; }
    QTableWidget *table() const { return m_table; }
    QTableWidget *comparison() const { return m_compare; }
    void setBusy(bool busy);

signals:
    void selectionChanged(const QVector<qint64> &runIds);
    void resumeRequested(qint64 runId);

private:
    void updateSelection();
    static bool resumable(const RunInfo &run);

    QTableWidget *m_table;
    QTableWidget *m_compare;
    QPushButton *m_resume;
    QLabel *m_hint;
    QVector<RunInfo> m_runs;
    bool m_busy = false;
};

} // namespace lepton
