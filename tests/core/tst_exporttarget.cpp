// The ExportTarget interface: the registry of built-in targets, option checking, a throwing target
// kept from taking the caller down, and the tolerance rule on a real trained model (a verification
// beyond it is recorded as a failed export with its report, and no file or package is handed out).
#include "deploy/exporttarget.h"

#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include "trainedproject.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;

namespace {

class ThrowingTarget final : public ExportTarget
{
public:
    QString id() const override { return QStringLiteral("throws"); }
    QString name() const override { return QStringLiteral("Throws"); }
    QString description() const override { return QStringLiteral("throws from exportModel"); }
    QVector<ExportOptionSpec> options() const override
    {
        return {{QStringLiteral("level"), QStringLiteral("float"), 0.5, 0.0, 1.0, QStringLiteral("a level")},
                {QStringLiteral("fast"), QStringLiteral("bool"), false, 0, 0, QStringLiteral("a switch")},
                {QStringLiteral("label"), QStringLiteral("string"), QStringLiteral("x"), 0, 0, QStringLiteral("a name")}};
    }
    bool writesFolder() const override { return false; }
    QString defaultOutputName() const override { return QStringLiteral("out.bin"); }
    Result<ExportTargetResult> exportModel(const QString &, qint64, const QString &, const ExportSettings &,
                                           const ProgressFn &, const CancelToken &) const override
    {
        throw std::runtime_error("plugin bug");
    }
};

} // namespace

class TestExportTarget : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
    }

    void builtInTargets()
    {
        ExportTargetRegistry &r = ExportTargetRegistry::instance();
        QCOMPARE(r.ids().mid(0, 3), QStringList({"torchscript", "onnx", "package"}));
        QVERIFY(r.find("onnx"));
        QVERIFY(!r.find("tflite"));
        QVERIFY(r.find("package")->writesFolder());
        QCOMPARE(r.find("torchscript")->defaultOutputName(), QString("model.pt"));
        const Status dup = r.add(std::make_shared<ThrowingTarget>());
        QVERIFY2(dup.ok(), qPrintable(dup.error()));
        const Status again = r.add(std::make_shared<ThrowingTarget>());
        QVERIFY(!again.ok());
        QVERIFY2(again.error().contains("'throws' is already taken"), qPrintable(again.error()));
    }

    void optionsAreChecked()
    {
        const auto onnx = ExportTargetRegistry::instance().find("onnx");
        auto defaults = resolveExportOptions(*onnx, {});
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->value("opset").toInt(), 13);
        QCOMPARE(resolveExportOptions(*onnx, {{"opset", 11}})->value("opset").toInt(), 11);
        struct Bad
        {
            QJsonObject given;
            const char *message;
        };
        const Bad bad[] = {{{{"opset", 18}}, "option 'opset': 18 is outside 11..17"},
                           {{{"opset", 12.5}}, "option 'opset': expected a whole number"},
                           {{{"opset", "13"}}, "option 'opset': expected a whole number"},
                           {{{"speed", 1}}, "has no option 'speed' (options: opset)"}};
        for (const Bad &b : bad) {
            auto r = resolveExportOptions(*onnx, b.given);
            QVERIFY(!r.ok());
            QVERIFY2(r.error().contains(QLatin1String(b.message)), qPrintable(r.error()));
        }
        ThrowingTarget t;
        auto all = resolveExportOptions(t, {{"fast", true}});
        QVERIFY(all.ok());
        QCOMPARE(all.value(), QJsonObject({{"level", 0.5}, {"fast", true}, {"label", "x"}}));
        QVERIFY(!resolveExportOptions(t, {{"fast", 1}}).ok());
        QVERIFY(!resolveExportOptions(t, {{"label", 3}}).ok());
        QVERIFY(!resolveExportOptions(t, {{"level", 2.0}}).ok());
    }

    void throwingTargetIsContained()
    {
        ThrowingTarget t;
        auto r = runExportTarget(t, m_dir.filePath("none.lepton"), 1, m_dir.filePath("out.bin"), {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error(), QString("export target 'throws' failed: plugin bug"));
    }

    void toleranceDecides()
    {
        auto trained = Testing::makeTrainedDemoProject(m_dir.filePath("demo.lepton"));
        QVERIFY2(trained.ok(), qPrintable(trained.error()));
        const QString project = trained->project.projectPath;
        const qint64 model = trained->modelVersionId;
        const auto onnx = ExportTargetRegistry::instance().find("onnx");

        ExportSettings settings;
        settings.verifySamples = 200;
        auto passed = runExportTarget(*onnx, project, model, m_dir.filePath("ok.onnx"), settings);
        QVERIFY2(passed.ok(), qPrintable(passed.error()));
        QVERIFY(passed->passed);
        QCOMPARE(passed->verified.size(), 1);
        const ExportVerification &v = passed->verified.first().verification;
        QCOMPARE(v.samples, 200);
        QCOMPARE(v.tolerance, 1e-4);
        QVERIFY(v.maxAbsDiff > 0 && v.maxAbsDiff <= 1e-4);
        QVERIFY(QFileInfo(m_dir.filePath("ok.onnx")).isFile());

        // Just below the measured difference: the same file now fails, and only its report stays.
        settings.tolerance = v.maxAbsDiff / 2;
        auto failed = runExportTarget(*onnx, project, model, m_dir.filePath("strict.onnx"), settings);
        QVERIFY2(failed.ok(), qPrintable(failed.error()));
        QVERIFY(!failed->passed);
        QVERIFY(failed->path.isEmpty());
        QVERIFY(!QFileInfo::exists(m_dir.filePath("strict.onnx")));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("strict.onnx.partial")));
        QVERIFY2(failed->failure.contains("failed verification with OpenCV DNN"), qPrintable(failed->failure));
        const ExportOutcome &f = failed->verified.first();
        QCOMPARE(f.verification.maxAbsDiff, v.maxAbsDiff);   // same model, same samples, same runtime
        QVERIFY(!f.verification.passed);

        auto store = ProjectStore::open(project);
        QVERIFY(store.ok());
        auto exports = store.value()->exports();
        QVERIFY(exports.ok());
        const ExportInfo &record = exports->last();
        QCOMPARE(record.id, f.exportId);
        QCOMPARE(record.format, QString("onnx"));
        QVERIFY(record.sha256.isEmpty());
        QVERIFY(!exportRecordPassed(record.verificationJson));
        const QJsonObject stored = QJsonDocument::fromJson(record.verificationJson.toUtf8()).object();
        QCOMPARE(stored.value("tolerance_abs").toDouble(), v.maxAbsDiff / 2);
        QCOMPARE(stored.value("opset").toInt(), 13);
        QVERIFY(stored.value("failure").toString().contains("allowed"));

        // A package whose ONNX part fails leaves no folder and no archive behind.
        const auto package = ExportTargetRegistry::instance().find("package");
        const QString folder = m_dir.filePath("pkg");
        auto pkg = runExportTarget(*package, project, model, folder, settings);
        QVERIFY2(pkg.ok(), qPrintable(pkg.error()));
        QVERIFY(!pkg->passed);
        QCOMPARE(pkg->verified.size(), 2);   // TorchScript passed (bit-exact), ONNX did not
        QVERIFY(pkg->verified[0].verification.passed);
        QVERIFY(!pkg->verified[1].verification.passed);
        QVERIFY(!QFileInfo::exists(folder));
        QVERIFY(!QFileInfo::exists(folder + ".tar.gz"));

        // Bad settings are refused before anything is written.
        settings.tolerance = -1;
        auto negative = runExportTarget(*onnx, project, model, m_dir.filePath("neg.onnx"), settings);
        QVERIFY(!negative.ok());
        QVERIFY2(negative.error().contains("tolerance must be >= 0"), qPrintable(negative.error()));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestExportTarget)
#include "tst_exporttarget.moc"
