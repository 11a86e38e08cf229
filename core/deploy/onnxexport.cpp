#include "deploy/onnxexport.h"

#include "deploy/internal/onnxmodel.h"
#include "deploy/internal/verification.h"
#include "graph/internal/graphmodule.h"
#include "project/projectstore.h"

#include <QDir>
#include <QElapsedTimer>
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

Result<ExportOutcome> exportOnnx(const QString &projectPath, qint64 modelVersionId, const QString &outPath, int opset,
                                 const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<ExportOutcome>;
    QElapsedTimer timer;
    timer.start();
    if (opset < OnnxMinOpset || opset > OnnxMaxOpset)
        return R::failure(QStringLiteral("ONNX export of model version %1: opset %2 is not supported (use %3 to %4)")
                              .arg(modelVersionId)
                              .arg(opset)
                              .arg(OnnxMinOpset)
                              .arg(OnnxMaxOpset));
    auto opened = openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened->store;
    const LoadedModel *loaded = &opened->model;

    const QFileInfo target(outPath);
    if (!QDir().mkpath(target.absolutePath()))
        return R::failure(QStringLiteral("cannot create folder '%1'").arg(target.absolutePath()));
    const QString tmpPath = target.absoluteFilePath() + QStringLiteral(".partial");
    auto fail = [&](const QString &why) {
        QFile::remove(tmpPath);
        return R::failure(QStringLiteral("ONNX export of model version %1 failed: %2").arg(modelVersionId).arg(why));
    };
    ExportOutcome out;
    qint64 steps = 2;
    try {
        auto samples = verificationSamples(store, loaded->dataset);
        if (!samples)
            return R::failure(samples.error());
        const qint64 n = samples->size();
        const qint64 batches = (n + kVerifyBatch - 1) / kVerifyBatch;
        steps = batches + 2;
        report(progress, 0, steps, QStringLiteral("export"));

        QJsonObject metadata{{"preprocess.json", preprocessDescription(loaded->dataset, QStringLiteral("input"))},
                             {"architecture", loaded->module->graph().name},
                             {"model_version", QString::number(modelVersionId)}};
        auto bytes = buildOnnxModel(*loaded->module, opset, metadata);
        if (!bytes)
            return fail(bytes.error());
        QFile file(tmpPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(bytes->data(), qint64(bytes->size())) != qint64(bytes->size()) || !file.flush()) {
            const QString why = QStringLiteral("cannot write '%1': %2").arg(tmpPath, file.errorString());
            file.close();
            return fail(why);
        }
        file.close();
        report(progress, 1, steps, QStringLiteral("export"));

        // Verification: the written file, loaded by the consuming runtime, against the live model.
        cv::dnn::Net net = cv::dnn::readNetFromONNX(tmpPath.toStdString());
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        torch::NoGradGuard noGrad;
        OutputComparison comparison;
        for (qint64 b = 0; b < batches; ++b) {
            if (cancel.isCancelled())
                return fail(QStringLiteral("cancelled"));
            const qint64 from = b * kVerifyBatch, to = std::min(n, from + kVerifyBatch);
            const torch::Tensor x = samples->images.slice(0, from, to);
            auto exported = forwardOpenCv(net, x);
            if (!exported)
                return fail(exported.error());
            comparison.add(loaded->module->forward(x), exported.value(), samples->labels.slice(0, from, to));
            report(progress, 2 + b, steps, QStringLiteral("verify"));
        }
        out.verification = comparison.result();
    } catch (const std::exception &e) {   // cv::Exception, c10::Error, protobuf/ONNX errors
        return fail(describeException(e));
    }
    const ExportVerification &v = out.verification;
    if (!v.passed)
        return fail(QStringLiteral("verification with OpenCV DNN: max |diff| %1 (allowed %2), top-1 agreement %3 "
                                   "on %4 samples; no file was written")
                        .arg(v.maxAbsDiff)
                        .arg(ExportMaxAllowedDiff)
                        .arg(v.top1Agreement)
                        .arg(v.samples));
    const QJsonObject details{{"runtime", QStringLiteral("OpenCV DNN %1 readNetFromONNX").arg(QLatin1String(CV_VERSION))},
                              {"opset", opset},
                              {"batch", kVerifyBatch}};
    if (auto st = publishExport(store, modelVersionId, QStringLiteral("onnx"), tmpPath, target.absoluteFilePath(),
                                details, out);
        !st)
        return R::failure(st.error());
    out.seconds = timer.elapsed() / 1000.0;
    report(progress, steps, steps, QStringLiteral("export"));
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
