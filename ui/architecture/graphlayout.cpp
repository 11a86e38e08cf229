#include "architecture/graphlayout.h"

#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lepton {

namespace {

struct LayoutNode
{
    QVector<int> parents;
    QVector<int> children;
    int layer = 0;
    double order = 0;   // position within the layer while sweeping
    double x = 0;       // center
};

// Sorts a layer by the mean order of its neighbours in the adjacent layer; nodes without
// neighbours keep their place.
void sortByBarycenter(QVector<int> &layer, QVector<LayoutNode> &nodes, bool useParents)
{
    QVector<double> key(layer.size());
    for (int i = 0; i < layer.size(); ++i) {
        const LayoutNode &n = nodes[layer[i]];
        const QVector<int> &nb = useParents ? n.parents : n.children;
        key[i] = nb.isEmpty() ? n.order
                              : std::accumulate(nb.begin(), nb.end(), 0.0,
                                                [&](double s, int j) { return s + nodes[j].order; })
                                    / nb.size();
    }
    QVector<int> idx(layer.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return key[a] < key[b]; });
    QVector<int> sorted;
    for (int i : idx)
        sorted << layer[i];
    layer = sorted;
    for (int i = 0; i < layer.size(); ++i)
        nodes[layer[i]].order = i;
}

// Places a layer's centers as close to `desired` as possible without overlap, keeping the order.
void placeLayer(const QVector<int> &layer, QVector<LayoutNode> &nodes, const QVector<double> &desired)
{
    const double step = GraphNodeMetrics::Width + GraphNodeMetrics::HorizontalGap;
    QVector<double> x(layer.size());
    for (int i = 0; i < layer.size(); ++i)
        x[i] = i == 0 ? desired[i] : std::max(desired[i], x[i - 1] + step);
    // Shift the packed row so it sits on average where the layer wants it.
    double shift = 0;
    for (int i = 0; i < layer.size(); ++i)
        shift += desired[i] - x[i];
    shift /= std::max<qsizetype>(1, layer.size());
    for (int i = 0; i < layer.size(); ++i)
        nodes[layer[i]].x = x[i] + shift;
}

} // namespace

QHash<QString, QPointF> layeredLayout(const ModelGraph &graph)
{
    const int count = int(graph.nodes.size());
    QHash<QString, int> index;
    for (int i = 0; i < count; ++i)
        index.insert(graph.nodes[i].id, i);
    QVector<LayoutNode> nodes(count);
    for (int i = 0; i < count; ++i) {
        QSet<int> seen;
        for (const QString &in : graph.nodes[i].inputs) {
            const int p = index.value(in, -1);
            if (p < 0 || p == i || seen.contains(p))
                continue;
            seen.insert(p);
            nodes[i].parents << p;
            nodes[p].children << i;
        }
    }
    // Longest path from a source, in topological order; nodes left on cycles go below the rest.
    QVector<int> pending(count);
    QVector<int> queue;
    for (int i = 0; i < count; ++i)
        if ((pending[i] = int(nodes[i].parents.size())) == 0)
            queue << i;
    QVector<bool> placed(count, false);
    int deepest = 0;
    for (int q = 0; q < queue.size(); ++q) {
        const int i = queue[q];
        placed[i] = true;
        for (int p : nodes[i].parents)
            nodes[i].layer = std::max(nodes[i].layer, nodes[p].layer + 1);
        deepest = std::max(deepest, nodes[i].layer);
        for (int c : nodes[i].children)
            if (--pending[c] == 0)
                queue << c;
    }
    for (int i = 0; i < count; ++i)
        if (!placed[i])
            nodes[i].layer = ++deepest;

    QVector<QVector<int>> layers(deepest + 1);
    for (int i = 0; i < count; ++i) {
        nodes[i].order = layers[nodes[i].layer].size();
        layers[nodes[i].layer] << i;
    }
    for (int sweep = 0; sweep < 4; ++sweep) {
        for (int l = 1; l < layers.size(); ++l)
            sortByBarycenter(layers[l], nodes, true);
        for (int l = int(layers.size()) - 2; l >= 0; --l)
            sortByBarycenter(layers[l], nodes, false);
    }

    // Downward pass: under the parents; then an upward pass pulls sources over their children.
    for (int l = 0; l < layers.size(); ++l) {
        QVector<double> desired;
        const double step = GraphNodeMetrics::Width + GraphNodeMetrics::HorizontalGap;
        for (int k = 0; k < layers[l].size(); ++k) {
            const LayoutNode &n = nodes[layers[l][k]];
            double d = (k - (layers[l].size() - 1) / 2.0) * step;
            if (!n.parents.isEmpty()) {
                d = 0;
                for (int p : n.parents)
                    d += nodes[p].x;
                d /= n.parents.size();
            }
            desired << d;
        }
        placeLayer(layers[l], nodes, desired);
    }
    for (int l = int(layers.size()) - 2; l >= 0; --l) {
        QVector<double> desired;
        for (int i : layers[l]) {
            const LayoutNode &n = nodes[i];
            double d = n.x;
            if (n.parents.isEmpty() && !n.children.isEmpty()) {
                d = 0;
                for (int c : n.children)
                    d += nodes[c].x;
                d /= n.children.size();
            }
            desired << d;
        }
        placeLayer(layers[l], nodes, desired);
    }

    QHash<QString, QPointF> positions;
    for (int i = 0; i < count; ++i)
        positions.insert(graph.nodes[i].id,
                         QPointF(std::round(nodes[i].x - GraphNodeMetrics::Width / 2),
                                 nodes[i].layer * (GraphNodeMetrics::Height + GraphNodeMetrics::VerticalGap)));
    return positions;
}

} // namespace lepton
