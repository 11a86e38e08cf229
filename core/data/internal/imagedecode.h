#pragma once
// Parallel decoding of image files into samples (hash of the file bytes + model pixels), shared
// by folder import, path-list import and re-import.
#include "common/progress.h"
#include "data/importer.h"

namespace lepton::Internal {

struct DecodeJob
{
    QString path;
    int label = 0;
};

struct DecodedImage
{
    SampleRecord sample;   // path, label, hash, pixels when decoded
    QString error;         // why not, else empty
};

// One result per job, in job order; runs on all cores; checks `cancel` per file.
QVector<DecodedImage> decodeImages(const QVector<DecodeJob> &jobs, const ImportOptions &options,
                                   const ProgressFn &progress, const CancelToken &cancel);

QByteArray sha256Hex(const char *data, qsizetype size);

} // namespace lepton::Internal
