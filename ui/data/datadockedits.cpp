// The Data dock's label and split edits: each runs through the project (refused while the dataset
// is in use) and goes on the dock's undo stack; the enabled state of the edit controls.
#include "data/datadock.h"

#include "data/datasplit.h"
#include "data/labeleditcommand.h"
#include "data/reimport.h"
#include "projectcontext.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QUndoStack>

#include <cmath>

namespace lepton {

namespace {
template <typename T>
Status asStatus(const Result<T> &result)
{
    return result ? success() : Status::failure(result.error());
}
} // namespace

QVector<qint64> DataDock::selectedSampleIds() const
{
    QVector<qint64> ids;
    for (const QModelIndex &index : m_thumbnails->selectionModel()->selectedIndexes())
        ids << index.data(SampleIdRole).toLongLong();
    std::sort(ids.begin(), ids.end());
    return ids;
}

void DataDock::updateEditState()
{
    const bool open = m_info.id != 0;
    const bool editable = open && m_inUse.isEmpty();
    const bool classes = open && !m_info.isRegression();
    const int selected = int(m_thumbnails->selectionModel()->selectedIndexes().size());
    const int row = m_classTable->currentRow();
    const bool rowSelected = classes && !m_classTable->selectedItems().isEmpty() && row >= 0;
    m_copyButton->setEnabled(open);
    const bool reimportable = open && canReimport(m_info);
    m_reimportButton->setVisible(reimportable);
    m_reimportButton->setEnabled(reimportable && !m_watcher.isRunning());
    m_selectionNote->setText(selected > 0 ? tr("%n sample(s) selected", nullptr, selected)
                                          : tr("Select samples (Ctrl/Shift-click) to move or exclude them"));
    m_relabelButton->setVisible(classes);
    m_relabelTarget->setVisible(classes);
    m_mergeButton->setVisible(classes);
    m_mergeTarget->setVisible(classes);
    m_relabelButton->setEnabled(editable && selected > 0);
    m_relabelTarget->setEnabled(editable);
    m_excludeButton->setEnabled(editable && selected > 0);
    for (QWidget *w : {static_cast<QWidget *>(m_trainPercent), static_cast<QWidget *>(m_valPercent),
                       static_cast<QWidget *>(m_splitSeed)})
        w->setEnabled(editable);
    m_resplitButton->setEnabled(editable && m_trainPercent->value() + m_valPercent->value() <= 100);
    m_resplitButton->setToolTip(open && !editable ? m_inUse
                                                  : tr("A new seeded stratified split of the samples, per class (undoable)."));
    m_mergeButton->setEnabled(editable && rowSelected && m_mergeTarget->currentData().toInt() != row
                              && m_info.classes.size() > 2);
    m_mergeTarget->setEnabled(editable);
    for (QWidget *w : {static_cast<QWidget *>(m_relabelButton), static_cast<QWidget *>(m_excludeButton),
                       static_cast<QWidget *>(m_mergeButton)})
        w->setToolTip(open && !editable ? m_inUse : QString());
    if (classes && m_info.classes.size() <= 2)
        m_mergeButton->setToolTip(tr("A dataset needs at least two classes."));
    m_editNote->setVisible(open && !editable);
    m_editNote->setText(open && !editable ? tr("Samples and classes are read-only: %1. Class names can still be changed.").arg(m_inUse)
                                          : QString());
}

bool DataDock::runEdit(const QString &text, const std::function<Status()> &redo, const std::function<Status()> &undo)
{
    const Status first = redo();
    if (first)
        m_undo->push(new LabelEditCommand(text, redo, undo, [this](const Status &s) { editDone(s); }));
    editDone(first);
    return first.ok();
}

void DataDock::editDone(const Status &status)
{
    // Other docks see the new counts and names; this one shows the dataset again, then the error.
    m_project->notifyContentsChanged();
    showCurrent();
    if (!status) {
        m_error->setText(status.error());
        m_error->show();
    }
}

void DataDock::renameClass(int classIndex, const QString &newName)
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0 || classIndex < 0 || classIndex >= m_info.classes.size())
        return;
    const QString oldName = m_info.classes[classIndex], name = newName.trimmed();
    if (name == oldName) {
        showCurrent();   // restores the cell's text (say, trailing spaces)
        return;
    }
    runEdit(tr("rename class '%1' to '%2'").arg(oldName, name),
            [=] { return asStatus(store->renameClass(id, classIndex, name)); },
            [=] { return asStatus(store->renameClass(id, classIndex, oldName)); });
}

void DataDock::mergeClass(int from, int into)
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0 || from < 0 || from >= m_info.classes.size() || into < 0 || into >= m_info.classes.size())
        return;
    auto merge = std::make_shared<ClassMerge>();
    runEdit(tr("merge class '%1' into '%2'").arg(m_info.classes[from], m_info.classes[into]),
            [=]() -> Status {
                auto done = store->mergeClass(id, from, into);
                if (!done)
                    return Status::failure(done.error());
                *merge = done.value();
                return success();
            },
            [=] { return store->undoMergeClass(id, *merge); });
}

void DataDock::resplit(double trainFraction, double validationFraction, quint32 seed)
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0)
        return;
    auto change = std::make_shared<SplitChange>();
    runEdit(tr("split again (train %1 %, validation %2 %, seed %3)")
                .arg(std::lround(trainFraction * 100))
                .arg(std::lround(validationFraction * 100))
                .arg(seed),
            [=]() -> Status {
                auto done = resplitDataset(*store, id, trainFraction, validationFraction, seed);
                if (!done)
                    return Status::failure(done.error());
                *change = done.value();
                return success();
            },
            [=] { return undoResplit(*store, id, *change); });
}

void DataDock::relabelSamples(const QVector<qint64> &sampleIds, int label)
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0 || sampleIds.isEmpty() || label < 0 || label >= m_info.classes.size())
        return;
    auto before = std::make_shared<QVector<SampleRecord>>();
    runEdit(tr("move %n sample(s) to '%1'", nullptr, int(sampleIds.size())).arg(m_info.classes[label]),
            [=]() -> Status {
                auto done = store->relabelSamples(id, sampleIds, label);
                if (!done)
                    return Status::failure(done.error());
                *before = done.value();
                return success();
            },
            [=] { return store->restoreLabels(id, *before); });
}

void DataDock::excludeSamples(const QVector<qint64> &sampleIds)
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0 || sampleIds.isEmpty())
        return;
    auto removed = std::make_shared<QVector<SampleRecord>>();
    runEdit(tr("exclude %n sample(s)", nullptr, int(sampleIds.size())),
            [=]() -> Status {
                auto done = store->removeSamples(id, sampleIds);
                if (!done)
                    return Status::failure(done.error());
                *removed = done.value();
                return success();
            },
            [=] { return store->restoreSamples(id, *removed); });
}

void DataDock::copyDataset()
{
    ProjectStore *store = m_project->store();
    const qint64 id = m_info.id;
    if (!store || id == 0)
        return;
    const QString name = tr("%1 (copy)").arg(m_info.name);
    auto copyId = std::make_shared<qint64>(0);
    const bool done = runEdit(tr("copy dataset '%1'").arg(m_info.name),
                              [=]() -> Status {
                                  auto copied = store->copyDataset(id, name);
                                  if (!copied)
                                      return Status::failure(copied.error());
                                  *copyId = copied.value();
                                  return success();
                              },
                              [=] { return store->deleteDataset(*copyId); });
    if (done)
        showDataset(*copyId);
}

void DataDock::showClassMenu(const QPoint &pos)
{
    const int row = m_classTable->rowAt(pos.y());
    if (m_info.id == 0 || m_info.isRegression() || row < 0 || row >= m_info.classes.size())
        return;
    m_classTable->selectRow(row);
    QMenu menu(this);
    menu.addAction(tr("Rename…"), this, [this, row] { m_classTable->editItem(m_classTable->item(row, 0)); });
    QMenu *merge = menu.addMenu(tr("Merge into"));
    for (int c = 0; c < m_info.classes.size(); ++c)
        if (c != row)
            merge->addAction(m_info.classes[c], this, [this, row, c] { mergeClass(row, c); });
    merge->setEnabled(m_inUse.isEmpty() && m_info.classes.size() > 2);
    if (!m_inUse.isEmpty())
        merge->setToolTip(m_inUse);
    menu.exec(m_classTable->viewport()->mapToGlobal(pos));
}

void DataDock::showSampleMenu(const QPoint &pos)
{
    const QVector<qint64> ids = selectedSampleIds();
    if (m_info.id == 0 || ids.isEmpty())
        return;
    QMenu menu(this);
    if (!m_inUse.isEmpty()) {
        menu.addAction(tr("Read-only: used by runs or evaluations"))->setEnabled(false);
        menu.addAction(tr("Copy dataset to edit it"), this, &DataDock::copyDataset);
    } else {
        if (!m_info.isRegression()) {
            QMenu *move = menu.addMenu(tr("Move %n sample(s) to", nullptr, int(ids.size())));
            for (int c = 0; c < m_info.classes.size(); ++c)
                move->addAction(m_info.classes[c], this, [this, ids, c] { relabelSamples(ids, c); });
        }
        menu.addAction(tr("Exclude %n sample(s)", nullptr, int(ids.size())), this, [this, ids] { excludeSamples(ids); });
    }
    menu.exec(m_thumbnails->viewport()->mapToGlobal(pos));
}

} // namespace lepton
