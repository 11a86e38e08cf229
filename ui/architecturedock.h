#pragma once
// An architecture's layers as analyzeGraph sees them: output shapes, parameters, MACs, errors.
#include <QDockWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace lepton {

class ProjectContext;

class ArchitectureDock : public QDockWidget
{
    Q_OBJECT

public:
    explicit ArchitectureDock(ProjectContext *project, QWidget *parent = nullptr);

    void showArchitecture(qint64 architectureId);
    qint64 currentArchitectureId() const;

private:
    void reloadArchitectures();
    void showCurrent();
    void addSmallCnn();

    ProjectContext *m_project;
    QComboBox *m_architectureCombo;
    QPushButton *m_addButton;
    QLabel *m_summary;
    QLabel *m_errors;
    QTableWidget *m_layerTable;
};

} // namespace lepton
