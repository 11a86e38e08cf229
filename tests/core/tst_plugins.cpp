// The plugin manager on real plugin files: the example deployment-target plugin loads and registers
// its target; each deliberately broken plugin (tests/fixtures/plugins) is reported with the error
// that names what is wrong, and the process carries on; a target that throws during export gives
// an error instead of taking the caller down.
#include "plugin/pluginmanager.h"

#include "deploy/exporttarget.h"

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
                                           QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins"), m_dir.path()});
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

    void loadingTwiceChangesNothing()
    {
        const int before = PluginManager::instance().plugins().size();
        PluginManager::instance().loadAll({QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins")});
        QCOMPARE(PluginManager::instance().plugins().size(), before);
        QCOMPARE(before, 8);   // the example, six broken fixtures, the fake file
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
