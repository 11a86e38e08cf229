// compress_bench [EPOCHS] [THREADS]: the demo CNN trained for EPOCHS (default 2), then structured
// pruning of 50% of channels (no fine-tuning) and int8 quantization with each quantized engine, all
// measured in this one run: latency per sample (batch 1) and throughput (batch 64) of every variant
// and their ratios to fp32. No thresholds: the numbers are for reading.
#include "compress/compressor.h"
#include "runtime/runtimeconfig.h"
#include "trainedproject.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTextStream>

using namespace lepton;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int epochs = args.size() > 1 ? args[1].toInt() : 2;
    const int threads = args.size() > 2 ? args[2].toInt() : 0;
    const RuntimeInfo info = configureRuntime(threads);
    QTextStream out(stdout);
    QTemporaryDir dir;
    auto trained = Testing::makeTrainedDemoProject(dir.filePath(QStringLiteral("bench.lepton")), std::max(1, epochs));
    if (!trained) {
        out << "setup failed: " << trained.error() << Qt::endl;
        return 1;
    }
    const QString project = trained->project.projectPath;
    struct Variant
    {
        QString label;
        CompressionSettings settings;
    };
    QVector<Variant> variants;
    CompressionSettings pruned;
    pruned.method = CompressionMethod::Prune;
    pruned.structured = true;
    pruned.sparsity = 0.5;
    variants.append({QStringLiteral("pruned 50% channels"), pruned});
    for (const char *engine : {"onednn", "qnnpack"}) {
        CompressionSettings q;
        q.method = CompressionMethod::Quantize;
        q.engine = QString::fromLatin1(engine);
        q.maxDrop = 1.0;   // all layers int8: the kernels' speed, not the accuracy trade-off
        variants.append({QStringLiteral("int8 %1").arg(QLatin1String(engine)), q});
    }
    out << "threads " << info.threads << ", demo CNN trained " << epochs << " epoch(s)\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("variant"), -22)
               .arg(QStringLiteral("ms/sample"), 10)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("samples/s@64"), 13)
               .arg(QStringLiteral("ratio"), 7)
               .arg(QStringLiteral("accuracy"), 9);
    bool first = true;
    for (const Variant &v : variants) {
        auto o = compressModel(project, trained->modelVersionId, v.settings);
        if (!o) {
            out << QStringLiteral("%1 failed: %2\n").arg(v.label, o.error());
            continue;
        }
        if (first) {
            out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                       .arg(QStringLiteral("fp32"), -22)
                       .arg(o->before.latencyMs, 10, 'f', 4)
                       .arg(1.0, 7, 'f', 3)
                       .arg(o->before.throughput, 13, 'f', 0)
                       .arg(1.0, 7, 'f', 3)
                       .arg(o->before.accuracy, 9, 'f', 4);
            first = false;
        }
        out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                   .arg(v.label, -22)
                   .arg(o->after.latencyMs, 10, 'f', 4)
                   .arg(o->after.latencyMs / o->before.latencyMs, 7, 'f', 3)
                   .arg(o->after.throughput, 13, 'f', 0)
                   .arg(o->after.throughput / o->before.throughput, 7, 'f', 3)
                   .arg(o->after.accuracy, 9, 'f', 4);
        out.flush();
    }
    out << "(ratio < 1 for latency and > 1 for throughput: faster than fp32; the fp32 row is the source "
           "as measured before the first variant)\n";
    return 0;
}
