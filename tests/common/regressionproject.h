#pragma once
// A regression project with a known answer, shared by the core, CLI-free and GUI suites: a CSV
// whose target is exactly y = 2a − 3b + 1 on a grid of (a, b) in [−2, 2]² (200 rows, then a row
// with a non-numeric target on line 202 and a ragged row on line 203), imported with
// CsvOptions::regression, and a single Linear layer that can fit it exactly.
#include "data/tabularimport.h"
#include "graph/modelgraph.h"
#include "project/projectstore.h"

#include <QFile>

namespace lepton::Testing {

inline double planeTarget(double a, double b) { return 2 * a - 3 * b + 1; }

inline QByteArray planeCsv()
{
    QByteArray csv = "a,b,y\n";
    for (int i = 0; i < 200; ++i) {
        const double a = -2 + 4.0 * (i % 20) / 19.0, b = -2 + 4.0 * (i / 20) / 9.0;
        csv += QByteArray::number(a, 'g', 10) + ',' + QByteArray::number(b, 'g', 10) + ','
               + QByteArray::number(planeTarget(a, b), 'g', 12) + '\n';
    }
    csv += "0.5,0.5,expensive\n";
    csv += "1,2\n";
    return csv;
}

// Input of two features, then one Linear of `outputs` units.
inline ModelGraph linearGraph(int outputs)
{
    ModelGraph g;
    g.name = QStringLiteral("linear");
    g.nodes = {GraphNode{QStringLiteral("input"), QStringLiteral("Input"), QJsonObject{{"features", 2}}, {}},
               GraphNode{QStringLiteral("fc"), QStringLiteral("Linear"), QJsonObject{{"out_features", outputs}},
                         {QStringLiteral("input")}}};
    return g;
}

struct RegressionProject
{
    QString csvPath;
    qint64 datasetId = 0;
    qint64 architectureId = 0;   // linearGraph(1)
};

// Writes the CSV next to the (existing) project, imports it as a regression dataset and adds the
// linear architecture.
inline Result<RegressionProject> addPlaneRegression(ProjectStore &store, const QString &csvPath)
{
    using R = Result<RegressionProject>;
    QFile f(csvPath);
    if (!f.open(QIODevice::WriteOnly) || f.write(planeCsv()) < 0)
        return R::failure(QStringLiteral("cannot write %1").arg(csvPath));
    f.close();
    CsvOptions o;
    o.regression = true;
    auto data = importTabularCsv(csvPath, o);
    if (!data)
        return R::failure(data.error());
    auto dataset = importIntoProject(store, data.value());
    if (!dataset)
        return R::failure(dataset.error());
    const ModelGraph g = linearGraph(1);
    auto arch = store.addArchitecture(g.name, QString::fromUtf8(g.toJson()));
    if (!arch)
        return R::failure(arch.error());
    return RegressionProject{csvPath, dataset.value(), arch.value()};
}

} // namespace lepton::Testing
