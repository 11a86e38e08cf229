#pragma once
// The versions of one model (a source and everything compressed or fine-tuned from it, following
// parent links) with size and test accuracy, for the accuracy-vs-size trade-off and its Pareto front.
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
    bool pareto = false;        // no other version is at least as small and as accurate, and better in one
};

// Every version sharing a root ancestor with `modelVersionId` that has a test evaluation.
Result<QVector<FamilyPoint>> modelFamily(const ProjectStore &store, qint64 modelVersionId);

// Marks the Pareto front of (smaller weightBytes, higher accuracy).
void markParetoFront(QVector<FamilyPoint> &points);

} // namespace lepton
