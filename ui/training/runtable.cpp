#include "training/runtable.h"

#include "project/projectstore.h"
#include "train/trainer.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace {

QString duration(double seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(int(seconds) / 60).arg(int(seconds) % 60);
}

QTableWidgetItem *item(const QString &text, const QVariant &sortValue = {})
{
    auto i = new QTableWidgetItem(text);
    i->setFlags(i->flags() & ~Qt::ItemIsEditable);
    if (sortValue.isValid())
        i->setData(Qt::UserRole, sortValue);
    return i;
}

} // namespace

RunTable::RunTable(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget)
    , m_compare(new QTableWidget)
    , m_resume(new QPushButton(tr("Resume run")))
    , m_hint(new QLabel)
{
    m_table->setObjectName("trainingRunTable");
    m_compare->setObjectName("trainingCompareTable");
    m_resume->setObjectName("trainingResumeButton");
    m_hint->setObjectName("trainingRunHint");
    m_table->setColumnCount(8);
    m_table->setHorizontalHeaderLabels(
        {tr("Run"), tr("Status"), tr("Epochs"), tr("Best"), tr("Duration"), tr("Optimizer"), tr("LR"), tr("Batch")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_compare->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_compare->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_compare->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compare->hide();
    m_resume->setEnabled(false);
    m_hint->setWordWrap(true);
    m_hint->setText(tr("Select several runs to compare their curves and settings."));

    auto buttons = new QHBoxLayout;
    buttons->addWidget(m_resume);
    buttons->addWidget(m_hint, 1);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 2);
    layout->addLayout(buttons);
    layout->addWidget(m_compare, 1);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RunTable::updateSelection);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QVector<qint64> ids = selectedRuns();
        if (ids.size() == 1)
            emit resumeRequested(ids.first());
    });
}

bool RunTable::resumable(const RunInfo &run)
{
    return run.status == QLatin1String("interrupted") || run.status == QLatin1String("cancelled")
           || run.status == QLatin1String("failed");
}

void RunTable::setBusy(bool busy)
{
    m_busy = busy;
    updateSelection();
}

void RunTable::reload(ProjectStore *store)
{
    const QVector<qint64> selected = selectedRuns();
    m_runs.clear();
    if (store)
        if (auto runs = store->runs())
            m_runs = runs.value();
    {
        const QSignalBlocker blocker(m_table);
        m_table->setRowCount(0);
        m_table->setRowCount(int(m_runs.size()));
        for (int row = 0; row < m_runs.size(); ++row) {
            const RunInfo &r = m_runs[m_runs.size() - 1 - row];   // newest first
            auto config = TrainConfig::fromJson(QJsonDocument::fromJson(r.configJson.toUtf8()).object());
            const int planned = config ? config->epochs : 0;
            m_table->setItem(row, 0, item(QStringLiteral("#%1").arg(r.id), r.id));
            auto status = item(r.status);
            if (!r.message.isEmpty())
                status->setToolTip(r.message);
            m_table->setItem(row, 1, status);
            m_table->setItem(row, 2, item(QStringLiteral("%1/%2").arg(r.epochsDone).arg(planned)));
            m_table->setItem(row, 3, item(r.bestEpoch > 0 ? QStringLiteral("%1 %2 @%3")
                                                                 .arg(config ? config->monitor : QString())
                                                                 .arg(r.bestMetric, 0, 'f', 4)
                                                                 .arg(r.bestEpoch)
                                                           : QStringLiteral("–")));
            m_table->setItem(row, 4, item(duration(r.seconds)));
            m_table->setItem(row, 5, item(config ? config->optimizer : QStringLiteral("?")));
            m_table->setItem(row, 6, item(config ? QString::number(config->learningRate, 'g', 3) : QString()));
            m_table->setItem(row, 7, item(config ? QString::number(config->batchSize) : QString()));
            if (selected.contains(r.id))
                m_table->selectRow(row);
        }
    }
    updateSelection();
}

QVector<qint64> RunTable::selectedRuns() const
{
    QVector<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids.append(m_table->item(index.row(), 0)->data(Qt::UserRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void RunTable::selectRun(qint64 runId)
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, 0)->data(Qt::UserRole).toLongLong() == runId) {
            m_table->clearSelection();
            m_table->selectRow(row);
            return;
        }
}

void RunTable::updateSelection()
{
    const QVector<qint64> ids = selectedRuns();
    QVector<RunInfo> chosen;
    for (const RunInfo &r : m_runs)
        if (ids.contains(r.id))
            chosen.append(r);
    m_resume->setEnabled(!m_busy && chosen.size() == 1 && resumable(chosen.first()));
    m_resume->setToolTip(chosen.size() == 1 && !resumable(chosen.first())
                             ? tr("Only interrupted, stopped or failed runs can be resumed")
                             : QString());
    // Hyperparameters side by side: one column per run, one row per setting.
    m_compare->setVisible(chosen.size() >= 2);
    if (chosen.size() >= 2) {
        QStringList keys;
        QVector<QJsonObject> configs;
        for (const RunInfo &r : chosen) {
            const QJsonObject c = QJsonDocument::fromJson(r.configJson.toUtf8()).object();
            configs.append(c);
            for (const QString &k : c.keys())
                if (!keys.contains(k))
                    keys.append(k);
        }
        keys.prepend(QStringLiteral("best"));
        keys.prepend(QStringLiteral("status"));
        m_compare->clear();
        m_compare->setRowCount(int(keys.size()));
        m_compare->setColumnCount(int(chosen.size()));
        m_compare->setVerticalHeaderLabels(keys);
        QStringList headers;
        for (int col = 0; col < chosen.size(); ++col) {
            headers << QStringLiteral("run #%1").arg(chosen[col].id);
            for (int row = 0; row < keys.size(); ++row) {
                QString text;
                if (keys[row] == QLatin1String("status"))
                    text = chosen[col].status;
                else if (keys[row] == QLatin1String("best"))
                    text = chosen[col].bestEpoch > 0 ? QStringLiteral("%1 @%2").arg(chosen[col].bestMetric, 0, 'f', 4).arg(chosen[col].bestEpoch)
                                                     : QStringLiteral("–");
                else {
                    const QJsonValue v = configs[col].value(keys[row]);
                    text = v.isArray() ? QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact))
                                       : v.toVariant().toString();
                }
                auto cell = item(text);
                // Settings that differ between the runs stand out.
                bool differs = false;
                for (int other = 0; other < chosen.size() && row >= 2; ++other)
                    differs = differs || configs[other].value(keys[row]) != configs[col].value(keys[row]);
                if (differs) {
                    QFont bold = cell->font();
                    bold.setBold(true);
                    cell->setFont(bold);
                }
                m_compare->setItem(row, col, cell);
            }
        }
        m_compare->setHorizontalHeaderLabels(headers);
    }
    emit selectionChanged(ids);
}

} // namespace lepton
