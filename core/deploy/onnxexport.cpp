#include "deploy/onnxexport.h"

#include "deploy/internal/builtinexports.h"
#include "deploy/internal/fileexport.h"
#include "deploy/internal/onnxmodel.h"
#include "deploy/internal/verification.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/dnn.hpp>

namespace lepton {

using namespace Internal;

namespace {

constexpr qint64 kVerifyBatch = 100;   // > 1: dynamic-batch handling is part of what is verified

// A float32 N x C x H x W Mat sharing the tensor's memory (the tensor must stay alive).
cv::Mat blobFromTensor(const torch::Tensor &contiguous)
{
    std::vector<int> sizes;
    for (int64_t d : contiguous.sizes())
        sizes.push_back(int(d));
    return cv::Mat(int(sizes.size()), sizes.data(), CV_32F, contiguous.data_ptr<float>());
}

// Runs the OpenCV net on x; the output as an N x K tensor (copied out of OpenCV's buffer).
Result<torch::Tensor> forwardOpenCv(cv::dnn::Net &net, const torch::Tensor &x)
{
    const torch::Tensor input = x.to(torch::kFloat32).contiguous();
    net.setInput(blobFromTensor(input));
    cv::Mat out = net.forward();
    const qint64 n = x.size(0);
    if (out.type() != CV_32F || n == 0 || qint64(out.total()) % n != 0)
        return Result<torch::Tensor>::failure(
            QStringLiteral("OpenCV DNN returned %1 values of type %2 for a batch of %3")
                .arg(qint64(out.total()))
                .arg(out.type())
                .arg(n));
    if (!out.isContinuous())
        out = out.clone();
    return torch::from_blob(out.ptr<float>(), {n, qint64(out.total()) / n}, torch::kFloat32).clone();
}

} // namespace

namespace Internal {

Result<ExportOutcome> writeOnnxFile(const QString &projectPath, qint64 modelVersionId, const QString &outPath, int opset,
                                    const ExportSettings &settings, const ProgressFn &progress,
                                    const CancelToken &cancel, QVector<ExportInfo> *deferred)
{
    if (opset < OnnxMinOpset || opset > OnnxMaxOpset)
        return Result<ExportOutcome>::failure(
            QStringLiteral("ONNX export of model version %1: opset %2 is not supported (use %3 to %4)")
                .arg(modelVersionId)
                .arg(opset)
                .arg(OnnxMinOpset)
                .arg(OnnxMaxOpset));
    FileExportSteps steps;
    steps.deferredRecords = deferred;
    steps.format = QStringLiteral("onnx");
    steps.title = QStringLiteral("ONNX");
    steps.runtime = QStringLiteral("OpenCV DNN %1 readNetFromONNX").arg(QLatin1String(CV_VERSION));
    steps.details = QJsonObject{{"opset", opset}, {"batch", kVerifyBatch}};
    steps.write = [opset, modelVersionId](LoadedModel &model, const QString &partial) -> Status {
        const QJsonObject metadata{{"preprocess.json", preprocessDescription(model.dataset, QStringLiteral("input"))},
                                   {"architecture", model.module->graph().name},
                                   {"model_version", QString::number(modelVersionId)}};
        auto bytes = buildOnnxModel(*model.module, opset, metadata);
        if (!bytes)
            return Status::failure(bytes.error());
        QFile file(partial);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(bytes->data(), qint64(bytes->size())) != qint64(bytes->size()) || !file.flush())
            return Status::failure(QStringLiteral("cannot write '%1': %2").arg(partial, file.errorString()));
        return success();
    };
    steps.verify = [](LoadedModel &model, const QString &partial, const SplitTensors &samples,
                      OutputComparison &comparison, const ProgressFn &progress, const CancelToken &cancel) -> Status {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(partial.toStdString());
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        torch::NoGradGuard noGrad;
        const qint64 n = samples.size();
        const qint64 batches = (n + kVerifyBatch - 1) / kVerifyBatch;
        for (qint64 b = 0; b < batches; ++b) {
            if (cancel.isCancelled())
                return Status::failure(QStringLiteral("cancelled"));
            const qint64 from = b * kVerifyBatch, to = std::min(n, from + kVerifyBatch);
            const torch::Tensor x = samples.images.slice(0, from, to);
            auto exported = forwardOpenCv(net, x);
            if (!exported)
                return Status::failure(exported.error());
            comparison.add(model.module->forward(x), exported.value(), samples.labels.slice(0, from, to));
            report(progress, b + 1, batches, QStringLiteral("verify"));
        }
        return success();
    };
    return runFileExport(projectPath, modelVersionId, outPath, settings, steps, progress, cancel);
}

} // namespace Internal

Result<ExportOutcome> exportOnnx(const QString &projectPath, qint64 modelVersionId, const QString &outPath, int opset,
                                 const ProgressFn &progress, const CancelToken &cancel)
{
    auto out = writeOnnxFile(projectPath, modelVersionId, outPath, opset, ExportSettings{}, progress, cancel);
    if (out && !out->verification.passed)
        return Result<ExportOutcome>::failure(out->verification.failure);
    return out;
}

Result<QVector<float>> runOnnx(const QString &path, const QVector<float> &input, const QVector<qint64> &shape)
{
    using R = Result<QVector<float>>;
    if (auto st = checkInputShape(input, shape); !st)
        return R::failure(st.error());
    if (!QFileInfo(path).isFile())
        return R::failure(QStringLiteral("'%1': no such ONNX file").arg(path));
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path.toStdString());
        std::vector<int> sizes(shape.begin(), shape.end());
        net.setInput(cv::Mat(int(sizes.size()), sizes.data(), CV_32F, const_cast<float *>(input.constData())));
        cv::Mat out = net.forward();
        if (out.type() != CV_32F)
            return R::failure(QStringLiteral("'%1': the output is not float32 (OpenCV type %2)").arg(path).arg(out.type()));
        if (!out.isContinuous())
            out = out.clone();
        return QVector<float>(out.ptr<float>(), out.ptr<float>() + out.total());
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("'%1': %2").arg(path, describeException(e)));
    }
}

} // namespace lepton
