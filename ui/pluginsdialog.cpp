#include "pluginsdialog.h"

#include "plugin/pluginmanager.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lepton {

PluginsDialog::PluginsDialog(QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget)
{
    setObjectName("pluginsDialog");
    setWindowTitle(tr("Plugins"));
    m_table->setObjectName("pluginsTable");
    const QVector<PluginInfo> plugins = PluginManager::instance().plugins();
    m_table->setColumnCount(7);
    m_table->setHorizontalHeaderLabels(
        {tr("Enabled"), tr("Plugin"), tr("Version"), tr("Kind"), tr("State"), tr("Provides / error"), tr("File")});
    m_table->setRowCount(plugins.size());
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);
    for (int row = 0; row < plugins.size(); ++row) {
        const PluginInfo &p = plugins[row];
        auto enabled = new QCheckBox;
        enabled->setObjectName(QStringLiteral("pluginEnabled-%1").arg(p.id));
        enabled->setChecked(PluginManager::isEnabled(p.id));
        enabled->setToolTip(tr("Takes effect the next time Lepton Workbench starts"));
        connect(enabled, &QCheckBox::toggled, this, [id = p.id](bool on) { PluginManager::setEnabled(id, on); });
        auto cell = new QWidget;
        auto center = new QHBoxLayout(cell);
        center->setContentsMargins(0, 0, 0, 0);
        center->addWidget(enabled, 0, Qt::AlignCenter);
        m_table->setCellWidget(row, 0, cell);
        auto name = new QTableWidgetItem(p.name.isEmpty() ? p.id : QStringLiteral("%1\n%2").arg(p.name, p.id));
        name->setToolTip(p.description + (p.vendor.isEmpty() ? QString() : QStringLiteral("\n") + p.vendor));
        m_table->setItem(row, 1, name);
        m_table->setItem(row, 2, new QTableWidgetItem(p.compatVersion.isEmpty() || p.compatVersion == p.version
                                                          ? p.version
                                                          : tr("%1 (API from %2)").arg(p.version, p.compatVersion)));
        m_table->setItem(row, 3, new QTableWidgetItem(p.kind));
        auto state = new QTableWidgetItem(p.stateText());
        if (p.state == PluginInfo::State::Failed)
            state->setForeground(QColor(0xb0, 0x00, 0x20));
        else if (p.state == PluginInfo::State::Loaded)
            state->setForeground(QColor(0x1a, 0x7f, 0x37));
        m_table->setItem(row, 4, state);
        auto details = new QTableWidgetItem(p.error.isEmpty() ? p.provides.join(QStringLiteral("\n")) : p.error);
        details->setToolTip(details->text());
        m_table->setItem(row, 5, details);
        auto file = new QTableWidgetItem(QDir::toNativeSeparators(p.file));
        file->setToolTip(file->text());
        m_table->setItem(row, 6, file);
    }
    // The error text gets the room; the file path is elided in the middle (full path in the tooltip).
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(6, QHeaderView::Interactive);
    m_table->setColumnWidth(6, 240);
    m_table->resizeRowsToContents();

    auto info = new QLabel(tr("Plugin API %1. Searched, in order: %2")
                               .arg(pluginApiVersion().toString(),
                                    QDir::toNativeSeparators(PluginManager::defaultSearchPaths().join(QStringLiteral(", ")))));
    info->setObjectName("pluginsSearchPaths");
    info->setWordWrap(true);
    info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto empty = new QLabel(tr("No plugins were found. Put plugin files in one of the folders above, or list "
                               "folders in the LEPTON_PLUGIN_PATH environment variable."));
    empty->setVisible(plugins.isEmpty());
    empty->setWordWrap(true);
    auto buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto layout = new QVBoxLayout(this);
    layout->addWidget(info);
    layout->addWidget(empty);
    layout->addWidget(m_table, 1);
    layout->addWidget(new QLabel(tr("Enabling or disabling a plugin takes effect at the next start.")));
    layout->addWidget(buttons);
    resize(1180, 460);
}

} // namespace lepton
