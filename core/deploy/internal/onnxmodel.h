#pragma once
// The graph module as an ONNX ModelProto, written node by node by the layer registry's emitters.
#include "common/result.h"
#include "graph/internal/graphmodule.h"

#include <QJsonObject>

#include <string>

namespace lepton::Internal {

// Serialized ModelProto: input "input" (dynamic batch "batch"), output "logits", weights as
// initializers, `metadata` as metadata_props (JSON values). Checked with ONNX's C++ checker.
Result<std::string> buildOnnxModel(GraphModuleImpl &module, int opset, const QJsonObject &metadata);

} // namespace lepton::Internal
