#include "projectdock.h"

#include "projectcontext.h"
#include "recordtext.h"

#include "project/projectstore.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lepton {

namespace {
constexpr int KindRole = Qt::UserRole;
constexpr int IdRole = Qt::UserRole + 1;
constexpr int GroupRole = Qt::UserRole + 2;   // true on the group headers
} // namespace

ProjectDock::ProjectDock(ProjectContext *project, QWidget *parent)
    : QDockWidget(tr("Project"), parent)
    , m_project(project)
    , m_tree(new QTreeWidget)
    , m_error(new QLabel)
{
    setObjectName("projectDock");
    m_tree->setObjectName("projectTree");
    m_tree->setHeaderHidden(true);
    m_tree->setColumnCount(1);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->setUniformRowHeights(true);
    m_error->setObjectName("projectTreeError");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020;");
    m_error->hide();

    auto body = new QWidget;
    auto layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tree);
    layout->addWidget(m_error);
    setWidget(body);

    connect(m_project, &ProjectContext::projectChanged, this, &ProjectDock::refresh);
    connect(m_project, &ProjectContext::contentsChanged, this, &ProjectDock::refresh);
    connect(m_tree, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current) { onCurrentItemChanged(current); });
    connect(m_tree, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { onCurrentItemChanged(item); });
    refresh();
}

QTreeWidgetItem *ProjectDock::addGroup(const QString &title, ProjectItemKind kind)
{
    auto group = new QTreeWidgetItem(m_tree, {title});
    group->setData(0, GroupRole, true);
    group->setData(0, KindRole, int(kind));
    QFont font = group->font(0);
    font.setBold(true);
    group->setFont(0, font);
    group->setFlags(Qt::ItemIsEnabled);
    return group;
}

QTreeWidgetItem *ProjectDock::findItem(ProjectItemKind kind, qint64 id) const
{
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            QTreeWidgetItem *item = group->child(i);
            if (item->data(0, KindRole).toInt() == int(kind)
                && item->data(0, IdRole).toLongLong() == id)
                return item;
        }
    }
    return nullptr;
}

void ProjectDock::refresh()
{
    // Keep the selection and the collapsed groups across refreshes.
    int selectedKind = -1;
    qint64 selectedId = 0;
    if (QTreeWidgetItem *current = m_tree->currentItem();
        current && !current->data(0, GroupRole).toBool()) {
        selectedKind = current->data(0, KindRole).toInt();
        selectedId = current->data(0, IdRole).toLongLong();
    }
    QList<int> collapsed;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        if (!m_tree->topLevelItem(g)->isExpanded())
            collapsed << m_tree->topLevelItem(g)->data(0, KindRole).toInt();
    }

    const QSignalBlocker blocker(m_tree);
    m_tree->clear();
    m_error->hide();
    ProjectStore *store = m_project->store();
    if (!store) {
        setWindowTitle(tr("Project"));
        return;
    }
    setWindowTitle(tr("Project — %1").arg(QFileInfo(m_project->path()).fileName()));

    QStringList errors;
    auto add = [&](QTreeWidgetItem *group, ProjectItemKind kind, qint64 id, const QString &text,
                   const QString &tip = {}) {
        auto item = new QTreeWidgetItem(group, {text});
        item->setData(0, KindRole, int(kind));
        item->setData(0, IdRole, id);
        item->setToolTip(0, tip.isEmpty() ? text : tip);
    };

    QTreeWidgetItem *group = addGroup(tr("Datasets"), ProjectItemKind::Dataset);
    if (auto list = store->datasets()) {
        for (const DatasetInfo &d : list.value())
            add(group, ProjectItemKind::Dataset, d.id, datasetText(d), d.source);
    } else {
        errors << list.error();
    }

    group = addGroup(tr("Architectures"), ProjectItemKind::Architecture);
    if (auto list = store->architectures()) {
        for (const ArchitectureInfo &a : list.value())
            add(group, ProjectItemKind::Architecture, a.id, architectureText(a));
    } else {
        errors << list.error();
    }

    group = addGroup(tr("Runs"), ProjectItemKind::Run);
    if (auto list = store->runs()) {
        for (const RunInfo &r : list.value())
            add(group, ProjectItemKind::Run, r.id, runText(r),
                tr("%1\ndataset #%2, architecture #%3\n%4")
                    .arg(runText(r))
                    .arg(r.datasetId)
                    .arg(r.architectureId)
                    .arg(r.configJson));
    } else {
        errors << list.error();
    }

    group = addGroup(tr("Model versions"), ProjectItemKind::ModelVersion);
    if (auto list = store->modelVersions()) {
        for (const ModelVersionInfo &m : list.value())
            add(group, ProjectItemKind::ModelVersion, m.id, modelVersionText(m));
    } else {
        errors << list.error();
    }

    group = addGroup(tr("Evaluations"), ProjectItemKind::Evaluation);
    if (auto list = store->evaluations()) {
        for (const EvaluationInfo &e : list.value())
            add(group, ProjectItemKind::Evaluation, e.id, evaluationText(e));
    } else {
        errors << list.error();
    }

    group = addGroup(tr("Exports"), ProjectItemKind::Export);
    if (auto list = store->exports()) {
        for (const ExportInfo &e : list.value())
            add(group, ProjectItemKind::Export, e.id, exportText(e), e.path);
    } else {
        errors << list.error();
    }

    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem *top = m_tree->topLevelItem(g);
        top->setText(0, QStringLiteral("%1 (%2)").arg(top->text(0)).arg(top->childCount()));
        top->setExpanded(!collapsed.contains(top->data(0, KindRole).toInt()));
    }
    if (!errors.isEmpty()) {
        m_error->setText(errors.join('\n'));
        m_error->show();
    }
    if (selectedKind >= 0) {
        if (QTreeWidgetItem *item = findItem(ProjectItemKind(selectedKind), selectedId))
            m_tree->setCurrentItem(item);
    }
}

void ProjectDock::onCurrentItemChanged(QTreeWidgetItem *item)
{
    if (!item || item->data(0, GroupRole).toBool())
        return;
    emit itemSelected(ProjectItemKind(item->data(0, KindRole).toInt()),
                      item->data(0, IdRole).toLongLong());
}

} // namespace lepton
