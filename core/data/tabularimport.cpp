#include "data/tabularimport.h"

#include "data/internal/imagedecode.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace lepton {
namespace {

using R = Result<ImportedDataset>;

// One CSV record: delimiter-separated fields, double quotes around fields, "" inside quotes.
QStringList splitFields(const QString &line, QChar delimiter)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar ch = line[i];
        if (quoted) {
            if (ch == QLatin1Char('"')) {
                if (i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                    field += ch;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += ch;
            }
        } else if (ch == QLatin1Char('"') && field.trimmed().isEmpty()) {
            quoted = true;
            field.clear();
        } else if (ch == delimiter) {
            fields << field.trimmed();
            field.clear();
        } else {
            field += ch;
        }
    }
    fields << field.trimmed();
    return fields;
}

struct Line
{
    int number = 0;   // 1-based
    QString text;
};

// Non-empty lines of the file (trailing \r removed); fails on unreadable or non-UTF-8 files.
Result<QVector<Line>> readLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QVector<Line>>::failure(QStringLiteral("cannot read '%1': %2").arg(path, f.errorString()));
    const QByteArray bytes = f.readAll();
    QVector<Line> lines;
    int number = 0;
    for (const QByteArray &raw : bytes.split('\n')) {
        ++number;
        QByteArray b = raw;
        if (b.endsWith('\r'))
            b.chop(1);
        if (b.trimmed().isEmpty())
            continue;
        const QString text = QString::fromUtf8(b);
        if (text.contains(QChar::ReplacementCharacter))
            return Result<QVector<Line>>::failure(
                QStringLiteral("'%1', line %2: not UTF-8 text").arg(path).arg(number));
        lines.append({number, text});
    }
    return lines;
}

QChar detectDelimiter(const QString &path, const QString &sample)
{
    if (path.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive) || sample.contains(QLatin1Char('\t')))
        return QLatin1Char('\t');
    if (!sample.contains(QLatin1Char(',')) && sample.contains(QLatin1Char(';')))
        return QLatin1Char(';');
    return QLatin1Char(',');
}

bool isNumber(const QString &s, double *value = nullptr)
{
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (ok && value)
        *value = v;
    return ok && std::isfinite(v);
}

QString checkSplit(double train, double val)
{
    if (train <= 0 || val < 0 || train + val > 1.0 + 1e-9)
        return QStringLiteral("split fractions train=%1 validation=%2 are invalid (train > 0, sum <= 1)").arg(train).arg(val);
    return {};
}

// Column index of `spec` (a header name or a 0-based index); `fallback` when spec is empty.
Result<int> columnIndex(const QString &spec, const QStringList &header, int columns, int fallback, const QString &what,
                        const QString &path)
{
    if (spec.isEmpty())
        return fallback;
    if (const int named = header.indexOf(spec); named >= 0)
        return named;
    bool ok = false;
    const int index = spec.toInt(&ok);
    if (ok && index >= 0 && index < columns)
        return index;
    return Result<int>::failure(
        QStringLiteral("'%1': no %2 column '%3' (columns: %4)")
            .arg(path, what, spec,
                 header.isEmpty() ? QStringLiteral("0..%1 by index, the file has no header").arg(columns - 1)
                                  : header.join(QLatin1String(", "))));
}

// Sorted class names: numerically when every label is a number, else alphabetically.
QStringList sortedClasses(const QSet<QString> &labels)
{
    QStringList names(labels.begin(), labels.end());
    const bool numeric = std::all_of(names.begin(), names.end(), [](const QString &s) { return isNumber(s); });
    std::sort(names.begin(), names.end(), [numeric](const QString &a, const QString &b) {
        return numeric ? a.toDouble() < b.toDouble() : a < b;
    });
    return names;
}

// A regression target: the label field as a finite number, or why not.
QString parseTarget(const QString &field, const QString &column, double *value)
{
    if (!isNumber(field, value))
        return QStringLiteral("target column '%1': '%2' is not a number").arg(column, field.left(40));
    return {};
}

// Regression datasets: no classes, the target column's name, a seeded random (unstratified) split.
void finishRegression(ImportedDataset &out, const QString &targetName, const CsvOptions &options)
{
    out.info.task = QStringLiteral("regression");
    out.info.targetName = targetName;
    out.info.classes.clear();
    for (SampleRecord &s : out.samples)
        s.label = 0;
    assignStratifiedSplit(out.samples, 1, options.trainFraction, options.validationFraction, options.seed);
}

// Shared front part: lines after the skipped rows, layout, header, and the label column.
struct Parsed
{
    CsvLayout layout;
    QVector<Line> data;   // rows after skip + header
    int skip = 0;
};

Result<Parsed> parseFile(const QString &path, const CsvOptions &options, bool requireExplicitSkip)
{
    auto layout = detectCsvLayout(path, options.skipRows);
    if (!layout)
        return Result<Parsed>::failure(layout.error());
    Parsed p;
    p.layout = layout.value();
    if (!options.delimiter.isNull())
        p.layout.delimiter = options.delimiter;
    if (requireExplicitSkip && options.skipRows < 0 && p.layout.suggestedSkipRows > 0)
        return Result<Parsed>::failure(QStringLiteral("'%1': %2. Skip it with --skip-rows %3 (the dialog's \"Lines to skip\")")
                                           .arg(path, p.layout.skipReason)
                                           .arg(p.layout.suggestedSkipRows));
    p.skip = std::max(0, options.skipRows);
    auto lines = readLines(path);
    if (!lines)
        return Result<Parsed>::failure(lines.error());
    const int first = p.skip + (p.layout.headerNames.isEmpty() ? 0 : 1);
    p.data = lines->mid(std::min<qsizetype>(first, lines->size()));
    if (p.data.isEmpty())
        return Result<Parsed>::failure(QStringLiteral("'%1': no data rows after %2 skipped line(s)%3")
                                           .arg(path)
                                           .arg(p.skip)
                                           .arg(p.layout.headerNames.isEmpty() ? QString() : QStringLiteral(" and the header")));
    return p;
}

} // namespace

Result<CsvLayout> detectCsvLayout(const QString &path, int skipRows)
{
    auto lines = readLines(path);
    if (!lines)
        return Result<CsvLayout>::failure(lines.error());
    if (lines->isEmpty())
        return Result<CsvLayout>::failure(QStringLiteral("'%1' is empty").arg(path));
    CsvLayout layout;
    const int sampleLine = std::min<int>(int(lines->size()) - 1, std::max(0, skipRows) + 1);
    layout.delimiter = detectDelimiter(path, lines->at(sampleLine).text);
    // scikit-learn's bundled CSVs start with "n_samples,n_features,class names...".
    const QStringList first = splitFields(lines->at(0).text, layout.delimiter);
    if (lines->size() > 1 && first.size() >= 2) {
        const QStringList second = splitFields(lines->at(1).text, layout.delimiter);
        bool okRows = false, okFeatures = false;
        const int rows = first[0].toInt(&okRows);
        const int features = first[1].toInt(&okFeatures);
        if (okRows && okFeatures && rows == lines->size() - 1 && features + 1 == second.size()) {
            layout.suggestedSkipRows = 1;
            layout.skipReason = QStringLiteral("line 1 ('%1') is a scikit-learn counts line (%2 samples, %3 features), "
                                               "not data")
                                    .arg(lines->at(0).text.left(60))
                                    .arg(rows)
                                    .arg(features);
            layout.classNames = first.mid(2);
        }
    }
    const int skip = skipRows >= 0 ? skipRows : layout.suggestedSkipRows;
    if (skip >= lines->size())
        return Result<CsvLayout>::failure(
            QStringLiteral("'%1': skipping %2 line(s) leaves no data (%3 non-empty lines)").arg(path).arg(skip).arg(lines->size()));
    const QStringList head = splitFields(lines->at(skip).text, layout.delimiter);
    // A header is a line of names: no field is a number.
    if (std::none_of(head.begin(), head.end(), [](const QString &f) { return isNumber(f); })
        && skip + 1 < lines->size()) {
        layout.headerNames = head;
        layout.columns = int(splitFields(lines->at(skip + 1).text, layout.delimiter).size());
    } else {
        layout.columns = int(head.size());
    }
    if (skipRows >= 0 && skipRows != layout.suggestedSkipRows)
        layout.classNames.clear();
    return layout;
}

R importTabularCsv(const QString &path, const CsvOptions &options, const ProgressFn &progress,
                   const CancelToken &cancel)
{
    if (const QString bad = checkSplit(options.trainFraction, options.validationFraction); !bad.isEmpty())
        return R::failure(bad);
    auto parsed = parseFile(path, options, true);
    if (!parsed)
        return R::failure(parsed.error());
    const CsvLayout &layout = parsed->layout;
    const int columns = layout.columns;
    if (columns < 2)
        return R::failure(QStringLiteral("'%1': a tabular CSV needs feature columns and a label column; the first data "
                                         "row has %2 field(s) (delimiter '%3')")
                              .arg(path)
                              .arg(columns)
                              .arg(layout.delimiter == QLatin1Char('\t') ? QStringLiteral("\\t") : QString(layout.delimiter)));
    auto label = columnIndex(options.labelColumn, layout.headerNames, columns, columns - 1, QStringLiteral("label"), path);
    if (!label)
        return R::failure(label.error());
    const int labelColumn = label.value();
    const QString labelName = layout.headerNames.value(labelColumn, QString::number(labelColumn));
    ImportedDataset out;
    struct Row { int line; QString label; double target = 0; QVector<float> features; QByteArray hash; };
    QVector<Row> rows;
    QSet<QString> labels;
    const qint64 total = parsed->data.size();
    for (qint64 i = 0; i < total; ++i) {
        if (cancel.isCancelled())
            return R::failure(QStringLiteral("import cancelled"));
        const Line &line = parsed->data[i];
        const QStringList fields = splitFields(line.text, layout.delimiter);
        const QString where = QStringLiteral("%1:%2").arg(QFileInfo(path).fileName()).arg(line.number);
        if (fields.size() != columns) {
            out.issues.append({where, QStringLiteral("%1 fields, expected %2").arg(fields.size()).arg(columns)});
            continue;
        }
        Row row;
        row.line = line.number;
        row.label = fields[labelColumn];
        if (row.label.isEmpty()) {
            out.issues.append({where, QStringLiteral("empty label (column '%1')").arg(labelName)});
            continue;
        }
        QString bad;
        if (options.regression)
            bad = parseTarget(row.label, labelName, &row.target);
        for (int c = 0; c < columns && bad.isEmpty(); ++c) {
            if (c == labelColumn)
                continue;
            double v = 0;
            if (!isNumber(fields[c], &v))
                bad = QStringLiteral("column '%1' (%2): '%3' is not a number")
                          .arg(layout.headerNames.value(c, QString::number(c)))
                          .arg(c)
                          .arg(fields[c].left(40));
            row.features.append(float(v));
        }
        if (!bad.isEmpty()) {
            out.issues.append({where, bad});
            continue;
        }
        row.hash = Internal::sha256Hex(line.text.toUtf8().constData(), line.text.toUtf8().size());
        if (!options.regression)
            labels.insert(row.label);
        rows.append(std::move(row));
        if (i % 1024 == 0 || i + 1 == total)
            report(progress, i + 1, total, QStringLiteral("import"));
    }
    if (rows.isEmpty())
        return R::failure(QStringLiteral("'%1': no usable rows (%2 skipped; first: %3)")
                              .arg(path)
                              .arg(out.issues.size())
                              .arg(out.issues.isEmpty() ? QString()
                                                        : out.issues[0].path + QStringLiteral(": ") + out.issues[0].reason));
    QStringList classes = sortedClasses(labels);
    out.info.classes = classes;
    // scikit-learn files code classes 0..K-1 and name them on the counts line.
    if (!layout.classNames.isEmpty() && layout.classNames.size() == classes.size()) {
        bool codes = true;
        for (int k = 0; k < classes.size(); ++k)
            codes = codes && classes[k] == QString::number(k);
        if (codes)
            out.info.classes = layout.classNames;
    }
    const QString fileName = QFileInfo(path).fileName();
    for (const Row &row : rows) {
        SampleRecord s;
        s.path = QStringLiteral("%1#L%2").arg(fileName).arg(row.line);
        s.label = options.regression ? 0 : int(classes.indexOf(row.label));
        s.target = row.target;
        s.hash = row.hash;
        s.pixels = QByteArray(reinterpret_cast<const char *>(row.features.constData()),
                              qsizetype(row.features.size() * sizeof(float)));
        out.samples.append(s);
    }
    out.info.name = options.name.isEmpty() ? QFileInfo(path).completeBaseName() : options.name;
    out.info.source = QFileInfo(path).absoluteFilePath();
    out.info.kind = QStringLiteral("tabular");
    out.info.channels = columns - 1;
    out.info.height = 1;
    out.info.width = 1;
    out.info.splitSeed = options.seed;
    if (options.regression)
        finishRegression(out, labelName, options);
    else
        assignStratifiedSplit(out.samples, out.info.classes.size(), options.trainFraction, options.validationFraction,
                              options.seed);
    return out;
}

R importPathListCsv(const QString &path, const CsvOptions &options, const ImportOptions &imageOptions,
                    const ProgressFn &progress, const CancelToken &cancel)
{
    if (const QString bad = checkSplit(options.trainFraction, options.validationFraction); !bad.isEmpty())
        return R::failure(bad);
    if (imageOptions.channels != 1 && imageOptions.channels != 3)
        return R::failure(QStringLiteral("channels must be 1 or 3, got %1").arg(imageOptions.channels));
    if (imageOptions.width < 1 || imageOptions.height < 1 || imageOptions.width > 4096 || imageOptions.height > 4096)
        return R::failure(QStringLiteral("input size %1×%2 is out of range (1..4096)").arg(imageOptions.width).arg(imageOptions.height));
    auto parsed = parseFile(path, options, false);
    if (!parsed)
        return R::failure(parsed.error());
    const CsvLayout &layout = parsed->layout;
    const int columns = layout.columns;
    if (columns < 2)
        return R::failure(QStringLiteral("'%1': a path list needs a path and a label column; the first data row has %2 field(s)")
                              .arg(path)
                              .arg(columns));
    auto pathCol = columnIndex(options.pathColumn, layout.headerNames, columns, 0, QStringLiteral("path"), path);
    if (!pathCol)
        return R::failure(pathCol.error());
    auto labelCol = columnIndex(options.labelColumn, layout.headerNames, columns, columns - 1, QStringLiteral("label"), path);
    if (!labelCol)
        return R::failure(labelCol.error());
    ImportedDataset out;
    const QDir base = QFileInfo(path).absoluteDir();
    struct Row { QString where; QString file; QString label; double target = 0; };
    QVector<Row> rows;
    QSet<QString> labels;
    for (const Line &line : parsed->data) {
        const QStringList fields = splitFields(line.text, layout.delimiter);
        const QString where = QStringLiteral("%1:%2").arg(QFileInfo(path).fileName()).arg(line.number);
        if (fields.size() != columns) {
            out.issues.append({where, QStringLiteral("%1 fields, expected %2").arg(fields.size()).arg(columns)});
            continue;
        }
        const QString file = fields[pathCol.value()], label = fields[labelCol.value()];
        if (file.isEmpty() || label.isEmpty()) {
            out.issues.append({where, file.isEmpty() ? QStringLiteral("empty path") : QStringLiteral("empty label")});
            continue;
        }
        double target = 0;
        if (options.regression) {
            const QString column = layout.headerNames.value(labelCol.value(), QString::number(labelCol.value()));
            if (const QString bad = parseTarget(label, column, &target); !bad.isEmpty()) {
                out.issues.append({where, bad});
                continue;
            }
        } else {
            labels.insert(label);
        }
        rows.append({where, QDir::cleanPath(base.absoluteFilePath(file)), label, target});
    }
    if (rows.isEmpty())
        return R::failure(QStringLiteral("'%1': no usable rows (%2 skipped)").arg(path).arg(out.issues.size()));
    out.info.classes = sortedClasses(labels);
    QVector<Internal::DecodeJob> jobs;
    for (const Row &r : rows)
        jobs.append({r.file, options.regression ? 0 : int(out.info.classes.indexOf(r.label))});
    const QVector<Internal::DecodedImage> decoded = Internal::decodeImages(jobs, imageOptions, progress, cancel);
    if (cancel.isCancelled())
        return R::failure(QStringLiteral("import cancelled"));
    for (int i = 0; i < decoded.size(); ++i) {
        if (decoded[i].error.isEmpty()) {
            out.samples.append(decoded[i].sample);
            out.samples.last().target = rows[i].target;
        } else
            out.issues.append({QStringLiteral("%1 (%2)").arg(rows[i].where, rows[i].file), decoded[i].error});
    }
    if (out.samples.isEmpty())
        return R::failure(QStringLiteral("'%1': no readable images (%2 rows skipped)").arg(path).arg(out.issues.size()));
    out.info.name = options.name.isEmpty() ? QFileInfo(path).completeBaseName() : options.name;
    out.info.source = QFileInfo(path).absoluteFilePath();
    out.info.kind = QStringLiteral("path-list");
    out.info.channels = imageOptions.channels;
    out.info.height = imageOptions.height;
    out.info.width = imageOptions.width;
    out.info.splitSeed = options.seed;
    if (options.regression)
        finishRegression(out, layout.headerNames.value(labelCol.value(), QString::number(labelCol.value())), options);
    else
        assignStratifiedSplit(out.samples, out.info.classes.size(), options.trainFraction, options.validationFraction,
                              options.seed);
    return out;
}

} // namespace lepton
