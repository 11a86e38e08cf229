#include "deploy/packagemodel.h"

#include "data/internal/imageconvert.h"
#include "graph/internal/graphmodule.h"

#include <QDir>
#include <QFile>
#include <QMutex>

#include <opencv2/imgcodecs.hpp>

namespace lepton {

using Internal::describeException;

struct PackageModel::Private
{
    DeploymentPackage package;
    torch::jit::Module module;
    QMutex mutex;   // one forward at a time; the module is shared by all requests

    Result<QVector<Prediction>> run(const torch::Tensor &x, const QStringList &names)
    {
        try {
            QMutexLocker lock(&mutex);
            torch::NoGradGuard noGrad;
            const torch::Tensor probs = torch::softmax(module.forward({x}).toTensor(), 1).contiguous();
            QVector<Prediction> out;
            for (int i = 0; i < names.size(); ++i) {
                Prediction p;
                p.input = names[i];
                p.label = int(probs[i].argmax().item<int64_t>());
                p.labelName = package.labels.value(p.label);
                const float *row = probs[i].data_ptr<float>();
                p.probabilities = QVector<float>(row, row + probs.size(1));
                out.append(p);
            }
            return out;
        } catch (const std::exception &e) {
            return Result<QVector<Prediction>>::failure(QStringLiteral("model: %1").arg(describeException(e)));
        }
    }

    Result<QByteArray> decode(const QByteArray &bytes, const QString &name) const
    {
        if (bytes.isEmpty())
            return Result<QByteArray>::failure(QStringLiteral("'%1': empty image").arg(name));
        cv::Mat img;
        try {
            const cv::Mat buf(1, int(bytes.size()), CV_8U, const_cast<char *>(bytes.constData()));
            img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception &e) {
            return Result<QByteArray>::failure(QStringLiteral("'%1': %2").arg(name, QString::fromStdString(e.msg)));
        }
        if (img.empty())
            return Result<QByteArray>::failure(QStringLiteral("'%1': not a readable image (PNG, JPEG, BMP, ...)").arg(name));
        return Internal::toModelPixels(img, package.channels, package.width, package.height);
    }

    torch::Tensor batchFromPixels(const QVector<QByteArray> &pixels) const
    {
        const qint64 per = qint64(package.channels) * package.height * package.width;
        torch::Tensor batch = torch::empty({qint64(pixels.size()), per}, torch::kUInt8);
        for (int i = 0; i < pixels.size(); ++i)
            std::memcpy(batch.data_ptr<uint8_t>() + i * per, pixels[i].constData(), size_t(per));
        return batch.to(torch::kFloat32).div_(255.0f).view({qint64(pixels.size()), package.channels, package.height, package.width});
    }
};

PackageModel::PackageModel(std::unique_ptr<Private> dd) : d(std::move(dd)) {}
PackageModel::~PackageModel() = default;

Result<std::shared_ptr<PackageModel>> PackageModel::load(const DeploymentPackage &package)
{
    using R = Result<std::shared_ptr<PackageModel>>;
    auto d = std::make_unique<Private>();
    d->package = package;
    const QString entry = package.manifest.value("entry_points").toObject().value("torchscript").toString(QStringLiteral("model.pt"));
    const QString path = QDir(package.folder).filePath(entry);
    try {
        d->module = torch::jit::load(path.toStdString());
        d->module.eval();
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("'%1': %2").arg(path, describeException(e)));
    }
    return R(std::shared_ptr<PackageModel>(new PackageModel(std::move(d))));
}

const DeploymentPackage &PackageModel::package() const { return d->package; }
qint64 PackageModel::inputSize() const { return qint64(d->package.channels) * d->package.height * d->package.width; }

Result<Prediction> PackageModel::predictEncoded(const QByteArray &bytes, const QString &name)
{
    auto px = d->decode(bytes, name);
    if (!px)
        return Result<Prediction>::failure(px.error());
    auto out = d->run(d->batchFromPixels({px.value()}), {name});
    if (!out)
        return Result<Prediction>::failure(out.error());
    return out->first();
}

Result<QVector<Prediction>> PackageModel::predictFiles(const QStringList &files)
{
    using R = Result<QVector<Prediction>>;
    if (files.isEmpty())
        return R::failure(QStringLiteral("no images given"));
    QVector<QByteArray> pixels;
    for (const QString &file : files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return R::failure(QStringLiteral("'%1': %2").arg(file, f.errorString()));
        auto px = d->decode(f.readAll(), file);
        if (!px)
            return R::failure(px.error());
        pixels.append(px.value());
    }
    return d->run(d->batchFromPixels(pixels), files);
}

Result<QVector<Prediction>> PackageModel::predictTensor(const QVector<float> &values, int count)
{
    using R = Result<QVector<Prediction>>;
    if (count < 1 || values.size() != count * inputSize())
        return R::failure(QStringLiteral("tensor has %1 values; %2 sample(s) of %3×%4×%5 need %6")
                              .arg(values.size())
                              .arg(count)
                              .arg(d->package.channels)
                              .arg(d->package.height)
                              .arg(d->package.width)
                              .arg(qint64(count) * inputSize()));
    const torch::Tensor x = torch::from_blob(const_cast<float *>(values.constData()),
                                             {count, d->package.channels, d->package.height, d->package.width},
                                             torch::kFloat32);
    QStringList names;
    for (int i = 0; i < count; ++i)
        names << QStringLiteral("tensor[%1]").arg(i);
    return d->run(x, names);
}

Result<QVector<Prediction>> predictImages(const DeploymentPackage &package, const QStringList &images)
{
    auto model = PackageModel::load(package);
    if (!model)
        return Result<QVector<Prediction>>::failure(model.error());
    return model.value()->predictFiles(images);
}

} // namespace lepton
