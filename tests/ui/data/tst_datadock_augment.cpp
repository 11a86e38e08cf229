// The Data dock's augmentation editor, offscreen, on a tiny image dataset: adding an operation
// and changing a parameter refresh the preview; the preview is exactly core's augmentPreview();
// probability 0 shows the sample unchanged; Save stores the pipeline in the project.
#include "data/augmentationeditor.h"
#include "data/classcountchart.h"
#include "data/datadock.h"
#include "projectcontext.h"

#include "data/augment.h"
#include "project/projectstore.h"
#include "widgetlookup.h"

#include <QBarSet>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using Testing::child;

namespace {

constexpr int kSize = 8;

// An asymmetric 8x8 gray pattern: a bright top-left corner block and a gradient.
QByteArray pattern(int k)
{
    QByteArray p(kSize * kSize, 0);
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x)
            p[y * kSize + x] = char((x < 3 && y < 2) ? 255 : (x * 20 + y * 5 + k) % 200);
    return p;
}

QImage shown(QLabel *label)
{
    return label->pixmap().toImage().convertToFormat(QImage::Format_RGB32);
}

QImage expectedImage(const QByteArray &pixels)
{
    SampleRecord s;
    s.pixels = pixels;
    return sampleImage(s, 1, kSize, kSize).scaled(72, 72, Qt::KeepAspectRatio, Qt::FastTransformation)
        .convertToFormat(QImage::Format_RGB32);
}

} // namespace

class TestDataDockAugment : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath("tiny.lepton");
        auto store = ProjectStore::create(m_path);
        QVERIFY2(store.ok(), qPrintable(store.error()));
        DatasetInfo info;
        info.name = "tiny";
        info.kind = "image-folder";
        info.channels = 1;
        info.height = kSize;
        info.width = kSize;
        info.classes = {"a", "b"};
        QVector<SampleRecord> samples;
        for (int i = 0; i < 6; ++i) {
            SampleRecord s;
            s.path = QStringLiteral("%1/%2.png").arg(i % 2 ? "b" : "a").arg(i);
            s.label = i % 2;
            s.pixels = pattern(i);
            samples << s;
        }
        auto id = store.value()->addDataset(info, samples);
        QVERIFY2(id.ok(), qPrintable(id.error()));
        m_datasetId = id.value();
    }

    // Opened with no operations, the preview already shows the sample (and its unchanged draws).
    void previewShownOnOpen()
    {
        ProjectContext project;
        DataDock dock(&project);   // as in the main window: the dock exists before the project opens
        dock.resize(900, 600);
        dock.show();
        QVERIFY(project.open(m_path).ok());
        auto *editor = child<AugmentationEditor>(&dock, "dataAugmentation");
        QVERIFY(editor);
        child<QTabWidget>(&dock, "dataTabs")->setCurrentWidget(editor);
        const QByteArray original = store(project)->samples(m_datasetId, Split::Train, true, 1)->first().pixels;
        QTRY_COMPARE(shown(child<QLabel>(editor, "augmentPreview0")), expectedImage(original));
        QTRY_COMPARE(shown(child<QLabel>(editor, "augmentPreview1")), expectedImage(original));

        // The class balance chart: a bar per class, stacked by split (all six samples are training).
        auto chart = child<ClassCountChart>(&dock, "dataClassChart");
        QVERIFY(chart && chart->series());
        QCOMPARE(chart->categories(), QStringList({"a", "b"}));
        QCOMPARE(chart->series()->count(), 3);
        QCOMPARE(chart->series()->barSets().at(0)->label(), QStringLiteral("train"));
        QCOMPARE(chart->series()->barSets().at(0)->at(0), 3.0);
        QCOMPARE(chart->series()->barSets().at(0)->at(1), 3.0);
        QCOMPARE(chart->series()->barSets().at(2)->at(1), 0.0);
    }

    // A regression dataset: the table gives the target's statistics per split (hand-computed for
    // targets 1, 2, 3 in train, 4 in validation, 10 in test) and the chart its histogram.
    void regressionDatasetShowsTargets()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("prices.lepton");
        {
            auto created = ProjectStore::create(path);
            QVERIFY(created.ok());
            DatasetInfo info;
            info.name = "prices";
            info.kind = "tabular";
            info.task = "regression";
            info.targetName = "price";
            info.channels = 1;
            info.height = info.width = 1;
            QVector<SampleRecord> samples;
            const double targets[] = {1, 2, 3, 4, 10};
            const Split splits[] = {Split::Train, Split::Train, Split::Train, Split::Validation, Split::Test};
            for (int i = 0; i < 5; ++i) {
                SampleRecord s;
                s.path = QStringLiteral("prices.csv#L%1").arg(i + 2);
                s.target = targets[i];
                s.split = splits[i];
                const float feature = float(i);
                s.pixels = QByteArray(reinterpret_cast<const char *>(&feature), sizeof feature);
                samples << s;
            }
            QVERIFY(created.value()->addDataset(info, samples).ok());
        }
        ProjectContext project;
        DataDock dock(&project);
        dock.resize(900, 600);
        dock.show();
        QVERIFY(project.open(path).ok());
        QCOMPARE(child<QLabel>(&dock, "dataClassTitle")->text(), QStringLiteral("Target price"));
        auto table = child<QTableWidget>(&dock, "dataClassTable");
        QCOMPARE(table->rowCount(), 5);
        const auto row = [&](int r) {
            QStringList cells;
            for (int c = 0; c < 5; ++c)
                cells << table->item(r, c)->text();
            return cells;
        };
        QCOMPARE(row(0), (QStringList{"samples", "5", "3", "1", "1"}));
        QCOMPARE(row(1), (QStringList{"min", "1", "1", "4", "10"}));
        QCOMPARE(row(2), (QStringList{"mean", "4", "2", "4", "10"}));
        QCOMPARE(row(3), (QStringList{"max", "10", "3", "4", "10"}));
        QCOMPARE(row(4), (QStringList{"std", "3.1623", "0.8165", "0", "0"}));   // √10, √(2/3)
        auto chart = child<ClassCountChart>(&dock, "dataClassChart");
        QVERIFY(chart && chart->series());
        QCOMPARE(chart->categories().size(), 10);
        QCOMPARE(chart->categories().first(), QStringLiteral("1 – 1.9"));
        const QBarSet *train = chart->series()->barSets().at(0);
        QCOMPARE(train->at(0) + train->at(1) + train->at(2), 3.0);   // 1 → bin 0, 2 → bin 1, 3 → bin 2
        QCOMPARE(chart->series()->barSets().at(1)->at(3), 1.0);       // 4
        QCOMPARE(chart->series()->barSets().at(2)->at(9), 1.0);       // 10, the top bin
    }

    void parameterChangeUpdatesPreview()
    {
        ProjectContext project;
        QVERIFY(project.open(m_path).ok());
        DataDock dock(&project);
        dock.resize(900, 600);
        dock.show();
        auto *editor = child<AugmentationEditor>(&dock, "dataAugmentation");
        QVERIFY(editor);
        child<QTabWidget>(&dock, "dataTabs")->setCurrentWidget(editor);
        QSignalSpy updated(editor, &AugmentationEditor::previewUpdated);

        auto *add = child<QComboBox>(editor, "augmentAddCombo");
        add->setCurrentIndex(add->findData("rotate"));
        QTest::mouseClick(child<QPushButton>(editor, "augmentAddButton"), Qt::LeftButton);
        QTRY_VERIFY(updated.count() >= 1);
        QCOMPARE(child<QListWidget>(editor, "augmentOpList")->count(), 1);

        auto *firstPreview = child<QLabel>(editor, "augmentPreview1");
        const QImage before = shown(firstPreview);
        QVERIFY(!before.isNull());
        // The original is shown first, as stored.
        const QByteArray original = store(project)->samples(m_datasetId, Split::Train, true, 1)->first().pixels;
        QCOMPARE(shown(child<QLabel>(editor, "augmentPreview0")), expectedImage(original));

        // Rotate exactly 90 degrees: the preview changes and is what core computes for training.
        updated.clear();
        child<QDoubleSpinBox>(editor, "augmentParam_max_degrees")->setValue(90);
        child<QDoubleSpinBox>(editor, "augmentParam_min_degrees")->setValue(90);
        QTRY_VERIFY(updated.count() >= 1);
        QTRY_VERIFY(shown(firstPreview) != before);
        QCOMPARE(editor->pipeline().ops[0].param("min_degrees"), 90.0);
        auto reference = augmentPreview(editor->pipeline(), original, 1, kSize, kSize,
                                        AugmentationEditor::PreviewCount, 42);
        QVERIFY2(reference.ok(), qPrintable(reference.error()));
        for (int i = 0; i < AugmentationEditor::PreviewCount; ++i)
            QCOMPARE(shown(child<QLabel>(editor, QStringLiteral("augmentPreview%1").arg(i + 1))),
                     expectedImage(reference->at(i)));

        // Probability 0: every version is the sample itself.
        updated.clear();
        child<QDoubleSpinBox>(editor, "augmentProbability")->setValue(0);
        QTRY_VERIFY(updated.count() >= 1);
        QTRY_COMPARE(shown(firstPreview), expectedImage(original));

        // An invalid setting is named and blocks saving; fixing it re-enables Save.
        child<QDoubleSpinBox>(editor, "augmentParam_min_degrees")->setValue(100);
        auto *error = child<QLabel>(editor, "augmentError");
        QVERIFY(error->isVisibleTo(editor));
        QVERIFY2(error->text().contains("'min_degrees' = 100 is greater than 'max_degrees' = 90"), qPrintable(error->text()));
        auto *save = child<QPushButton>(editor, "augmentSaveButton");
        QVERIFY(!save->isEnabled());
        child<QDoubleSpinBox>(editor, "augmentParam_min_degrees")->setValue(-30);
        QVERIFY(save->isEnabled());

        QTest::mouseClick(save, Qt::LeftButton);
        auto stored = datasetAugmentation(*store(project), m_datasetId);
        QVERIFY2(stored.ok(), qPrintable(stored.error()));
        QCOMPARE(stored->toJson(), editor->pipeline().toJson());
        QVERIFY(!editor->isModified());
        dock.stopAndWait();
    }

    void normalizationFromTrainingSplit()
    {
        ProjectContext project;
        QVERIFY(project.open(m_path).ok());
        DataDock dock(&project);
        dock.show();
        auto *editor = child<AugmentationEditor>(&dock, "dataAugmentation");
        auto *add = child<QComboBox>(editor, "augmentAddCombo");
        add->setCurrentIndex(add->findData("normalize"));
        QTest::mouseClick(child<QPushButton>(editor, "augmentAddButton"), Qt::LeftButton);
        auto *list = child<QListWidget>(editor, "augmentOpList");
        QCOMPARE(list->item(list->count() - 1)->text().left(9), QStringLiteral("Normalize"));
        QTest::mouseClick(child<QPushButton>(editor, "augmentStatsButton"), Qt::LeftButton);
        auto expected = trainingSplitStatistics(*store(project), m_datasetId);
        QVERIFY(expected.ok());
        QTRY_COMPARE(editor->pipeline().ops.last().mean, expected->mean);
        QCOMPARE(editor->pipeline().ops.last().std, expected->std);
        dock.stopAndWait();
    }

private:
    static ProjectStore *store(ProjectContext &p) { return p.store(); }

    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_datasetId = 0;
};

QTEST_MAIN(TestDataDockAugment)
#include "tst_datadock_augment.moc"
