#include "cliutil.h"
#include "commands.h"
#include "data/importer.h"
#include "data/reimport.h"
#include "data/tabularimport.h"
#include "deploy/deploymentpackage.h"
#include "deploy/exporttarget.h"
#include "deploy/onnxexport.h"
#include "deploy/packagemodel.h"
#include "deploy/packageserver.h"
#include "graph/modelgraph.h"
#include "pipeline/demopipeline.h"
#include "project/projectstore.h"
#include "runtime/runtimeconfig.h"
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>
#include <csignal>

namespace lepton::Cli {

int cmdDemo(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("workdir"), QStringLiteral("Folder for the project and the export."),
                        QStringLiteral("DIR")});
    p.parser.addOption({QStringLiteral("digits"), QStringLiteral("Digit sheet (default: OpenCV's digits.png)."),
                        QStringLiteral("PNG")});
    addTrainOptions(p.parser);
    if (int rc = parse(p, QStringLiteral("demo"),
                       QStringLiteral("Import OpenCV's digit sheet, train a small CNN, evaluate it on the test split "
                                      "and export it to TorchScript."),
                       args, {});
        rc >= 0)
        return rc;
    if (!p.parser.isSet(QStringLiteral("workdir")))
        return usageError(p.parser, QStringLiteral("--workdir is required"));
    DemoOptions options;
    options.workdir = p.parser.value(QStringLiteral("workdir"));
    options.digitSheetPath = p.parser.value(QStringLiteral("digits"));
    QString error;
    if (!readTrainOptions(p.parser, &options.train, &error))
        return usageError(p.parser, error);
    const bool json = p.parser.isSet(p.json);
    DemoObserver observer;
    observer.onStage = [](const QString &stage) { err() << "== " << stage << Qt::endl; };
    observer.train = printingObserver(false);
    auto report = runDemo(options, observer, cancelToken());
    if (!report)
        return fail(report.error());
    if (json)
        printJson(report->toJson());
    else
        out() << report->toText() << Qt::flush;
    return Ok;
}

int cmdNew(const QStringList &args)
{
    Parsed p;
    if (int rc = parse(p, QStringLiteral("new"), QStringLiteral("Create an empty project file."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QString path = p.parser.positionalArguments().first();
    auto store = ProjectStore::create(path);
    if (!store)
        return fail(store.error());
    if (p.parser.isSet(p.json))
        printJson({{"project", store.value()->path()}, {"schema_version", store.value()->schemaVersion()}});
    else
        out() << "created " << path << " (schema version " << store.value()->schemaVersion() << ")\n" << Qt::flush;
    return Ok;
}

int cmdImport(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({{QStringLiteral("digits"), QStringLiteral("digits-sheet")},
                        QStringLiteral("Import OpenCV's digit sheet (PNG)."), QStringLiteral("PNG")});
    p.parser.addOption({{QStringLiteral("folder"), QStringLiteral("image-folder")},
                        QStringLiteral("Import a folder of class_name/image files."), QStringLiteral("DIR")});
    p.parser.addOption({QStringLiteral("csv"),
                        QStringLiteral("Import a CSV/TSV: numeric features + a label column (--tabular, the default), "
                                       "or image paths + labels (--paths; paths relative to the file's folder)."),
                        QStringLiteral("FILE")});
    p.parser.addOption({QStringLiteral("tabular"), QStringLiteral("CSV: numeric feature columns and a label column.")});
    p.parser.addOption({QStringLiteral("paths"), QStringLiteral("CSV: a path column and a label column.")});
    p.parser.addOption({QStringLiteral("label-column"),
                        QStringLiteral("CSV: the label column, by header name or 0-based index (default: the last)."),
                        QStringLiteral("C")});
    p.parser.addOption({QStringLiteral("regression"),
                        QStringLiteral("CSV: the label column is a number to predict (a regression dataset: MSE "
                                       "training, MAE/RMSE/R² evaluation) instead of a class.")});
    p.parser.addOption({QStringLiteral("path-column"),
                        QStringLiteral("CSV --paths: the path column, by name or index (default: the first)."),
                        QStringLiteral("C")});
    p.parser.addOption({QStringLiteral("skip-rows"),
                        QStringLiteral("CSV: lines before the data or header (e.g. 1 for scikit-learn's counts line)."),
                        QStringLiteral("N")});
    p.parser.addOption({QStringLiteral("name"), QStringLiteral("Dataset name."), QStringLiteral("NAME")});
    p.parser.addOption({QStringLiteral("size"), QStringLiteral("Input size WxH (default 20x20)."), QStringLiteral("WxH")});
    p.parser.addOption({QStringLiteral("channels"), QStringLiteral("1 (grayscale) or 3 (colour), default 1."),
                        QStringLiteral("N")});
    p.parser.addOption({QStringLiteral("train"), QStringLiteral("Train fraction (default 0.8)."), QStringLiteral("F")});
    p.parser.addOption({QStringLiteral("val"), QStringLiteral("Validation fraction (default 0.1)."), QStringLiteral("F")});
    p.parser.addOption({QStringLiteral("seed"), QStringLiteral("Split seed (default 42)."), QStringLiteral("N")});
    p.parser.addOption({QStringLiteral("new"),
                        QStringLiteral("--folder: import as a new dataset even if the folder was imported before.")});
    p.parser.addOption({QStringLiteral("dataset"),
                        QStringLiteral("--folder: re-import into this dataset (default: the one imported from the "
                                       "folder); a different folder relocates it."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Re-import: report what changed, change nothing.")});
    p.parser.addOption({QStringLiteral("drop-missing"),
                        QStringLiteral("Re-import: remove the samples whose file is gone (default: report and keep them).")});
    if (int rc = parse(p, QStringLiteral("import"),
                       QStringLiteral("Import images or a CSV into a project as a new dataset. A folder imported before "
                                      "is re-imported incrementally: only new and changed files are read, moved and "
                                      "missing files are reported."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const bool digits = p.parser.isSet(QStringLiteral("digits"));
    const bool csv = p.parser.isSet(QStringLiteral("csv"));
    if (int(digits) + int(csv) + int(p.parser.isSet(QStringLiteral("folder"))) != 1)
        return usageError(p.parser, QStringLiteral("give exactly one of --digits, --folder or --csv"));
    const bool paths = p.parser.isSet(QStringLiteral("paths"));
    if (paths && p.parser.isSet(QStringLiteral("tabular")))
        return usageError(p.parser, QStringLiteral("give --tabular or --paths, not both"));
    CsvOptions csvOptions;
    csvOptions.labelColumn = p.parser.value(QStringLiteral("label-column"));
    csvOptions.pathColumn = p.parser.value(QStringLiteral("path-column"));
    csvOptions.regression = p.parser.isSet(QStringLiteral("regression"));
    if (csvOptions.regression && !csv)
        return usageError(p.parser, QStringLiteral("--regression goes with --csv (a numeric target column)"));
    ImportOptions o;
    o.name = p.parser.value(QStringLiteral("name"));
    QString error;
    if (p.parser.isSet(QStringLiteral("size"))) {
        const QStringList wh = p.parser.value(QStringLiteral("size")).toLower().split(QLatin1Char('x'));
        bool okW = false, okH = false;
        if (wh.size() == 2) {
            o.width = wh[0].toInt(&okW);
            o.height = wh[1].toInt(&okH);
        }
        if (!okW || !okH)
            return usageError(p.parser, QStringLiteral("--size must look like 28x28"));
    }
    if (!intOption(p.parser, QStringLiteral("channels"), &o.channels, 1, &error))
        return usageError(p.parser, error);
    int seed = int(o.seed);
    if (!intOption(p.parser, QStringLiteral("seed"), &seed, 0, &error))
        return usageError(p.parser, error);
    o.seed = quint32(seed);
    if (p.parser.isSet(QStringLiteral("train")))
        o.trainFraction = p.parser.value(QStringLiteral("train")).toDouble();
    if (p.parser.isSet(QStringLiteral("val")))
        o.validationFraction = p.parser.value(QStringLiteral("val")).toDouble();
    if (!intOption(p.parser, QStringLiteral("skip-rows"), &csvOptions.skipRows, 0, &error))
        return usageError(p.parser, error);
    csvOptions.name = o.name;
    csvOptions.seed = o.seed;
    csvOptions.trainFraction = o.trainFraction;
    csvOptions.validationFraction = o.validationFraction;
    auto store = ProjectStore::open(p.parser.positionalArguments().first());
    if (!store)
        return fail(store.error());
    const bool json = p.parser.isSet(p.json);
    const bool folder = p.parser.isSet(QStringLiteral("folder"));
    const bool reimportOnly = p.parser.isSet(QStringLiteral("dry-run")) || p.parser.isSet(QStringLiteral("drop-missing"));
    if (!folder && (reimportOnly || p.parser.isSet(QStringLiteral("dataset"))))
        return usageError(p.parser, QStringLiteral("--dataset, --dry-run and --drop-missing re-import an image folder (--folder)"));
    if (folder && !p.parser.isSet(QStringLiteral("new"))) {
        const QString dir = p.parser.value(QStringLiteral("folder"));
        qint64 existing = 0;
        if (p.parser.isSet(QStringLiteral("dataset"))) {
            int id = 0;
            if (!intOption(p.parser, QStringLiteral("dataset"), &id, 1, &error))
                return usageError(p.parser, error);
            existing = id;
        } else {
            auto found = datasetImportedFrom(*store.value(), dir);
            if (!found)
                return fail(found.error());
            existing = found.value();
        }
        if (existing > 0) {
            auto ds = store.value()->dataset(existing);
            if (!ds)
                return fail(ds.error());
            if ((p.parser.isSet(QStringLiteral("size")) && (o.width != ds->width || o.height != ds->height))
                || (p.parser.isSet(QStringLiteral("channels")) && o.channels != ds->channels))
                return usageError(p.parser, QStringLiteral("dataset %1 '%2' from this folder holds %3x%4 images with %5 "
                                                           "channel(s); give --new to import the folder again at "
                                                           "another size")
                                                .arg(existing)
                                                .arg(ds->name)
                                                .arg(ds->width)
                                                .arg(ds->height)
                                                .arg(ds->channels));
            ReimportOptions ro;
            ro.folder = dir;
            ro.dryRun = p.parser.isSet(QStringLiteral("dry-run"));
            ro.dropMissing = p.parser.isSet(QStringLiteral("drop-missing"));
            return reimportDataset(*store.value(), existing, ro, json);
        }
        if (reimportOnly)
            return fail(QStringLiteral("no dataset of '%1' was imported from '%2': nothing to re-import")
                            .arg(store.value()->path(), dir));
    }
    ProgressFn progress;
    if (!json)
        progress = [](qint64 done, qint64 total, const QString &) {
            if (done == total || done % 1000 == 0)
                err() << "\r  imported " << done << "/" << total << (done == total ? "\n" : "") << Qt::flush;
        };
    const QString csvFile = p.parser.value(QStringLiteral("csv"));
    auto data = digits ? importDigitSheet(p.parser.value(QStringLiteral("digits")), o, progress, cancelToken())
                : csv  ? (paths ? importPathListCsv(csvFile, csvOptions, o, progress, cancelToken())
                                : importTabularCsv(csvFile, csvOptions, progress, cancelToken()))
                       : importImageFolder(p.parser.value(QStringLiteral("folder")), o, progress, cancelToken());
    if (!data)
        return fail(data.error());
    auto id = importIntoProject(*store.value(), data.value());
    if (!id)
        return fail(id.error());
    auto info = store.value()->dataset(id.value());
    if (!info)
        return fail(info.error());
    QJsonArray issues;
    for (const ImportIssue &i : data->issues) {
        issues.append(QJsonObject{{"path", i.path}, {"reason", i.reason}});
        if (!json)
            err() << "skipped " << i.path << ": " << i.reason << Qt::endl;
    }
    if (json) {
        QJsonObject o{{"dataset_id", id.value()},
                   {"samples", info->sampleCount()},
                   {"task", info->task},
                   {"classes", QJsonArray::fromStringList(info->classes)},
                   {"train", info->splitCounts[0]},
                   {"validation", info->splitCounts[1]},
                   {"test", info->splitCounts[2]},
                   {"kind", info->kind},
                   {"input", QJsonArray{info->channels, info->height, info->width}},
                   {"skipped", issues}};
        if (info->isRegression())
            o.insert(QLatin1String("target"), info->targetName);
        printJson(o);
    } else {
        out() << "dataset " << id.value() << " '" << info->name << "': " << info->sampleCount() << " samples "
              << (info->isRegression() ? QStringLiteral("with target '%1' (regression)").arg(info->targetName)
                                       : QStringLiteral("in %1 classes").arg(info->classes.size()))
              << " (train " << info->splitCounts[0] << ", validation "
              << info->splitCounts[1] << ", test " << info->splitCounts[2] << "), " << data->issues.size()
              << (csv && !paths ? " rows skipped\n" : " files skipped\n")
              << Qt::flush;
    }
    return Ok;
}

int cmdInfo(const QStringList &args)
{
    Parsed p;
    const QCommandLineOption check(QStringLiteral("check"),
                                   QStringLiteral("Also run SQLite's full integrity check (reads every page); exit 1 "
                                                  "when it finds a problem."));
    p.parser.addOption(check);
    if (int rc = parse(p, QStringLiteral("info"), QStringLiteral("List what a project holds."), args,
                       {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    auto opened = ProjectStore::open(p.parser.positionalArguments().first());
    if (!opened)
        return fail(opened.error());
    ProjectStore &s = *opened.value();
    QString integrity;
    if (p.parser.isSet(check)) {
        auto checked = s.integrityCheck();
        if (!checked)
            return fail(checked.error());
        integrity = checked.value();
    }
    auto datasets = s.datasets();
    auto archs = s.architectures();
    auto runs = s.runs();
    auto versions = s.modelVersions();
    auto evals = s.evaluations();
    auto exports = s.exports();
    for (const QString *e : {&datasets.error(), &archs.error(), &runs.error(), &versions.error(), &evals.error(),
                             &exports.error()})
        if (!e->isEmpty())
            return fail(*e);
    QJsonArray jd, ja, jr, jv, je, jx;
    for (const DatasetInfo &d : datasets.value())
        jd.append(QJsonObject{{"id", d.id}, {"name", d.name}, {"kind", d.kind}, {"task", d.task},
                              {"samples", d.sampleCount()}, {"classes", d.classes.size()}});
    for (const ArchitectureInfo &a : archs.value())
        ja.append(QJsonObject{{"id", a.id}, {"name", a.name}, {"version", a.version}});
    for (const RunInfo &r : runs.value())
        jr.append(QJsonObject{{"id", r.id}, {"dataset_id", r.datasetId}, {"architecture_id", r.architectureId},
                              {"status", r.status}, {"epochs", r.epochsDone}});
    for (const ModelVersionInfo &v : versions.value())
        jv.append(QJsonObject{{"id", v.id}, {"name", v.name}, {"run_id", v.runId}, {"parent_id", v.parentId}});
    for (const EvaluationInfo &e : evals.value()) {
        QJsonObject o{{"id", e.id}, {"model_version_id", e.modelVersionId}, {"split", e.split}};
        const QJsonObject metrics = QJsonDocument::fromJson(e.metricsJson.toUtf8()).object();
        if (e.regression) {
            for (const char *key : {"mae", "rmse", "r2"})
                o.insert(QLatin1String(key), metrics.value(QLatin1String(key)));
        } else {
            o.insert(QLatin1String("accuracy"), e.accuracy);
            o.insert(QLatin1String("macro_f1"), e.macroF1);
        }
        je.append(o);
    }
    for (const ExportInfo &x : exports.value())
        jx.append(QJsonObject{{"id", x.id}, {"model_version_id", x.modelVersionId}, {"format", x.format},
                              {"path", x.path}, {"sha256", x.sha256}, {"passed", exportRecordPassed(x.verificationJson)}});
    QJsonObject all{{"project", s.path()}, {"schema_version", s.schemaVersion()}, {"read_only", s.isReadOnly()},
                    {"datasets", jd}, {"architectures", ja}, {"runs", jr}, {"model_versions", jv},
                    {"evaluations", je}, {"exports", jx}};
    if (s.isReadOnly())
        all.insert(QStringLiteral("read_only_reason"), s.readOnlyReason());
    if (!integrity.isEmpty())
        all.insert(QStringLiteral("integrity"), integrity);
    if (p.parser.isSet(p.json)) {
        printJson(all);
    } else {
        out() << s.path() << " (schema " << s.schemaVersion() << ")\n";
        if (s.isReadOnly())
            out() << "read-only: " << s.readOnlyReason() << "\n";
        if (!integrity.isEmpty())
            out() << "integrity: " << integrity << "\n";
        for (const char *key : {"datasets", "architectures", "runs", "model_versions", "evaluations", "exports"}) {
            out() << key << ":\n";
            for (const QJsonValue &v : all.value(QLatin1String(key)).toArray())
                out() << "  " << QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact) << "\n";
        }
        out() << Qt::flush;
    }
    if (!integrity.isEmpty() && integrity != QLatin1String("ok"))
        return fail(QStringLiteral("project '%1' is damaged: %2").arg(s.path(), integrity));
    return Ok;
}

} // namespace lepton::Cli
