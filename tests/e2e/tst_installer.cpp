// The packages as a user receives them: cpack builds the .deb files and the tarball, the application
// .deb is unpacked into a temporary root with `dpkg -x` (no installation, no environment variables),
// and from there `lepton --version`, `lepton plugins` (finding the built-in plugin), `lepton demo`
// with one epoch and the GUI (offscreen) run. Also checks the package metadata and desktop files.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "processrun.h"

class TestInstaller : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;      // the unpacked application .deb
    QString m_packages;  // cpack's output folder

    using Run = lepton::Testing::ProcessRun;

    // Nothing from the build or the user's set-up: no library path, plugin path or settings.
    Run run(const QString &program, const QStringList &args)
    {
        return lepton::Testing::runProcess(program, args, cleanEnvironment(), 1200000);
    }
    QProcessEnvironment cleanEnvironment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("LD_LIBRARY_PATH");
        env.remove("LEPTON_PLUGIN_PATH");
        env.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
        env.insert("XDG_DATA_HOME", m_dir.filePath("data"));
        return env;
    }

    QString package(const QString &pattern) const
    {
        const QStringList found = QDir(m_packages).entryList({pattern}, QDir::Files);
        return found.size() == 1 ? QDir(m_packages).filePath(found.first()) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_packages = m_dir.filePath("packages");
        m_root = m_dir.filePath("root");
        const QString cpack = QStandardPaths::findExecutable("cpack");
        QVERIFY(!cpack.isEmpty());
        const Run r = run(cpack, {"--config", LEPTON_BINARY_DIR "/CPackConfig.cmake", "-B", m_packages});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
    }

    void packagesAreComplete()
    {
        const QString app = package("lepton-workbench_*.deb");
        const QString dev = package("lepton-workbench-dev_*.deb");
        QVERIFY2(!app.isEmpty() && !dev.isEmpty(), qPrintable(QDir(m_packages).entryList(QDir::Files).join(", ")));
        QVERIFY(!package("LeptonWorkbench-*-Linux.tar.gz").isEmpty());

        Run r = run("dpkg-deb", {"--field", app, "Package", "Version", "Depends"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *dep : {"libqt6core6", "libqt6widgets6", "libopencv-dnn", "libopenblas0-pthread", "libqt6sql6-sqlite"})
            QVERIFY2(r.out.contains(dep), qPrintable(QString("Depends lacks %1: %2").arg(dep, r.out)));
        r = run("dpkg-deb", {"--field", dev, "Depends"});
        QVERIFY2(r.out.contains("lepton-workbench (= "), r.out.constData());
        r = run("dpkg-deb", {"--contents", dev});
        QVERIFY(r.out.contains("include/lepton-workbench/plugin/exporttargetplugin.h"));
        QVERIFY(r.out.contains("lib/cmake/LeptonWorkbench/LeptonWorkbenchConfig.cmake"));
        // Private headers stay out, except the layer-author headers model plugins compile against.
        for (const QByteArray &line : r.out.split('\n')) {
            if (!line.contains("/internal/") || line.endsWith("include/lepton-workbench/graph/internal/"))
                continue;
            const bool layerApi = line.endsWith("graph/internal/layerkit.h") || line.endsWith("graph/internal/onnxlayers.h")
                                  || line.endsWith("graph/internal/torchlayers.h");
            QVERIFY2(layerApi, line.constData());
        }
        QVERIFY(r.out.contains("include/lepton-workbench/graph/internal/torchlayers.h"));
        QVERIFY(r.out.contains("include/lepton-workbench/plugin/modelproviderplugin.h"));

        QVERIFY(QDir().mkpath(m_root));
        r = run("dpkg", {"-x", app, m_root});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *f : {"usr/bin/lepton", "usr/bin/lepton-workbench", "usr/share/applications/org.lepton.Workbench.desktop",
                              "usr/share/metainfo/org.lepton.Workbench.metainfo.xml",
                              "usr/share/icons/hicolor/48x48/apps/lepton-workbench.png",
                              "usr/share/icons/hicolor/scalable/apps/lepton-workbench.svg", "usr/share/man/man1/lepton.1.gz"})
            QVERIFY2(QFile::exists(QDir(m_root).filePath(f)), f);
        const QString appstream = QStandardPaths::findExecutable("appstreamcli");
        if (!appstream.isEmpty()) {
            r = run(appstream, {"validate", "--no-net", m_root + "/usr/share/metainfo/org.lepton.Workbench.metainfo.xml"});
            QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        }
        const QString desktopValidate = QStandardPaths::findExecutable("desktop-file-validate");
        if (!desktopValidate.isEmpty()) {
            r = run(desktopValidate, {m_root + "/usr/share/applications/org.lepton.Workbench.desktop"});
            QVERIFY2(r.exitCode == 0 && r.out.trimmed().isEmpty(), (r.out + r.err).constData());
        }
    }

    void unpackedApplicationRuns()
    {
        const QString lepton = m_root + "/usr/bin/lepton";
        Run r = run(lepton, {"--version"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.startsWith("lepton 0."));

        r = run(lepton, {"plugins", "--json"});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QJsonArray plugins = QJsonDocument::fromJson(r.out).object().value("plugins").toArray();
        QCOMPARE(plugins.size(), 2);
        QStringList ids;
        for (const QJsonValue &v : plugins) {
            const QJsonObject p = v.toObject();
            ids << p.value("id").toString();
            QCOMPARE(p.value("state").toString(), QString("loaded"));
            QVERIFY(p.value("file").toString().startsWith(QDir(m_root).canonicalPath()));
        }
        ids.sort();
        QCOMPARE(ids, (QStringList{"cpp-opencv-target", "se-block"}));

        r = run(lepton, {"demo", "--workdir", m_dir.filePath("demo"), "--epochs", "1", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        QVERIFY(report.value("evaluation").toObject().value("accuracy").toDouble() > 0.5);

        // The GUI starts (offscreen) and keeps running until we stop it.
        QProcess gui;
        QProcessEnvironment env = cleanEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        gui.setProcessEnvironment(env);
        gui.start(m_root + "/usr/bin/lepton-workbench", {report.value("project").toString()});
        QVERIFY(gui.waitForStarted(30000));
        QVERIFY2(!gui.waitForFinished(5000), gui.readAllStandardError().constData());
        QCOMPARE(gui.state(), QProcess::Running);
        gui.terminate();
        if (!gui.waitForFinished(10000)) {
            gui.kill();
            gui.waitForFinished();
        }
    }

    void lintian()
    {
        const QString lintian = QStandardPaths::findExecutable("lintian");
        if (lintian.isEmpty())
            QSKIP("lintian is not installed");
        // Errors fail the test; warnings are printed for the record (explained in README, "Install").
        for (const QString &deb : {package("lepton-workbench_*.deb"), package("lepton-workbench-dev_*.deb")}) {
            const Run r = run(lintian, {"--no-tag-display-limit", deb});
            QVERIFY2(!r.out.contains("\nE: ") && !r.out.startsWith("E: "), r.out.constData());
            qInfo("lintian %s:\n%s", qPrintable(QFileInfo(deb).fileName()), r.out.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestInstaller)
#include "tst_installer.moc"
