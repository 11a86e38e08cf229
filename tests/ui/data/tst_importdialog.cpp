// The import dialog's CSV sources, offscreen: scikit-learn's iris.csv (python3-sklearn) is read as
// it is typed in; its counts line is detected and "Lines to skip" set to 1, the columns are
// offered as label columns (the last chosen), image-only settings are disabled for tabular data,
// and the options the dialog returns import the file (the same call the Data dock's worker makes).
#include "data/importdialog.h"
#include "widgetlookup.h"

#include "data/tabularimport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using Testing::child;

namespace {
const QString kIris = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv");
}

class TestImportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tabularCsvFromTheDialog()
    {
        QVERIFY2(QFile::exists(kIris), "iris.csv missing: install Debian's python3-sklearn");
        ImportDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto source = child<QComboBox>(&dialog, "importSourceCombo");
        source->setCurrentIndex(source->findData(int(ImportDialog::Source::TabularCsv)));
        QCOMPARE(dialog.source(), ImportDialog::Source::TabularCsv);
        QVERIFY(!child<QSpinBox>(&dialog, "importWidthSpin")->isEnabled());   // features, not pixels
        auto ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());

        QTest::keyClicks(child<QLineEdit>(&dialog, "importPathEdit"), kIris);
        QCOMPARE(child<QSpinBox>(&dialog, "importSkipRowsSpin")->value(), 1);
        const QString note = child<QLabel>(&dialog, "importLayoutNote")->text();
        QVERIFY2(note.contains("5 columns") && note.contains("set to 1"), qPrintable(note));
        auto label = child<QComboBox>(&dialog, "importLabelColumnCombo");
        QCOMPARE(label->count(), 5);
        QCOMPARE(label->currentIndex(), 4);
        QVERIFY(ok->isEnabled());

        const CsvOptions options = dialog.csvOptions();
        QCOMPARE(options.skipRows, 1);
        auto imported = importTabularCsv(dialog.path(), options);
        QVERIFY2(imported.ok(), qPrintable(imported.error()));
        QCOMPARE(imported->samples.size(), 150);
        QCOMPARE(imported->info.classes, (QStringList{"setosa", "versicolor", "virginica"}));

        // Told to skip nothing, the counts line is a data row like any other: reported (not a
        // number), the 150 rows imported, the classes named by their label values.
        child<QSpinBox>(&dialog, "importSkipRowsSpin")->setValue(0);
        QCOMPARE(label->itemText(2), QStringLiteral("column 2"));   // no header line
        auto noSkip = importTabularCsv(dialog.path(), dialog.csvOptions());
        QVERIFY2(noSkip.ok(), qPrintable(noSkip.error()));
        QCOMPARE(noSkip->samples.size(), 150);
        QCOMPARE(noSkip->info.classes, (QStringList{"0", "1", "2"}));
        QCOMPARE(noSkip->issues.size(), 1);
        QCOMPARE(noSkip->issues[0].path, QStringLiteral("iris.csv:1"));
        QVERIFY2(noSkip->issues[0].reason.contains("'setosa' is not a number"), qPrintable(noSkip->issues[0].reason));
        // "Numeric target" makes the chosen column a regression target: iris' petal width (column
        // 3) predicted from the other measurements and the species code.
        child<QSpinBox>(&dialog, "importSkipRowsSpin")->setValue(1);
        auto regression = child<QCheckBox>(&dialog, "importRegressionCheck");
        QVERIFY(regression->isVisible());
        QVERIFY(!dialog.csvOptions().regression);
        regression->click();
        label->setCurrentIndex(3);
        const CsvOptions numeric = dialog.csvOptions();
        QVERIFY(numeric.regression);
        auto regressed = importTabularCsv(dialog.path(), numeric);
        QVERIFY2(regressed.ok(), qPrintable(regressed.error()));
        QCOMPARE(regressed->info.task, QStringLiteral("regression"));
        QCOMPARE(regressed->info.targetName, QStringLiteral("3"));   // no header line: the index
        QVERIFY(regressed->info.classes.isEmpty());
        QCOMPARE(regressed->samples.first().target, 0.2);
        // Left undecided (the core's default), such a file is refused, naming the option.
        CsvOptions undecided;
        auto refused = importTabularCsv(dialog.path(), undecided);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains("--skip-rows 1"), qPrintable(refused.error()));
        // Images have no numeric target here: the box goes with the CSV settings.
        source->setCurrentIndex(source->findData(int(ImportDialog::Source::ImageFolder)));
        QVERIFY(!regression->isVisible());
    }

    void pathListCsvKeepsImageSettings()
    {
        QTemporaryDir dir;
        QFile list(dir.filePath("list.csv"));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("file,label\na.png,cat\n");
        list.close();
        ImportDialog dialog;
        auto source = child<QComboBox>(&dialog, "importSourceCombo");
        source->setCurrentIndex(source->findData(int(ImportDialog::Source::PathListCsv)));
        QVERIFY(child<QSpinBox>(&dialog, "importWidthSpin")->isEnabled());
        child<QLineEdit>(&dialog, "importPathEdit")->setText(list.fileName());
        QCOMPARE(child<QSpinBox>(&dialog, "importSkipRowsSpin")->value(), 0);
        auto label = child<QComboBox>(&dialog, "importLabelColumnCombo");
        QCOMPARE(label->count(), 2);
        QCOMPARE(label->currentText(), QStringLiteral("label"));
        QCOMPARE(dialog.csvOptions().labelColumn, QStringLiteral("label"));
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
