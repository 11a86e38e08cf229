#pragma once
// ONNX export written from the graph through the ONNX protobuf (each layer's registry emitter),
// then verified: the written file is run with OpenCV DNN and compared with the live model.
#include "common/progress.h"
#include "common/result.h"
#include "deploy/torchscriptexport.h"   // ExportOutcome, ExportVerification

#include <QVector>

namespace lepton {

constexpr int OnnxMinOpset = 11;
constexpr int OnnxMaxOpset = 17;   // the newest opset Debian's ONNX 1.12 knows
constexpr int OnnxDefaultOpset = 13;

// Writes model.onnx (input "input" N x C x H x W with a dynamic batch, output "logits" N x classes)
// for the model version, verifies it with OpenCV DNN on up to 1000 test samples, records it in the
// project as format "onnx". When the outputs differ by more than the default tolerance (1e-4) the
// failed verification is recorded, no file is left and the result is a failure naming the differences.
Result<ExportOutcome> exportOnnx(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                 int opset = OnnxDefaultOpset, const ProgressFn &progress = {},
                                 const CancelToken &cancel = {});

// Runs an ONNX file with OpenCV DNN on a float batch (N x shape...), returns the flat outputs.
Result<QVector<float>> runOnnx(const QString &path, const QVector<float> &input, const QVector<qint64> &shape);

} // namespace lepton
