#include "train/internal/initweights.h"

#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <map>

namespace lepton::Internal {

namespace {

QString shapeText(const torch::Tensor &t)
{
    QStringList dims;
    for (int64_t d : t.sizes())
        dims << QString::number(d);
    return dims.isEmpty() ? QStringLiteral("scalar") : dims.join(QStringLiteral("×"));
}

std::map<std::string, torch::Tensor> tensorsOf(torch::nn::Module &m)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto &p : m.named_parameters(true))
        out.emplace(p.key(), p.value());
    for (const auto &b : m.named_buffers(true))
        out.emplace(b.key(), b.value());
    return out;
}

} // namespace

Status initializeFromModelVersion(const ProjectStore &store, GraphModuleImpl &module, qint64 modelVersionId)
{
    auto source = loadModelVersion(store, modelVersionId);
    if (!source)
        return Status::failure(QStringLiteral("initial weights: %1").arg(source.error()));
    try {
        const auto from = tensorsOf(*source->module);
        const auto to = tensorsOf(module);
        QStringList problems;
        for (const auto &[name, t] : to) {
            const auto it = from.find(name);
            if (it == from.end())
                problems << QStringLiteral("%1 (%2) is not in the model version").arg(QString::fromStdString(name), shapeText(t));
            else if (it->second.sizes() != t.sizes())
                problems << QStringLiteral("%1 is %2 here but %3 in the model version")
                                .arg(QString::fromStdString(name), shapeText(t), shapeText(it->second));
        }
        for (const auto &[name, t] : from)
            if (!to.count(name))
                problems << QStringLiteral("%1 (%2) of the model version has no place here").arg(QString::fromStdString(name), shapeText(t));
        if (!problems.isEmpty())
            return Status::failure(QStringLiteral("cannot start from model version %1: its weights do not fit architecture "
                                                  "'%2' (parameters are matched by name and shape): %3")
                                       .arg(modelVersionId)
                                       .arg(module.graph().name, problems.join(QStringLiteral("; "))));
        torch::NoGradGuard noGrad;
        for (const auto &[name, t] : to)
            t.copy_(from.at(name));
    } catch (const std::exception &e) {
        return Status::failure(QStringLiteral("initial weights from model version %1: %2")
                                   .arg(modelVersionId).arg(describeException(e)));
    }
    return success();
}

} // namespace lepton::Internal
