// CSV import: tabular CSV with the broken-row fixture (ragged, non-numeric, empty label), a
// missing label column, scikit-learn's counts line (refused without --skip-rows, class names
// taken with it), iris from python3-sklearn (150 rows, 3 classes, 4 features) trained with the
// MLP template well above chance, and path,label lists with missing and corrupt images.
#include "data/augment.h"
#include "data/tabularimport.h"
#include "deploy/exporttarget.h"
#include "eval/evaluator.h"
#include "graph/templates.h"
#include "project/projectstore.h"
#include "train/trainer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

#include <cstring>

using namespace lepton;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(LEPTON_SOURCE_DIR "/tests/fixtures/data/") + name;
}

const QString kIris = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv");

QVector<float> features(const SampleRecord &s)
{
    QVector<float> v(s.pixels.size() / qsizetype(sizeof(float)));
    memcpy(v.data(), s.pixels.constData(), size_t(s.pixels.size()));
    return v;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestTabularImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badRowsAreReportedPerLine()
    {
        CsvOptions o;
        o.labelColumn = QStringLiteral("species");
        auto data = importTabularCsv(fixture("tabular_bad.csv"), o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.kind, QStringLiteral("tabular"));
        QCOMPARE(data->info.channels, 3);
        QCOMPARE(data->info.height, 1);
        QCOMPARE(data->info.classes, (QStringList{"a", "b", "c"}));
        QCOMPARE(data->samples.size(), 4);
        QCOMPARE(features(data->samples[1]), (QVector<float>{1.5f, 2.5f, 3.5f}));
        QCOMPARE(data->samples[1].label, 1);
        QCOMPARE(data->samples[1].path, QStringLiteral("tabular_bad.csv#L3"));
        QCOMPARE(data->issues.size(), 3);
        QCOMPARE(data->issues[0].path, QStringLiteral("tabular_bad.csv:4"));
        QCOMPARE(data->issues[0].reason, QStringLiteral("column 'f2' (1): 'x' is not a number"));
        QCOMPARE(data->issues[1].path, QStringLiteral("tabular_bad.csv:5"));
        QCOMPARE(data->issues[1].reason, QStringLiteral("3 fields, expected 4"));
        QCOMPARE(data->issues[2].path, QStringLiteral("tabular_bad.csv:6"));
        QCOMPARE(data->issues[2].reason, QStringLiteral("empty label (column 'species')"));
        // The label column by index gives the same.
        o.labelColumn = QStringLiteral("3");
        QCOMPARE(importTabularCsv(fixture("tabular_bad.csv"), o)->samples.size(), 4);
    }

    void missingLabelColumnIsNamed()
    {
        CsvOptions o;
        o.labelColumn = QStringLiteral("label");
        auto data = importTabularCsv(fixture("tabular_bad.csv"), o);
        QVERIFY(!data.ok());
        QVERIFY2(data.error().contains("no label column 'label' (columns: f1, f2, f3, species)"), qPrintable(data.error()));
        o.labelColumn = QStringLiteral("9");
        QVERIFY(!importTabularCsv(fixture("tabular_bad.csv"), o).ok());
    }

    void countsLineNeedsSkipRows()
    {
        CsvOptions o;
        auto refused = importTabularCsv(fixture("counts_header.csv"), o);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains("scikit-learn counts line (4 samples, 2 features)"), qPrintable(refused.error()));
        QVERIFY2(refused.error().contains("--skip-rows 1"), qPrintable(refused.error()));
        auto layout = detectCsvLayout(fixture("counts_header.csv"));
        QVERIFY(layout.ok());
        QCOMPARE(layout->suggestedSkipRows, 1);
        QCOMPARE(layout->columns, 3);
        o.skipRows = 1;
        auto data = importTabularCsv(fixture("counts_header.csv"), o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.classes, (QStringList{"low", "high"}));
        QCOMPARE(data->samples.size(), 4);
        QCOMPARE(data->samples[3].label, 1);
        QCOMPARE(features(data->samples[3]), (QVector<float>{0.7f, 0.8f}));
        // Skipping nothing on purpose reads the counts line as data (then its label "low" is a class).
        o.skipRows = 0;
        auto raw = importTabularCsv(fixture("counts_header.csv"), o);
        QVERIFY(!raw.ok() || raw->issues.size() == 1);
    }

    void irisTrainsWellAboveChance()
    {
        QVERIFY2(QFile::exists(kIris), "iris.csv missing: install Debian's python3-sklearn");
        CsvOptions o;
        o.skipRows = 1;
        auto data = importTabularCsv(kIris, o);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->samples.size(), 150);
        QCOMPARE(data->info.channels, 4);
        QCOMPARE(data->info.classes, (QStringList{"setosa", "versicolor", "virginica"}));
        QVERIFY(data->issues.isEmpty());
        QCOMPARE(features(data->samples[0]), (QVector<float>{5.1f, 3.5f, 1.4f, 0.2f}));

        QTemporaryDir dir;
        const QString path = dir.filePath("iris.lepton");
        auto store = ProjectStore::create(path);
        QVERIFY(store.ok());
        auto datasetId = importIntoProject(*store.value(), data.value());
        QVERIFY2(datasetId.ok(), qPrintable(datasetId.error()));
        // Standardization from the training split.
        auto stats = trainingSplitStatistics(*store.value(), datasetId.value());
        QVERIFY2(stats.ok(), qPrintable(stats.error()));
        QCOMPARE(stats->mean.size(), 4);
        AugmentationPipeline standardize;
        AugmentOp n = makeAugmentOp("normalize");
        n.mean = stats->mean;
        n.std = stats->std;
        standardize.ops << n;
        QVERIFY(setDatasetAugmentation(*store.value(), datasetId.value(), standardize).ok());

        auto graph = makeTemplate("mlp", TensorShape{{4}}, 3);
        QVERIFY2(graph.ok(), qPrintable(graph.error()));
        auto arch = store.value()->addArchitecture("mlp", QString::fromUtf8(graph->toJson()));
        QVERIFY(arch.ok());
        TrainConfig config;
        config.epochs = 40;   // 120 training rows: 15 epochs stop too early on the 15-sample validation split
        config.batchSize = 16;
        config.learningRate = 0.01;
        auto trained = trainModel(path, datasetId.value(), arch.value(), config);
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        auto eval = evaluateModel(path, trained->modelVersionId, Split::Test);
        QVERIFY2(eval.ok(), qPrintable(eval.error()));
        QCOMPARE(eval->samples, 15);
        QVERIFY2(eval->metrics.accuracy >= 0.8, qPrintable(QString::number(eval->metrics.accuracy)));   // chance: 1/3

        // Exports of a tabular model take feature rows (verified like any export); a package,
        // whose runner takes images, is refused with the reason.
        for (const char *id : {"torchscript", "onnx"}) {
            auto target = ExportTargetRegistry::instance().find(QLatin1String(id));
            auto result = runExportTarget(*target, path, trained->modelVersionId, dir.filePath(target->defaultOutputName()),
                                          ExportSettings{});
            QVERIFY2(result.ok(), qPrintable(result.error()));
            QVERIFY2(result->passed, qPrintable(result->failure));
            QVERIFY(result->verified.first().verification.maxAbsDiff < 1e-4);
        }
        auto package = runExportTarget(*ExportTargetRegistry::instance().find(QStringLiteral("package")), path,
                                       trained->modelVersionId, dir.filePath(QStringLiteral("package")), ExportSettings{});
        QVERIFY(!package.ok());
        QVERIFY2(package.error().contains("tabular dataset 'iris'") && package.error().contains("TorchScript or ONNX"),
                 qPrintable(package.error()));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("package"))));
    }

    void pathListWithBrokenRows()
    {
        QTemporaryDir dir;
        auto png = [](int value) {
            std::vector<uchar> buf;
            cv::imencode(".png", cv::Mat(6, 6, CV_8UC1, cv::Scalar(value)), buf);
            return QByteArray(reinterpret_cast<const char *>(buf.data()), qsizetype(buf.size()));
        };
        writeFile(dir.filePath("img/one.png"), png(10));
        writeFile(dir.filePath("img/two.png"), png(200));
        writeFile(dir.filePath("img/three.png"), png(90));
        writeFile(dir.filePath("img/corrupt.png"), "not a png");
        writeFile(dir.filePath("list.tsv"), "file\tclass\nimg/one.png\tcat\nimg/two.png\tdog\nimg/missing.png\tdog\n"
                                            "img/corrupt.png\tcat\nimg/three.png\n../img/three.png\tcat\timg\n"
                                            "img/three.png\tcat\n");
        CsvOptions o;
        ImportOptions image;
        image.width = image.height = 4;
        auto data = importPathListCsv(dir.filePath("list.tsv"), o, image);
        QVERIFY2(data.ok(), qPrintable(data.error()));
        QCOMPARE(data->info.classes, (QStringList{"cat", "dog"}));
        QCOMPARE(data->samples.size(), 3);
        QCOMPARE(data->samples[0].pixels.size(), 16);
        QCOMPARE(uchar(data->samples[1].pixels[0]), uchar(200));
        QCOMPARE(data->issues.size(), 4);
        QVERIFY2(data->issues[0].path.startsWith("list.tsv:6"), qPrintable(data->issues[0].path));   // 1 field
        QVERIFY2(data->issues[1].path.startsWith("list.tsv:7"), qPrintable(data->issues[1].path));   // 3 fields
        QVERIFY2(data->issues[2].path.startsWith("list.tsv:4"), qPrintable(data->issues[2].path));   // missing file
        QVERIFY2(data->issues[2].reason.startsWith("cannot read"), qPrintable(data->issues[2].reason));
        QVERIFY2(data->issues[3].reason.contains("not an image"), qPrintable(data->issues[3].reason));
    }
};

QTEST_GUILESS_MAIN(TestTabularImport)
#include "tst_tabularimport.moc"
