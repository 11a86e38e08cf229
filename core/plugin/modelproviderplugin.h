#pragma once
// Plugin interface org.lepton.ModelProvider/1: a plugin that adds layer types and architecture
// templates. Its layer types join the LayerRegistry (so the editor's palette, shape inference,
// training, TorchScript and ONNX export use them like built-in ones) and its templates join
// architectureTemplates() (`lepton arch --template`, `lepton train --template`, the Architecture
// dock). Every function a plugin hands over is wrapped by the host: an exception thrown inside
// becomes an error naming the plugin and the layer, never a crash.
//
// Writing a layer type needs the layer-author headers graph/internal/torchlayers.h and
// graph/internal/onnxlayers.h (they include LibTorch and the ONNX protobuf); see
// docs/plugins.md, "Model plugins".
#include "graph/layerregistry.h"
#include "graph/templates.h"

#include <QtPlugin>

namespace lepton {

struct TemplateDefinition
{
    ArchitectureTemplate info;   // info.provider is filled in by the host
    TemplateFactory make;        // called with a validated input shape and class count
};

class ModelProviderPlugin
{
public:
    virtual ~ModelProviderPlugin() = default;
    // Called once, at load. Names must not clash with built-in types or other plugins' types.
    virtual QVector<LayerType> layerTypes() = 0;
    virtual QVector<TemplateDefinition> templates() = 0;
};

} // namespace lepton

#define LeptonModelProviderPlugin_iid "org.lepton.ModelProvider/1"
Q_DECLARE_INTERFACE(lepton::ModelProviderPlugin, LeptonModelProviderPlugin_iid)
