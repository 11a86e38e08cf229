// Plugins through the `lepton` CLI: `lepton plugins` lists the built-in example plugin and every
// broken fixture with its error while the other commands keep working; enable/disable persists;
// the example deployment-target plugin exports a C++ project that this test builds with CMake and
// runs on the package's samples, getting the labels `lepton predict` gives; a plugin target that
// throws during export makes the command fail with the plugin named, not crash.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "processrun.h"

class TestPluginsCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    using Run = lepton::Testing::ProcessRun;

    // Every run gets its own settings and data folders, and LEPTON_PLUGIN_PATH only when given.
    Run run(const QString &program, const QStringList &args, const QString &pluginPath = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("LEPTON_PLUGIN_PATH"));
        if (!pluginPath.isEmpty())
            env.insert(QStringLiteral("LEPTON_PLUGIN_PATH"), pluginPath);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return lepton::Testing::runProcess(program, args, env);
    }
    Run lepton(const QStringList &args, const QString &pluginPath = {})
    {
        return run(QStringLiteral(LEPTON_CLI), args, pluginPath);
    }
    static QJsonObject json(const Run &r) { return QJsonDocument::fromJson(r.out).object(); }
    static QJsonObject plugin(const QJsonObject &listing, const QString &id)
    {
        for (const QJsonValue &v : listing.value("plugins").toArray())
            if (v.toObject().value("id").toString() == id)
                return v.toObject();
        return {};
    }
    static QStringList targetIds(const Run &r)
    {
        QStringList ids;
        for (const QJsonValue &t : json(r).value("targets").toArray())
            ids << t.toObject().value("id").toString();
        return ids;
    }
    const QString m_broken = QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins");

private Q_SLOTS:
    void builtInPluginIsFound()
    {
        const Run r = lepton({"plugins", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject p = plugin(json(r), "cpp-opencv-target");
        QCOMPARE(p.value("state").toString(), QString("loaded"));
        QVERIFY(p.value("file").toString().contains("/lib/lepton-workbench/plugins/"));
        QCOMPARE(json(r).value("api_version").toString(), QString("1.0.0"));
    }

    void brokenPluginsAreListedAndTheRestWorks()
    {
        Run r = lepton({"plugins", "--json"}, m_broken);
        QCOMPARE(r.exitCode, 1);   // some plugin failed
        const QJsonObject listing = json(r);
        QCOMPARE(listing.value("plugins").toArray().size(), 8);   // 2 in-tree + 6 broken
        QCOMPARE(plugin(listing, "broken-incompatible").value("state").toString(), QString("failed"));
        QVERIFY(plugin(listing, "broken-incompatible").value("error").toString().contains("incompatible"));
        QCOMPARE(plugin(listing, "broken-throws-in-init").value("state").toString(), QString("failed"));
        QCOMPARE(plugin(listing, "cpp-opencv-target").value("state").toString(), QString("loaded"));
        r = lepton({"plugins"}, m_broken);
        QVERIFY2(r.out.contains("error: exportTargets() threw: init failed on purpose"), r.out.constData());

        r = lepton({"export", "--list-targets", "--json"}, m_broken);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(targetIds(r), QStringList({"torchscript", "onnx", "package", "cpp-opencv", "throws-on-export"}));
    }

    void disableAndEnable()
    {
        Run r = lepton({"plugins", "--disable", "cpp-opencv-target"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"plugins", "--json"});
        QCOMPARE(plugin(json(r), "cpp-opencv-target").value("state").toString(), QString("disabled"));
        r = lepton({"export", "--list-targets", "--json"});
        QVERIFY(!targetIds(r).contains("cpp-opencv"));
        r = lepton({"plugins", "--enable", "cpp-opencv-target"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = lepton({"plugins", "--json"});
        QCOMPARE(plugin(json(r), "cpp-opencv-target").value("state").toString(), QString("loaded"));
        r = lepton({"plugins", "--disable", "no-such-plugin"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no plugin with id 'no-such-plugin'"));
    }

    void cppProjectBuildsAndAgreesWithPredict()
    {
        Run r = lepton({"demo", "--workdir", m_dir.filePath("demo"), "--epochs", "1", "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString project = json(r).value("project").toString();
        const QString version = QString::number(json(r).value("training").toObject().value("model_version_id").toInt());
        QVERIFY2(!project.isEmpty() && version != "0", r.out.constData());

        const QString out = m_dir.filePath("cpp");
        r = lepton({"export", project, "--model", version, "--target", "cpp-opencv", "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject result = json(r);
        QVERIFY(result.value("passed").toBool());
        const QJsonArray verified = result.value("verified").toArray();
        QCOMPARE(verified.size(), 3);   // TorchScript, ONNX, and the built C++ program
        QCOMPARE(verified.last().toObject().value("verification").toObject().value("top1_agreement").toDouble(), 1.0);
        for (const char *f : {"CMakeLists.txt", "main.cpp", "README.md", "checksums.sha256", "package/model.onnx",
                              "package/preprocess.json"})
            QVERIFY2(QFile::exists(QDir(out).filePath(f)), f);

        // Build the generated project ourselves, as ops would, and compare with `lepton predict`.
        const QString cmake = QStandardPaths::findExecutable("cmake");
        QVERIFY(!cmake.isEmpty());
        const QString build = m_dir.filePath("cpp-build");
        Run c = run(cmake, {"-S", out, "-B", build, "-DCMAKE_BUILD_TYPE=Release"});
        QVERIFY2(c.exitCode == 0, c.out.constData());
        c = run(cmake, {"--build", build});
        QVERIFY2(c.exitCode == 0, c.out.constData());
        QStringList images = QDir(out + "/package/samples").entryList({"*.png"}, QDir::Files, QDir::Name);
        QCOMPARE(images.size(), 10);
        for (QString &i : images)
            i = out + "/package/samples/" + i;
        const Run infer = run(build + "/lepton_infer", QStringList{out + "/package"} + images);
        QVERIFY2(infer.exitCode == 0, infer.err.constData());
        r = lepton(QStringList{"predict", out + "/package"} + images + QStringList{"--json"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray predicted = json(r).value("predictions").toArray();
        const QList<QByteArray> lines = infer.out.trimmed().split('\n');
        QCOMPARE(lines.size(), predicted.size());
        for (int i = 0; i < lines.size(); ++i) {
            const QJsonObject cpp = QJsonDocument::fromJson(lines[i]).object();
            const QJsonObject ours = predicted[i].toObject();
            QCOMPARE(cpp.value("label").toString(), ours.value("label").toString());
            const QJsonArray a = cpp.value("scores").toArray(), b = ours.value("probabilities").toArray();
            QCOMPARE(a.size(), b.size());
            for (int k = 0; k < a.size(); ++k)
                QVERIFY(std::abs(a[k].toDouble() - b[k].toDouble()) < 1e-4);
        }

        // A plugin target that throws: exit 1, the plugin named, nothing written.
        r = lepton({"export", project, "--model", version, "--target", "throws-on-export", "--out", m_dir.filePath("x.bin")},
                   m_broken);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("plugin 'broken-throws-in-export'") && r.err.contains("export failed on purpose"),
                 r.err.constData());
        QVERIFY(!QFile::exists(m_dir.filePath("x.bin")));
    }
};

QTEST_GUILESS_MAIN(TestPluginsCli)
#include "tst_pluginscli.moc"
