#pragma once
// Built-in architecture templates, each parameterised by input shape and class count.
#include "common/result.h"
#include "graph/modelgraph.h"

#include <functional>

namespace lepton {

struct ArchitectureTemplate
{
    QString name;          // "resnet": what `lepton arch --template` takes
    QString title;         // "Small ResNet"
    QString description;   // one line for lists and tooltips
    bool imageOnly = true; // false: also builds for a tabular input of N features
    QString provider;      // id of the plugin that added it; empty for built-in templates
};

// Built-in templates first, then those added by plugins.
QVector<ArchitectureTemplate> architectureTemplates();

// Builds a template's graph for a validated input shape and class count.
using TemplateFactory = std::function<Result<ModelGraph>(const TensorShape &input, int classes)>;
// Adds a plugin's template (info.provider set); fails when the name is taken.
Status registerArchitectureTemplate(const ArchitectureTemplate &info, TemplateFactory make);

// The template for an input of C×H×W (image) or N (tabular features) and `classes` outputs; fails
// naming the template and the problem (unknown name, tabular input to an image template, ...).
// The graph may still be invalid for a tiny input (e.g. 3×3 images); analyzeGraph() says where.
Result<ModelGraph> makeTemplate(const QString &name, const TensorShape &input, int classes);

// "1x20x20", "1×20×20" (image C×H×W) or "30" (tabular features).
Result<TensorShape> parseInputShape(const QString &text);

} // namespace lepton
