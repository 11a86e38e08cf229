#pragma once
// The versions of one model (a source and everything compressed or fine-tuned from it, following
// parent links) with size and test accuracy, for the accuracy-vs-size trade-off and its Pareto front.
#include "common/progress.h"
#include "common/result.h"

#include <QVector>

namespace lepton {

class ProjectStore;

struct FamilyPoint
{
    qint64 modelVersionId = 0;
    qint64 parentId = 0;
    QString name;
    QString precision = "fp32";
    qint64 weightBytes = 0;     // fp32: 4 bytes per parameter and buffer; int8: as quantized
    double accuracy = -1;       // latest test evaluation (-1: none)
    double macroF1 = -1;
    double latencyMs = -1;      // per sample at batch 1 on this machine (-1: not measured)
    double throughput = -1;     // samples/s at batch 64 (-1: not measured)
    bool pareto = false;        // no other version is at least as small and as accurate, and better in one
    bool paretoLatency = false; // the same with latency for size (false while latency is not measured)
};

// Every version sharing a root ancestor with `modelVersionId` that has a test evaluation.
Result<QVector<FamilyPoint>> modelFamily(const ProjectStore &store, qint64 modelVersionId);

// Marks the Pareto fronts of (smaller weightBytes, higher accuracy) and (lower latency, higher accuracy).
void markParetoFront(QVector<FamilyPoint> &points);

// modelFamily() with every version's latency and throughput measured now, one after the other in this
// process, so the versions are compared under the same conditions.
Result<QVector<FamilyPoint>> measureModelFamily(const QString &projectPath, qint64 modelVersionId,
                                                const ProgressFn &progress = {}, const CancelToken &cancel = {});

} // namespace lepton
