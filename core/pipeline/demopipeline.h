#pragma once
// The demo: digit sheet -> small CNN -> train -> evaluate on test -> int8 quantization (measured
// before and after) -> TorchScript export of the fp32 model and of the int8 one, both verified.
// The same functions back `lepton demo` and the GUI's "Open Demo Project".
#include "common/progress.h"
#include "common/result.h"
#include "compress/compressor.h"
#include "deploy/torchscriptexport.h"
#include "eval/evaluator.h"
#include "runtime/runtimeconfig.h"
#include "train/trainer.h"

namespace lepton {

struct DemoProject
{
    QString projectPath;
    qint64 datasetId = 0;
    qint64 architectureId = 0;
    int skippedFiles = 0;
};

// New project at projectPath with the digit sheet imported and the small-CNN architecture added.
Result<DemoProject> createDemoProject(const QString &projectPath, const QString &digitSheetPath = {},
                                      const ProgressFn &progress = {}, const CancelToken &cancel = {});

struct DemoOptions
{
    QString workdir;
    QString digitSheetPath;   // default: defaultDigitSheetPath()
    TrainConfig train;
};

struct StageTiming
{
    QString stage;
    double seconds = 0;
};

struct DemoReport
{
    DemoProject project;
    DatasetInfo dataset;
    qint64 parameters = 0;
    qint64 macs = 0;
    TrainOutcome training;
    EvaluationOutcome evaluation;
    CompressionOutcome compression;   // int8 quantization of the trained version
    QString compressionError;         // why it made no int8 version (the demo goes on with fp32)
    ExportOutcome exported;           // the fp32 model
    ExportOutcome exportedInt8;       // the int8 model (TorchScript with quantized kernels)
    QVector<StageTiming> stages;
    RuntimeInfo runtime;

    QJsonObject toJson() const;
    QString toText() const;
};

struct DemoObserver
{
    std::function<void(const QString &stage)> onStage;
    TrainObserver train;
    ProgressFn progress;
};

Result<DemoReport> runDemo(const DemoOptions &options, const DemoObserver &observer = {},
                           const CancelToken &cancel = {});

} // namespace lepton
