#pragma once
// Import of image data into samples (pixels resized to the dataset's input size, hashed, split).
#include "common/progress.h"
#include "common/result.h"
#include "project/records.h"

namespace lepton {

class ProjectStore;

struct ImportOptions
{
    QString name;              // dataset name; derived from the source when empty
    int width = 20;
    int height = 20;
    int channels = 1;          // 1 = grayscale, 3 = BGR
    double trainFraction = 0.8;
    double validationFraction = 0.1;  // the rest is test
    quint32 seed = 42;
};

struct ImportIssue
{
    QString path;
    QString reason;
};

struct ImportedDataset
{
    DatasetInfo info;
    QVector<SampleRecord> samples;
    QVector<ImportIssue> issues;   // files skipped, with why
};

QString defaultDigitSheetPath();   // OpenCV's digits.png from Debian's opencv-doc

// OpenCV's digit sheet: 50 rows x 100 columns of 20x20 cells, five rows per digit 0..9.
Result<ImportedDataset> importDigitSheet(const QString &path, const ImportOptions &options,
                                         const ProgressFn &progress = {},
                                         const CancelToken &cancel = {});
// A folder of class_name/image.ext (any format OpenCV reads, nested folders allowed), or of split
// folders train/ (and val|valid|validation/, test/) each holding class folders: then the folders
// give every sample's split (dataset kind "image-split-folders") instead of the seeded split.
// Unreadable files are skipped and listed in issues. Decoding runs on all cores.
Result<ImportedDataset> importImageFolder(const QString &dir, const ImportOptions &options,
                                          const ProgressFn &progress = {},
                                          const CancelToken &cancel = {});

// Seeded stratified split: per class, shuffle then cut train/validation/test.
void assignStratifiedSplit(QVector<SampleRecord> &samples, int classCount, double trainFraction,
                           double validationFraction, quint32 seed);

// Import + store in one call; returns the new dataset id.
Result<qint64> importIntoProject(ProjectStore &store, const ImportedDataset &data);

} // namespace lepton
