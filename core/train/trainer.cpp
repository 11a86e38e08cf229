#include "train/trainer.h"

#include "data/internal/tensors.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <numeric>
#include <random>
#include <sstream>

namespace lepton {

using namespace Internal;

namespace {

using R = Result<TrainOutcome>;

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig &c,
                                                       const std::vector<torch::Tensor> &params)
{
    if (c.optimizer == QLatin1String("sgd"))
        return std::make_unique<torch::optim::SGD>(
            params, torch::optim::SGDOptions(c.learningRate).momentum(c.momentum).weight_decay(c.weightDecay));
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(c.learningRate).weight_decay(c.weightDecay));
}

QByteArray optimizerState(torch::optim::Optimizer &optimizer)
{
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    const std::string s = out.str();
    return QByteArray(s.data(), int(s.size()));
}

// Loss and accuracy over a whole split, in inference mode, in large batches.
std::pair<double, double> evaluateSplit(GraphModuleImpl &module, const SplitTensors &data)
{
    if (data.size() == 0)
        return {0.0, 0.0};
    torch::NoGradGuard noGrad;
    module.eval();
    double lossSum = 0;
    qint64 correct = 0;
    constexpr qint64 chunk = 1024;
    for (qint64 start = 0; start < data.size(); start += chunk) {
        const qint64 end = std::min(start + chunk, data.size());
        torch::Tensor x = data.images.slice(0, start, end);
        torch::Tensor y = data.labels.slice(0, start, end);
        torch::Tensor logits = module.forward(x);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    }
    return {lossSum / double(data.size()), double(correct) / double(data.size())};
}

} // namespace

R trainModel(const QString &projectPath, qint64 datasetId, qint64 architectureId, const TrainConfig &config,
             const TrainObserver &observer, const CancelToken &cancel)
{
    if (const QString bad = config.validate(); !bad.isEmpty())
        return R::failure(bad);
    auto opened = ProjectStore::open(projectPath);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened.value();
    auto dataset = store.dataset(datasetId);
    if (!dataset)
        return R::failure(dataset.error());
    auto arch = store.architecture(architectureId);
    if (!arch)
        return R::failure(arch.error());
    auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
    if (!graph)
        return R::failure(QStringLiteral("architecture %1: %2").arg(architectureId).arg(graph.error()));
    const GraphAnalysis analysis = analyzeGraph(graph.value());
    if (!analysis.valid())
        return R::failure(QStringLiteral("architecture '%1' is invalid: %2")
                              .arg(arch->name, analysis.errors.join(QLatin1String("; "))));
    const TensorShape expectedInput{{dataset->channels, dataset->height, dataset->width}};
    if (!(analysis.inputShape == expectedInput))
        return R::failure(QStringLiteral("architecture '%1' takes %2 input, dataset '%3' has %4 images")
                              .arg(arch->name, analysis.inputShape.toString(), dataset->name,
                                   expectedInput.toString()));
    if (analysis.outputShape.dims.value(0) != dataset->classes.size())
        return R::failure(QStringLiteral("architecture '%1' outputs %2 scores, dataset '%3' has %4 classes")
                              .arg(arch->name)
                              .arg(analysis.outputShape.dims.value(0))
                              .arg(dataset->name)
                              .arg(dataset->classes.size()));

    QElapsedTimer total;
    total.start();
    TrainOutcome outcome;
    qint64 runId = 0;
    try {
        auto train = loadSplit(store, dataset.value(), Split::Train);
        if (!train)
            return R::failure(train.error());
        auto val = loadSplit(store, dataset.value(), Split::Validation);
        if (!val)
            return R::failure(val.error());
        if (train->size() == 0)
            return R::failure(QStringLiteral("dataset '%1' has no training samples").arg(dataset->name));

        torch::manual_seed(config.seed);
        auto built = GraphModuleImpl::build(graph.value());
        if (!built)
            return R::failure(built.error());
        GraphModuleImpl &module = *built.value();
        auto optimizer = makeOptimizer(config, module.parameters());

        const QString configJson = QString::fromUtf8(QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact));
        auto run = store.createRun(datasetId, architectureId, configJson);
        if (!run)
            return R::failure(run.error());
        runId = run.value();
        outcome.runId = runId;
        if (observer.onStarted)
            observer.onStarted(runId);

        const qint64 n = train->size();
        const int batches = int((n + config.batchSize - 1) / config.batchSize);
        std::mt19937_64 rng(config.seed);
        std::vector<int64_t> order(static_cast<size_t>(n));
        for (int epoch = 1; epoch <= config.epochs && !outcome.cancelled; ++epoch) {
            QElapsedTimer timer;
            timer.start();
            module.train();
            for (auto &group : optimizer->param_groups())
                group.options().set_lr(config.learningRateAt(epoch));
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            const torch::Tensor perm = torch::from_blob(order.data(), {n}, torch::kInt64);
            double lossSum = 0;
            qint64 correct = 0;
            for (int b = 0; b < batches; ++b) {
                if (cancel.isCancelled()) {
                    outcome.cancelled = true;
                    break;
                }
                const torch::Tensor idx = perm.slice(0, qint64(b) * config.batchSize,
                                                     std::min(n, qint64(b + 1) * config.batchSize));
                const torch::Tensor x = train->images.index_select(0, idx);
                const torch::Tensor y = train->labels.index_select(0, idx);
                optimizer->zero_grad();
                const torch::Tensor logits = module.forward(x);
                const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
                loss.backward();
                optimizer->step();
                const double l = loss.item<double>();
                lossSum += l * double(idx.size(0));
                correct += logits.detach().argmax(1).eq(y).sum().item<int64_t>();
                if (observer.onBatch)
                    observer.onBatch(BatchProgress{epoch, b + 1, batches, l});
            }
            if (outcome.cancelled)
                break;   // the epoch in flight is not recorded
            const auto [valLoss, valAcc] = evaluateSplit(module, val.value());
            EpochMetrics m;
            m.epoch = epoch;
            m.trainLoss = lossSum / double(n);
            m.trainAccuracy = double(correct) / double(n);
            m.valLoss = valLoss;
            m.valAccuracy = valAcc;
            m.seconds = timer.elapsed() / 1000.0;
            EpochRecord rec{m.epoch, m.trainLoss, m.trainAccuracy, m.valLoss, m.valAccuracy, m.seconds};
            if (auto st = store.recordEpoch(runId, rec, module.saveWeights(), optimizerState(*optimizer)); !st) {
                (void)store.setRunStatus(runId, QStringLiteral("failed"));
                return R::failure(QStringLiteral("saving epoch %1 of run %2: %3").arg(epoch).arg(runId).arg(st.error()));
            }
            outcome.epochs.append(m);
            if (observer.onEpoch)
                observer.onEpoch(m);
        }
        (void)store.setRunStatus(runId, outcome.cancelled ? QStringLiteral("cancelled") : QStringLiteral("finished"));
        if (!outcome.epochs.isEmpty()) {
            // The model version is the last recorded epoch (not a half-trained in-flight state).
            auto weights = store.checkpointWeights(runId);
            if (!weights)
                return R::failure(weights.error());
            ModelVersionInfo mv;
            mv.runId = runId;
            mv.architectureId = architectureId;
            mv.datasetId = datasetId;
            mv.epoch = outcome.epochs.last().epoch;
            mv.name = QStringLiteral("run %1 · epoch %2").arg(runId).arg(mv.epoch);
            auto id = store.addModelVersion(mv, weights.value());
            if (!id)
                return R::failure(id.error());
            outcome.modelVersionId = id.value();
        }
    } catch (const std::exception &e) {
        if (runId)
            (void)store.setRunStatus(runId, QStringLiteral("failed"));
        return R::failure(QStringLiteral("training failed%1: %2")
                              .arg(runId ? QStringLiteral(" (run %1)").arg(runId) : QString(), describeException(e)));
    }
    outcome.seconds = total.elapsed() / 1000.0;
    return outcome;
}

} // namespace lepton
