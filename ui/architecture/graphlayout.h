#pragma once
// Layered (Sugiyama-style) placement of a graph, top to bottom in data-flow order.
#include "graph/modelgraph.h"

#include <QHash>
#include <QPointF>
#include <QSizeF>

namespace lepton {

// Size of a node as the scene draws it; the layout keeps this much room per node.
struct GraphNodeMetrics
{
    static constexpr qreal Width = 230;
    static constexpr qreal Height = 92;
    static constexpr qreal HorizontalGap = 60;
    static constexpr qreal VerticalGap = 58;
};

// Top-left corner of every node: layer = longest path from a source, order within a layer by the
// barycenter of the parents (a few sweeps), no two nodes overlap. Nodes on a cycle go last.
QHash<QString, QPointF> layeredLayout(const ModelGraph &graph);

} // namespace lepton
