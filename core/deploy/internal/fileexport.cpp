#include "deploy/internal/fileexport.h"

#include "deploy/internal/publication.h"
#include "deploy/internal/verification.h"
#include "project/projectstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

namespace lepton::Internal {

Result<ExportOutcome> runFileExport(const QString &projectPath, qint64 modelVersionId, const QString &outPath,
                                    const ExportSettings &settings, const FileExportSteps &steps,
                                    const ProgressFn &progress, const CancelToken &cancel)
{
    using R = Result<ExportOutcome>;
    QElapsedTimer timer;
    timer.start();
    if (!(settings.tolerance >= 0))
        return R::failure(QStringLiteral("%1 export: the tolerance must be >= 0, got %2").arg(steps.title).arg(settings.tolerance));
    if (settings.verifySamples < 1)
        return R::failure(QStringLiteral("%1 export: verify on at least one sample").arg(steps.title));
    auto opened = steps.open ? steps.open() : openModelVersion(projectPath, modelVersionId);
    if (!opened)
        return R::failure(opened.error());
    ProjectStore &store = *opened->store;
    LoadedModel &model = opened->model;

    const QFileInfo target(outPath);
    if (!QDir().mkpath(target.absolutePath()))
        return R::failure(QStringLiteral("cannot create folder '%1'").arg(target.absolutePath()));
    removeStalePartials(target.absoluteFilePath());
    const QString partial = partialSibling(target.absoluteFilePath());
    auto fail = [&](const QString &why) {
        QFile::remove(partial);
        return R::failure(QStringLiteral("%1 export of model version %2 failed: %3").arg(steps.title).arg(modelVersionId).arg(why));
    };
    ExportOutcome out;
    try {
        auto samples = verificationSamples(store, model.dataset, settings.verifySamples);
        if (!samples)
            return R::failure(samples.error());
        report(progress, 0, 100, QStringLiteral("export"));
        if (auto st = steps.write(model, partial); !st)
            return fail(st.error());
        report(progress, 10, 100, QStringLiteral("export"));
        if (cancel.isCancelled())
            return fail(QStringLiteral("cancelled"));
        OutputComparison comparison(model.dataset.isRegression(), model.module->outputStd());
        // Progress in percent: writing is the first tenth, verification the rest.
        const ProgressFn verifyProgress = [&](qint64 done, qint64 total, const QString &) {
            report(progress, 10 + (total > 0 ? 90 * done / total : 0), 100, QStringLiteral("verify"));
        };
        if (auto st = steps.verify(model, partial, samples.value(), comparison, verifyProgress, cancel); !st)
            return fail(st.error());
        out.verification = comparison.result(settings.tolerance);
        out.verification.runtime = steps.runtime;
    } catch (const std::exception &e) {   // c10::Error, cv::Exception, protobuf/ONNX errors
        return fail(describeException(e));
    }
    if (!out.verification.passed) {
        out.verification.failure = verificationFailureMessage(steps.title, modelVersionId, out.verification);
        QFile::remove(partial);
        if (auto st = recordFailedExport(store, modelVersionId, steps.format, target.absoluteFilePath(), steps.details, out,
                                         steps.deferredRecords);
            !st)
            return R::failure(st.error());
    } else if (auto st = publishExport(store, modelVersionId, steps.format, partial, target.absoluteFilePath(),
                                       steps.details, out, steps.deferredRecords);
               !st) {
        return R::failure(st.error());
    }
    out.seconds = timer.elapsed() / 1000.0;
    report(progress, 100, 100, QStringLiteral("export"));
    return out;
}

QString verificationFailureMessage(const QString &title, qint64 modelVersionId, const ExportVerification &v)
{
    if (v.regression)
        return QStringLiteral("%1 export of model version %2 failed verification with %3: max |diff| %4 (allowed %5) "
                              "on %6 samples; the report is kept in the project, no file was written")
            .arg(title)
            .arg(modelVersionId)
            .arg(v.runtime)
            .arg(v.maxAbsDiff)
            .arg(v.tolerance)
            .arg(v.samples);
    return QStringLiteral("%1 export of model version %2 failed verification with %3: max |diff| %4 (allowed %5), "
                          "top-1 agreement %6 on %7 samples; the report is kept in the project, no file was written")
        .arg(title)
        .arg(modelVersionId)
        .arg(v.runtime)
        .arg(v.maxAbsDiff)
        .arg(v.tolerance)
        .arg(v.top1Agreement)
        .arg(v.samples);
}

} // namespace lepton::Internal
