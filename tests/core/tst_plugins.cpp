// The plugin manager on real plugin files: the example deployment-target plugin loads and registers
// its target; each deliberately broken plugin (tests/fixtures/plugins) is reported with the error
// that names what is wrong, and the process carries on; a target that throws during export gives
// an error instead of taking the caller down.
#include "plugin/pluginmanager.h"

#include "deploy/exporttarget.h"
#include "graph/layerregistry.h"
#include "graph/templates.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

class TestPlugins : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A file that merely looks like a plugin.
        QFile fake(m_dir.filePath("libfake_plugin.so"));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("this is not an ELF file");
        fake.close();
        PluginManager::instance().loadAll({QStringLiteral(LEPTON_BINARY_DIR "/lib/lepton-workbench/plugins"),
                                           QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins"),
                                           QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-model-plugins"), m_dir.path()});
    }

    void examplePluginLoads()
    {
        const PluginInfo p = find("cpp-opencv-target");
        QCOMPARE(p.stateText(), QString("loaded"));
        QVERIFY(p.error.isEmpty());
        QCOMPARE(p.kind, QString("export"));
        QCOMPARE(p.iid, QString("org.lepton.ExportTarget/1"));
        QCOMPARE(p.provides, QStringList({"export target 'cpp-opencv'"}));
        const auto target = ExportTargetRegistry::instance().find("cpp-opencv");
        QVERIFY(target);
        QVERIFY(target->writesFolder());
        QVERIFY(target->description().contains("[plugin cpp-opencv-target]"));
        QCOMPARE(target->options().size(), 1);
        QCOMPARE(target->options().first().name, QString("opset"));
    }

    void brokenPluginsAreReported_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("error");
        QTest::newRow("wrong IID") << "broken-wrong-iid"
                                   << "interface 'org.lepton.ExportTarget/9' is not one this build offers";
        QTest::newRow("bad metadata") << "liblepton_broken_bad_metadata"
                                      << "metadata lacks id, version (each must be a non-empty string)";
        QTest::newRow("incompatible") << "broken-incompatible"
                                      << "incompatible: the plugin supports API 0.5.0 to 0.9.0, this build offers 1.0.0";
        QTest::newRow("throws in init") << "broken-throws-in-init" << "exportTargets() threw: init failed on purpose";
        QTest::newRow("missing symbol") << "broken-missing-symbol" << "lepton_fixture_symbol_nobody_defines";
        QTest::newRow("not a plugin") << "libfake_plugin" << "not a Qt plugin";
    }

    void brokenPluginsAreReported()
    {
        QFETCH(QString, id);
        QFETCH(QString, error);
        const PluginInfo p = find(id);
        QCOMPARE(p.stateText(), QString("failed"));
        QVERIFY2(p.error.contains(error), qPrintable(p.error));
        QVERIFY(p.provides.isEmpty());
        QVERIFY(!p.file.isEmpty());
    }

    void throwingExportIsContained()
    {
        const PluginInfo p = find("broken-throws-in-export");
        QCOMPARE(p.stateText(), QString("loaded"));
        const auto target = ExportTargetRegistry::instance().find("throws-on-export");
        QVERIFY(target);
        auto r = runExportTarget(*target, m_dir.filePath("none.lepton"), 1, m_dir.filePath("x.bin"), {});
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains("plugin 'broken-throws-in-export', export target 'throws-on-export' threw: "
                                    "export failed on purpose"),
                 qPrintable(r.error()));
    }

    // The example model plugin's layer type and template join the registries, marked with it.
    void modelPluginRegistersLayerAndTemplate()
    {
        const PluginInfo p = find("se-block");
        QCOMPARE(p.stateText(), QString("loaded"));
        QCOMPARE(p.kind, QString("model"));
        QCOMPARE(p.provides, QStringList({"layer type 'SqueezeExcite'", "template 'se-cnn'"}));
        const LayerType *se = LayerRegistry::instance().find("SqueezeExcite");
        QVERIFY(se && se->torch && se->onnx);
        QCOMPARE(se->provider, QString("se-block"));
        QCOMPARE(LayerRegistry::instance().find("Conv2d")->provider, QString());
        bool listed = false;
        for (const ArchitectureTemplate &t : architectureTemplates())
            listed = listed || (t.name == "se-cnn" && t.provider == "se-block");
        QVERIFY(listed);

        auto graph = makeTemplate("se-cnn", TensorShape{{3, 16, 16}}, 4);
        QVERIFY2(graph.ok(), qPrintable(graph.error()));
        const GraphAnalysis a = analyzeGraph(graph.value());
        QVERIFY2(a.valid(), qPrintable(a.errors.join("; ")));
        QCOMPARE(a.outputShape.toString(), QString("4"));
        // Saved graphs name the plugin of each plugin type; the JSON round trip keeps the map.
        const QByteArray json = graph->toJson();
        QVERIFY(json.contains("\"SqueezeExcite\": \"se-block\""));
        auto back = ModelGraph::fromJson(json);
        QVERIFY(back.ok());
        QCOMPARE(back->plugins.value("SqueezeExcite"), QString("se-block"));
        QCOMPARE(back->toJson(), json);
        // A template for a tabular input is refused by the host before the plugin is called.
        QVERIFY(!makeTemplate("se-cnn", TensorShape{{30}}, 4).ok());
    }

    void brokenModelPluginsAreReported()
    {
        const PluginInfo clash = find("layer-clash");
        QCOMPARE(clash.stateText(), QString("failed"));
        QCOMPARE(clash.error, QString("layer type 'Conv2d' is already provided by the workbench"));
        QVERIFY(!LayerRegistry::instance().find("Gate"));   // all or nothing
        QCOMPARE(find("throws-in-forward").stateText(), QString("loaded"));
        QCOMPARE(LayerRegistry::instance().find("Boom")->provider, QString("throws-in-forward"));
    }

    // A type nobody provides: the graph still parses and analyses, the node carries the reason,
    // naming the plugin recorded in the file; the rest of the graph gets its shapes.
    void missingPluginTypeIsNamedOnTheNode()
    {
        const QByteArray json = R"({"format": "lepton-graph", "version": 1, "name": "g",
            "plugins": {"Swish2": "gone-plugin"}, "nodes": [
            {"id": "input", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}, "inputs": []},
            {"id": "conv", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3}, "inputs": ["input"]},
            {"id": "act", "type": "Swish2", "params": {}, "inputs": ["conv"]}]})";
        auto graph = ModelGraph::fromJson(json);
        QVERIFY(graph.ok());
        const GraphAnalysis a = analyzeGraph(graph.value());
        QVERIFY(!a.valid());
        QCOMPARE(a.errors, QStringList({"node 'act' (Swish2): layer type 'Swish2' comes from plugin 'gone-plugin', "
                                        "which is not loaded (see Help > Plugins or `lepton plugins`)"}));
        QCOMPARE(a.nodes[1].outputShape.toString(), QString("4×6×6"));
        // Saving it again keeps the record of the missing plugin.
        QVERIFY(graph->toJson().contains("\"Swish2\": \"gone-plugin\""));
    }

    void loadingTwiceChangesNothing()
    {
        const int before = PluginManager::instance().plugins().size();
        PluginManager::instance().loadAll({QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins")});
        QCOMPARE(PluginManager::instance().plugins().size(), before);
        QCOMPARE(before, 11);   // two examples, six broken + two broken model fixtures, the fake file
    }

private:
    static PluginInfo find(const QString &id)
    {
        for (const PluginInfo &p : PluginManager::instance().plugins())
            if (p.id == id)
                return p;
        QTest::qFail(qPrintable(QStringLiteral("no plugin '%1' was found").arg(id)), __FILE__, __LINE__);
        return {};
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPlugins)
#include "tst_plugins.moc"
