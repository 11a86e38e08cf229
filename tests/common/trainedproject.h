#pragma once
// Test and benchmark set-up shared by several suites: the demo project (digit sheet + small CNN)
// with one model version trained for a few epochs.
#include "pipeline/demopipeline.h"

namespace lepton::Testing {

struct TrainedProject
{
    DemoProject project;
    qint64 modelVersionId = 0;
};

inline Result<TrainedProject> makeTrainedDemoProject(const QString &projectPath, int epochs = 1)
{
    auto demo = createDemoProject(projectPath);
    if (!demo)
        return Result<TrainedProject>::failure(demo.error());
    TrainConfig config;
    config.epochs = epochs;
    auto trained = trainModel(demo->projectPath, demo->datasetId, demo->architectureId, config);
    if (!trained)
        return Result<TrainedProject>::failure(trained.error());
    return TrainedProject{demo.value(), trained->modelVersionId};
}

} // namespace lepton::Testing
