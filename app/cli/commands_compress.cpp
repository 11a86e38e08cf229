// lepton compress: pruning, int8 quantization and distillation of a model version.
#include "cliutil.h"
#include "commands.h"
#include "compress/compressor.h"
#include "compress/modelfamily.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QTextStream>

namespace lepton::Cli {

namespace {

QString bytesText(qint64 b)
{
    return b >= 1024 * 1024 ? QStringLiteral("%1 MiB").arg(double(b) / 1048576.0, 0, 'f', 2)
                            : QStringLiteral("%1 KiB").arg(double(b) / 1024.0, 0, 'f', 1);
}

void printTable(const CompressionOutcome &o)
{
    const ModelMeasurement &a = o.before, &b = o.after;
    auto row = [](const QString &what, const QString &x, const QString &y, const QString &change) {
        out() << QStringLiteral("  %1 %2 %3 %4\n").arg(what, -22).arg(x, 14).arg(y, 14).arg(change, 12);
    };
    auto ratio = [](double x, double y) { return x > 0 ? QStringLiteral("×%1").arg(y / x, 0, 'f', 3) : QString(); };
    out() << "model version " << a.modelVersionId << " → " << b.modelVersionId << " (" << b.name << ")\n";
    row(QString(), QStringLiteral("before"), QStringLiteral("after"), QStringLiteral("change"));
    if (o.intermediate.modelVersionId > 0)
        out() << "  (via fp32 version " << o.intermediate.modelVersionId << ": weights "
              << bytesText(o.intermediate.weightBytes) << ", test accuracy "
              << QString::number(o.intermediate.accuracy, 'f', 4) << ", "
              << QString::number(o.intermediate.latencyMs, 'f', 3) << " ms/sample)\n";
    row(QStringLiteral("precision"), a.precision, b.precision, QString());
    row(QStringLiteral("parameters"), QString::number(a.parameters), QString::number(b.parameters),
        ratio(double(a.parameters), double(b.parameters)));
    row(QStringLiteral("non-zero parameters"), QString::number(a.nonzeroParameters), QString::number(b.nonzeroParameters),
        ratio(double(a.nonzeroParameters), double(b.nonzeroParameters)));
    row(QStringLiteral("weights"), bytesText(a.weightBytes), bytesText(b.weightBytes),
        ratio(double(a.weightBytes), double(b.weightBytes)));
    row(QStringLiteral("stored file"), bytesText(a.storedBytes), bytesText(b.storedBytes),
        ratio(double(a.storedBytes), double(b.storedBytes)));
    row(QStringLiteral("latency ms/sample"), QString::number(a.latencyMs, 'f', 3), QString::number(b.latencyMs, 'f', 3),
        ratio(a.latencyMs, b.latencyMs));
    row(QStringLiteral("throughput samples/s"), QString::number(a.throughput, 'f', 0), QString::number(b.throughput, 'f', 0),
        ratio(a.throughput, b.throughput));
    row(QStringLiteral("test accuracy"), QString::number(a.accuracy, 'f', 4), QString::number(b.accuracy, 'f', 4),
        QStringLiteral("%1%2 pt").arg(b.accuracy >= a.accuracy ? "+" : "").arg((b.accuracy - a.accuracy) * 100, 0, 'f', 2));
    row(QStringLiteral("test macro F1"), QString::number(a.macroF1, 'f', 4), QString::number(b.macroF1, 'f', 4),
        QStringLiteral("%1%2 pt").arg(b.macroF1 >= a.macroF1 ? "+" : "").arg((b.macroF1 - a.macroF1) * 100, 0, 'f', 2));
    for (const QString &n : o.notes)
        out() << "  note: " << n << "\n";
    out() << Qt::flush;
}

// --family: every version of the model with size, test accuracy and latency measured now.
int printFamily(const QString &project, qint64 model, bool json)
{
    auto family = measureModelFamily(project, model, json ? ProgressFn() : [](qint64, qint64, const QString &stage) {
        err() << stage << Qt::endl;
    }, cancelToken());
    if (!family)
        return fail(family.error());
    if (json) {
        QJsonArray rows;
        for (const FamilyPoint &p : family.value())
            rows.append(QJsonObject{{"model_version", p.modelVersionId}, {"parent", p.parentId}, {"name", p.name},
                                    {"precision", p.precision}, {"weight_bytes", p.weightBytes}, {"accuracy", p.accuracy},
                                    {"macro_f1", p.macroF1}, {"latency_ms_per_sample", p.latencyMs},
                                    {"throughput_samples_per_s", p.throughput}, {"pareto_size", p.pareto},
                                    {"pareto_latency", p.paretoLatency}});
        printJson(QJsonObject{{"model_version", model}, {"versions", rows}});
        return Ok;
    }
    out() << QStringLiteral("%1 %2 %3 %4 %5 %6  %7\n")
                 .arg(QStringLiteral("version"), 8).arg(QStringLiteral("parent"), 7).arg(QStringLiteral("precision"), -16)
                 .arg(QStringLiteral("weights"), 11).arg(QStringLiteral("accuracy"), 9).arg(QStringLiteral("ms/sample"), 10)
                 .arg(QStringLiteral("Pareto front (size, latency)"));
    for (const FamilyPoint &p : family.value())
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6  %7%8\n")
                     .arg(p.modelVersionId, 8).arg(p.parentId > 0 ? QString::number(p.parentId) : QStringLiteral("-"), 7)
                     .arg(p.precision, -16).arg(bytesText(p.weightBytes), 11).arg(p.accuracy, 9, 'f', 4)
                     .arg(p.latencyMs, 10, 'f', 3)
                     .arg(p.pareto ? QStringLiteral("size ") : QString(), p.paretoLatency ? QStringLiteral("latency") : QString());
    out() << Qt::flush;
    return Ok;
}

} // namespace

int cmdCompress(const QStringList &args)
{
    Parsed p;
    auto add = [&](const char *name, const char *help, const char *value = nullptr) {
        if (value)
            p.parser.addOption({QString::fromLatin1(name), QString::fromUtf8(help), QString::fromLatin1(value)});
        else
            p.parser.addOption({QString::fromLatin1(name), QString::fromUtf8(help)});
    };
    add("model", "Model version id to compress.", "ID");
    add("family", "List every version of this model (its ancestors and everything compressed from them) that "
                  "has a test evaluation: weights, test accuracy, latency measured now, and which are on the "
                  "Pareto fronts of accuracy vs size and accuracy vs latency. Compresses nothing.");
    add("prune", "Prune: the fraction of channels (--structured) or weights to remove, in (0, 1).", "SPARSITY");
    add("structured", "Remove whole channels from Conv2d/Linear layers (a smaller, faster graph).");
    add("ranking", "Structured: rank channels by l1 (filter L1 norm, default) or bn-scale (BatchNorm |γ|).", "NAME");
    add("per-layer", "Unstructured: the sparsity in every layer instead of one global magnitude threshold.");
    add("iterations", "Unstructured: reach the sparsity in N prune + fine-tune steps (default 1).", "N");
    add("finetune-epochs", "Pruning: training epochs from the pruned weights (default 0).", "N");
    add("quantize", "Quantize to int8 (post-training static; dynamic for Linear-only models). With --prune or "
                    "--distill: quantize that result (two new versions).", "int8");
    add("calibration", "int8: training samples to calibrate activation ranges on (default 256).", "N");
    add("observer", "int8: activation range observer, minmax (default) or percentile.", "NAME");
    add("max-drop", "int8: keep the most sensitive layers in fp32 until the validation accuracy drop is at most "
        "this (default 0.01).", "D");
    add("engine", "int8: quantized engine, onednn or qnnpack (default: onednn when available).", "NAME");
    add("distill", "Knowledge distillation: train --student with this model version as the teacher.");
    add("student", "Distillation student: a template name (lepton arch --list-templates) or a graph JSON file.",
        "TEMPLATE|G.json");
    add("temperature", "Distillation temperature T (default 4).", "T");
    add("alpha", "Distillation weight α of the teacher term; 1 − α goes to cross-entropy (default 0.5).", "A");
    add("epochs", "Distillation epochs (default 5).", "N");
    add("lr", "Learning rate (Adam) for fine-tuning (default 0.001) and distillation (default 0.01: the student "
              "starts from scratch).", "RATE");
    add("batch-size", "Batch size for fine-tuning and distillation (default 64).", "N");
    add("seed", "Random seed of fine-tuning and distillation (default 42).", "N");
    if (int rc = parse(p, QStringLiteral("compress"),
                       QStringLiteral("Compress a model version: structured or unstructured pruning, int8 quantization "
                                      "(run with LibTorch's quantized kernels) or knowledge distillation. The result is a new model version (parent: the source), measured "
                                      "before and after: parameters, stored size, latency per sample and throughput "
                                      "on this machine, test accuracy and macro F1."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QCommandLineParser &a = p.parser;
    bool ok = false;
    const qint64 model = a.value(QStringLiteral("model")).toLongLong(&ok);
    if (!a.isSet(QStringLiteral("model")) || !ok || model <= 0)
        return usageError(a, QStringLiteral("--model needs a positive model version id"));
    if (a.isSet(QStringLiteral("family")))
        return printFamily(a.positionalArguments().first(), model, a.isSet(p.json));
    const int methods = int(a.isSet(QStringLiteral("prune"))) + int(a.isSet(QStringLiteral("distill")));
    if (methods > 1 || (methods == 0 && !a.isSet(QStringLiteral("quantize"))))
        return usageError(a, QStringLiteral("give one of --prune SPARSITY or --distill (either may be followed by "
                                            "--quantize int8), --quantize int8 alone, or --family"));
    CompressionSettings s;
    QString error;
    if (a.isSet(QStringLiteral("prune"))) {
        s.method = CompressionMethod::Prune;
        s.structured = a.isSet(QStringLiteral("structured"));
        s.globalThreshold = !a.isSet(QStringLiteral("per-layer"));
        if (a.isSet(QStringLiteral("ranking")))
            s.ranking = a.value(QStringLiteral("ranking"));
        if (!doubleOption(a, QStringLiteral("prune"), &s.sparsity, &error)
            || !intOption(a, QStringLiteral("iterations"), &s.iterations, 1, &error)
            || !intOption(a, QStringLiteral("finetune-epochs"), &s.finetuneEpochs, 0, &error))
            return usageError(a, error);
    } else if (a.isSet(QStringLiteral("distill"))) {
        s.method = CompressionMethod::Distill;
        s.student = a.value(QStringLiteral("student"));
        if (!doubleOption(a, QStringLiteral("temperature"), &s.temperature, &error)
            || !doubleOption(a, QStringLiteral("alpha"), &s.alpha, &error)
            || !intOption(a, QStringLiteral("epochs"), &s.epochs, 1, &error))
            return usageError(a, error);
    } else {
        s.method = CompressionMethod::Quantize;
    }
    if (a.isSet(QStringLiteral("quantize"))) {
        s.thenInt8 = s.method != CompressionMethod::Quantize;
        if (a.value(QStringLiteral("quantize")) != QLatin1String("int8"))
            return usageError(a, QStringLiteral("--quantize supports int8, got '%1'").arg(a.value(QStringLiteral("quantize"))));
        if (a.isSet(QStringLiteral("observer")))
            s.observer = a.value(QStringLiteral("observer"));
        if (a.isSet(QStringLiteral("engine")))
            s.engine = a.value(QStringLiteral("engine"));
        if (!intOption(a, QStringLiteral("calibration"), &s.calibrationSamples, 1, &error)
            || !doubleOption(a, QStringLiteral("max-drop"), &s.maxDrop, &error))
            return usageError(a, error);
    }
    int seed = 42;
    s.training.learningRate = defaultCompressionLearningRate(s.method);
    if (!doubleOption(a, QStringLiteral("lr"), &s.training.learningRate, &error)
        || !intOption(a, QStringLiteral("batch-size"), &s.training.batchSize, 1, &error)
        || !intOption(a, QStringLiteral("seed"), &seed, 0, &error))
        return usageError(a, error);
    s.training.seed = quint64(seed);
    if (const QString bad = s.validate(); !bad.isEmpty())
        return usageError(a, bad);

    const bool json = a.isSet(p.json);
    CompressionObserver observer;
    observer.training = printingObserver(json);
    if (!json)
        observer.progress = [](qint64, qint64, const QString &stage) { err() << stage << Qt::endl; };
    const QString project = a.positionalArguments().first();
    auto outcome = compressModel(project, model, s, observer, cancelToken());
    if (!outcome)
        return fail(outcome.error());
    if (json) {
        QJsonObject o = outcome->toJson();
        o.insert(QStringLiteral("method"), s.describe());
        printJson(o);
    } else {
        out() << s.describe() << "\n";
        printTable(outcome.value());
    }
    return Ok;
}

} // namespace lepton::Cli
