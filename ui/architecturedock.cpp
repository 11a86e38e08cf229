#include "architecturedock.h"

#include "projectcontext.h"
#include "recordtext.h"

#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lepton {

namespace {

QTableWidgetItem *numberItem(qint64 value)
{
    auto item = new QTableWidgetItem(QLocale().toString(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString paramsText(const GraphNode *node)
{
    if (!node || node->params.isEmpty())
        return {};
    QStringList parts;
    for (auto it = node->params.begin(); it != node->params.end(); ++it) {
        const QJsonValue v = it.value();
        QString text = v.isDouble() ? QString::number(v.toDouble())
                       : v.isBool() ? (v.toBool() ? "true" : "false")
                       : v.isString() ? v.toString()
                                      : QString::fromUtf8(QJsonDocument(v.toArray()).toJson(
                                            QJsonDocument::Compact));
        parts << QStringLiteral("%1=%2").arg(it.key(), text);
    }
    return parts.join(", ");
}

} // namespace

ArchitectureDock::ArchitectureDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Architecture"), parent)
    , m_project(project)
    , m_architectureCombo(new QComboBox)
    , m_addButton(new QPushButton(tr("Add small CNN…")))
    , m_summary(new QLabel)
    , m_errors(new QLabel)
    , m_layerTable(new QTableWidget)
{
    setObjectName("architectureDock");
    m_architectureCombo->setObjectName("architectureCombo");
    m_summary->setObjectName("architectureSummary");
    m_summary->setWordWrap(true);
    m_errors->setObjectName("architectureErrors");
    m_errors->setWordWrap(true);
    m_errors->setStyleSheet("color: #b00020;");
    m_errors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->hide();

    m_layerTable->setObjectName("architectureLayerTable");
    m_layerTable->setColumnCount(6);
    m_layerTable->setHorizontalHeaderLabels({tr("Node"), tr("Type"), tr("Settings"),
                                             tr("Output shape"), tr("Parameters"), tr("MACs")});
    m_layerTable->verticalHeader()->hide();
    m_layerTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_layerTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_layerTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_layerTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    m_addButton->setObjectName("architectureAddSmallCnnButton");
    m_addButton->setToolTip(tr("Adds the built-in small CNN (conv-bn-relu-pool ×2, linear, "
                               "dropout, linear) sized for a dataset of this project"));
    auto form = new QHBoxLayout;
    form->addWidget(new QLabel(tr("Architecture:")));
    form->addWidget(m_architectureCombo, 1);
    form->addWidget(m_addButton);

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_errors);
    layout->addWidget(m_layerTable, 1);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, &ArchitectureDock::reloadArchitectures);
    connect(m_project, &ProjectContext::contentsChanged, this,
            &ArchitectureDock::reloadArchitectures);
    connect(m_architectureCombo, &QComboBox::currentIndexChanged, this,
            &ArchitectureDock::showCurrent);
    connect(m_addButton, &QPushButton::clicked, this, &ArchitectureDock::addSmallCnn);
    reloadArchitectures();
}

qint64 ArchitectureDock::currentArchitectureId() const
{
    return comboId(m_architectureCombo);
}

void ArchitectureDock::showArchitecture(qint64 architectureId)
{
    selectComboId(m_architectureCombo, architectureId);
}

void ArchitectureDock::addSmallCnn()
{
    ProjectStore *store = m_project->store();
    if (!store)
        return;
    auto datasets = store->datasets();
    if (!datasets || datasets->isEmpty()) {
        m_errors->setText(datasets ? tr("Import a dataset first: the network is sized for one.")
                                   : datasets.error());
        m_errors->show();
        return;
    }
    QStringList names;
    for (const DatasetInfo &d : datasets.value())
        names << datasetText(d);
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Add Small CNN"),
                                                 tr("Size the network for dataset:"), names, 0,
                                                 false, &ok);
    if (!ok)
        return;
    const DatasetInfo &d = datasets->at(names.indexOf(chosen));
    ModelGraph graph = smallCnnTemplate(d.channels, d.height, d.width, int(d.classes.size()));
    const QString name = QStringLiteral("small-cnn-%1").arg(d.name);
    graph.name = name;
    auto id = store->addArchitecture(name, QString::fromUtf8(graph.toJson()));
    if (!id) {
        m_errors->setText(tr("Cannot add the architecture: %1").arg(id.error()));
        m_errors->show();
        return;
    }
    m_project->notifyContentsChanged();
    showArchitecture(id.value());
}

void ArchitectureDock::reloadArchitectures()
{
    const qint64 previous = currentArchitectureId();
    {
        const QSignalBlocker blocker(m_architectureCombo);
        m_architectureCombo->clear();
        if (ProjectStore *store = m_project->store()) {
            if (auto list = store->architectures()) {
                for (const ArchitectureInfo &a : list.value())
                    m_architectureCombo->addItem(architectureText(a), a.id);
            }
        }
        if (!selectComboId(m_architectureCombo, previous) && m_architectureCombo->count() > 0)
            m_architectureCombo->setCurrentIndex(0);
    }
    m_addButton->setEnabled(m_project->isOpen());
    if (previous == 0 || previous != currentArchitectureId() || m_layerTable->rowCount() == 0)
        showCurrent();
}

void ArchitectureDock::showCurrent()
{
    m_layerTable->setRowCount(0);
    m_errors->hide();
    m_summary->clear();
    ProjectStore *store = m_project->store();
    const qint64 id = currentArchitectureId();
    if (!store)
        return;
    if (id == 0) {
        m_summary->setText(tr("This project has no architectures."));
        return;
    }
    auto arch = store->architecture(id);
    if (!arch) {
        m_errors->setText(arch.error());
        m_errors->show();
        return;
    }
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph) {
        m_errors->setText(tr("The graph of %1 cannot be read: %2")
                              .arg(architectureText(arch.value()), graph.error()));
        m_errors->show();
        return;
    }
    const GraphAnalysis analysis = analyzeGraph(graph.value());
    const QLocale locale;
    m_summary->setText(
        tr("<b>%1</b>: input %2 → output %3 · %4 parameters · %5 MACs per sample · %6")
            .arg(graph->name.isEmpty() ? arch->name.toHtmlEscaped() : graph->name.toHtmlEscaped(),
                 analysis.inputShape.toString(), analysis.outputShape.toString(),
                 locale.toString(analysis.totalParameters), locale.toString(analysis.totalMacs),
                 locale.formattedDataSize(analysis.sizeBytes)));

    m_layerTable->setRowCount(analysis.nodes.size() + 1);
    int row = 0;
    for (const NodeAnalysis &n : analysis.nodes) {
        m_layerTable->setItem(row, 0, new QTableWidgetItem(n.id));
        m_layerTable->setItem(row, 1, new QTableWidgetItem(n.type));
        m_layerTable->setItem(row, 2, new QTableWidgetItem(paramsText(graph->node(n.id))));
        m_layerTable->setItem(row, 3,
                              new QTableWidgetItem(n.error.isEmpty() ? n.outputShape.toString()
                                                                     : tr("error")));
        m_layerTable->setItem(row, 4, numberItem(n.parameters));
        m_layerTable->setItem(row, 5, numberItem(n.macs));
        if (!n.error.isEmpty()) {
            for (int c = 0; c < m_layerTable->columnCount(); ++c) {
                m_layerTable->item(row, c)->setBackground(QColor(255, 220, 220));
                m_layerTable->item(row, c)->setToolTip(n.error);
            }
        }
        ++row;
    }
    auto total = new QTableWidgetItem(tr("Total"));
    QFont bold = total->font();
    bold.setBold(true);
    total->setFont(bold);
    m_layerTable->setItem(row, 0, total);
    for (int c : {1, 2, 3})
        m_layerTable->setItem(row, c, new QTableWidgetItem);
    m_layerTable->setItem(row, 4, numberItem(analysis.totalParameters));
    m_layerTable->setItem(row, 5, numberItem(analysis.totalMacs));
    m_layerTable->item(row, 4)->setFont(bold);
    m_layerTable->item(row, 5)->setFont(bold);

    if (!analysis.errors.isEmpty()) {
        m_errors->setText(analysis.errors.join('\n'));
        m_errors->show();
    }
}

} // namespace lepton
