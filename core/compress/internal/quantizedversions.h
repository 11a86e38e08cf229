#pragma once
// The int8 model versions of a project: which engine and layers, and how to run one.
#include "common/result.h"
#include "graph/internal/graphmodule.h"

#include <QJsonObject>

namespace lepton::Internal {

struct QuantizedVersion
{
    qint64 modelVersionId = 0;
    QString engine;        // onednn | qnnpack
    QString mode;          // static | dynamic
    QStringList layers;    // int8 layers; all others fp32
    QJsonObject report;    // sensitivity, calibration, verification
};

Status recordQuantizedVersion(ProjectStore &store, const QuantizedVersion &q);
// Empty optional-like result: modelVersionId == 0 when the version is not int8.
Result<QuantizedVersion> quantizedVersion(const ProjectStore &store, qint64 modelVersionId);

// Selects the quantized engine by name ("" : onednn when available, else qnnpack); fails naming the
// engines this LibTorch has.
Result<QString> selectQuantizedEngine(const QString &name);

// The int8 TorchScript module of a quantized version, loaded with its engine selected.
Result<torch::jit::Module> loadQuantizedModule(const ProjectStore &store, const QuantizedVersion &q);

} // namespace lepton::Internal
