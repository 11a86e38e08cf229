#include "compress/compressor.h"

#include "compress/internal/channelplan.h"
#include "compress/internal/latency.h"
#include "compress/internal/magnitude.h"
#include "compress/internal/quantizer.h"
#include "eval/evaluator.h"
#include "graph/templates.h"
#include "project/projectstore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace lepton {

using namespace Internal;

namespace {

using R = Result<CompressionOutcome>;

QString percent(double f) { return QStringLiteral("%1%").arg(f * 100.0, 0, 'g', 3); }

// Trains `architectureId` from the model version `derived` describes; appends its epochs to `outcome`.
Result<qint64> trainDerived(const QString &projectPath, qint64 datasetId, qint64 architectureId, TrainConfig config,
                            int epochs, const DerivedTraining &derived, const CompressionObserver &observer,
                            const CancelToken &cancel, CompressionOutcome &outcome)
{
    config.epochs = epochs;
    if (config.warmupEpochs >= epochs)
        config.warmupEpochs = 0;
    DerivedTraining inJob = derived;
    inJob.pendingJobId = outcome.jobId;
    auto trained = trainDerivedModel(projectPath, datasetId, architectureId, config, inJob, observer.training, cancel);
    if (!trained)
        return Result<qint64>::failure(trained.error());
    outcome.trainingEpochs += trained->epochs;
    if (trained->cancelled) {
        outcome.cancelled = true;
        return Result<qint64>::failure(QStringLiteral("cancelled during training (run %1)").arg(trained->runId));
    }
    if (trained->modelVersionId == 0)
        return Result<qint64>::failure(QStringLiteral("run %1 made no model version").arg(trained->runId));
    outcome.createdVersions.append(trained->modelVersionId);
    return trained->modelVersionId;
}

Result<qint64> storeVersion(ProjectStore &store, const LoadedModel &source, qint64 architectureId,
                            GraphModuleImpl &module, const QString &name, const CompressionOutcome &outcome)
{
    ModelVersionInfo mv;
    mv.pendingJobId = outcome.jobId;
    mv.parentId = source.version.id;
    mv.architectureId = architectureId;
    mv.datasetId = source.version.datasetId;
    mv.name = name;
    return store.addModelVersion(mv, module.saveWeights());
}

Status pruneStructured(const QString &projectPath, const LoadedModel &source, const CompressionSettings &s,
                       const CompressionObserver &observer, const CancelToken &cancel, CompressionOutcome &outcome)
{
    auto plan = analyzeChannels(*source.module);
    if (!plan)
        return Status::failure(plan.error());
    if (auto st = rankChannels(plan.value(), *source.module, s.ranking); !st)
        return st;
    selectChannels(plan.value(), s.sparsity);
    QJsonArray groups;
    bool any = false;
    for (const ChannelGroup &g : plan->groups) {
        QJsonObject o{{"layers", QJsonArray::fromStringList(g.producers)}, {"channels", g.channels}};
        if (g.prunable()) {
            o.insert(QStringLiteral("kept"), g.kept());
            any = any || g.kept() < g.channels;
        } else {
            o.insert(QStringLiteral("fixed"), g.fixedReason);
        }
        groups.append(o);
    }
    outcome.details.insert(QStringLiteral("channel_groups"), groups);
    if (!any)
        return Status::failure(QStringLiteral("structured pruning of %1 removes no channel of '%2': no layer has "
                                              "channels that can be removed at this ratio")
                                   .arg(percent(s.sparsity), source.module->graph().name));
    const QString name = QStringLiteral("%1 · %2 channels pruned (%3)")
                             .arg(source.module->graph().name, percent(s.sparsity), s.ranking);
    auto shrunk = shrinkModel(*source.module, plan.value(), name);
    if (!shrunk)
        return Status::failure(shrunk.error());
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return Status::failure(store.error());
    auto arch = store.value()->addArchitecture(name, QString::fromUtf8(shrunk.value()->graph().toJson()));
    if (!arch)
        return Status::failure(arch.error());
    auto pruned = storeVersion(*store.value(), source, arch.value(), *shrunk.value(),
                               QStringLiteral("v%1 pruned: %2 of channels (%3)").arg(source.version.id).arg(percent(s.sparsity), s.ranking),
                               outcome);
    if (!pruned)
        return Status::failure(pruned.error());
    outcome.createdVersions.append(pruned.value());
    outcome.modelVersionId = pruned.value();
    if (s.finetuneEpochs > 0) {
        report(observer.progress, 0, 1, QStringLiteral("fine-tuning"));
        DerivedTraining d;
        d.initModelVersionId = d.parentModelVersionId = pruned.value();
        auto tuned = trainDerived(projectPath, source.version.datasetId, arch.value(), s.training, s.finetuneEpochs, d,
                                  observer, cancel, outcome);
        if (!tuned)
            return Status::failure(tuned.error());
        outcome.modelVersionId = tuned.value();
    }
    return success();
}

Status pruneUnstructured(const QString &projectPath, const LoadedModel &source, const CompressionSettings &s,
                         const CompressionObserver &observer, const CancelToken &cancel, CompressionOutcome &outcome)
{
    qint64 current = source.version.id;
    QJsonArray steps;
    for (int step = 1; step <= s.iterations; ++step) {
        const double target = s.sparsity * double(step) / double(s.iterations);
        report(observer.progress, step - 1, s.iterations, QStringLiteral("pruning weights to %1").arg(percent(target)));
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return Status::failure(store.error());
        auto loaded = loadModelVersion(*store.value(), current);
        if (!loaded)
            return Status::failure(loaded.error());
        const SparsityCount count = pruneMagnitude(*loaded->module, target, s.globalThreshold);
        auto pruned = storeVersion(*store.value(), loaded.value(), loaded->version.architectureId, *loaded->module,
                                   QStringLiteral("v%1 sparse: %2 of weights zero (%3)")
                                       .arg(source.version.id)
                                       .arg(percent(count.sparsity()),
                                            s.globalThreshold ? QStringLiteral("global") : QStringLiteral("per layer")),
                                   outcome);
        if (!pruned)
            return Status::failure(pruned.error());
        outcome.createdVersions.append(pruned.value());
        current = pruned.value();
        QJsonObject o{{"target", target}, {"sparsity", count.sparsity()}, {"model_version", pruned.value()}};
        if (s.finetuneEpochs > 0) {
            report(observer.progress, step - 1, s.iterations, QStringLiteral("fine-tuning step %1").arg(step));
            DerivedTraining d;
            d.initModelVersionId = d.parentModelVersionId = pruned.value();
            d.keepZeroWeights = true;
            auto tuned = trainDerived(projectPath, source.version.datasetId, loaded->version.architectureId, s.training,
                                      s.finetuneEpochs, d, observer, cancel, outcome);
            if (!tuned)
                return Status::failure(tuned.error());
            current = tuned.value();
            o.insert(QStringLiteral("fine_tuned"), current);
        }
        steps.append(o);
    }
    outcome.details.insert(QStringLiteral("steps"), steps);
    outcome.modelVersionId = current;
    outcome.notes << QStringLiteral("unstructured pruning gives sparsity only: the tensors keep their shapes, so the "
                                    "stored size and the dense CPU latency do not shrink");
    return success();
}

Result<ModelGraph> studentGraph(const CompressionSettings &s, const LoadedModel &teacher)
{
    const DatasetInfo &ds = teacher.dataset;
    if (s.student.endsWith(QLatin1String(".json"), Qt::CaseInsensitive) || QFileInfo(s.student).isFile()) {
        QFile f(s.student);
        if (!f.open(QIODevice::ReadOnly))
            return Result<ModelGraph>::failure(QStringLiteral("student graph %1: %2").arg(s.student, f.errorString()));
        auto g = ModelGraph::fromJson(f.readAll());
        if (!g)
            return Result<ModelGraph>::failure(QStringLiteral("student graph %1: %2").arg(s.student, g.error()));
        return g;
    }
    // The student reads what the teacher reads and predicts the same classes.
    return makeTemplate(s.student, teacher.module->analysis().inputShape, int(ds.classes.size()));
}

Status distill(const QString &projectPath, const LoadedModel &teacher, const CompressionSettings &s,
               const CompressionObserver &observer, const CancelToken &cancel, CompressionOutcome &outcome)
{
    auto graph = studentGraph(s, teacher);
    if (!graph)
        return Status::failure(graph.error());
    const GraphAnalysis a = analyzeGraph(graph.value());
    if (!a.valid())
        return Status::failure(QStringLiteral("student '%1' is invalid: %2").arg(graph->name, a.errors.join(QLatin1String("; "))));
    outcome.details.insert(QStringLiteral("student"), graph->name);
    outcome.details.insert(QStringLiteral("student_parameters"), a.totalParameters);
    outcome.details.insert(QStringLiteral("teacher_parameters"), teacher.module->analysis().totalParameters);
    qint64 arch = 0;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return Status::failure(store.error());
        auto added = store.value()->addArchitecture(graph->name + QStringLiteral(" (student of v%1)").arg(teacher.version.id),
                                                    QString::fromUtf8(graph->toJson()));
        if (!added)
            return Status::failure(added.error());
        arch = added.value();
    }
    DerivedTraining d;
    d.teacherModelVersionId = d.parentModelVersionId = teacher.version.id;
    d.temperature = s.temperature;
    d.alpha = s.alpha;
    report(observer.progress, 0, 1, QStringLiteral("distilling"));
    auto student = trainDerived(projectPath, teacher.version.datasetId, arch, s.training, s.epochs, d, observer, cancel, outcome);
    if (!student)
        return Status::failure(student.error());
    outcome.modelVersionId = student.value();
    return success();
}

} // namespace

QStringList slowerNotes(const ModelMeasurement &before, const ModelMeasurement &after)
{
    QStringList notes;
    if (after.latencyMs >= before.latencyMs)
        notes << QStringLiteral("the result is not faster at batch 1 on this machine: %1 ms vs %2 ms per sample")
                     .arg(after.latencyMs, 0, 'f', 3)
                     .arg(before.latencyMs, 0, 'f', 3);
    if (after.throughput <= before.throughput)
        notes << QStringLiteral("the result is not faster at batch 64 on this machine: %1 vs %2 samples/s")
                     .arg(after.throughput, 0, 'f', 0)
                     .arg(before.throughput, 0, 'f', 0);
    return notes;
}

Result<ModelMeasurement> measureModelVersion(const QString &projectPath, qint64 modelVersionId,
                                             const ProgressFn &progress, const CancelToken &cancel, bool withAccuracy)
{
    using M = Result<ModelMeasurement>;
    ModelMeasurement m;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return M::failure(store.error());
        auto quantized = quantizedVersion(*store.value(), modelVersionId);
        if (!quantized)
            return M::failure(quantized.error());
        if (quantized->modelVersionId > 0)
            return measureQuantizedVersion(projectPath, quantized.value(), progress, cancel, withAccuracy);
        auto loaded = loadModelVersion(*store.value(), modelVersionId);
        if (!loaded)
            return M::failure(loaded.error());
        auto weights = store.value()->modelWeights(modelVersionId);
        if (!weights)
            return M::failure(weights.error());
        m.modelVersionId = modelVersionId;
        m.name = loaded->version.name;
        m.storedBytes = weights->size();
        m.weightBytes = loaded->module->analysis().sizeBytes;
        report(progress, 0, 2, QStringLiteral("measuring latency of v%1").arg(modelVersionId));
        try {
            torch::NoGradGuard noGrad;
            for (const auto &p : loaded->module->parameters()) {
                m.parameters += p.numel();
                m.nonzeroParameters += p.ne(0).sum().item<int64_t>();
            }
            auto module = loaded->module;
            const LatencyStats l = measureLatency([module](const torch::Tensor &x) { return module->forward(x); },
                                                  module->analysis().inputShape);
            m.latencyMs = l.msPerSample;
            m.throughput = l.throughput;
        } catch (const std::exception &e) {
            return M::failure(QStringLiteral("measuring model version %1: %2").arg(modelVersionId).arg(describeException(e)));
        }
    }
    if (!withAccuracy)
        return m;
    report(progress, 1, 2, QStringLiteral("evaluating v%1 on the test split").arg(modelVersionId));
    auto eval = evaluateModel(projectPath, modelVersionId, Split::Test, {}, cancel);
    if (!eval)
        return M::failure(eval.error());
    m.accuracy = eval->metrics.accuracy;
    m.macroF1 = eval->metrics.macroF1;
    m.evaluationId = eval->evaluationId;
    return m;
}

Result<CompressionOutcome> compressModel(const QString &projectPath, qint64 modelVersionId,
                                         const CompressionSettings &settings, const CompressionObserver &observer,
                                         const CancelToken &cancel)
{
    if (const QString bad = settings.validate(); !bad.isEmpty())
        return R::failure(bad);
    CompressionOutcome outcome;
    LoadedModel source;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        auto quantized = quantizedVersion(*store.value(), modelVersionId);
        if (!quantized)
            return R::failure(quantized.error());
        if (quantized->modelVersionId > 0)
            return R::failure(QStringLiteral("model version %1 is already int8 (%2); compress its fp32 parent instead")
                                  .arg(modelVersionId)
                                  .arg(quantized->engine));
        auto loaded = loadModelVersion(*store.value(), modelVersionId);
        if (!loaded)
            return R::failure(loaded.error());
        source = loaded.value();
    }
    if (source.dataset.isRegression())
        return R::failure(QStringLiteral("model version %1 is a regression model (dataset '%2'); compression measures "
                                         "and keeps classification accuracy, so it takes classification models only")
                              .arg(modelVersionId)
                              .arg(source.dataset.name));
    // Every version this makes stays hidden until it is measured and evaluated and the job publishes
    // it; a process killed half-way leaves nothing visible, and the next job abandons its leftovers.
    std::unique_ptr<WorkClaim> claim;
    std::shared_ptr<ProjectStore> jobStore;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        jobStore = store.value();
        jobStore->setWriteWait(WriteWait::Background);
        auto job = jobStore->beginJob(QStringLiteral("compress"), modelVersionId, settings.describe(), &claim);
        if (!job)
            return R::failure(job.error());
        outcome.jobId = job.value();
    }
    // Ends the job: on success publishes everything it made, on failure only `keep`.
    auto endJob = [&](const QString &failure, const QVector<qint64> &keep) -> R {
        if (failure.isEmpty()) {
            if (auto st = jobStore->endJob(outcome.jobId, QStringLiteral("finished"), QString()); !st)
                return R::failure(st.error());
            return outcome;
        }
        (void)jobStore->endJob(outcome.jobId, outcome.cancelled ? QStringLiteral("cancelled") : QStringLiteral("failed"),
                               failure, keep);
        return R::failure(failure);
    };
    report(observer.progress, 0, 1, QStringLiteral("measuring the original"));
    auto before = measureModelVersion(projectPath, modelVersionId, {}, cancel);
    if (!before)
        return endJob(before.error(), {});
    outcome.before = before.value();
    Status done = success();
    try {
        switch (settings.method) {
        case CompressionMethod::Prune:
            report(observer.progress, 0, 1, QStringLiteral("pruning"));
            done = settings.structured ? pruneStructured(projectPath, source, settings, observer, cancel, outcome)
                                       : pruneUnstructured(projectPath, source, settings, observer, cancel, outcome);
            break;
        case CompressionMethod::Quantize:
            done = quantizeModel(projectPath, source, settings, observer, cancel, outcome);
            break;
        case CompressionMethod::Distill:
            done = distill(projectPath, source, settings, observer, cancel, outcome);
            break;
        }
    } catch (const std::exception &e) {
        done = Status::failure(QStringLiteral("compressing model version %1: %2").arg(modelVersionId).arg(describeException(e)));
    }
    if (done && settings.thenInt8 && settings.method != CompressionMethod::Quantize) {
        // the second step starts from the first's result, measured so it is on the trade-off charts
        report(observer.progress, 0, 1, QStringLiteral("measuring the fp32 result before int8"));
        auto middle = measureModelVersion(projectPath, outcome.modelVersionId, {}, cancel);
        if (!middle)
            return endJob(middle.error(), {});
        outcome.intermediate = middle.value();
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return endJob(store.error(), {});
        auto loaded = loadModelVersion(*store.value(), outcome.modelVersionId);
        if (!loaded)
            return endJob(loaded.error(), {});
        const QVector<qint64> fp32Versions = outcome.createdVersions;
        const QJsonObject first = outcome.details;
        try {
            done = quantizeModel(projectPath, loaded.value(), settings, observer, cancel, outcome);
        } catch (const std::exception &e) {
            done = Status::failure(QStringLiteral("quantizing model version %1: %2").arg(loaded->version.id).arg(describeException(e)));
        }
        if (done) {
            const QJsonObject int8 = outcome.details;
            outcome.details = first;
            outcome.details.insert(QStringLiteral("int8"), int8);
        } else {
            return endJob(QStringLiteral("%1 (the fp32 result, model version %2, is kept)")
                              .arg(done.error())
                              .arg(loaded->version.id),
                          fp32Versions);
        }
    }
    if (!done)
        return endJob(done.error(), {});
    report(observer.progress, 0, 1, QStringLiteral("measuring the result"));
    auto after = measureModelVersion(projectPath, outcome.modelVersionId, {}, cancel);
    if (!after)
        return endJob(after.error(), {});
    outcome.after = after.value();
    // Time both again, alternating, and keep each one's best median: the first model timed in a
    // process was measured here up to 30x slower at batch 1 than the same model a minute later.
    report(observer.progress, 0, 1, QStringLiteral("timing the original and the result again"));
    for (int round = 0; round < 2; ++round) {
        for (ModelMeasurement *m : {&outcome.before, &outcome.after}) {
            auto again = measureModelVersion(projectPath, m->modelVersionId, {}, cancel, false);
            if (!again)
                return endJob(again.error(), {});
            m->latencyMs = std::min(m->latencyMs, again->latencyMs);
            m->throughput = std::max(m->throughput, again->throughput);
        }
    }
    outcome.notes << slowerNotes(outcome.before, outcome.after);
    report(observer.progress, 1, 1, QStringLiteral("done"));
    return endJob(QString(), {});
}

} // namespace lepton
