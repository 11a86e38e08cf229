#include "train/sweep.h"

#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <random>

namespace lepton {

namespace {

const QStringList kSweepable{"learning_rate", "batch_size", "weight_decay", "dropout", "optimizer"};

QJsonObject trialJson(const SweepTrial &t)
{
    return QJsonObject{{"config", t.config.toJson()}, {"dropout", t.dropout}, {"architecture", t.architectureId}};
}

// One value for `name`: from a list (grid or random choice) or a range (random).
QJsonValue drawValue(const QJsonValue &spec, std::mt19937_64 &rng)
{
    if (spec.isArray()) {
        const QJsonArray values = spec.toArray();
        return values.at(int(rng() % quint64(values.size())));
    }
    const QJsonObject range = spec.toObject();
    const double lo = range.value(QLatin1String("min")).toDouble();
    const double hi = range.value(QLatin1String("max")).toDouble();
    const double u = double(rng() >> 11) * (1.0 / 9007199254740992.0);   // [0, 1)
    if (range.value(QLatin1String("log")).toBool())
        return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
    return lo + u * (hi - lo);
}

Result<QVector<QJsonObject>> expandTrials(const SweepSpec &spec)
{
    using R = Result<QVector<QJsonObject>>;
    QVector<QJsonObject> trials;
    const QStringList names = spec.parameters.keys();
    if (spec.method == QLatin1String("grid")) {
        trials.append(QJsonObject{});
        for (const QString &name : names) {
            QVector<QJsonObject> next;
            for (const QJsonObject &partial : trials)
                for (const QJsonValue &v : spec.parameters.value(name).toArray()) {
                    QJsonObject t = partial;
                    t.insert(name, v);
                    next.append(t);
                }
            trials = next;
        }
        if (trials.size() > 1000)
            return R::failure(QStringLiteral("the grid has %1 trials; at most 1000").arg(trials.size()));
    } else {
        std::mt19937_64 rng(spec.seed);
        for (int i = 0; i < spec.trials; ++i) {
            QJsonObject t;
            for (const QString &name : names)
                t.insert(name, drawValue(spec.parameters.value(name), rng));
            trials.append(t);
        }
    }
    return trials;
}

Result<SweepOutcome> runTrials(const QString &projectPath, qint64 sweepId, const QString &monitor,
                               const SweepObserver &observer, const CancelToken &cancel, const PauseToken &pause)
{
    using R = Result<SweepOutcome>;
    // One process runs a sweep's trials at a time; the OS drops the claim when it dies.
    QString claimError;
    const std::unique_ptr<WorkClaim> claim = WorkClaim::tryAcquire(projectPath, WorkClaim::Sweep, sweepId, &claimError);
    if (!claim)
        return R::failure(claimError.isEmpty()
                              ? QStringLiteral("sweep %1 is being run by another process (or another task of this one); "
                                               "resume it when that has stopped")
                                    .arg(sweepId)
                              : claimError);
    auto state = loadSweep(projectPath, sweepId);
    if (!state)
        return state;
    SweepOutcome outcome = state.value();
    if (observer.onSweepStarted)
        observer.onSweepStarted(sweepId);
    for (int i = 0; i < outcome.trials.size() && !cancel.isCancelled(); ++i) {
        SweepTrial &trial = outcome.trials[i];
        if (trial.status == QLatin1String("finished") || trial.status == QLatin1String("failed"))
            continue;
        if (observer.onTrialStarted)
            observer.onTrialStarted(i + 1, outcome.trials.size(), trial.config);
        Result<TrainOutcome> trained = Result<TrainOutcome>::failure(QString());
        if (trial.runId > 0) {
            trained = resumeTraining(projectPath, trial.runId, observer.train, cancel, pause);
        } else {
            TrainObserver train = observer.train;
            train.onStarted = [&](qint64 runId) {
                trial.runId = runId;
                if (auto store = ProjectStore::open(projectPath))
                    (void)store.value()->setRunSweep(runId, sweepId);
                if (observer.train.onStarted)
                    observer.train.onStarted(runId);
            };
            trained = trainModel(projectPath, outcome.datasetId, trial.architectureId, trial.config, train, cancel, pause);
        }
        if (!trained && trial.runId == 0)   // nothing could start: the same would hold for every trial
            return R::failure(QStringLiteral("sweep %1, trial %2: %3").arg(sweepId).arg(i + 1).arg(trained.error()));
        if (!trained) {
            // A trial that fails while training (e.g. diverges) is recorded as failed; the sweep goes on.
            trial.status = QStringLiteral("failed");
        } else {
            trial.status = trained->cancelled ? QStringLiteral("cancelled") : QStringLiteral("finished");
            trial.bestEpoch = trained->bestEpoch;
        }
        if (trained && trained->cancelled)
            break;
        if (observer.onTrialFinished)
            observer.onTrialFinished(i + 1, trial);
    }
    auto reread = loadSweep(projectPath, sweepId);
    if (!reread)
        return reread;
    outcome = reread.value();
    outcome.monitor = monitor;
    outcome.cancelled = cancel.isCancelled();
    if (auto store = ProjectStore::open(projectPath))
        (void)store.value()->setSweepStatus(sweepId, outcome.cancelled ? QStringLiteral("cancelled")
                                                                       : QStringLiteral("finished"));
    return outcome;
}

} // namespace

Result<SweepSpec> SweepSpec::fromJson(const QByteArray &json)
{
    using R = Result<SweepSpec>;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        return R::failure(QStringLiteral("not valid JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    const QJsonObject o = doc.object();
    SweepSpec s;
    s.method = o.value(QLatin1String("method")).toString(s.method).toLower();
    s.trials = o.value(QLatin1String("trials")).toInt(0);
    s.seed = quint64(o.value(QLatin1String("seed")).toInteger(1));
    s.datasetId = o.value(QLatin1String("dataset")).toInteger(0);
    s.architectureId = o.value(QLatin1String("architecture")).toInteger(0);
    s.base = o.value(QLatin1String("base")).toObject();
    s.parameters = o.value(QLatin1String("parameters")).toObject();
    if (s.method != QLatin1String("grid") && s.method != QLatin1String("random"))
        return R::failure(QStringLiteral("\"method\" must be \"grid\" or \"random\", got \"%1\"").arg(s.method));
    if (s.method == QLatin1String("random") && (s.trials < 1 || s.trials > 1000))
        return R::failure(QStringLiteral("\"trials\" must be between 1 and 1000 for a random search"));
    if (s.parameters.isEmpty())
        return R::failure(QStringLiteral("\"parameters\" is empty: name at least one of %1").arg(kSweepable.join(", ")));
    if (auto base = TrainConfig::fromJson(s.base); !base)
        return R::failure(QStringLiteral("\"base\": %1").arg(base.error()));
    for (auto it = s.parameters.begin(); it != s.parameters.end(); ++it) {
        if (!kSweepable.contains(it.key()))
            return R::failure(QStringLiteral("\"parameters\": cannot sweep \"%1\" (sweepable: %2)")
                                  .arg(it.key(), kSweepable.join(", ")));
        const bool list = it.value().isArray() && !it.value().toArray().isEmpty();
        const QJsonObject range = it.value().toObject();
        const bool isRange = it.value().isObject() && range.contains(QLatin1String("min")) && range.contains(QLatin1String("max"));
        if (!list && !(isRange && s.method == QLatin1String("random")))
            return R::failure(QStringLiteral("\"parameters\".\"%1\" must be a non-empty list%2")
                                  .arg(it.key(), s.method == QLatin1String("random")
                                                     ? QStringLiteral(" or {\"min\", \"max\", \"log\"}")
                                                     : QString()));
        if (isRange && range.value(QLatin1String("log")).toBool() && !(range.value(QLatin1String("min")).toDouble() > 0))
            return R::failure(QStringLiteral("\"parameters\".\"%1\": a log range needs min > 0").arg(it.key()));
    }
    return s;
}

QJsonObject SweepSpec::toJson() const
{
    return QJsonObject{{"method", method},
                       {"trials", trials},
                       {"seed", qint64(seed)},
                       {"dataset", datasetId},
                       {"architecture", architectureId},
                       {"base", base},
                       {"parameters", parameters}};
}

QVector<SweepTrial> SweepOutcome::sortedTrials() const
{
    QVector<SweepTrial> sorted = trials;
    const bool maximize = monitorMaximizes(monitor);
    std::stable_sort(sorted.begin(), sorted.end(), [&](const SweepTrial &a, const SweepTrial &b) {
        const bool aDone = a.bestEpoch > 0, bDone = b.bestEpoch > 0;
        if (aDone != bDone)
            return aDone;
        return maximize ? a.bestMetric > b.bestMetric : a.bestMetric < b.bestMetric;
    });
    return sorted;
}

Result<SweepOutcome> runSweep(const QString &projectPath, const SweepSpec &spec, const SweepObserver &observer,
                              const CancelToken &cancel, const PauseToken &pause)
{
    using R = Result<SweepOutcome>;
    auto base = TrainConfig::fromJson(spec.base);
    if (!base)
        return R::failure(base.error());
    auto expanded = expandTrials(spec);
    if (!expanded)
        return R::failure(expanded.error());
    auto opened = ProjectStore::open(projectPath);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened.value();
    qint64 datasetId = spec.datasetId;
    if (datasetId == 0) {
        auto all = store.datasets();
        if (!all)
            return R::failure(all.error());
        if (all->size() != 1)
            return R::failure(QStringLiteral("the sweep must name its \"dataset\" (the project has %1)").arg(all->size()));
        datasetId = all->first().id;
    }
    auto dataset = store.dataset(datasetId);
    if (!dataset)
        return R::failure(dataset.error());
    qint64 architectureId = spec.architectureId;
    if (architectureId == 0) {
        const ModelGraph g = smallCnnTemplate(dataset->channels, dataset->height, dataset->width, dataset->classes.size());
        auto id = store.addArchitecture(g.name, QString::fromUtf8(g.toJson()));
        if (!id)
            return R::failure(id.error());
        architectureId = id.value();
    }
    auto arch = store.architecture(architectureId);
    if (!arch)
        return R::failure(arch.error());

    QVector<SweepTrial> trials;
    QMap<QString, qint64> dropoutArchitectures;   // one architecture version per dropout value
    for (int i = 0; i < expanded->size(); ++i) {
        const QJsonObject values = expanded->at(i);
        QJsonObject configJson = spec.base;
        SweepTrial t;
        t.architectureId = architectureId;
        for (auto it = values.begin(); it != values.end(); ++it) {
            if (it.key() == QLatin1String("dropout"))
                t.dropout = it.value().toDouble();
            else
                // A batch size drawn from a range is rounded to a whole number.
                configJson.insert(it.key(), it.key() == QLatin1String("batch_size")
                                                ? QJsonValue(it.value().isDouble() ? qRound(it.value().toDouble()) : 0)
                                                : it.value());
        }
        auto config = TrainConfig::fromJson(configJson);
        if (!config)
            return R::failure(QStringLiteral("trial %1: %2").arg(i + 1).arg(config.error()));
        t.config = config.value();
        if (t.dropout >= 0) {
            if (!(t.dropout < 1))
                return R::failure(QStringLiteral("trial %1: dropout must be in [0, 1), got %2").arg(i + 1).arg(t.dropout));
            const QString key = QString::number(t.dropout, 'g', 10);
            if (!dropoutArchitectures.contains(key)) {
                auto graph = ModelGraph::fromJson(arch->graphJson.toUtf8());
                if (!graph)
                    return R::failure(graph.error());
                int changed = 0;
                for (GraphNode &node : graph->nodes)
                    if (node.type == QLatin1String("Dropout")) {
                        node.params.insert(QStringLiteral("p"), t.dropout);
                        ++changed;
                    }
                if (changed == 0)
                    return R::failure(QStringLiteral("architecture '%1' has no Dropout layer to sweep").arg(arch->name));
                auto id = store.addArchitecture(arch->name, QString::fromUtf8(graph->toJson()));
                if (!id)
                    return R::failure(id.error());
                dropoutArchitectures.insert(key, id.value());
            }
            t.architectureId = dropoutArchitectures.value(key);
        }
        trials.append(t);
    }
    QJsonArray stored;
    for (const SweepTrial &t : trials)
        stored.append(trialJson(t));
    const QJsonObject sweepJson{{"spec", spec.toJson()}, {"dataset", datasetId}, {"monitor", base->monitor},
                                {"trials", stored}};
    auto sweepId = store.createSweep(QStringLiteral("%1 search, %2 trials").arg(spec.method).arg(trials.size()),
                                     QString::fromUtf8(QJsonDocument(sweepJson).toJson(QJsonDocument::Compact)));
    if (!sweepId)
        return R::failure(sweepId.error());
    opened.value().reset();
    return runTrials(projectPath, sweepId.value(), base->monitor, observer, cancel, pause);
}

Result<SweepOutcome> loadSweep(const QString &projectPath, qint64 sweepId)
{
    using R = Result<SweepOutcome>;
    auto store = ProjectStore::open(projectPath);
    if (!store)
        return R::failure(store.error());
    auto sweeps = store.value()->sweeps();
    if (!sweeps)
        return R::failure(sweeps.error());
    const auto it = std::find_if(sweeps->begin(), sweeps->end(), [&](const SweepInfo &s) { return s.id == sweepId; });
    if (it == sweeps->end())
        return R::failure(QStringLiteral("no sweep with id %1 in '%2'").arg(sweepId).arg(projectPath));
    const QJsonObject json = QJsonDocument::fromJson(it->configJson.toUtf8()).object();
    SweepOutcome outcome;
    outcome.sweepId = sweepId;
    outcome.monitor = json.value(QLatin1String("monitor")).toString(QStringLiteral("val_loss"));
    outcome.datasetId = json.value(QLatin1String("dataset")).toInteger();
    auto runs = store.value()->runs();
    if (!runs)
        return R::failure(runs.error());
    QVector<RunInfo> trialRuns;
    for (const RunInfo &r : runs.value())
        if (r.sweepId == sweepId)
            trialRuns.append(r);   // in creation order: trial i is the i-th run
    const QJsonArray trials = json.value(QLatin1String("trials")).toArray();
    for (int i = 0; i < trials.size(); ++i) {
        const QJsonObject t = trials[i].toObject();
        SweepTrial trial;
        auto config = TrainConfig::fromJson(t.value(QLatin1String("config")).toObject());
        if (!config)
            return R::failure(QStringLiteral("sweep %1, trial %2: %3").arg(sweepId).arg(i + 1).arg(config.error()));
        trial.config = config.value();
        trial.dropout = t.value(QLatin1String("dropout")).toDouble(-1);
        trial.architectureId = t.value(QLatin1String("architecture")).toInteger();
        trial.status = QStringLiteral("pending");
        if (i < trialRuns.size()) {
            const RunInfo &r = trialRuns[i];
            trial.runId = r.id;
            trial.status = r.status;
            trial.bestEpoch = r.bestEpoch;
            trial.bestMetric = r.bestMetric;
        }
        outcome.trials.append(trial);
    }
    for (const SweepTrial &t : outcome.sortedTrials()) {
        if (t.bestEpoch > 0)
            outcome.bestRunId = t.runId;
        break;
    }
    return outcome;
}

Result<SweepOutcome> resumeSweep(const QString &projectPath, qint64 sweepId, const SweepObserver &observer,
                                 const CancelToken &cancel, const PauseToken &pause)
{
    auto state = loadSweep(projectPath, sweepId);
    if (!state)
        return state;
    if (auto store = ProjectStore::open(projectPath))
        (void)store.value()->setSweepStatus(sweepId, QStringLiteral("running"));
    return runTrials(projectPath, sweepId, state->monitor, observer, cancel, pause);
}

} // namespace lepton
