#pragma once
// Help > Plugins: every plugin found, with its state (loaded, disabled, failed), the error that
// stopped it, what it provides and where it was found; a checkbox per plugin enables or disables it
// from the next start.
#include <QDialog>

class QTableWidget;

namespace lepton {

class PluginsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PluginsDialog(QWidget *parent = nullptr);

private:
    QTableWidget *m_table;
};

} // namespace lepton
