#include "mainwindow.h"

#include "architecture/architecturedock.h"
#include "compression/compressionwizard.h"
#include "data/datadock.h"
#include "evaluation/evaluationdock.h"
#include "export/exportdock.h"
#include "pluginsdialog.h"
#include "projectcontext.h"
#include "projectdock.h"
#include "recentprojects.h"
#include "startpage.h"
#include "training/trainingdock.h"

#include "data/importer.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QtConcurrent>

#include <optional>

namespace lepton {

namespace {
const char GeometryKey[] = "mainWindow/geometry";
const char StateKey[] = "mainWindow/state";
constexpr int StateVersion = 1;
} // namespace

struct MainWindow::DemoJob
{
    QString path;
    std::optional<Result<DemoProject>> result;
};

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_project(new ProjectContext(this))
    , m_startPage(new StartPage)
    , m_runtimeLabel(new QLabel)
    , m_readOnlyLabel(new QLabel)
{
    setObjectName("mainWindow");
    setWindowTitle(tr("Lepton Workbench"));
    setDockNestingEnabled(true);
    setCentralWidget(m_startPage);
    m_runtimeLabel->setObjectName("runtimeWarning");
    m_runtimeLabel->setStyleSheet("color: #8a5a00;");
    m_runtimeLabel->hide();
    statusBar()->addPermanentWidget(m_runtimeLabel);
    m_readOnlyLabel->setObjectName("readOnlyLabel");
    m_readOnlyLabel->setStyleSheet("color: #8a5a00;");
    m_readOnlyLabel->hide();
    statusBar()->addPermanentWidget(m_readOnlyLabel);

    createDocks();
    createMenus();

    QSettings settings;
    if (!restoreGeometry(settings.value(GeometryKey).toByteArray()))
        resize(1400, 900);
    restoreState(settings.value(StateKey).toByteArray(), StateVersion);
    m_dockState = saveState(StateVersion);
    showStartPage();

    connect(m_startPage, &StartPage::demoRequested, this, &MainWindow::openDemoProject);
    connect(m_startPage, &StartPage::newRequested, this, &MainWindow::newProject);
    connect(m_startPage, &StartPage::openRequested, this, &MainWindow::openProjectDialog);
    connect(m_startPage, &StartPage::recentRequested, this,
            [this](const QString &path) { openProject(path); });
    connect(&m_demoWatcher, &QFutureWatcher<void>::finished, this, &MainWindow::finishDemo);
    connect(m_project, &ProjectContext::watchFailed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("The project file cannot be read: %1").arg(message));
    });
}

MainWindow::~MainWindow()
{
    if (m_demoWatcher.isRunning()) {
        m_demoCancel.cancel();
        m_demoWatcher.waitForFinished();
    }
    stopAllWork();
}

void MainWindow::createDocks()
{
    m_projectDock = new ProjectDock(m_project, this);
    m_dataDock = new DataDock(m_project, this);
    m_architectureDock = new ArchitectureDock(m_project, this);
    m_trainingDock = new TrainingDock(m_project, this);
    m_evaluationDock = new EvaluationDock(m_project, this);
    m_exportDock = new ExportDock(m_project, this);
    m_docks = {m_projectDock, m_trainingDock, m_dataDock, m_architectureDock, m_evaluationDock,
               m_exportDock};

    addDockWidget(Qt::LeftDockWidgetArea, m_projectDock);
    addDockWidget(Qt::RightDockWidgetArea, m_trainingDock);
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_dataDock),
                              static_cast<QDockWidget *>(m_architectureDock),
                              static_cast<QDockWidget *>(m_evaluationDock),
                              static_cast<QDockWidget *>(m_exportDock)})
        tabifyDockWidget(m_trainingDock, dock);
    m_trainingDock->raise();
    resizeDocks({m_projectDock, m_trainingDock}, {380, 1000}, Qt::Horizontal);

    connect(m_projectDock, &ProjectDock::itemSelected, this, &MainWindow::showItem);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName("fileMenu");
    QAction *newAction = file->addAction(tr("&New Project…"), this, &MainWindow::newProject);
    newAction->setShortcut(QKeySequence::New);
    QAction *openAction = file->addAction(tr("&Open Project…"), this, &MainWindow::openProjectDialog);
    openAction->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Demo Project"), this, &MainWindow::openDemoProject)
        ->setObjectName("openDemoAction");
    m_recentMenu = file->addMenu(tr("&Recent Projects"));
    m_recentMenu->setObjectName("recentProjectsMenu");
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    m_closeAction = file->addAction(tr("&Close Project"), this, &MainWindow::closeProject);
    m_closeAction->setShortcut(QKeySequence::Close);
    m_closeAction->setEnabled(false);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName("viewMenu");
    for (QDockWidget *dock : m_docks)
        view->addAction(dock->toggleViewAction());
    connect(view, &QMenu::aboutToShow, this, [this, view] {
        for (QAction *a : view->actions())
            a->setEnabled(m_project->isOpen());
    });

    QMenu *model = menuBar()->addMenu(tr("&Model"));
    model->setObjectName("modelMenu");
    QAction *compress = model->addAction(tr("&Compress…"), this, [this] {
        // Prune, quantize or distill a model version (ui/compression); results lead to the Export dock.
        auto *wizard = new CompressionWizard(m_project, this);
        wizard->setAttribute(Qt::WA_DeleteOnClose);
        connect(wizard, &CompressionWizard::exportRequested, this, [this, wizard](qint64 id) {
            m_exportDock->selectModelVersion(id);
            m_exportDock->show();
            m_exportDock->raise();
            wizard->close();
        });
        wizard->show();
    });
    compress->setObjectName("compressAction");
    connect(model, &QMenu::aboutToShow, this, [this, compress] { compress->setEnabled(m_project->isOpen()); });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName("helpMenu");
    help->addAction(tr("&Plugins…"), this, [this] { PluginsDialog(this).exec(); })->setObjectName("pluginsAction");
    help->addAction(tr("&About Lepton Workbench"), this, [this] {
        const RuntimeInfo info = runtimeInfo();
        QMessageBox::about(this, tr("About Lepton Workbench"),
                           tr("<b>Lepton Workbench</b> %1<br>LibTorch %2, OpenCV %3, Qt %4<br>"
                              "%5 threads, BLAS: %6")
                               .arg(QApplication::applicationVersion(), info.torchVersion,
                                    info.opencvVersion, QString::fromLatin1(qVersion()))
                               .arg(info.threads)
                               .arg(info.blasLibrary.toHtmlEscaped()));
    });
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentProjects();
    for (const QString &path : recent) {
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this,
                                [this, path] { openProject(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_startPage->setRecentProjects(recent);
}

void MainWindow::setRuntimeWarning(const QString &warning)
{
    m_runtimeLabel->setText(warning);
    m_runtimeLabel->setToolTip(warning);
    m_runtimeLabel->setVisible(!warning.isEmpty());
}

void MainWindow::showStartPage()
{
    if (!m_startMode)
        m_dockState = saveState(StateVersion);
    m_startMode = true;
    for (QDockWidget *dock : m_docks)
        dock->hide();
    rebuildRecentMenu();
    m_startPage->show();
}

void MainWindow::showProjectDocks()
{
    if (!m_startMode)
        return;
    m_startMode = false;
    m_startPage->hide();   // a hidden central widget leaves the whole window to the docks
    if (!restoreState(m_dockState, StateVersion) || m_projectDock->isHidden()) {
        for (QDockWidget *dock : m_docks)
            dock->show();
        m_trainingDock->raise();
    }
}

void MainWindow::reportError(const QString &message)
{
    m_lastError = message;
    statusBar()->showMessage(message, 15000);
    if (m_startMode) {
        m_startPage->showError(message);
        return;
    }
    auto box = new QMessageBox(QMessageBox::Warning, tr("Lepton Workbench"), message,
                               QMessageBox::Ok, this);
    box->setObjectName("errorMessageBox");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();   // not exec(): never block the event loop (or a test) on an error
}

void MainWindow::stopAllWork()
{
    m_dataDock->stopAndWait();
    m_trainingDock->stopAndWait();
    m_evaluationDock->stopAndWait();
    m_exportDock->stopAndWait();
}

bool MainWindow::confirmUnsavedEdits(const QString &action)
{
    QList<UnsavedEdits *> holders;
    QStringList what;
    for (UnsavedEdits *dock : std::initializer_list<UnsavedEdits *>{m_architectureDock, m_dataDock})
        if (const QString edits = dock->unsavedEdits(); !edits.isEmpty()) {
            holders << dock;
            what << edits;
        }
    if (holders.isEmpty())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved Changes"),
                    tr("Save %1 before %2?").arg(what.join(tr(" and ")), action),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName("unsavedEditsBox");
    box.setInformativeText(tr("Discard loses these changes; Cancel goes back to them."));
    box.setDefaultButton(QMessageBox::Save);
    const int answer = box.exec();
    if (answer == QMessageBox::Cancel)
        return false;
    for (UnsavedEdits *dock : holders) {
        if (answer == QMessageBox::Discard) {
            dock->discardEdits();
            continue;
        }
        QString error;
        if (!dock->saveEdits(&error)) {
            QMessageBox failed(QMessageBox::Warning, tr("Cannot Save"),
                               tr("%1 could not be saved: %2").arg(what.at(int(holders.indexOf(dock))), error),
                               QMessageBox::Ok, this);
            failed.setObjectName("unsavedEditsFailedBox");
            failed.exec();
            return false;   // nothing is lost: the edits stay on screen
        }
    }
    return true;
}

bool MainWindow::openProject(const QString &path)
{
    if (m_project->isOpen() && !confirmUnsavedEdits(tr("opening %1").arg(QFileInfo(path).fileName())))
        return false;
    if (m_trainingDock->isTraining()) {
        const auto answer = QMessageBox::question(
            this, tr("Training in progress"),
            tr("Training is running in the open project. Stop it and open %1?")
                .arg(QFileInfo(path).fileName()));
        if (answer != QMessageBox::Yes)
            return false;
    }
    stopAllWork();
    Status opened = m_project->open(path);
    if (!opened) {
        reportError(tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), opened.error()));
        return false;
    }
    m_lastError.clear();
    m_startPage->showError({});
    addRecentProject(m_project->path());
    rebuildRecentMenu();
    m_closeAction->setEnabled(true);
    updateProjectTitle();
    showProjectDocks();
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(m_project->path())), 8000);
    return true;
}

bool MainWindow::closeProject()
{
    if (!confirmUnsavedEdits(tr("closing the project")))
        return false;
    stopAllWork();
    m_project->close();
    m_closeAction->setEnabled(false);
    updateProjectTitle();
    showStartPage();
    return true;
}

void MainWindow::updateProjectTitle()
{
    if (!m_project->isOpen()) {
        setWindowTitle(tr("Lepton Workbench"));
        m_readOnlyLabel->hide();
        return;
    }
    const QString name = QFileInfo(m_project->path()).fileName();
    if (m_project->isReadOnly()) {
        setWindowTitle(tr("%1 (read-only) — Lepton Workbench").arg(name));
        m_readOnlyLabel->setText(tr("Read-only: %1. Changes cannot be saved.").arg(m_project->readOnlyReason()));
        m_readOnlyLabel->show();
    } else {
        setWindowTitle(tr("%1 — Lepton Workbench").arg(name));
        m_readOnlyLabel->hide();
    }
}

void MainWindow::newProject()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Project"), QDir::homePath(),
                                                tr("Lepton projects (*.lepton)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(".lepton")))
        path += QLatin1String(".lepton");
    if (QFileInfo::exists(path)) {
        reportError(tr("%1 already exists; open it instead.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    {
        auto created = ProjectStore::create(path);
        if (!created) {
            reportError(tr("Cannot create %1: %2").arg(QDir::toNativeSeparators(path), created.error()));
            return;
        }
    }   // release this store before the context opens its own
    openProject(path);
}

void MainWindow::openProjectDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), QDir::homePath(),
                                                      tr("Lepton projects (*.lepton);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::openDemoProject()
{
    if (m_demoWatcher.isRunning())
        return;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (!QDir().mkpath(dir)) {
        reportError(tr("Cannot create the folder %1 for the demo project.").arg(dir));
        return;
    }
    m_demoJob = std::make_shared<DemoJob>();
    m_demoJob->path = QDir(dir).filePath(
        QStringLiteral("demo-%1.lepton").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    m_demoCancel = CancelToken();

    m_demoProgress = new QProgressDialog(tr("Creating the demo project…"), tr("Cancel"), 0, 0, this);
    m_demoProgress->setObjectName("demoProgressDialog");
    m_demoProgress->setWindowTitle(tr("Open Demo Project"));
    m_demoProgress->setMinimumDuration(0);
    m_demoProgress->setAutoClose(false);
    m_demoProgress->setAutoReset(false);
    m_demoProgress->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_demoProgress, &QProgressDialog::canceled, this, [this] { m_demoCancel.cancel(); });
    m_demoProgress->open();

    ProgressFn progress = [this](qint64 done, qint64 total, const QString &stage) {
        QMetaObject::invokeMethod(this, [this, done, total, stage] {
            if (!m_demoProgress)
                return;
            m_demoProgress->setMaximum(int(std::max<qint64>(1, total)));
            m_demoProgress->setValue(int(std::min(done, total)));
            if (!stage.isEmpty())
                m_demoProgress->setLabelText(tr("Creating the demo project: %1").arg(stage));
        }, Qt::QueuedConnection);
    };
    m_demoWatcher.setFuture(QtConcurrent::run([job = m_demoJob, progress, cancel = m_demoCancel] {
        job->result = createDemoProject(job->path, defaultDigitSheetPath(), progress, cancel);
    }));
}

void MainWindow::finishDemo()
{
    if (m_demoProgress) {
        m_demoProgress->close();
        m_demoProgress = nullptr;
    }
    if (!m_demoJob || !m_demoJob->result)
        return;
    const Result<DemoProject> &result = *m_demoJob->result;
    if (!result) {
        if (!m_demoCancel.isCancelled())
            reportError(tr("Cannot create the demo project: %1").arg(result.error()));
        QFile::remove(m_demoJob->path);   // a cancelled or failed demo leaves no half project
        return;
    }
    openProject(result->projectPath);
}

void MainWindow::showItem(ProjectItemKind kind, qint64 id)
{
    switch (kind) {
    case ProjectItemKind::Dataset:
        m_dataDock->showDataset(id);
        m_dataDock->show();
        m_dataDock->raise();
        break;
    case ProjectItemKind::Architecture:
        m_architectureDock->showArchitecture(id);
        m_architectureDock->show();
        m_architectureDock->raise();
        break;
    case ProjectItemKind::Run:
        m_trainingDock->showRun(id);
        m_trainingDock->show();
        m_trainingDock->raise();
        break;
    case ProjectItemKind::ModelVersion:
        m_evaluationDock->selectModelVersion(id);
        m_exportDock->selectModelVersion(id);
        m_evaluationDock->show();
        m_evaluationDock->raise();
        break;
    case ProjectItemKind::Evaluation:
        m_evaluationDock->showEvaluation(id);
        m_evaluationDock->show();
        m_evaluationDock->raise();
        break;
    case ProjectItemKind::Export:
        m_exportDock->showExport(id);
        m_exportDock->show();
        m_exportDock->raise();
        break;
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_project->isOpen() && !confirmUnsavedEdits(tr("quitting"))) {
        event->ignore();
        return;
    }
    if (m_trainingDock->isTraining()) {
        const auto answer = QMessageBox::question(
            this, tr("Training in progress"),
            tr("Training is running. Stop it and quit? Finished epochs stay in the project."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    stopAllWork();
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, m_startMode ? m_dockState : saveState(StateVersion));
    event->accept();
}

} // namespace lepton
