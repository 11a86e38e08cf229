#include "startpage.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace lepton {

StartPage::StartPage(QWidget *parent)
    : QWidget(parent)
    , m_demoButton(new QPushButton(tr("Open demo project")))
    , m_newButton(new QPushButton(tr("New project…")))
    , m_openButton(new QPushButton(tr("Open project…")))
    , m_recent(new QListWidget)
    , m_noRecent(new QLabel(tr("No recent projects yet.")))
    , m_error(new QLabel)
{
    setObjectName("startPage");
    m_demoButton->setObjectName("startDemoButton");
    m_newButton->setObjectName("startNewButton");
    m_openButton->setObjectName("startOpenButton");
    m_recent->setObjectName("startRecentList");
    m_error->setObjectName("startPageError");
    m_demoButton->setDefault(true);
    m_demoButton->setToolTip(tr("Creates a project with OpenCV's handwritten digits and a small "
                                "CNN, ready to train"));
    for (QPushButton *b : {m_demoButton, m_newButton, m_openButton})
        b->setMinimumHeight(36);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet("color: #b00020; background: #fdecee; padding: 8px; border-radius: 4px;");
    m_error->hide();
    m_noRecent->setStyleSheet("color: palette(mid);");
    m_recent->setSpacing(3);

    auto title = new QLabel(tr("Lepton Workbench"));
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 2.0);
    font.setBold(true);
    title->setFont(font);
    auto subtitle = new QLabel(tr("Import data, design a network, train it, evaluate it and "
                                  "export it — all kept in one project file."));
    subtitle->setWordWrap(true);

    auto buttons = new QHBoxLayout;
    buttons->addWidget(m_demoButton);
    buttons->addWidget(m_newButton);
    buttons->addWidget(m_openButton);
    buttons->addStretch();

    auto recentTitle = new QLabel(tr("Recent projects"));
    QFont bold = recentTitle->font();
    bold.setBold(true);
    recentTitle->setFont(bold);

    auto column = new QWidget;
    column->setMaximumWidth(720);
    auto layout = new QVBoxLayout(column);
    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addSpacing(12);
    layout->addWidget(recentTitle);
    layout->addWidget(m_noRecent);
    layout->addWidget(m_recent, 3);
    layout->addStretch(1);

    auto outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addWidget(column, 4);
    outer->addStretch(1);
    outer->setContentsMargins(24, 48, 24, 24);

    connect(m_demoButton, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(m_newButton, &QPushButton::clicked, this, &StartPage::newRequested);
    connect(m_openButton, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        emit recentRequested(item->data(Qt::UserRole).toString());
    });
}

void StartPage::setRecentProjects(const QStringList &paths)
{
    m_recent->clear();
    for (const QString &path : paths) {
        const QFileInfo info(path);
        auto item = new QListWidgetItem(
            QStringLiteral("%1\n%2").arg(info.fileName(), QDir::toNativeSeparators(info.absolutePath())));
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        m_recent->addItem(item);
    }
    m_recent->setVisible(!paths.isEmpty());
    m_noRecent->setVisible(paths.isEmpty());
}

void StartPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString StartPage::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

} // namespace lepton
