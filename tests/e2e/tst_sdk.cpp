// The plugin SDK as an outside team uses it: install the runtime and the SDK (headers, core
// library, CMake package) into a staging prefix, build the example deployment-target plugin out of
// tree with find_package(LeptonWorkbench), and load it into the staged `lepton` through
// LEPTON_PLUGIN_PATH — no workbench source or build tree involved. The same for the example model
// plugin, which also compiles against LibTorch and the ONNX protobuf (lepton_add_plugin LAYER_API).
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

class TestSdk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    using Run = lepton::Testing::ProcessRun;

    static Run run(const QString &program, const QStringList &args,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        return lepton::Testing::runProcess(program, args, env);
    }

private Q_SLOTS:
    void buildAPluginOutOfTree()
    {
        const QString cmake = QStandardPaths::findExecutable("cmake");
        QVERIFY(!cmake.isEmpty());
        const QString stage = m_dir.filePath("stage");
        for (const char *component : {"runtime", "sdk"}) {
            const Run r = run(cmake, {"--install", LEPTON_BINARY_DIR, "--prefix", stage, "--component", component});
            QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        }
        QVERIFY(QFile::exists(stage + "/bin/lepton"));
        QVERIFY(QFile::exists(stage + "/include/lepton-workbench/plugin/exporttargetplugin.h"));
        QVERIFY(QFile::exists(stage + "/include/lepton-workbench/deploy/exporttarget.h"));
        QVERIFY(!QFile::exists(stage + "/include/lepton-workbench/deploy/internal/fileexport.h"));   // private
        QVERIFY(QFile::exists(stage + "/lib/cmake/LeptonWorkbench/LeptonWorkbenchConfig.cmake"));
        QVERIFY(!QDir(stage + "/lib/lepton-workbench/plugins").exists());   // the plugins component was not installed

        // Out of tree: a copy of the example plugin's folder, configured against the staging prefix only.
        const QString src = m_dir.filePath("plugin-src");
        QVERIFY(QDir().mkpath(src));
        for (const char *f : {"CMakeLists.txt", "cppopencvtarget.cpp", "cppprojecttemplate.h", "cppopencvtarget.json"})
            QVERIFY(QFile::copy(QStringLiteral(LEPTON_SOURCE_DIR "/plugins/cpp-opencv-target/") + f, src + "/" + f));
        const QString build = m_dir.filePath("plugin-build");
        Run r = run(cmake, {"-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + stage});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        r = run(cmake, {"--build", build});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY(QFile::exists(build + "/liblepton_cpp_opencv_target.so"));

        // The staged lepton finds its own core library (RPATH) and loads the plugin built here.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("LEPTON_PLUGIN_PATH", build);
        env.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
        env.insert("XDG_DATA_HOME", m_dir.filePath("data"));
        env.remove("LD_LIBRARY_PATH");
        r = run(stage + "/bin/lepton", {"plugins", "--json"}, env);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QJsonArray plugins = QJsonDocument::fromJson(r.out).object().value("plugins").toArray();
        QCOMPARE(plugins.size(), 1);
        const QJsonObject p = plugins.first().toObject();
        QCOMPARE(p.value("id").toString(), QString("cpp-opencv-target"));
        QCOMPARE(p.value("state").toString(), QString("loaded"));
        QVERIFY(p.value("file").toString().startsWith(QDir(build).canonicalPath()));
        r = run(stage + "/bin/lepton", {"export", "--list-targets", "--json"}, env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("\"cpp-opencv\""));
    }

    // The example model plugin (layer type + template; LAYER_API: LibTorch and ONNX protobuf) built
    // out of tree against the same staged SDK, then used by the staged `lepton`.
    void buildAModelPluginOutOfTree()
    {
        const QString cmake = QStandardPaths::findExecutable("cmake");
        const QString stage = m_dir.filePath("stage");
        QVERIFY2(QFile::exists(stage + "/bin/lepton"), "buildAPluginOutOfTree stages the SDK first");
        QVERIFY(QFile::exists(stage + "/include/lepton-workbench/plugin/modelproviderplugin.h"));
        for (const char *h : {"layerkit.h", "torchlayers.h", "onnxlayers.h"})
            QVERIFY(QFile::exists(stage + "/include/lepton-workbench/graph/internal/" + h));   // layer-author API
        QVERIFY(!QFile::exists(stage + "/include/lepton-workbench/graph/internal/graphmodule.h"));   // private

        const QString src = m_dir.filePath("model-plugin-src");
        QVERIFY(QDir().mkpath(src));
        for (const char *f : {"CMakeLists.txt", "seblock.cpp", "seblock.json"})
            QVERIFY(QFile::copy(QStringLiteral(LEPTON_SOURCE_DIR "/plugins/se-block/") + f, src + "/" + f));
        const QString build = m_dir.filePath("model-plugin-build");
        Run r = run(cmake, {"-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + stage});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        r = run(cmake, {"--build", build});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY(QFile::exists(build + "/liblepton_se_block.so"));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("LEPTON_PLUGIN_PATH", build);
        env.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
        env.insert("XDG_DATA_HOME", m_dir.filePath("data"));
        env.remove("LD_LIBRARY_PATH");
        r = run(stage + "/bin/lepton", {"plugins", "--json"}, env);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QJsonArray plugins = QJsonDocument::fromJson(r.out).object().value("plugins").toArray();
        QCOMPARE(plugins.size(), 1);
        QCOMPARE(plugins.first().toObject().value("id").toString(), QString("se-block"));
        QCOMPARE(plugins.first().toObject().value("state").toString(), QString("loaded"));

        // Its template sizes and validates in the staged CLI (shape rule from the plugin).
        const QString project = m_dir.filePath("sdk.lepton");
        r = run(stage + "/bin/lepton", {"new", project}, env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run(stage + "/bin/lepton",
                {"arch", project, "--template", "se-cnn", "--input", "3x32x32", "--classes", "5", "--summary", "--json"}, env);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QVERIFY(summary.value("valid").toBool());
        QCOMPARE(summary.value("output_shape").toString(), QString("5"));
    }
};

QTEST_GUILESS_MAIN(TestSdk)
#include "tst_sdk.moc"
