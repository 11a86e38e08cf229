// Data commands: the augmentation pipeline of a dataset (show, set, normalization, preview).
#include "cliutil.h"
#include "data/augment.h"
#include "project/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace lepton::Cli {
namespace {

// --dataset ID, or the project's only dataset.
Result<DatasetInfo> chooseDataset(const ProjectStore &store, const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("dataset"))) {
        bool ok = false;
        const qint64 id = parser.value(QStringLiteral("dataset")).toLongLong(&ok);
        if (!ok || id <= 0)
            return Result<DatasetInfo>::failure(
                QStringLiteral("--dataset must be a dataset id, got '%1'").arg(parser.value(QStringLiteral("dataset"))));
        return store.dataset(id);
    }
    auto all = store.datasets();
    if (!all)
        return Result<DatasetInfo>::failure(all.error());
    if (all->size() != 1)
        return Result<DatasetInfo>::failure(
            QStringLiteral("the project has %1 datasets; choose one with --dataset ID").arg(all->size()));
    return all->first();
}

QString describe(const AugmentationPipeline &pipeline)
{
    if (pipeline.isEmpty())
        return QStringLiteral("no augmentation (training uses the stored samples as they are)\n");
    QString text;
    for (int i = 0; i < pipeline.ops.size(); ++i) {
        const AugmentOp &op = pipeline.ops[i];
        QStringList params;
        for (auto it = op.params.cbegin(); it != op.params.cend(); ++it)
            params << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
        if (op.type == QLatin1String("normalize")) {
            QStringList mean, std;
            for (double v : op.mean)
                mean << QString::number(v, 'g', 6);
            for (double v : op.std)
                std << QString::number(v, 'g', 6);
            params << QStringLiteral("mean=[%1]").arg(mean.join(QLatin1Char(','))) << QStringLiteral("std=[%1]").arg(std.join(QLatin1Char(',')));
        }
        text += QStringLiteral("%1. %2  p=%3  %4\n").arg(i + 1).arg(op.type, -20).arg(op.probability).arg(params.join(QLatin1Char(' ')));
    }
    return text;
}

} // namespace

int cmdAugment(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset id (default: the project's only one)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("show"), QStringLiteral("Print the dataset's stored pipeline (the default).")});
    p.parser.addOption({{QStringLiteral("set"), QStringLiteral("pipeline")},
                        QStringLiteral("Pipeline JSON file: checked and stored for the dataset (with --preview: only previewed)."),
                        QStringLiteral("FILE")});
    p.parser.addOption({QStringLiteral("clear"), QStringLiteral("Remove the dataset's pipeline.")});
    p.parser.addOption({QStringLiteral("compute-normalization"),
                        QStringLiteral("Compute per-channel mean/std of the training split and store them as the "
                                       "pipeline's last step (normalize).")});
    p.parser.addOption({QStringLiteral("preview"), QStringLiteral("Write one sample and N augmented versions as a PNG."),
                        QStringLiteral("OUT.png")});
    p.parser.addOption({QStringLiteral("sample"), QStringLiteral("Preview: index of the training sample (default 0)."),
                        QStringLiteral("N"), QStringLiteral("0")});
    p.parser.addOption({QStringLiteral("count"), QStringLiteral("Preview: augmented versions (default 8)."),
                        QStringLiteral("N"), QStringLiteral("8")});
    p.parser.addOption({QStringLiteral("seed"), QStringLiteral("Preview: seed (default 42)."), QStringLiteral("N"),
                        QStringLiteral("42")});
    if (int rc = parse(p, QStringLiteral("augment"),
                       QStringLiteral("Show, set or preview a dataset's augmentation pipeline (applied to training "
                                      "batches; normalization to every split)."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QCommandLineParser &o = p.parser;
    const bool setting = o.isSet(QStringLiteral("set")), clearing = o.isSet(QStringLiteral("clear"));
    const bool previewing = o.isSet(QStringLiteral("preview"));
    if (setting && clearing)
        return usageError(p.parser, QStringLiteral("give --set or --clear, not both"));
    int sampleIndex = 0, count = 8, seed = 42;
    QString error;
    if (!intOption(o, QStringLiteral("sample"), &sampleIndex, 0, &error) || !intOption(o, QStringLiteral("count"), &count, 1, &error)
        || !intOption(o, QStringLiteral("seed"), &seed, 0, &error))
        return usageError(p.parser, error);
    auto opened = ProjectStore::open(o.positionalArguments().first());
    if (!opened)
        return fail(opened.error());
    ProjectStore &store = *opened.value();
    auto dataset = chooseDataset(store, o);
    if (!dataset)
        return fail(dataset.error());
    const DatasetInfo &info = dataset.value();

    auto stored = datasetAugmentation(store, info.id);
    if (!stored)
        return fail(stored.error());
    AugmentationPipeline pipeline = stored.value();
    bool changed = false;
    if (setting) {
        const QString file = o.value(QStringLiteral("set"));
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read '%1': %2").arg(file, f.errorString()));
        auto parsed = AugmentationPipeline::fromJsonBytes(f.readAll());
        if (!parsed)
            return fail(QStringLiteral("%1: %2").arg(file, parsed.error()));
        if (const QString bad = parsed->validateFor(info); !bad.isEmpty())
            return fail(QStringLiteral("%1: %2").arg(file, bad));
        pipeline = parsed.value();
        changed = !previewing;
    }
    if (clearing) {
        pipeline = {};
        changed = true;
    }
    QJsonObject result{{"dataset_id", info.id}};
    if (o.isSet(QStringLiteral("compute-normalization"))) {
        ProgressFn progress;
        if (!o.isSet(p.json))
            progress = [](qint64 done, qint64 total, const QString &) {
                err() << "\r  statistics " << done << "/" << total << (done == total ? "\n" : "") << Qt::flush;
            };
        auto stats = trainingSplitStatistics(store, info.id, progress, cancelToken());
        if (!stats)
            return fail(stats.error());
        if (!pipeline.normalization())
            pipeline.ops.append(makeAugmentOp(QStringLiteral("normalize")));
        AugmentOp &n = pipeline.ops.last();
        n.mean = stats->mean;
        n.std = stats->std;
        changed = true;
        result.insert(QStringLiteral("statistics_samples"), stats->samples);
    }
    if (changed) {
        if (auto st = setDatasetAugmentation(store, info.id, pipeline); !st)
            return fail(st.error());
    }
    if (previewing) {
        auto samples = store.samples(info.id, Split::Train, true, sampleIndex + 1);
        if (!samples)
            return fail(samples.error());
        if (samples->size() <= sampleIndex)
            return fail(QStringLiteral("--sample %1: dataset '%2' has %3 training samples")
                            .arg(sampleIndex)
                            .arg(info.name)
                            .arg(info.splitCounts[0]));
        const SampleRecord &sample = samples->at(sampleIndex);
        auto images = augmentPreview(pipeline, sample.pixels, info.channels, info.height, info.width, count, quint64(seed));
        if (!images)
            return fail(images.error());
        images->prepend(sample.pixels);
        const QString path = o.value(QStringLiteral("preview"));
        if (auto st = writePreviewGrid(path, images.value(), info.channels, info.height, info.width,
                                       std::max(1, 64 / std::max(1, info.height)));
            !st)
            return fail(st.error());
        result.insert(QStringLiteral("preview"), path);
        result.insert(QStringLiteral("preview_sample"), sample.path);
    }
    result.insert(QStringLiteral("pipeline"), pipeline.toJson());
    result.insert(QStringLiteral("stored"), changed);
    if (o.isSet(p.json)) {
        printJson(result);
    } else {
        out() << "dataset " << info.id << " '" << info.name << "'" << (changed ? " (pipeline stored)" : "") << ":\n"
              << describe(pipeline);
        if (previewing)
            out() << "preview of " << result.value(QLatin1String("preview_sample")).toString() << " and " << count
                  << " augmented versions: " << o.value(QStringLiteral("preview")) << "\n";
        out().flush();
    }
    return Ok;
}

} // namespace lepton::Cli
