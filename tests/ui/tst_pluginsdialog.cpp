// Help > Plugins on real plugin files: one row per plugin found with its state and error, and the
// Enabled checkbox persisting the choice for the next start.
#include "pluginsdialog.h"

#include "architecture/graphdocument.h"
#include "architecture/grapheditor.h"
#include "architecture/graphscene.h"
#include "architecture/nodeitem.h"

#include "plugin/pluginmanager.h"
#include "widgetlookup.h"

#include <QCheckBox>
#include <QListWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using Testing::child;

class TestPluginsDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());   // settings of this test only
        PluginManager::instance().loadAll({QStringLiteral(LEPTON_BINARY_DIR "/lib/lepton-workbench/plugins"),
                                           QStringLiteral(LEPTON_BINARY_DIR "/tests/broken-plugins")});
    }

    void listsEveryPluginWithItsState()
    {
        PluginsDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto table = child<QTableWidget>(&dialog, "pluginsTable");
        QVERIFY(table);
        const QVector<PluginInfo> plugins = PluginManager::instance().plugins();
        QCOMPARE(table->rowCount(), plugins.size());
        QCOMPARE(plugins.size(), 8);   // 2 in-tree + 6 broken
        int failed = 0;
        for (int row = 0; row < table->rowCount(); ++row) {
            QCOMPARE(table->item(row, 4)->text(), plugins[row].stateText());
            if (plugins[row].state == PluginInfo::State::Failed) {
                ++failed;
                QCOMPARE(table->item(row, 5)->text(), plugins[row].error);   // the error, in full
            }
        }
        QCOMPARE(failed, 5);   // wrong IID, bad metadata, incompatible, throws in init, missing symbol
    }

    // A saved graph whose layer type comes from a plugin that is not loaded opens in the editor:
    // that node is marked with the plugin named, the others keep their shapes.
    void graphWithMissingPluginOpensWithTheNodeMarked()
    {
        GraphEditor editor;
        editor.resize(1000, 700);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const QByteArray json = R"({"format": "lepton-graph", "version": 1, "name": "g",
            "plugins": {"Swish2": "gone-plugin"}, "nodes": [
            {"id": "input", "type": "Input", "params": {"channels": 1, "height": 8, "width": 8}, "inputs": []},
            {"id": "conv", "type": "Conv2d", "params": {"out_channels": 4, "kernel_size": 3}, "inputs": ["input"]},
            {"id": "act", "type": "Swish2", "params": {}, "inputs": ["conv"]}]})";
        auto st = editor.document()->loadJson(json);
        QVERIFY2(st.ok(), qPrintable(st.error()));
        NodeItem *missing = editor.scene()->nodeItem("act");
        QVERIFY(missing);
        QVERIFY(missing->hasError());
        NodeItem *conv = editor.scene()->nodeItem("conv");
        QVERIFY(conv && !conv->hasError());
        QCOMPARE(conv->shapeText(), QString("→ 4×6×6"));
        bool named = false;
        for (int i = 0; i < editor.messageList()->count(); ++i)
            named = named || editor.messageList()->item(i)->text().contains("plugin 'gone-plugin', which is not loaded");
        QVERIFY(named);
        // Saving keeps the record, so the node is named again when the plugin is back.
        QVERIFY(editor.document()->toJson().contains("gone-plugin"));
    }

    void checkboxDisablesFromNextStart()
    {
        QVERIFY(PluginManager::isEnabled("cpp-opencv-target"));
        {
            PluginsDialog dialog;
            dialog.show();
            auto check = child<QCheckBox>(&dialog, "pluginEnabled-cpp-opencv-target");
            QVERIFY(check && check->isChecked());
            QTest::mouseClick(check, Qt::LeftButton);
            QVERIFY(!check->isChecked());
        }
        QVERIFY(!PluginManager::isEnabled("cpp-opencv-target"));
        PluginsDialog reopened;
        auto check = child<QCheckBox>(&reopened, "pluginEnabled-cpp-opencv-target");
        QVERIFY(!check->isChecked());
        QTest::mouseClick(check, Qt::LeftButton);
        QVERIFY(PluginManager::isEnabled("cpp-opencv-target"));
    }
};

QTEST_MAIN(TestPluginsDialog)
#include "tst_pluginsdialog.moc"
