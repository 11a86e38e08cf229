#include "pipeline/demopipeline.h"

#include "data/importer.h"
#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTextStream>

namespace lepton {

Result<DemoProject> createDemoProject(const QString &projectPath, const QString &digitSheetPath,
                                      const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<DemoProject>;
    const QString sheet = digitSheetPath.isEmpty() ? defaultDigitSheetPath() : digitSheetPath;
    ImportOptions options;
    options.width = options.height = 20;
    options.channels = 1;
    auto imported = importDigitSheet(sheet, options, progress, cancel);
    if (!imported)
        return R::failure(imported.error());
    auto store = ProjectStore::create(projectPath);
    if (!store)
        return R::failure(store.error());
    DemoProject demo;
    demo.projectPath = store.value()->path();
    demo.skippedFiles = imported->issues.size();
    auto datasetId = importIntoProject(*store.value(), imported.value());
    if (!datasetId)
        return R::failure(datasetId.error());
    demo.datasetId = datasetId.value();
    const ModelGraph graph = smallCnnTemplate(1, 20, 20, 10);
    auto archId = store.value()->addArchitecture(graph.name, QString::fromUtf8(graph.toJson()));
    if (!archId)
        return R::failure(archId.error());
    demo.architectureId = archId.value();
    return demo;
}

Result<DemoReport> runDemo(const DemoOptions &options, const DemoObserver &observer, const CancelToken &cancel)
{
    using R = Result<DemoReport>;
    DemoReport report;
    report.runtime = runtimeInfo();
    if (!QDir().mkpath(options.workdir))
        return R::failure(QStringLiteral("cannot create work folder '%1'").arg(options.workdir));
    const QDir work(options.workdir);
    const QString projectPath = work.absoluteFilePath(QStringLiteral("demo.lepton"));
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(projectPath + suffix);   // the demo always starts from a fresh project

    QElapsedTimer timer;
    auto stage = [&](const QString &name) {
        if (observer.onStage)
            observer.onStage(name);
        timer.start();
    };
    auto endStage = [&](const QString &name) { report.stages.append({name, timer.elapsed() / 1000.0}); };

    stage(QStringLiteral("import"));
    auto demo = createDemoProject(projectPath, options.digitSheetPath, observer.progress, cancel);
    if (!demo)
        return R::failure(demo.error());
    report.project = demo.value();
    endStage(QStringLiteral("import"));
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        auto ds = store.value()->dataset(report.project.datasetId);
        if (!ds)
            return R::failure(ds.error());
        report.dataset = ds.value();
        auto arch = store.value()->architecture(report.project.architectureId);
        if (!arch)
            return R::failure(arch.error());
        auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
        if (!graph)
            return R::failure(graph.error());
        const GraphAnalysis a = analyzeGraph(graph.value());
        report.parameters = a.totalParameters;
        report.macs = a.totalMacs;
    }

    stage(QStringLiteral("train"));
    auto trained = trainModel(projectPath, report.project.datasetId, report.project.architectureId, options.train,
                              observer.train, cancel);
    if (!trained)
        return R::failure(trained.error());
    report.training = trained.value();
    endStage(QStringLiteral("train"));
    if (report.training.cancelled || report.training.modelVersionId == 0)
        return R::failure(QStringLiteral("demo cancelled during training"));

    stage(QStringLiteral("evaluate"));
    auto evaluated = evaluateModel(projectPath, report.training.modelVersionId, Split::Test, observer.progress, cancel);
    if (!evaluated)
        return R::failure(evaluated.error());
    report.evaluation = evaluated.value();
    endStage(QStringLiteral("evaluate"));

    stage(QStringLiteral("compress"));
    CompressionSettings int8;
    int8.method = CompressionMethod::Quantize;
    CompressionObserver compressObserver;
    compressObserver.progress = observer.progress;
    auto compressed = compressModel(projectPath, report.training.modelVersionId, int8, compressObserver, cancel);
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("demo cancelled during compression"));
    if (compressed)
        report.compression = compressed.value();
    else   // e.g. no layer stays within the accuracy drop: said in the report, the fp32 model is still exported
        report.compressionError = compressed.error();
    endStage(QStringLiteral("compress"));

    stage(QStringLiteral("export"));
    auto exported = exportTorchScript(projectPath, report.training.modelVersionId,
                                      work.absoluteFilePath(QStringLiteral("export/model.pt")), observer.progress, cancel);
    if (!exported)
        return R::failure(exported.error());
    report.exported = exported.value();
    if (report.compression.modelVersionId > 0) {
        auto exportedInt8 = exportTorchScript(projectPath, report.compression.modelVersionId,
                                              work.absoluteFilePath(QStringLiteral("export/model-int8.pt")),
                                              observer.progress, cancel);
        if (!exportedInt8)
            return R::failure(exportedInt8.error());
        report.exportedInt8 = exportedInt8.value();
    }
    endStage(QStringLiteral("export"));
    return report;
}

QJsonObject DemoReport::toJson() const
{
    QJsonArray epochs;
    for (const EpochMetrics &e : training.epochs)
        epochs.append(QJsonObject{{"epoch", e.epoch},
                                  {"train_loss", e.trainLoss},
                                  {"train_accuracy", e.trainAccuracy},
                                  {"val_loss", e.valLoss},
                                  {"val_accuracy", e.valAccuracy},
                                  {"seconds", e.seconds}});
    QJsonObject stageTimes;
    for (const StageTiming &s : stages)
        stageTimes.insert(s.stage, s.seconds);
    QJsonArray classCounts;
    for (int c : dataset.classCounts)
        classCounts.append(c);
    auto exportJson = [](const ExportOutcome &e) {
        const ExportVerification &ev = e.verification;
        return QJsonObject{{"path", e.path},
                           {"format", "torchscript"},
                           {"sha256", e.sha256},
                           {"bytes", double(e.bytes)},
                           {"verification", QJsonObject{{"samples", double(ev.samples)},
                                                        {"max_abs_diff", ev.maxAbsDiff},
                                                        {"mean_abs_diff", ev.meanAbsDiff},
                                                        {"top1_agreement", ev.top1Agreement},
                                                        {"exported_accuracy", ev.exportedAccuracy},
                                                        {"passed", ev.passed}}}};
    };
    return QJsonObject{
        {"project", project.projectPath},
        {"dataset",
         QJsonObject{{"id", dataset.id},
                     {"name", dataset.name},
                     {"source", dataset.source},
                     {"samples", dataset.sampleCount()},
                     {"classes", QJsonArray::fromStringList(dataset.classes)},
                     {"class_counts", classCounts},
                     {"train", dataset.splitCounts[0]},
                     {"validation", dataset.splitCounts[1]},
                     {"test", dataset.splitCounts[2]},
                     {"skipped_files", project.skippedFiles}}},
        {"architecture", QJsonObject{{"id", project.architectureId}, {"parameters", double(parameters)}, {"macs", double(macs)}}},
        {"training", QJsonObject{{"run_id", training.runId}, {"model_version_id", training.modelVersionId}, {"epochs", epochs}}},
        {"evaluation",
         QJsonObject{{"id", evaluation.evaluationId},
                     {"split", splitName(evaluation.split)},
                     {"samples", double(evaluation.samples)},
                     {"accuracy", evaluation.metrics.accuracy},
                     {"macro_f1", evaluation.metrics.macroF1}}},
        {"compression", compressionError.isEmpty() ? compression.toJson() : QJsonObject{{"error", compressionError}}},
        {"export", exportJson(exported)},
        {"export_int8", compressionError.isEmpty() ? QJsonValue(exportJson(exportedInt8)) : QJsonValue()},
        {"seconds", stageTimes},
        {"runtime",
         QJsonObject{{"threads", runtime.threads},
                     {"blas", runtime.blasLibrary},
                     {"openblas", runtime.openBlas},
                     {"torch", runtime.torchVersion},
                     {"opencv", runtime.opencvVersion}}},
    };
}

QString DemoReport::toText() const
{
    QString s;
    QTextStream t(&s);
    t << "Lepton demo — " << dataset.name << "\n";
    t << "  project      " << project.projectPath << "\n";
    t << "  dataset      " << dataset.sampleCount() << " samples, " << dataset.classes.size() << " classes ("
      << dataset.width << "x" << dataset.height << "x" << dataset.channels << "); train " << dataset.splitCounts[0]
      << " / validation " << dataset.splitCounts[1] << " / test " << dataset.splitCounts[2] << "\n";
    t << "  per class   ";
    for (int c = 0; c < dataset.classes.size(); ++c)
        t << " " << dataset.classes[c] << ":" << dataset.classCounts.value(c);
    t << "\n  model        small CNN, " << parameters << " parameters, " << QString::number(macs / 1e6, 'f', 2)
      << " M MACs per sample\n";
    t << "  training     run " << training.runId << "\n";
    t << "    epoch  train loss  train acc  val loss  val acc   seconds\n";
    for (const EpochMetrics &e : training.epochs)
        t << QStringLiteral("    %1  %2  %3  %4  %5  %6\n")
                 .arg(e.epoch, 5)
                 .arg(e.trainLoss, 10, 'f', 4)
                 .arg(e.trainAccuracy, 9, 'f', 4)
                 .arg(e.valLoss, 8, 'f', 4)
                 .arg(e.valAccuracy, 7, 'f', 4)
                 .arg(e.seconds, 8, 'f', 2);
    t << "  evaluation   " << splitName(evaluation.split) << " split, " << evaluation.samples << " samples: accuracy "
      << QString::number(evaluation.metrics.accuracy, 'f', 4) << ", macro F1 "
      << QString::number(evaluation.metrics.macroF1, 'f', 4) << "\n";
    const ModelMeasurement &a = compression.before, &b = compression.after;
    if (!compressionError.isEmpty()) {
        t << "  compress     int8 quantization made no version: " << compressionError << "\n";
    } else {
        t << "  compress     int8 static quantization → model version " << compression.modelVersionId << " ("
          << b.precision << ")\n";
        t << QStringLiteral("    weights %1 → %2 KiB, latency %3 → %4 ms/sample, throughput %5 → %6 samples/s, "
                            "test accuracy %7 → %8\n")
                 .arg(a.weightBytes / 1024.0, 0, 'f', 1)
                 .arg(b.weightBytes / 1024.0, 0, 'f', 1)
                 .arg(a.latencyMs, 0, 'f', 3)
                 .arg(b.latencyMs, 0, 'f', 3)
                 .arg(a.throughput, 0, 'f', 0)
                 .arg(b.throughput, 0, 'f', 0)
                 .arg(a.accuracy, 0, 'f', 4)
                 .arg(b.accuracy, 0, 'f', 4);
        for (const QString &n : compression.notes)
            t << "    note: " << n << "\n";
    }
    for (const ExportOutcome *e : {&exported, &exportedInt8}) {
        if (e->path.isEmpty())
            continue;
        const ExportVerification &v = e->verification;
        t << "  export       " << e->path << " (" << e->bytes << " bytes, sha256 " << e->sha256.left(16) << "…)\n";
        t << "    verified with torch::jit::load on " << v.samples << " samples: max |diff| "
          << QString::number(v.maxAbsDiff, 'g', 3) << ", top-1 agreement " << v.top1Agreement << ", accuracy "
          << QString::number(v.exportedAccuracy, 'f', 4) << "\n";
    }
    t << "  time        ";
    double total = 0;
    for (const StageTiming &st : stages) {
        t << " " << st.stage << " " << QString::number(st.seconds, 'f', 1) << "s";
        total += st.seconds;
    }
    t << " (total " << QString::number(total, 'f', 1) << "s, " << runtime.threads << " threads, BLAS "
      << (runtime.openBlas ? "OpenBLAS" : "reference") << ")\n";
    return s;
}

} // namespace lepton
