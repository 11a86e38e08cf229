// Augmentation pipeline: the operation registry, JSON and validation. The operations themselves
// are in augmentops.cpp.
#include "data/augment.h"

#include "project/projectstore.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace lepton {
namespace {

AugmentParameter param(const char *name, const char *label, double minimum, double maximum, double value,
                       int decimals = 2)
{
    return {QLatin1String(name), QLatin1String(label), minimum, maximum, value, decimals};
}

QVector<AugmentOpType> buildTypes()
{
    return {
        {"hflip", "Horizontal flip", "mirror left-right", true, {}},
        {"vflip", "Vertical flip", "mirror top-bottom", true, {}},
        {"rotate", "Rotation", "rotate about the centre by an angle drawn from [min, max] degrees "
                               "(counter-clockwise positive)", true,
         {param("min_degrees", "Min angle (°)", -180, 180, -15, 1), param("max_degrees", "Max angle (°)", -180, 180, 15, 1),
          param("fill", "Fill value", 0, 1, 0)}},
        {"affine", "Affine", "random rotation, scale, translation and shear", true,
         {param("max_degrees", "Max rotation (°)", 0, 180, 10, 1), param("scale_min", "Min scale", 0.1, 4, 0.9),
          param("scale_max", "Max scale", 0.1, 4, 1.1), param("translate", "Max shift (fraction)", 0, 0.5, 0.1),
          param("shear", "Max shear (°)", 0, 45, 0, 1), param("fill", "Fill value", 0, 1, 0)}},
        {"random_resized_crop", "Random resized crop",
         "crop a random area and aspect ratio, resize back to the input size", true,
         {param("scale_min", "Min area (fraction)", 0.01, 1, 0.6), param("scale_max", "Max area (fraction)", 0.01, 1, 1),
          param("ratio_min", "Min aspect ratio", 0.1, 10, 0.75), param("ratio_max", "Max aspect ratio", 0.1, 10, 1.33)}},
        {"brightness_contrast", "Brightness / contrast",
         "add a brightness offset in [-b, b], scale contrast about the image mean by [1-c, 1+c]; clipped to [0, 1]",
         true, {param("brightness", "Max brightness offset", 0, 1, 0.2), param("contrast", "Max contrast change", 0, 1, 0.2)}},
        {"gaussian_noise", "Gaussian noise", "add N(0, sigma) to every value", false,
         {param("sigma", "Sigma", 0, 1, 0.05, 3)}},
        {"blur", "Gaussian blur", "blur with an odd kernel size and sigma drawn from [min, max]", true,
         {param("kernel", "Kernel size (odd)", 3, 31, 3, 0), param("sigma_min", "Min sigma", 0.1, 10, 0.5),
          param("sigma_max", "Max sigma", 0.1, 10, 1.5)}},
        {"cutout", "Cutout / erasing", "fill a random rectangle (area fraction, aspect 0.3-3.3) with a value", true,
         {param("area_min", "Min area (fraction)", 0.001, 1, 0.02, 3), param("area_max", "Max area (fraction)", 0.001, 1, 0.2, 3),
          param("fill", "Fill value", 0, 1, 0)}},
        {"normalize", "Normalize", "(x - mean) / std per channel; computed from the training split on request; "
                                   "applied to every split, always the last step", false, {}},
    };
}

// Pairs that must be ordered (min <= max).
const char *const kOrderedPairs[][2] = {{"min_degrees", "max_degrees"}, {"scale_min", "scale_max"},
                                        {"ratio_min", "ratio_max"},      {"sigma_min", "sigma_max"},
                                        {"area_min", "area_max"}};

QString opName(int index, const QString &type)
{
    return QStringLiteral("operation %1 (%2)").arg(index + 1).arg(type);
}

QString validateOp(const AugmentOp &op, int index, int position, int count)
{
    const AugmentOpType *type = findAugmentOpType(op.type);
    const QString where = opName(index, op.type);
    if (!type) {
        QStringList known;
        for (const AugmentOpType &t : augmentOpTypes())
            known << t.id;
        return QStringLiteral("%1: unknown operation; known: %2").arg(where, known.join(QLatin1String(", ")));
    }
    if (!(op.probability >= 0 && op.probability <= 1))
        return QStringLiteral("%1: probability %2 is outside [0, 1]").arg(where).arg(op.probability);
    for (const AugmentParameter &p : type->parameters) {
        const double v = op.params.value(p.name, p.defaultValue);
        if (!(v >= p.minimum && v <= p.maximum))
            return QStringLiteral("%1: parameter '%2' = %3 is outside [%4, %5]")
                .arg(where, p.name)
                .arg(v)
                .arg(p.minimum)
                .arg(p.maximum);
        if (p.decimals == 0 && v != std::floor(v))
            return QStringLiteral("%1: parameter '%2' = %3 must be a whole number").arg(where, p.name).arg(v);
    }
    for (const auto &pair : kOrderedPairs) {
        const QString lo = QLatin1String(pair[0]), hi = QLatin1String(pair[1]);
        if (op.params.contains(lo) && op.params.contains(hi) && op.params[lo] > op.params[hi])
            return QStringLiteral("%1: parameter '%2' = %3 is greater than '%4' = %5")
                .arg(where, lo)
                .arg(op.params[lo])
                .arg(hi)
                .arg(op.params[hi]);
    }
    if (op.type == QLatin1String("blur") && (int(op.param(QStringLiteral("kernel"))) % 2) == 0)
        return QStringLiteral("%1: parameter 'kernel' = %2 must be odd").arg(where).arg(op.param(QStringLiteral("kernel")));
    if (op.type == QLatin1String("normalize")) {
        if (position != count - 1)
            return QStringLiteral("%1: normalize must be the last operation").arg(where);
        if (op.probability != 1)
            return QStringLiteral("%1: normalize is always applied; its probability must be 1").arg(where);
        if (op.mean.isEmpty() || op.mean.size() != op.std.size())
            return QStringLiteral("%1: 'mean' and 'std' need one value per channel each (%2 and %3 given)")
                .arg(where)
                .arg(op.mean.size())
                .arg(op.std.size());
        for (int c = 0; c < op.std.size(); ++c) {
            if (!(op.std[c] > 0) || !std::isfinite(op.std[c]))
                return QStringLiteral("%1: 'std' value %2 (channel %3) must be positive").arg(where).arg(op.std[c]).arg(c);
            if (!std::isfinite(op.mean[c]))
                return QStringLiteral("%1: 'mean' value of channel %2 is not a finite number").arg(where).arg(c);
        }
    }
    return {};
}

} // namespace

const QVector<AugmentOpType> &augmentOpTypes()
{
    static const QVector<AugmentOpType> types = buildTypes();
    return types;
}

const AugmentOpType *findAugmentOpType(const QString &id)
{
    for (const AugmentOpType &t : augmentOpTypes())
        if (t.id == id)
            return &t;
    return nullptr;
}

AugmentOp makeAugmentOp(const QString &type)
{
    AugmentOp op;
    op.type = type;
    op.probability = (type == QLatin1String("hflip") || type == QLatin1String("vflip")) ? 0.5 : 1.0;
    if (const AugmentOpType *t = findAugmentOpType(type))
        for (const AugmentParameter &p : t->parameters)
            op.params.insert(p.name, p.defaultValue);
    return op;
}

bool AugmentationPipeline::hasRandomOps() const
{
    for (const AugmentOp &op : ops)
        if (op.type != QLatin1String("normalize") && op.probability > 0)
            return true;
    return false;
}

const AugmentOp *AugmentationPipeline::normalization() const
{
    if (!ops.isEmpty() && ops.last().type == QLatin1String("normalize"))
        return &ops.last();
    return nullptr;
}

QJsonObject AugmentationPipeline::toJson() const
{
    QJsonArray list;
    for (const AugmentOp &op : ops) {
        QJsonObject o{{"op", op.type}, {"p", op.probability}};
        for (auto it = op.params.cbegin(); it != op.params.cend(); ++it)
            o.insert(it.key(), it.value());
        if (op.type == QLatin1String("normalize")) {
            QJsonArray mean, std;
            for (double v : op.mean)
                mean.append(v);
            for (double v : op.std)
                std.append(v);
            o.insert(QStringLiteral("mean"), mean);
            o.insert(QStringLiteral("std"), std);
        }
        list.append(o);
    }
    return {{"format", "lepton-augmentation"}, {"version", 1}, {"ops", list}};
}

QByteArray AugmentationPipeline::toJsonBytes() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Indented);
}

Result<AugmentationPipeline> AugmentationPipeline::fromJson(const QJsonObject &json)
{
    using R = Result<AugmentationPipeline>;
    if (json.contains(QLatin1String("format")) && json.value(QLatin1String("format")).toString() != QLatin1String("lepton-augmentation"))
        return R::failure(QStringLiteral("not an augmentation pipeline: \"format\" is '%1', expected 'lepton-augmentation'")
                              .arg(json.value(QLatin1String("format")).toString()));
    if (!json.value(QLatin1String("ops")).isArray())
        return R::failure(QStringLiteral("an augmentation pipeline needs an \"ops\" array"));
    const QJsonArray list = json.value(QLatin1String("ops")).toArray();
    AugmentationPipeline pipeline;
    for (int i = 0; i < list.size(); ++i) {
        if (!list[i].isObject())
            return R::failure(QStringLiteral("operation %1: expected an object like {\"op\": \"hflip\", \"p\": 0.5}").arg(i + 1));
        const QJsonObject o = list[i].toObject();
        const QString type = o.value(QLatin1String("op")).toString();
        if (type.isEmpty())
            return R::failure(QStringLiteral("operation %1: missing \"op\" (its type)").arg(i + 1));
        const AugmentOpType *t = findAugmentOpType(type);
        AugmentOp op = makeAugmentOp(type);
        if (t) {
            for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
                const QString key = it.key();
                if (key == QLatin1String("op"))
                    continue;
                if (key == QLatin1String("p")) {
                    if (!it.value().isDouble())
                        return R::failure(QStringLiteral("%1: \"p\" must be a number").arg(opName(i, type)));
                    op.probability = it.value().toDouble();
                    continue;
                }
                if (type == QLatin1String("normalize") && (key == QLatin1String("mean") || key == QLatin1String("std"))) {
                    QVector<double> &into = key == QLatin1String("mean") ? op.mean : op.std;
                    const QJsonArray values = it.value().isArray() ? it.value().toArray() : QJsonArray{it.value()};
                    for (const QJsonValue &v : values) {
                        if (!v.isDouble())
                            return R::failure(QStringLiteral("%1: '%2' must be numbers").arg(opName(i, type), key));
                        into.append(v.toDouble());
                    }
                    continue;
                }
                const bool known = std::any_of(t->parameters.cbegin(), t->parameters.cend(),
                                               [&](const AugmentParameter &p) { return p.name == key; });
                if (!known) {
                    QStringList names{QStringLiteral("p")};
                    for (const AugmentParameter &p : t->parameters)
                        names << p.name;
                    if (type == QLatin1String("normalize"))
                        names << QStringLiteral("mean") << QStringLiteral("std");
                    return R::failure(QStringLiteral("%1: unknown parameter '%2'; it takes %3")
                                          .arg(opName(i, type), key, names.join(QLatin1String(", "))));
                }
                if (!it.value().isDouble())
                    return R::failure(QStringLiteral("%1: parameter '%2' must be a number").arg(opName(i, type), key));
                op.params[key] = it.value().toDouble();
            }
        }
        pipeline.ops.append(op);
    }
    for (int i = 0; i < pipeline.ops.size(); ++i)
        if (const QString bad = validateOp(pipeline.ops[i], i, i, pipeline.ops.size()); !bad.isEmpty())
            return R::failure(bad);
    return pipeline;
}

Result<AugmentationPipeline> AugmentationPipeline::fromJsonBytes(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<AugmentationPipeline>::failure(
            QStringLiteral("augmentation pipeline JSON, at byte %1: %2").arg(error.offset).arg(error.errorString()));
    if (!doc.isObject())
        return Result<AugmentationPipeline>::failure(QStringLiteral("augmentation pipeline JSON must be an object"));
    return fromJson(doc.object());
}

QString AugmentationPipeline::validateFor(const DatasetInfo &dataset) const
{
    const bool tabular = dataset.kind == QLatin1String("tabular");
    for (int i = 0; i < ops.size(); ++i) {
        const AugmentOp &op = ops[i];
        if (const QString bad = validateOp(op, i, i, ops.size()); !bad.isEmpty())
            return bad;
        const AugmentOpType *t = findAugmentOpType(op.type);
        if (tabular && t->imageOnly)
            return QStringLiteral("%1: an image operation; dataset '%2' is tabular (only gaussian_noise and "
                                  "normalize apply)")
                .arg(opName(i, op.type), dataset.name);
        if (op.type == QLatin1String("normalize") && op.mean.size() != dataset.channels)
            return QStringLiteral("%1: %2 mean/std values, dataset '%3' has %4 %5")
                .arg(opName(i, op.type))
                .arg(op.mean.size())
                .arg(dataset.name)
                .arg(dataset.channels)
                .arg(tabular ? QStringLiteral("features") : QStringLiteral("channels"));
    }
    return {};
}

Result<AugmentationPipeline> datasetAugmentation(const ProjectStore &store, qint64 datasetId)
{
    auto json = store.augmentationJson(datasetId);
    if (!json)
        return Result<AugmentationPipeline>::failure(json.error());
    if (json->isEmpty())
        return AugmentationPipeline{};
    auto pipeline = AugmentationPipeline::fromJsonBytes(json->toUtf8());
    if (!pipeline)
        return Result<AugmentationPipeline>::failure(
            QStringLiteral("stored augmentation pipeline of dataset %1: %2").arg(datasetId).arg(pipeline.error()));
    return pipeline;
}

Status setDatasetAugmentation(ProjectStore &store, qint64 datasetId, const AugmentationPipeline &pipeline)
{
    auto dataset = store.dataset(datasetId);
    if (!dataset)
        return Status::failure(dataset.error());
    if (const QString bad = pipeline.validateFor(dataset.value()); !bad.isEmpty())
        return Status::failure(bad);
    return store.setAugmentationJson(datasetId, pipeline.isEmpty() ? QString()
                                                                   : QString::fromUtf8(pipeline.toJsonBytes()));
}

} // namespace lepton
