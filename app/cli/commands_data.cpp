// Data commands: datasets (list, statistics, label edits, copy) and the augmentation pipeline of a
// dataset (show, set, normalization, preview).
#include "cliutil.h"
#include "data/augment.h"
#include "data/datasetstats.h"
#include "data/datasplit.h"
#include "data/reimport.h"
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

namespace {

// A class given by name, or else by 0-based index.
Result<int> classIndex(const DatasetInfo &info, const QString &text)
{
    if (const int named = info.classes.indexOf(text); named >= 0)
        return named;
    bool ok = false;
    const int index = text.toInt(&ok);
    if (ok && index >= 0 && index < info.classes.size())
        return index;
    return Result<int>::failure(QStringLiteral("dataset '%1' has no class '%2' (classes: %3)")
                                    .arg(info.name, text, info.classes.join(QStringLiteral(", "))));
}

Result<QVector<qint64>> sampleIds(const QString &text)
{
    QVector<qint64> ids;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qint64 id = part.trimmed().toLongLong(&ok);
        if (!ok || id <= 0)
            return Result<QVector<qint64>>::failure(QStringLiteral("'%1' is not a sample id").arg(part));
        ids << id;
    }
    if (ids.isEmpty())
        return Result<QVector<qint64>>::failure(QStringLiteral("no sample ids given"));
    return ids;
}

void printStatistics(const DatasetStatistics &st)
{
    const DatasetInfo &d = st.info;
    out() << "dataset " << d.id << " '" << d.name << "' (" << d.kind << ", " << d.channels << "×" << d.height << "×"
          << d.width << "): " << d.sampleCount() << " samples, train " << d.splitCounts[0] << ", validation "
          << d.splitCounts[1] << ", test " << d.splitCounts[2] << "\n";
    if (d.isRegression()) {
        out() << "  target '" << d.targetName << "'     count        min       mean        max        std\n";
        const char *names[] = {"all", "train", "validation", "test"};
        for (int i = 0; i < 4; ++i) {
            const TargetStatistics &t = st.target[size_t(i)];
            out() << QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
                         .arg(QLatin1String(names[i]), -16)
                         .arg(t.count, 6)
                         .arg(t.min, 10, 'g', 5)
                         .arg(t.mean, 10, 'g', 5)
                         .arg(t.max, 10, 'g', 5)
                         .arg(t.std, 10, 'g', 5);
        }
        return;
    }
    out() << "  class                 samples  train  validation  test\n";
    for (int c = 0; c < d.classes.size(); ++c) {
        const std::array<int, 3> &n = st.classCounts[c];
        out() << QStringLiteral("  %1 %2 %3 %4 %5\n")
                     .arg(QStringLiteral("%1 %2").arg(c).arg(d.classes[c]), -21)
                     .arg(n[0] + n[1] + n[2], 7)
                     .arg(n[0], 6)
                     .arg(n[1], 11)
                     .arg(n[2], 5);
    }
}

} // namespace

int cmdDataset(const QStringList &args)
{
    Parsed p;
    p.parser.addOption({QStringLiteral("dataset"), QStringLiteral("Dataset id (default: the project's only one)."),
                        QStringLiteral("ID")});
    p.parser.addOption({QStringLiteral("list"), QStringLiteral("List the project's datasets (the default).")});
    p.parser.addOption({QStringLiteral("stats"),
                        QStringLiteral("Samples per class and split (regression: the target's count, min, mean, "
                                       "max, std per split).")});
    p.parser.addOption({QStringLiteral("rename-class"), QStringLiteral("Rename a class (name or index)."),
                        QStringLiteral("OLD=NEW")});
    p.parser.addOption({QStringLiteral("merge-class"),
                        QStringLiteral("Move every sample of class FROM into class INTO and remove FROM."),
                        QStringLiteral("FROM=INTO")});
    p.parser.addOption({QStringLiteral("relabel"), QStringLiteral("Set the class of samples (ids from `lepton "
                                                                 "dataset --samples`)."),
                        QStringLiteral("ID[,ID...]=CLASS")});
    p.parser.addOption({QStringLiteral("exclude"), QStringLiteral("Remove samples from the dataset."),
                        QStringLiteral("ID[,ID...]")});
    p.parser.addOption({QStringLiteral("samples"), QStringLiteral("List the samples of a class (name or index): id, "
                                                                 "split, origin."),
                        QStringLiteral("CLASS")});
    p.parser.addOption({QStringLiteral("copy"), QStringLiteral("Copy the dataset (classes, samples, splits, "
                                                              "augmentation) as a new one named NAME."),
                        QStringLiteral("NAME")});
    p.parser.addOption({QStringLiteral("resplit"),
                        QStringLiteral("A new seeded stratified split: TRAIN and VAL fractions, the rest is test "
                                       "(e.g. 0.7,0.15)."),
                        QStringLiteral("TRAIN,VAL")});
    p.parser.addOption({QStringLiteral("seed"), QStringLiteral("--resplit: the split seed (default 42)."),
                        QStringLiteral("N")});
    if (int rc = parse(p, QStringLiteral("dataset"),
                       QStringLiteral("List datasets, show a dataset's statistics, edit its labels (rename or merge "
                                      "classes, relabel or exclude samples), split it again or copy it. Edits of samples and classes "
                                      "are refused while runs, model versions or evaluations use the dataset: copy "
                                      "it and edit the copy."),
                       args, {QStringLiteral("PROJECT")});
        rc >= 0)
        return rc;
    const QCommandLineParser &o = p.parser;
    const QStringList actions{"stats", "rename-class", "merge-class", "relabel", "exclude", "samples", "copy", "resplit"};
    QStringList given;
    for (const QString &a : actions)
        if (o.isSet(a))
            given << a;
    if (given.size() + int(o.isSet(QStringLiteral("list"))) > 1)
        return usageError(p.parser, QStringLiteral("give one of --list, --%1").arg(actions.join(QStringLiteral(", --"))));
    if (o.isSet(QStringLiteral("seed")) && !o.isSet(QStringLiteral("resplit")))
        return usageError(p.parser, QStringLiteral("--seed goes with --resplit"));
    const bool json = o.isSet(p.json);
    auto opened = ProjectStore::open(o.positionalArguments().first());
    if (!opened)
        return fail(opened.error());
    ProjectStore &store = *opened.value();

    if (given.isEmpty()) {   // --list
        auto all = store.datasets();
        if (!all)
            return fail(all.error());
        QJsonArray list;
        for (const DatasetInfo &d : all.value()) {
            QJsonObject item{{"id", d.id}, {"name", d.name}, {"kind", d.kind}, {"task", d.task},
                             {"samples", d.sampleCount()}, {"input", QJsonArray{d.channels, d.height, d.width}},
                             {"source", d.source}};
            if (d.isRegression())
                item.insert(QLatin1String("target"), d.targetName);
            else
                item.insert(QLatin1String("classes"), QJsonArray::fromStringList(d.classes));
            list.append(item);
            if (!json)
                out() << QStringLiteral("%1  %2  %3, %4 samples, %5\n")
                             .arg(d.id, 3)
                             .arg(d.name, d.kind)
                             .arg(d.sampleCount())
                             .arg(d.isRegression() ? QStringLiteral("regression of %1").arg(d.targetName)
                                                   : QStringLiteral("%1 classes").arg(d.classes.size()));
        }
        if (json)
            printJson({{"datasets", list}});
        out().flush();
        return Ok;
    }

    auto dataset = chooseDataset(store, o);
    if (!dataset)
        return fail(dataset.error());
    const DatasetInfo &info = dataset.value();
    const QString action = given.first();
    const QString value = o.value(action);
    QJsonObject result{{"dataset_id", info.id}, {"action", action}};
    QString done;
    // "A=B" → (A, B); nullopt when either side is empty.
    const auto split = [&]() -> std::optional<std::pair<QString, QString>> {
        const int eq = int(value.lastIndexOf(QLatin1Char('=')));
        if (eq <= 0 || eq == value.size() - 1)
            return std::nullopt;
        return std::make_pair(value.left(eq).trimmed(), value.mid(eq + 1).trimmed());
    };
    if (action == QLatin1String("stats")) {
        auto st = datasetStatistics(store, info.id);
        if (!st)
            return fail(st.error());
        if (json)
            printJson(st->toJson());
        else
            printStatistics(st.value());
        out().flush();
        return Ok;
    }
    if (action == QLatin1String("samples")) {
        auto c = classIndex(info, value);
        if (!c)
            return fail(c.error());
        auto samples = store.samples(info.id, std::nullopt, false, -1, c.value());
        if (!samples)
            return fail(samples.error());
        QJsonArray list;
        for (const SampleRecord &s : samples.value()) {
            list.append(QJsonObject{{"id", s.id}, {"split", splitName(s.split)}, {"path", s.path}});
            if (!json)
                out() << s.id << "  " << splitName(s.split) << "  " << s.path << "\n";
        }
        if (json)
            printJson({{"dataset_id", info.id}, {"class", info.classes[c.value()]}, {"samples", list}});
        out().flush();
        return Ok;
    }
    if (action == QLatin1String("copy")) {
        auto id = store.copyDataset(info.id, value);
        if (!id)
            return fail(id.error());
        result.insert(QStringLiteral("copy_id"), id.value());
        done = QStringLiteral("copied dataset %1 '%2' as dataset %3 '%4'").arg(info.id).arg(info.name).arg(id.value()).arg(value);
    } else if (action == QLatin1String("rename-class") || action == QLatin1String("merge-class")) {
        const auto parts = split();
        if (!parts)
            return usageError(p.parser, QStringLiteral("--%1 takes A=B, got '%2'").arg(action, value));
        auto from = classIndex(info, parts->first);
        if (!from)
            return fail(from.error());
        if (action == QLatin1String("rename-class")) {
            auto old = store.renameClass(info.id, from.value(), parts->second);
            if (!old)
                return fail(old.error());
            done = QStringLiteral("renamed class %1 '%2' to '%3'").arg(from.value()).arg(old.value(), parts->second);
        } else {
            auto into = classIndex(info, parts->second);
            if (!into)
                return fail(into.error());
            auto merge = store.mergeClass(info.id, from.value(), into.value());
            if (!merge)
                return fail(merge.error());
            result.insert(QStringLiteral("moved_samples"), merge->sampleIds.size());
            done = QStringLiteral("merged class '%1' (%2 samples) into '%3'")
                       .arg(merge->fromName)
                       .arg(merge->sampleIds.size())
                       .arg(info.classes[into.value()]);
        }
    } else if (action == QLatin1String("relabel")) {
        const auto parts = split();
        if (!parts)
            return usageError(p.parser, QStringLiteral("--relabel takes ID[,ID...]=CLASS, got '%1'").arg(value));
        auto ids = sampleIds(parts->first);
        if (!ids)
            return usageError(p.parser, ids.error());
        auto c = classIndex(info, parts->second);
        if (!c)
            return fail(c.error());
        auto before = store.relabelSamples(info.id, ids.value(), c.value());
        if (!before)
            return fail(before.error());
        done = QStringLiteral("%1 sample(s) now in class '%2'").arg(ids->size()).arg(info.classes[c.value()]);
    } else if (action == QLatin1String("resplit")) {
        const QStringList fractions = value.split(QLatin1Char(','));
        bool okTrain = false, okVal = false;
        const double train = fractions.value(0).toDouble(&okTrain);
        const double val = fractions.value(1).toDouble(&okVal);
        if (fractions.size() != 2 || !okTrain || !okVal)
            return usageError(p.parser, QStringLiteral("--resplit takes TRAIN,VAL fractions (e.g. 0.7,0.15), got '%1'").arg(value));
        int seed = 42;
        QString error;
        if (!intOption(o, QStringLiteral("seed"), &seed, 0, &error))
            return usageError(p.parser, error);
        auto change = resplitDataset(store, info.id, train, val, quint32(seed));
        if (!change)
            return fail(change.error());
        done = QStringLiteral("split dataset '%1' again with seed %2: train %3, validation %4, test %5")
                   .arg(info.name)
                   .arg(seed)
                   .arg(change->counts[0])
                   .arg(change->counts[1])
                   .arg(change->counts[2]);
    } else {   // exclude
        auto ids = sampleIds(value);
        if (!ids)
            return usageError(p.parser, ids.error());
        auto removed = store.removeSamples(info.id, ids.value());
        if (!removed)
            return fail(removed.error());
        done = QStringLiteral("removed %1 sample(s) from dataset '%2'").arg(removed->size()).arg(info.name);
    }
    auto after = datasetStatistics(store, info.id);
    if (!after)
        return fail(after.error());
    result.insert(QStringLiteral("message"), done);
    result.insert(QStringLiteral("dataset"), after->toJson());
    if (json)
        printJson(result);
    else
        out() << done << "\n" << Qt::flush;
    return Ok;
}

int reimportDataset(ProjectStore &store, qint64 datasetId, const ReimportOptions &options, bool json)
{
    ProgressFn progress;
    if (!json)
        progress = [](qint64 done, qint64 total, const QString &phase) {
            if (done == total || done % 1000 == 0)
                err() << "\r  " << phase << " " << done << "/" << total << (done == total ? "\n" : "") << Qt::flush;
        };
    auto report = reimportImageFolder(store, datasetId, options, progress, cancelToken());
    if (!report)
        return fail(report.error());
    const ReimportReport &r = report.value();
    if (json) {
        printJson(r.toJson());
    } else {
        out() << "dataset " << r.datasetId << " '" << r.datasetName << "' re-imported from " << r.folder << ": "
              << r.summary() << "\n";
        for (const ReimportEntry &e : r.added)
            out() << "  new      " << e.path << " (" << e.className << ")\n";
        for (const ReimportEntry &e : r.changed)
            out() << "  changed  " << e.path << " (sample " << e.sampleId << ")\n";
        for (const ReimportEntry &e : r.moved)
            out() << "  moved    " << e.fromPath << " -> " << e.path << " (sample " << e.sampleId
                  << (e.fromClass.isEmpty() ? QString() : QStringLiteral(", class %1 -> %2").arg(e.fromClass, e.className))
                  << ")\n";
        for (const ReimportEntry &e : r.missing)
            out() << "  missing  " << e.path << " (sample " << e.sampleId << ", "
                  << (r.missingDropped ? "removed" : "kept with its stored pixels; --drop-missing removes it") << ")\n";
        for (const QString &c : r.newClasses)
            out() << "  new class " << c << "\n";
        for (const ImportIssue &i : r.issues)
            err() << "skipped " << i.path << ": " << i.reason << Qt::endl;
        if (!r.notApplied.isEmpty())
            out() << "not applied: " << r.notApplied << "\n";
        out() << Qt::flush;
    }
    // Changes that were asked for but could not be stored are a failure; a dry run is not.
    return r.notApplied.isEmpty() || options.dryRun || !r.hasChanges() ? Ok : Failed;
}

} // namespace lepton::Cli
