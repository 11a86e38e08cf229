// Help > Plugins on real plugin files: one row per plugin found with its state and error, and the
// Enabled checkbox persisting the choice for the next start.
#include "pluginsdialog.h"

#include "plugin/pluginmanager.h"
#include "widgetlookup.h"

#include <QCheckBox>
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
        QCOMPARE(plugins.size(), 7);
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
