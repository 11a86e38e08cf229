#pragma once
// CSV/TSV import: tabular data (numeric feature columns + a label column, stored as float32
// features: dataset kind "tabular", channels = features, height = width = 1), and lists of
// `path,label` pairs pointing at images (paths relative to the list's folder).
#include "data/importer.h"

namespace lepton {

struct CsvOptions
{
    QString name;              // dataset name; the file's base name when empty
    QString labelColumn;       // header name or 0-based index; empty: the last column
    bool regression = false;   // the label column holds a number to predict (dataset task "regression")
    QString pathColumn;        // path lists: name or index; empty: the first column
    int skipRows = -1;         // lines before the data (or before the header); -1: not given
    QChar delimiter;           // null: ',' or tab / ';' detected from the first data line
    double trainFraction = 0.8;
    double validationFraction = 0.1;
    quint32 seed = 42;
};

// What a CSV file looks like, for the import dialog and for error messages.
struct CsvLayout
{
    QChar delimiter;
    int suggestedSkipRows = 0;     // e.g. 1 for scikit-learn's "150,4,setosa,..." first line
    QString skipReason;            // why, when suggestedSkipRows > 0
    QStringList headerNames;       // after the skipped rows: column names (empty when none)
    int columns = 0;               // fields per data row
    QStringList classNames;        // from a scikit-learn counts line (its label names)
};

Result<CsvLayout> detectCsvLayout(const QString &path, int skipRows = -1);

// Every data row becomes one sample: the non-label columns as float features. Ragged rows,
// non-numeric cells and empty labels are reported per line and skipped. A file whose first line
// looks like a scikit-learn counts line fails unless options.skipRows is given, naming the option.
Result<ImportedDataset> importTabularCsv(const QString &path, const CsvOptions &options,
                                         const ProgressFn &progress = {}, const CancelToken &cancel = {});

// Rows of image path + label; images decoded in parallel as importImageFolder does (imageOptions
// give size and channels). Missing or undecodable images are reported per line.
Result<ImportedDataset> importPathListCsv(const QString &path, const CsvOptions &options,
                                          const ImportOptions &imageOptions, const ProgressFn &progress = {},
                                          const CancelToken &cancel = {});

} // namespace lepton
