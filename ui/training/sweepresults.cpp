#include "training/sweepresults.h"

#include "training/sweepscatter.h"

#include "project/projectstore.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace Internal {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kRunRole = Qt::UserRole + 2;

// Numeric sort on kSortRole; trials without a value (not finished) stay last in both directions.
class TrialSortModel : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const QVariant l = left.data(kSortRole), r = right.data(kSortRole);
        if (!l.isValid() || !r.isValid()) {
            if (l.isValid() == r.isValid())
                return false;
            return l.isValid() == (sortOrder() == Qt::AscendingOrder);
        }
        if (l.typeId() == QMetaType::QString || r.typeId() == QMetaType::QString)
            return l.toString() < r.toString();
        return l.toDouble() < r.toDouble();
    }
};

bool unfinished(const QString &status)
{
    return status != QLatin1String("finished") && status != QLatin1String("failed");
}

} // namespace Internal

using namespace Internal;

SweepResults::SweepResults(QWidget *parent)
    : QWidget(parent)
    , m_sweeps(new QComboBox)
    , m_resume(new QPushButton(tr("Resume sweep")))
    , m_summary(new QLabel)
    , m_table(new QTableView)
    , m_model(new QStandardItemModel(this))
    , m_proxy(new TrialSortModel(this))
    , m_axis(new QComboBox)
    , m_scatter(new SweepScatter)
{
    m_sweeps->setObjectName("sweepListCombo");
    m_resume->setObjectName("sweepResumeButton");
    m_summary->setObjectName("sweepResultSummary");
    m_table->setObjectName("sweepTrialTable");
    m_axis->setObjectName("sweepAxisCombo");
    m_sweeps->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_sweeps->setMinimumContentsLength(18);
    m_resume->setEnabled(false);
    m_resume->setToolTip(tr("Runs the trials a stopped or interrupted sweep has left; an interrupted trial continues "
                            "from its last finished epoch"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

    auto top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Sweep:")));
    top->addWidget(m_sweeps, 1);
    top->addWidget(m_resume);
    auto axisRow = new QHBoxLayout;
    axisRow->addWidget(new QLabel(tr("Metric vs:")));
    axisRow->addWidget(m_axis, 1);
    auto chartPart = new QWidget;
    auto chartLayout = new QVBoxLayout(chartPart);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addLayout(axisRow);
    chartLayout->addWidget(m_scatter, 1);
    auto split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(chartPart);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_sweeps, &QComboBox::currentIndexChanged, this, &SweepResults::loadCurrent);
    connect(m_axis, &QComboBox::currentIndexChanged, this, &SweepResults::updateChart);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (const qint64 id = currentSweep())
            emit resumeRequested(id);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (const qint64 run = selectedRun())
            emit runSelected(run);
    });
    connect(m_scatter, &SweepScatter::trialClicked, this, [this](qint64 runId) {
        selectRun(runId);
    });
    m_summary->setText(tr("No sweeps yet: define one on the Sweep tab above."));
}

qint64 SweepResults::currentSweep() const
{
    return m_sweeps->currentData().toLongLong();
}

void SweepResults::setActiveSweep(qint64 sweepId)
{
    m_active = sweepId;
    updateButtons();
}

void SweepResults::setBusy(bool busy)
{
    m_busy = busy;
    updateButtons();
}

void SweepResults::reload(ProjectStore *store, const QString &projectPath)
{
    m_store = store;
    m_path = projectPath;
    m_infos.clear();
    if (store)
        if (auto list = store->sweeps())
            m_infos = list.value();
    const qint64 keep = currentSweep();
    {
        const QSignalBlocker blocker(m_sweeps);
        m_sweeps->clear();
        for (int i = int(m_infos.size()) - 1; i >= 0; --i) {   // newest first
            const SweepInfo &s = m_infos[i];
            // "interrupted" comes from the store: no process (this one included) holds the sweep's claim.
            const QString status = s.status == QLatin1String("interrupted") ? tr("interrupted") : s.status;
            m_sweeps->addItem(tr("#%1 %2 — %3").arg(s.id).arg(s.name, status), s.id);
        }
        const int index = m_sweeps->findData(keep);
        m_sweeps->setCurrentIndex(index >= 0 ? index : 0);
    }
    loadCurrent();
}

void SweepResults::showSweep(qint64 sweepId)
{
    const int index = m_sweeps->findData(sweepId);
    if (index >= 0 && index != m_sweeps->currentIndex())
        m_sweeps->setCurrentIndex(index);   // loads it
}

void SweepResults::loadCurrent()
{
    m_outcome = SweepOutcome();
    m_varied.clear();
    m_error.clear();
    const qint64 id = currentSweep();
    if (id > 0) {
        auto loaded = loadSweep(m_path, id);
        if (loaded)
            m_outcome = loaded.value();
        else
            m_error = loaded.error();
        for (const SweepInfo &s : m_infos)
            if (s.id == id) {
                const QJsonObject spec = QJsonDocument::fromJson(s.configJson.toUtf8()).object().value("spec").toObject();
                m_varied = spec.value(QLatin1String("parameters")).toObject().keys();
            }
    }
    fillTable();
    {
        const QString axis = m_axis->currentData().toString();
        const QSignalBlocker blocker(m_axis);
        m_axis->clear();
        for (const QString &name : m_varied)
            m_axis->addItem(Internal::hyperparameterTitle(name), name);
        // Learning rate first when it is varied: the usual question.
        int index = m_axis->findData(axis);
        if (index < 0)
            index = std::max(0, int(m_axis->findData(QStringLiteral("learning_rate"))));
        m_axis->setCurrentIndex(index);
    }
    updateChart();
    updateButtons();
}

void SweepResults::fillTable()
{
    const qint64 keepRun = selectedRun();
    const bool sameSweep = m_shown == m_outcome.sweepId && m_shown != 0;
    const int sortColumn = m_table->horizontalHeader()->sortIndicatorSection();
    const Qt::SortOrder sortOrder = m_table->horizontalHeader()->sortIndicatorOrder();
    const QSignalBlocker blocker(m_table->selectionModel());
    m_model->clear();
    QStringList headers{tr("Trial"), tr("Run"), tr("Status"), m_outcome.monitor, tr("Epoch")};
    for (const QString &name : m_varied)
        headers << Internal::hyperparameterTitle(name);
    m_model->setHorizontalHeaderLabels(headers);
    int done = 0;
    for (int i = 0; i < m_outcome.trials.size(); ++i) {
        const SweepTrial &t = m_outcome.trials[i];
        const bool hasMetric = t.bestEpoch > 0;
        done += hasMetric ? 1 : 0;
        QList<QStandardItem *> row;
        const auto add = [&row](const QString &text, const QVariant &sortValue) {
            auto item = new QStandardItem(text);
            item->setData(sortValue, kSortRole);
            row.append(item);
        };
        add(QString::number(i + 1), i + 1);
        add(t.runId > 0 ? QStringLiteral("#%1").arg(t.runId) : QStringLiteral("–"), t.runId > 0 ? QVariant(t.runId) : QVariant());
        add(t.status, t.status);
        add(hasMetric ? QString::number(t.bestMetric, 'f', 4) : QStringLiteral("–"), hasMetric ? QVariant(t.bestMetric) : QVariant());
        add(hasMetric ? QString::number(t.bestEpoch) : QStringLiteral("–"), hasMetric ? QVariant(t.bestEpoch) : QVariant());
        for (const QString &name : m_varied)
            add(Internal::trialValueText(t, name), name == QLatin1String("optimizer") ? QVariant(t.config.optimizer)
                                                                                     : QVariant(Internal::trialValue(t, name)));
        for (QStandardItem *item : row) {
            item->setData(t.runId, kRunRole);
            item->setTextAlignment(item->column() == 2 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
        }
        if (t.runId > 0 && t.runId == m_outcome.bestRunId)
            for (QStandardItem *item : row) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setBackground(QColor(232, 89, 12, 45));
                item->setToolTip(tr("Best trial by %1").arg(m_outcome.monitor));
            }
        m_model->appendRow(row);
    }
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_model->horizontalHeaderItem(c)->setTextAlignment(c == 2 ? Qt::AlignLeft : Qt::AlignRight);
    // A sweep shown afresh is sorted best first; the same sweep re-read keeps the user's order.
    if (sameSweep && sortColumn >= 0 && sortColumn < m_model->columnCount())
        m_table->sortByColumn(sortColumn, sortOrder);
    else
        m_table->sortByColumn(3, m_outcome.monitor == QLatin1String("val_loss") ? Qt::AscendingOrder : Qt::DescendingOrder);
    m_shown = m_outcome.sweepId;
    if (keepRun > 0)
        selectRun(keepRun);

    if (!m_error.isEmpty()) {
        m_summary->setText(m_error);
    } else if (m_outcome.sweepId == 0) {
        m_summary->setText(tr("No sweeps yet: define one on the Sweep tab above."));
    } else {
        QString text = tr("%1 of %2 trials finished").arg(done).arg(m_outcome.trials.size());
        for (const SweepTrial &t : m_outcome.trials)
            if (t.runId == m_outcome.bestRunId && t.runId > 0) {
                QStringList values;
                for (const QString &name : m_varied)
                    values << QStringLiteral("%1 %2").arg(Internal::hyperparameterTitle(name), Internal::trialValueText(t, name));
                text += tr("; best: run #%1, %2 %3 (%4)")
                            .arg(t.runId)
                            .arg(m_outcome.monitor)
                            .arg(t.bestMetric, 0, 'f', 4)
                            .arg(values.join(QStringLiteral(", ")));
            }
        m_summary->setText(text + QLatin1Char('.'));
    }
}

void SweepResults::updateChart()
{
    const QString parameter = m_axis->currentData().toString();
    if (m_outcome.sweepId == 0 || parameter.isEmpty()) {
        m_scatter->clear();
        return;
    }
    m_scatter->setTrials(m_outcome.trials, m_outcome.monitor, parameter, m_outcome.bestRunId);
}

void SweepResults::updateButtons()
{
    bool resumable = false;
    for (const SweepTrial &t : m_outcome.trials)
        resumable = resumable || Internal::unfinished(t.status);
    resumable = resumable && !m_busy && m_outcome.sweepId != m_active;
    m_resume->setEnabled(resumable);
}

qint64 SweepResults::selectedRun() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(kRunRole).toLongLong();
}

void SweepResults::selectRun(qint64 runId)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (m_proxy->index(row, 0).data(kRunRole).toLongLong() == runId) {
            m_table->selectRow(row);
            m_table->scrollTo(m_proxy->index(row, 0));
            return;
        }
}

} // namespace lepton
