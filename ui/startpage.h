#pragma once
// What the window shows when no project is open: recent projects and ways to start.
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

namespace lepton {

class StartPage : public QWidget
{
    Q_OBJECT

public:
    explicit StartPage(QWidget *parent = nullptr);

    void setRecentProjects(const QStringList &paths);
    void showError(const QString &message);   // empty hides it
    QString error() const;

signals:
    void demoRequested();
    void newRequested();
    void openRequested();
    void recentRequested(const QString &path);

private:
    QPushButton *m_demoButton;
    QPushButton *m_newButton;
    QPushButton *m_openButton;
    QListWidget *m_recent;
    QLabel *m_noRecent;
    QLabel *m_error;
};

} // namespace lepton
