#pragma once
// A deployment package's model loaded once and run many times (lepton predict, lepton serve).
#include "common/result.h"
#include "deploy/deploymentpackage.h"

#include <memory>

namespace lepton {

class PackageModel
{
public:
    static Result<std::shared_ptr<PackageModel>> load(const DeploymentPackage &package);
    ~PackageModel();

    const DeploymentPackage &package() const;
    qint64 inputSize() const;   // C*H*W values per sample

    // Encoded image bytes (PNG, JPEG, ...) through the import-time conversion.
    Result<Prediction> predictEncoded(const QByteArray &bytes, const QString &name);
    Result<QVector<Prediction>> predictFiles(const QStringList &files);
    // Already preprocessed float input, `count` samples of inputSize() values each (NCHW).
    Result<QVector<Prediction>> predictTensor(const QVector<float> &values, int count);

private:
    struct Private;
    explicit PackageModel(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace lepton
