#include "train/trainer.h"

#include "compress/internal/distillationloss.h"
#include "data/augment.h"
#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "train/internal/initweights.h"
#include "project/projectstore.h"
#include "train/internal/optimization.h"
#include "train/schedule.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QThread>

#include <cmath>
#include <random>

namespace lepton {

using namespace Internal;

quint64 epochSeed(quint64 seed, int epoch)
{
    // splitmix64 of (seed, epoch): well mixed, and the same on every platform.
    quint64 z = seed + 0x9E3779B97F4A7C15ULL * quint64(epoch + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

namespace {

using R = Result<TrainOutcome>;

// Everything one training session needs, loaded and checked before the first batch.
struct Session
{
    std::shared_ptr<ProjectStore> store;
    std::unique_ptr<WorkClaim> claim;    // this process trains the run while it is held
    DatasetInfo dataset;
    qint64 architectureId = 0;
    TrainConfig config;
    SplitTensors train, val;
    std::shared_ptr<GraphModuleImpl> module;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    torch::Tensor classWeights;
    bool regression = false;             // dataset task "regression": MSE on one output
    double targetVariance = 1;           // regression: of the training targets (the loss is divided by it)
    AugmentationPipeline augmentation;   // the dataset's; random ops make train batches augmented
    DerivedTraining derived;
    std::shared_ptr<GraphModuleImpl> teacher;                  // distillation only
    std::vector<std::pair<torch::Tensor, torch::Tensor>> keep; // parameter, 0/1 mask (sparse fine-tuning)
};

Result<Session> prepare(const QString &projectPath, qint64 datasetId, qint64 architectureId, const TrainConfig &config)
{
    using S = Result<Session>;
    if (const QString bad = config.validate(); !bad.isEmpty())
        return S::failure(bad);
    Session s;
    s.config = config;
    s.architectureId = architectureId;
    auto opened = ProjectStore::open(projectPath);
    if (!opened)
        return S::failure(opened.error());
    s.store = opened.value();
    // An epoch's commit waits for a long write of another process (an import) instead of failing the run.
    s.store->setWriteWait(WriteWait::Background);
    auto dataset = s.store->dataset(datasetId);
    if (!dataset)
        return S::failure(dataset.error());
    s.dataset = dataset.value();
    auto arch = s.store->architecture(architectureId);
    if (!arch)
        return S::failure(arch.error());
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph)
        return S::failure(QStringLiteral("architecture %1: %2").arg(architectureId).arg(graph.error()));
    const GraphAnalysis analysis = analyzeGraph(graph.value());
    if (!analysis.valid())
        return S::failure(QStringLiteral("architecture '%1' is invalid: %2")
                              .arg(arch->name, analysis.errors.join(QLatin1String("; "))));
    // Tabular datasets (N x F floats) feed an Input of F features, or F×1×1 that is flattened first.
    const TensorShape expectedInput{{s.dataset.channels, s.dataset.height, s.dataset.width}};
    const bool features = s.dataset.kind == QLatin1String("tabular")
                          && analysis.inputShape == TensorShape{{s.dataset.channels}};
    if (!features && !(analysis.inputShape == expectedInput))
        return S::failure(QStringLiteral("architecture '%1' takes %2 input, dataset '%3' has %4 images")
                              .arg(arch->name, analysis.inputShape.toString(), s.dataset.name,
                                   expectedInput.toString()));
    const int classes = s.dataset.classes.size();
    s.regression = s.dataset.isRegression();
    const bool regressionMonitor = config.monitor == QLatin1String("val_mae") || config.monitor == QLatin1String("val_r2");
    if (s.regression) {
        if (analysis.outputShape.dims != QVector<qint64>{1})
            return S::failure(QStringLiteral("architecture '%1' outputs %2; dataset '%3' is a regression dataset (target "
                                             "'%4') and needs exactly one output value (end with a Linear of 1 unit)")
                                  .arg(arch->name, analysis.outputShape.toString(), s.dataset.name, s.dataset.targetName));
        if (!config.classWeights.isEmpty() || config.labelSmoothing > 0)
            return S::failure(QStringLiteral("class weights and label smoothing apply to classification; dataset '%1' "
                                             "is a regression dataset (MSE loss)")
                                  .arg(s.dataset.name));
        if (config.monitor == QLatin1String("val_accuracy") || config.monitor == QLatin1String("val_macro_f1"))
            return S::failure(QStringLiteral("%1 is a classification metric; dataset '%2' is a regression dataset: "
                                             "monitor val_loss, val_mae or val_r2")
                                  .arg(config.monitor, s.dataset.name));
    } else if (regressionMonitor) {
        return S::failure(QStringLiteral("%1 is a regression metric; dataset '%2' has classes: monitor val_loss, "
                                         "val_accuracy or val_macro_f1")
                              .arg(config.monitor, s.dataset.name));
    } else if (analysis.outputShape.dims.value(0) != classes) {
        return S::failure(QStringLiteral("architecture '%1' outputs %2 scores, dataset '%3' has %4 classes")
                              .arg(arch->name)
                              .arg(analysis.outputShape.dims.value(0))
                              .arg(s.dataset.name)
                              .arg(classes));
    }
    if (!config.classWeights.isEmpty() && config.classWeights.size() != classes)
        return S::failure(QStringLiteral("%1 class weights given, dataset '%2' has %3 classes")
                              .arg(config.classWeights.size())
                              .arg(s.dataset.name)
                              .arg(classes));
    auto augmentation = datasetAugmentation(*s.store, datasetId);
    if (!augmentation)
        return S::failure(augmentation.error());
    if (const QString bad = augmentation->validateFor(s.dataset); !bad.isEmpty())
        return S::failure(QStringLiteral("augmentation pipeline of dataset '%1': %2").arg(s.dataset.name, bad));
    s.augmentation = augmentation.value();
    try {
        auto train = loadSplit(*s.store, s.dataset, Split::Train);
        if (!train)
            return S::failure(train.error());
        auto val = loadSplit(*s.store, s.dataset, Split::Validation);
        if (!val)
            return S::failure(val.error());
        s.train = train.value();
        s.val = val.value();
        if (s.train.size() == 0)
            return S::failure(QStringLiteral("dataset '%1' has no training samples").arg(s.dataset.name));
        if (s.val.size() == 0 && (config.patience > 0 || config.schedule == QLatin1String("plateau")))
            return S::failure(QStringLiteral("early stopping and the plateau schedule need a validation split; "
                                             "dataset '%1' has none")
                                  .arg(s.dataset.name));
        torch::manual_seed(config.seed);
        auto built = GraphModuleImpl::build(graph.value());
        if (!built)
            return S::failure(built.error());
        s.module = built.value();
        // The dataset's normalization becomes part of the model (saved with its weights, written
        // into its exports); the random ops run on the raw values before it.
        if (const AugmentOp *norm = s.augmentation.normalization())
            if (auto st = s.module->setInputNormalization(norm->mean, norm->std); !st)
                return S::failure(QStringLiteral("normalization of dataset '%1': %2").arg(s.dataset.name, st.error()));
        if (s.regression) {
            // The model predicts raw · std + mean of the training targets (see setOutputScaling);
            // a constant target gets std 1.
            const double mean = s.train.targets.mean().item<double>();
            const double std = s.train.targets.std(/*unbiased=*/false).item<double>();
            const double scale = std > 1e-12 ? std : 1.0;
            s.targetVariance = scale * scale;
            if (auto st = s.module->setOutputScaling(mean, scale); !st)
                return S::failure(QStringLiteral("targets of dataset '%1': %2").arg(s.dataset.name, st.error()));
        }
        s.optimizer = makeOptimizer(config, s.module->parameters());
        if (!config.classWeights.isEmpty()) {
            std::vector<float> w(config.classWeights.begin(), config.classWeights.end());
            s.classWeights = torch::tensor(w, torch::kFloat32);
        }
    } catch (const std::exception &e) {
        return S::failure(QStringLiteral("preparing training: %1").arg(describeException(e)));
    }
    if (config.initModelVersion > 0)
        if (auto st = initializeFromModelVersion(*s.store, *s.module, config.initModelVersion); !st)
            return S::failure(st.error());
    return S(std::move(s));
}

// Initial weights, teacher and sparsity masks of a derived run. Call before restoring a checkpoint.
Status setupDerived(Session &s, const DerivedTraining &derived)
{
    if (const QString bad = derived.validate(); !bad.isEmpty())
        return Status::failure(bad);
    s.derived = derived;
    try {
        if (derived.initModelVersionId > 0) {
            auto weights = s.store->modelWeights(derived.initModelVersionId);
            if (!weights)
                return Status::failure(weights.error());
            if (auto st = s.module->loadWeights(weights.value()); !st)
                return Status::failure(
                    QStringLiteral("initial weights (model version %1): %2").arg(derived.initModelVersionId).arg(st.error()));
        }
        if (derived.keepZeroWeights) {
            for (const auto &p : s.module->named_parameters(true))
                if (p.value().dim() > 1)   // conv and linear weights; biases and norms stay dense
                    s.keep.emplace_back(p.value(), p.value().detach().ne(0).to(torch::kFloat32));
        }
        if (derived.teacherModelVersionId > 0) {
            if (s.regression)
                return Status::failure(QStringLiteral("distillation matches class distributions; dataset '%1' is a "
                                                      "regression dataset")
                                           .arg(s.dataset.name));
            auto teacher = loadModelVersion(*s.store, derived.teacherModelVersionId);
            if (!teacher)
                return Status::failure(QStringLiteral("teacher: %1").arg(teacher.error()));
            const GraphAnalysis &ta = teacher->module->analysis();
            if (!(ta.inputShape == s.module->analysis().inputShape) || !(ta.outputShape == s.module->analysis().outputShape))
                return Status::failure(QStringLiteral("teacher (model version %1) maps %2 to %3, the student %4 to %5")
                                           .arg(derived.teacherModelVersionId)
                                           .arg(ta.inputShape.toString(), ta.outputShape.toString(),
                                                s.module->analysis().inputShape.toString(),
                                                s.module->analysis().outputShape.toString()));
            s.teacher = teacher->module;
            s.teacher->eval();
        }
    } catch (const std::exception &e) {
        return Status::failure(QStringLiteral("preparing the derived run: %1").arg(describeException(e)));
    }
    return success();
}

struct SplitScore
{
    double loss = 0, accuracy = 0, f1 = 0;
    double mae = 0, r2 = 0;   // regression
};

// Regression: MSE (the loss), MAE and R² over a whole split.
SplitScore evaluateRegressionSplit(GraphModuleImpl &module, const SplitTensors &data)
{
    if (data.size() == 0)
        return {};
    torch::NoGradGuard noGrad;
    module.eval();
    RegressionCounter counter;
    constexpr qint64 chunk = 1024;
    for (qint64 start = 0; start < data.size(); start += chunk) {
        const qint64 end = std::min(start + chunk, data.size());
        counter.add(module.forward(data.images.slice(0, start, end)), data.targets.slice(0, start, end));
    }
    SplitScore score;
    score.loss = counter.mse();
    score.mae = counter.mae();
    score.r2 = counter.r2();
    return score;
}

// Plain (unweighted, unsmoothed) cross-entropy, accuracy and macro F1 over a whole split.
SplitScore evaluateSplit(GraphModuleImpl &module, const SplitTensors &data, int classes)
{
    if (data.size() == 0)
        return {};
    torch::NoGradGuard noGrad;
    module.eval();
    double lossSum = 0;
    qint64 correct = 0;
    F1Counter f1(classes);
    constexpr qint64 chunk = 1024;
    for (qint64 start = 0; start < data.size(); start += chunk) {
        const qint64 end = std::min(start + chunk, data.size());
        torch::Tensor x = data.images.slice(0, start, end);
        torch::Tensor y = data.labels.slice(0, start, end);
        torch::Tensor logits = module.forward(x);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        const torch::Tensor predicted = logits.argmax(1);
        correct += predicted.eq(y).sum().item<int64_t>();
        f1.add(predicted, y);
    }
    return {lossSum / double(data.size()), double(correct) / double(data.size()), f1.macroF1()};
}

// Fisher-Yates with a 64-bit Mersenne twister: the same order on every platform and library.
std::vector<int64_t> shuffledOrder(qint64 n, quint64 seed)
{
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (qint64 i = 0; i < n; ++i)
        order[size_t(i)] = i;
    std::mt19937_64 rng(seed);
    for (qint64 i = n - 1; i > 0; --i)
        std::swap(order[size_t(i)], order[size_t(rng() % quint64(i + 1))]);
    return order;
}

double monitoredValue(const TrainConfig &c, const SplitScore &val)
{
    if (c.monitor == QLatin1String("val_accuracy"))
        return val.accuracy;
    if (c.monitor == QLatin1String("val_macro_f1"))
        return val.f1;
    if (c.monitor == QLatin1String("val_mae"))
        return val.mae;
    if (c.monitor == QLatin1String("val_r2"))
        return val.r2;
    return val.loss;
}

// Waits while paused; returns false when cancelled meanwhile. Adds the paused time to *paused.
bool waitWhilePaused(const PauseToken &pause, const CancelToken &cancel, qint64 *pausedMs)
{
    if (!pause.isPaused())
        return !cancel.isCancelled();
    QElapsedTimer t;
    t.start();
    while (pause.isPaused() && !cancel.isCancelled())
        QThread::msleep(10);
    *pausedMs += t.elapsed();
    return !cancel.isCancelled();
}

// Trains epochs firstEpoch..config.epochs of run `runId`, recording each; makes the model version.
R runEpochs(Session &s, qint64 runId, int firstEpoch, const QJsonObject &resumedState, double runSeconds,
            const TrainObserver &observer, const CancelToken &cancel, const PauseToken &pause)
{
    QElapsedTimer total;
    total.start();
    const TrainConfig &config = s.config;
    ProjectStore &store = *s.store;
    GraphModuleImpl &module = *s.module;
    const int classes = s.dataset.classes.size();
    TrainOutcome outcome;
    outcome.runId = runId;
    outcome.firstEpoch = firstEpoch;
    const qint64 n = s.train.size();
    const int batches = int((n + config.batchSize - 1) / config.batchSize);
    LearningRateSchedule schedule(config, batches);
    MetricMonitor monitor(config.monitorMaximizes(), config.patience);
    schedule.restore(resumedState.value(QLatin1String("schedule")).toObject());
    monitor.restore(resumedState.value(QLatin1String("monitor")).toObject());
    const bool hasValidation = s.val.size() > 0;
    qint64 samples = 0;
    auto failRun = [&](const QString &message) {
        (void)store.setRunStatus(runId, QStringLiteral("failed"), message);
        return R::failure(message);
    };
    // Killed after the epoch that stopped it early, before the run was finished: finish it now.
    if (firstEpoch > 1 && hasValidation && monitor.shouldStop() && firstEpoch <= config.epochs) {
        outcome.earlyStopped = true;
        outcome.message = QStringLiteral("early stopping after epoch %1: %2 did not improve for %3 epochs (best %4 at "
                                         "epoch %5)")
                              .arg(firstEpoch - 1)
                              .arg(config.monitor)
                              .arg(config.patience)
                              .arg(monitor.bestValue(), 0, 'g', 6)
                              .arg(monitor.bestEpoch());
    }
    try {
        for (int epoch = firstEpoch; epoch <= config.epochs && !outcome.cancelled && !outcome.earlyStopped; ++epoch) {
            QElapsedTimer timer;
            timer.start();
            qint64 pausedMs = 0;
            module.train();
            const quint64 seed = epochSeed(config.seed, epoch);
            torch::manual_seed(seed);   // dropout draws of this epoch
            std::vector<int64_t> order = shuffledOrder(n, seed);
            const torch::Tensor perm = torch::from_blob(order.data(), {n}, torch::kInt64);
            double lossSum = 0;
            qint64 correct = 0;
            F1Counter f1(classes);
            RegressionCounter regression;
            EpochRecord rec;
            rec.epoch = epoch;
            for (int b = 0; b < batches; ++b) {
                if (!waitWhilePaused(pause, cancel, &pausedMs)) {
                    outcome.cancelled = true;
                    break;
                }
                const torch::Tensor idx = perm.slice(0, qint64(b) * config.batchSize,
                                                     std::min(n, qint64(b + 1) * config.batchSize));
                torch::Tensor x = s.train.images.index_select(0, idx);
                if (s.augmentation.hasRandomOps())
                    augmentBatch(s.augmentation, x, idx, seed);
                const double lr = schedule.rateAt(qint64(epoch - 1) * batches + b);
                s.optimizer->zero_grad();
                const torch::Tensor logits = module.forward(x);
                torch::Tensor y, loss;
                if (s.regression) {
                    y = s.train.targets.index_select(0, idx);
                    loss = regressionLoss(logits, y);   // MSE in the target's units
                    optimizationStep(*s.optimizer, loss / s.targetVariance, lr, config.clipNorm);
                } else {
                    y = s.train.labels.index_select(0, idx);
                    loss = classificationLoss(logits, y, config, s.classWeights);
                    if (s.teacher) {
                        torch::Tensor teacherLogits;
                        {
                            torch::NoGradGuard noGrad;
                            teacherLogits = s.teacher->forward(x);
                        }
                        loss = s.derived.alpha * distillationTerm(logits, teacherLogits, s.derived.temperature)
                             + (1.0 - s.derived.alpha) * loss;
                    }
                    optimizationStep(*s.optimizer, loss, lr, config.clipNorm);
                }
                if (!s.keep.empty()) {
                    torch::NoGradGuard noGrad;
                    for (auto &[param, mask] : s.keep)
                        param.mul_(mask);
                }
                const double l = loss.item<double>();
                if (!std::isfinite(l))
                    return failRun(QStringLiteral("run %1: the loss became %2 at epoch %3, batch %4 (learning rate "
                                                  "%5); try a lower learning rate or gradient clipping")
                                       .arg(runId)
                                       .arg(l)
                                       .arg(epoch)
                                       .arg(b + 1)
                                       .arg(lr));
                lossSum += l * double(idx.size(0));
                if (s.regression) {
                    regression.add(logits, y);
                } else {
                    const torch::Tensor predicted = logits.detach().argmax(1);
                    correct += predicted.eq(y).sum().item<int64_t>();
                    f1.add(predicted, y);
                }
                samples += idx.size(0);
                rec.batchLosses.append(float(l));
                rec.batchLearningRates.append(float(lr));
                rec.learningRate = lr;
                if (observer.onBatch)
                    observer.onBatch(BatchProgress{epoch, b + 1, batches, l, lr, samples});
            }
            if (outcome.cancelled)
                break;   // the epoch in flight is not recorded
            const SplitScore val = s.regression ? evaluateRegressionSplit(module, s.val)
                                                : evaluateSplit(module, s.val, classes);
            rec.trainLoss = lossSum / double(n);
            rec.trainAccuracy = s.regression ? 0.0 : double(correct) / double(n);
            rec.trainF1 = s.regression ? 0.0 : f1.macroF1();
            rec.valLoss = val.loss;
            rec.valAccuracy = val.accuracy;
            rec.valF1 = val.f1;
            if (s.regression) {
                rec.trainMae = regression.mae();
                rec.trainR2 = regression.r2();
                rec.valMae = val.mae;
                rec.valR2 = val.r2;
            }
            const double metric = monitoredValue(config, val);
            if (hasValidation)
                monitor.update(epoch, metric);
            else
                monitor.restore(QJsonObject{{"best_epoch", epoch}});   // no validation: the last is the best
            schedule.epochEnded(metric);
            const QJsonObject state{{"schedule", schedule.state()},
                                    {"monitor", monitor.state()},
                                    {"rng", QStringLiteral("epoch seed = splitmix64(seed, epoch)")}};
            EpochCheckpoint checkpoint;
            checkpoint.epoch = epoch;
            checkpoint.weights = module.saveWeights();
            checkpoint.optimizerState = saveOptimizer(*s.optimizer);
            checkpoint.trainerState = QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact));
            rec.seconds = double(timer.elapsed() - pausedMs) / 1000.0;
            runSeconds += rec.seconds;
            if (auto st = store.recordEpoch(runId, rec, checkpoint, monitor.bestEpoch(), monitor.bestValue(), runSeconds);
                !st)
                return failRun(QStringLiteral("saving epoch %1 of run %2: %3").arg(epoch).arg(runId).arg(st.error()));
            EpochMetrics m;
            m.epoch = epoch;
            m.trainLoss = rec.trainLoss;
            m.trainAccuracy = rec.trainAccuracy;
            m.trainF1 = rec.trainF1;
            m.valLoss = rec.valLoss;
            m.valAccuracy = rec.valAccuracy;
            m.valF1 = rec.valF1;
            m.regression = s.regression;
            m.trainMae = rec.trainMae;
            m.valMae = rec.valMae;
            m.trainR2 = rec.trainR2;
            m.valR2 = rec.valR2;
            m.learningRate = rec.learningRate;
            m.seconds = rec.seconds;
            m.bestEpoch = monitor.bestEpoch();
            outcome.epochs.append(m);
            if (observer.onEpoch)
                observer.onEpoch(m);
            if (monitor.shouldStop() && epoch < config.epochs) {
                outcome.earlyStopped = true;
                outcome.message = QStringLiteral("early stopping after epoch %1: %2 did not improve for %3 epochs "
                                                 "(best %4 at epoch %5)")
                                      .arg(epoch)
                                      .arg(config.monitor)
                                      .arg(config.patience)
                                      .arg(monitor.bestValue(), 0, 'g', 6)
                                      .arg(monitor.bestEpoch());
                break;
            }
        }
        if (outcome.cancelled && outcome.message.isEmpty())
            outcome.message = QStringLiteral("stopped by the user");
        outcome.bestEpoch = monitor.bestEpoch();
        // The status and the model version in one transaction: a "finished" run always has its model.
        ModelVersionInfo mv;
        QByteArray bestWeights;
        if (outcome.bestEpoch > 0) {
            auto best = store.checkpointWeights(runId, outcome.bestEpoch);
            if (!best)
                return R::failure(best.error());
            bestWeights = best.value();
            mv.parentId = s.derived.parentModelVersionId;
            mv.architectureId = s.architectureId;
            mv.datasetId = s.dataset.id;
            mv.epoch = outcome.bestEpoch;
            mv.pendingJobId = s.derived.pendingJobId;
            mv.name = hasValidation ? QStringLiteral("run %1 · epoch %2 (best %3)").arg(runId).arg(mv.epoch).arg(config.monitor)
                                    : QStringLiteral("run %1 · epoch %2").arg(runId).arg(mv.epoch);
        }
        auto id = store.finishRun(runId, outcome.cancelled ? QStringLiteral("cancelled") : QStringLiteral("finished"),
                                  outcome.message, outcome.bestEpoch > 0 ? &mv : nullptr, bestWeights);
        if (!id)
            return R::failure(QStringLiteral("finishing run %1: %2").arg(runId).arg(id.error()));
        outcome.modelVersionId = id.value();
    } catch (const std::exception &e) {
        return failRun(QStringLiteral("training failed (run %1): %2").arg(runId).arg(describeException(e)));
    }
    outcome.seconds = total.elapsed() / 1000.0;
    return outcome;
}

} // namespace

R trainModel(const QString &projectPath, qint64 datasetId, qint64 architectureId, const TrainConfig &config,
             const TrainObserver &observer, const CancelToken &cancel, const PauseToken &pause)
{
    auto session = prepare(projectPath, datasetId, architectureId, config);
    if (!session)
        return R::failure(session.error());
    Session &s = session.value();
    const QString configJson = QString::fromUtf8(QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact));
    auto run = s.store->createRun(datasetId, architectureId, configJson, &s.claim);
    if (!run)
        return R::failure(run.error());
    if (observer.onStarted)
        observer.onStarted(run.value());
    return runEpochs(s, run.value(), 1, {}, 0.0, observer, cancel, pause);
}

R trainDerivedModel(const QString &projectPath, qint64 datasetId, qint64 architectureId, const TrainConfig &config,
                    const DerivedTraining &derived, const TrainObserver &observer, const CancelToken &cancel,
                    const PauseToken &pause)
{
    auto session = prepare(projectPath, datasetId, architectureId, config);
    if (!session)
        return R::failure(session.error());
    Session &s = session.value();
    if (auto st = setupDerived(s, derived); !st)
        return R::failure(st.error());
    QJsonObject json = config.toJson();
    json.insert(QLatin1String("derived"), derived.toJson());
    auto run = s.store->createRun(datasetId, architectureId,
                                  QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)), &s.claim);
    if (!run)
        return R::failure(run.error());
    if (observer.onStarted)
        observer.onStarted(run.value());
    return runEpochs(s, run.value(), 1, {}, 0.0, observer, cancel, pause);
}

QJsonObject DerivedTraining::toJson() const
{
    return QJsonObject{{"init_model_version", initModelVersionId},   {"parent_model_version", parentModelVersionId},
                       {"keep_zero_weights", keepZeroWeights},       {"teacher_model_version", teacherModelVersionId},
                       {"temperature", temperature},                 {"alpha", alpha}};
}

DerivedTraining DerivedTraining::fromJson(const QJsonObject &json)
{
    DerivedTraining d;
    d.initModelVersionId = json.value(QLatin1String("init_model_version")).toInteger();
    d.parentModelVersionId = json.value(QLatin1String("parent_model_version")).toInteger();
    d.keepZeroWeights = json.value(QLatin1String("keep_zero_weights")).toBool();
    d.teacherModelVersionId = json.value(QLatin1String("teacher_model_version")).toInteger();
    d.temperature = json.value(QLatin1String("temperature")).toDouble(d.temperature);
    d.alpha = json.value(QLatin1String("alpha")).toDouble(d.alpha);
    return d;
}

QString DerivedTraining::validate() const
{
    if (!(temperature > 0) || temperature > 100)
        return QStringLiteral("distillation temperature must be in (0, 100], got %1").arg(temperature);
    if (!(alpha >= 0) || alpha > 1)
        return QStringLiteral("distillation alpha must be in [0, 1], got %1").arg(alpha);
    return {};
}

R resumeTraining(const QString &projectPath, qint64 runId, const TrainObserver &observer, const CancelToken &cancel,
                 const PauseToken &pause)
{
    // Claim first (atomic against another resume), then read what to continue from under the claim.
    RunInfo run;
    EpochCheckpoint last;
    std::unique_ptr<WorkClaim> claim;
    std::shared_ptr<ProjectStore> claimStore;
    {
        auto store = ProjectStore::open(projectPath);
        if (!store)
            return R::failure(store.error());
        claimStore = store.value();
        auto before = claimStore->run(runId);
        if (!before)
            return R::failure(before.error());
        auto claimed = claimStore->claimRun(runId);
        if (!claimed)
            return R::failure(claimed.error());
        claim = std::move(claimed.value());
        run = before.value();
        if (run.epochsDone > 0) {
            auto c = claimStore->checkpoint(runId);
            if (!c)
                return R::failure(c.error());
            last = c.value();
        }
    }
    // A resume that cannot start leaves the run as it was.
    auto refuse = [&](const QString &message) {
        const bool interrupted = run.status == QLatin1String("interrupted");   // stored as "running", unclaimed
        (void)claimStore->setRunStatus(runId, interrupted ? QStringLiteral("running") : run.status, run.message);
        return R::failure(message);
    };
    auto config = TrainConfig::fromJson(QJsonDocument::fromJson(run.configJson.toUtf8()).object());
    if (!config)
        return refuse(QStringLiteral("run %1 has an unusable configuration: %2").arg(runId).arg(config.error()));
    auto session = prepare(projectPath, run.datasetId, run.architectureId, config.value());
    if (!session)
        return refuse(session.error());
    Session &s = session.value();
    s.claim = std::move(claim);
    const QJsonObject derived = QJsonDocument::fromJson(run.configJson.toUtf8()).object().value(QLatin1String("derived")).toObject();
    if (!derived.isEmpty())
        if (auto st = setupDerived(s, DerivedTraining::fromJson(derived)); !st)
            return refuse(QStringLiteral("run %1: %2").arg(runId).arg(st.error()));
    QJsonObject state;
    try {
        if (last.epoch > 0) {
            if (auto st = s.module->loadWeights(last.weights); !st)
                return refuse(QStringLiteral("run %1, epoch %2: %3").arg(runId).arg(last.epoch).arg(st.error()));
            loadOptimizer(*s.optimizer, last.optimizerState);
            state = QJsonDocument::fromJson(last.trainerState.toUtf8()).object();
        }
    } catch (const std::exception &e) {
        return refuse(QStringLiteral("run %1: cannot restore the optimizer state of epoch %2: %3")
                          .arg(runId)
                          .arg(last.epoch)
                          .arg(describeException(e)));
    }
    if (observer.onStarted)
        observer.onStarted(runId);
    return runEpochs(s, runId, last.epoch + 1, state, run.seconds, observer, cancel, pause);
}

} // namespace lepton
