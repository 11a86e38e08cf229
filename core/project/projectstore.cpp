#include "project/projectstore.h"

#include "project/internal/storeprivate.h"
#include "project/internal/transaction.h"

#include "project/schema.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <QtEndian>

#include <cstring>

namespace lepton {

QString splitName(Split s)
{
    switch (s) {
    case Split::Train: return QStringLiteral("train");
    case Split::Validation: return QStringLiteral("validation");
    case Split::Test: return QStringLiteral("test");
    }
    return {};
}

bool parseSplit(const QString &name, Split *out)
{
    const QString n = name.toLower();
    if (n == QLatin1String("train"))
        *out = Split::Train;
    else if (n == QLatin1String("validation") || n == QLatin1String("val"))
        *out = Split::Validation;
    else if (n == QLatin1String("test"))
        *out = Split::Test;
    else
        return false;
    return true;
}

namespace {

using Internal::fileStampValue;
using Internal::now;
using Internal::parseTime;

QAtomicInteger<quint64> g_connectionCounter;

} // namespace

ProjectStore::ProjectStore(std::unique_ptr<Private> dd) : d(std::move(dd)) {}

QSqlDatabase ProjectStore::database() const
{
    return d->db();
}

ProjectStore::~ProjectStore()
{
    {
        QSqlDatabase db = d->db();
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(d->connectionName);
}

Result<std::shared_ptr<ProjectStore>> ProjectStore::create(const QString &path)
{
    if (QFileInfo::exists(path))
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("cannot create project '%1': the file already exists").arg(path));
    QDir().mkpath(QFileInfo(path).absolutePath());
    auto d = std::make_unique<Private>();
    return openConnection(path, true, SchemaVersion, d);
}

Result<std::shared_ptr<ProjectStore>> ProjectStore::open(const QString &path)
{
    QFileInfo info(path);
    if (!info.exists())
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("cannot open project '%1': no such file").arg(path));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("cannot open project '%1': %2").arg(path, f.errorString()));
    const QByteArray header = f.read(100);
    if (header.size() < 100 || !header.startsWith(QByteArray("SQLite format 3\0", 16)))
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("'%1' is not a Lepton project: it is not an SQLite database "
                           "(%2 bytes, header does not match)")
                .arg(path)
                .arg(info.size()));
    auto d = std::make_unique<Private>();
    return openConnection(path, false, SchemaVersion, d);
}

Status ProjectStore::createAtSchemaVersion(const QString &path, int version)
{
    if (QFileInfo::exists(path))
        return Status::failure(QStringLiteral("'%1' already exists").arg(path));
    auto d = std::make_unique<Private>();
    auto r = openConnection(path, true, version, d);
    if (!r)
        return Status::failure(r.error());
    return success();
}

// Opens the SQLite connection and checks it is a Lepton project; migrates older schemas.
Result<std::shared_ptr<ProjectStore>> ProjectStore::openConnection(const QString &path, bool creating,
                                                                    int targetVersion,
                                                                    std::unique_ptr<Private> &d)
{
    using R = Result<std::shared_ptr<ProjectStore>>;
    d->path = path;
    d->connectionName = QStringLiteral("lepton-project-%1").arg(++g_connectionCounter);
    auto fail = [&](const QString &message) {
        {
            QSqlDatabase db = d->db();
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(d->connectionName);
        return R::failure(message);
    };
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open())
            return fail(QStringLiteral("cannot open project '%1': %2").arg(path, db.lastError().text()));
        QSqlQuery q(db);
        if (!creating) {
            // A truncated or damaged file fails here with SQLite's own words.
            if (!q.exec(QStringLiteral("PRAGMA quick_check(1)")) || !q.next())
                return fail(QStringLiteral("project '%1' cannot be read: %2")
                                .arg(path, q.lastError().text()));
            if (q.value(0).toString() != QLatin1String("ok"))
                return fail(QStringLiteral("project '%1' is damaged: %2").arg(path, q.value(0).toString()));
            if (!q.exec(QStringLiteral("PRAGMA application_id")) || !q.next())
                return fail(QStringLiteral("project '%1' cannot be read: %2").arg(path, q.lastError().text()));
            if (q.value(0).toInt() != Internal::ProjectApplicationId)
                return fail(QStringLiteral("'%1' is an SQLite database but not a Lepton project "
                                           "(application id %2)")
                                .arg(path)
                                .arg(q.value(0).toInt()));
        }
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
            return fail(QStringLiteral("project '%1': cannot enable WAL: %2").arg(path, q.lastError().text()));
        q.exec(QStringLiteral("PRAGMA foreign_keys=ON"));
        q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
            return fail(QStringLiteral("project '%1': %2").arg(path, q.lastError().text()));
        const int version = q.value(0).toInt();
        q.finish();
        if (version > ProjectStore::SchemaVersion)
            return fail(QStringLiteral("project '%1' was written by a newer Lepton (schema %2; this "
                                       "build reads up to %3)")
                            .arg(path)
                            .arg(version)
                            .arg(ProjectStore::SchemaVersion));
        if (version < targetVersion) {
            const QString error = Internal::migrateProject(db, version, targetVersion);
            if (!error.isEmpty())
                return fail(QStringLiteral("project '%1': %2").arg(path, error));
        }
        d->schemaVersion = qMax(version, targetVersion);
    }
    return R(std::shared_ptr<ProjectStore>(new ProjectStore(std::move(d))));
}

QString ProjectStore::path() const { return d->path; }
int ProjectStore::schemaVersion() const { return d->schemaVersion; }

// ---- datasets ----------------------------------------------------------------------------

Result<qint64> ProjectStore::addDataset(const DatasetInfo &info, const QVector<SampleRecord> &samples)
{
    QSqlDatabase db = d->db();
    QString error;
    if (!db.transaction())
        return Result<qint64>::failure(db.lastError().text());
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO datasets (name, source, kind, channels, height, width, "
                             "split_seed, created, task, target_name) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    q.addBindValue(info.name);
    q.addBindValue(info.source);
    q.addBindValue(info.kind);
    q.addBindValue(info.channels);
    q.addBindValue(info.height);
    q.addBindValue(info.width);
    q.addBindValue(info.splitSeed);
    q.addBindValue(now());
    q.addBindValue(info.task);
    q.addBindValue(info.isRegression() ? QVariant(info.targetName) : QVariant());
    if (!d->exec(q, &error)) {
        db.rollback();
        return Result<qint64>::failure(error);
    }
    const qint64 id = q.lastInsertId().toLongLong();
    q.prepare(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) VALUES (?,?,?)"));
    for (int i = 0; i < info.classes.size(); ++i) {
        q.addBindValue(id);
        q.addBindValue(i);
        q.addBindValue(info.classes[i]);
        if (!d->exec(q, &error)) {
            db.rollback();
            return Result<qint64>::failure(error);
        }
    }
    q.prepare(QStringLiteral("INSERT INTO samples (dataset_id, path, label, split, hash, pixels, target, file_size, "
                             "file_mtime) VALUES (?,?,?,?,?,?,?,?,?)"));
    for (const SampleRecord &s : samples) {
        q.addBindValue(id);
        q.addBindValue(s.path);
        q.addBindValue(s.label);
        q.addBindValue(int(s.split));
        q.addBindValue(QString::fromLatin1(s.hash));
        q.addBindValue(s.pixels);
        q.addBindValue(info.isRegression() ? QVariant(s.target) : QVariant());
        q.addBindValue(fileStampValue(s.fileSize));
        q.addBindValue(fileStampValue(s.fileMtime));
        if (!d->exec(q, &error)) {
            db.rollback();
            return Result<qint64>::failure(error);
        }
    }
    if (!db.commit())
        return Result<qint64>::failure(db.lastError().text());
    return id;
}

namespace {

DatasetInfo readDataset(const QSqlQuery &q)
{
    DatasetInfo info;
    info.id = q.value(0).toLongLong();
    info.name = q.value(1).toString();
    info.source = q.value(2).toString();
    info.kind = q.value(3).toString();
    info.channels = q.value(4).toInt();
    info.height = q.value(5).toInt();
    info.width = q.value(6).toInt();
    info.splitSeed = q.value(7).toUInt();
    info.created = parseTime(q.value(8));
    if (!q.value(9).isNull())
        info.task = q.value(9).toString();
    info.targetName = q.value(10).toString();
    return info;
}

} // namespace

Result<QVector<DatasetInfo>> ProjectStore::datasets() const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id FROM datasets ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<DatasetInfo>>::failure(error);
    QVector<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    QVector<DatasetInfo> out;
    for (qint64 id : ids) {
        auto ds = dataset(id);
        if (!ds)
            return Result<QVector<DatasetInfo>>::failure(ds.error());
        out.append(ds.value());
    }
    return out;
}

Result<DatasetInfo> ProjectStore::dataset(qint64 id) const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, name, source, kind, channels, height, width, split_seed, "
                             "created, task, target_name FROM datasets WHERE id = ?"));
    q.addBindValue(id);
    QString error;
    if (!d->exec(q, &error))
        return Result<DatasetInfo>::failure(error);
    if (!q.next())
        return Result<DatasetInfo>::failure(QStringLiteral("no dataset with id %1 in '%2'").arg(id).arg(d->path));
    DatasetInfo info = readDataset(q);
    q.prepare(QStringLiteral("SELECT name FROM classes WHERE dataset_id = ? ORDER BY idx"));
    q.addBindValue(id);
    if (!d->exec(q, &error))
        return Result<DatasetInfo>::failure(error);
    while (q.next())
        info.classes.append(q.value(0).toString());
    info.classCounts = QVector<int>(info.classes.size(), 0);
    q.prepare(QStringLiteral("SELECT label, split, COUNT(*) FROM samples WHERE dataset_id = ? "
                             "GROUP BY label, split"));
    q.addBindValue(id);
    if (!d->exec(q, &error))
        return Result<DatasetInfo>::failure(error);
    while (q.next()) {
        const int label = q.value(0).toInt();
        const int split = q.value(1).toInt();
        const int count = q.value(2).toInt();
        if (label >= 0 && label < info.classCounts.size())
            info.classCounts[label] += count;
        if (split >= 0 && split < 3)
            info.splitCounts[split] += count;
    }
    return info;
}

Result<QVector<SampleRecord>> ProjectStore::samples(qint64 datasetId, std::optional<Split> split,
                                                    bool withPixels, int limit, int label) const
{
    QSqlQuery q(d->db());
    q.setForwardOnly(true);
    QString sql = QStringLiteral("SELECT %1 FROM samples WHERE dataset_id = ?").arg(Internal::sampleColumns(withPixels));
    if (split)
        sql += QStringLiteral(" AND split = ?");
    if (label >= 0)
        sql += QStringLiteral(" AND label = ?");
    sql += QStringLiteral(" ORDER BY id");
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    q.prepare(sql);
    q.addBindValue(datasetId);
    if (split)
        q.addBindValue(int(*split));
    if (label >= 0)
        q.addBindValue(label);
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<SampleRecord>>::failure(error);
    QVector<SampleRecord> out;
    while (q.next())
        out.append(Internal::readSample(q, withPixels));
    return out;
}

// ---- architectures -----------------------------------------------------------------------

Result<qint64> ProjectStore::addArchitecture(const QString &name, const QString &graphJson)
{
    QSqlQuery q(d->db());
    QString error;
    q.prepare(QStringLiteral("SELECT COALESCE(MAX(version), 0) + 1 FROM architectures WHERE name = ?"));
    q.addBindValue(name);
    if (!d->exec(q, &error) || !q.next())
        return Result<qint64>::failure(error);
    const int version = q.value(0).toInt();
    q.prepare(QStringLiteral("INSERT INTO architectures (name, version, graph_json, created) VALUES (?,?,?,?)"));
    q.addBindValue(name);
    q.addBindValue(version);
    q.addBindValue(graphJson);
    q.addBindValue(now());
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

namespace {
ArchitectureInfo readArchitecture(const QSqlQuery &q)
{
    ArchitectureInfo a;
    a.id = q.value(0).toLongLong();
    a.name = q.value(1).toString();
    a.version = q.value(2).toInt();
    a.graphJson = q.value(3).toString();
    a.created = parseTime(q.value(4));
    return a;
}
} // namespace

Result<QVector<ArchitectureInfo>> ProjectStore::architectures() const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, name, version, graph_json, created FROM architectures ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<ArchitectureInfo>>::failure(error);
    QVector<ArchitectureInfo> out;
    while (q.next())
        out.append(readArchitecture(q));
    return out;
}

Result<ArchitectureInfo> ProjectStore::architecture(qint64 id) const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, name, version, graph_json, created FROM architectures WHERE id = ?"));
    q.addBindValue(id);
    QString error;
    if (!d->exec(q, &error))
        return Result<ArchitectureInfo>::failure(error);
    if (!q.next())
        return Result<ArchitectureInfo>::failure(QStringLiteral("no architecture with id %1 in '%2'").arg(id).arg(d->path));
    return readArchitecture(q);
}

// ---- model versions ----------------------------------------------------------------------

Result<qint64> ProjectStore::addModelVersion(const ModelVersionInfo &info, const QByteArray &weights)
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("INSERT INTO model_versions (run_id, parent_id, architecture_id, dataset_id, "
                             "name, epoch, weights, created) VALUES (?,?,?,?,?,?,?,?)"));
    q.addBindValue(info.runId ? QVariant(info.runId) : QVariant());
    q.addBindValue(info.parentId ? QVariant(info.parentId) : QVariant());
    q.addBindValue(info.architectureId);
    q.addBindValue(info.datasetId);
    q.addBindValue(info.name);
    q.addBindValue(info.epoch);
    q.addBindValue(weights);
    q.addBindValue(now());
    QString error;
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

namespace {
const char kVersionColumns[] = "SELECT id, run_id, parent_id, architecture_id, dataset_id, name, epoch, "
                               "created FROM model_versions";
ModelVersionInfo readVersion(const QSqlQuery &q)
{
    ModelVersionInfo m;
    m.id = q.value(0).toLongLong();
    m.runId = q.value(1).toLongLong();
    m.parentId = q.value(2).toLongLong();
    m.architectureId = q.value(3).toLongLong();
    m.datasetId = q.value(4).toLongLong();
    m.name = q.value(5).toString();
    m.epoch = q.value(6).toInt();
    m.created = parseTime(q.value(7));
    return m;
}
} // namespace

Result<QVector<ModelVersionInfo>> ProjectStore::modelVersions() const
{
    QSqlQuery q(d->db());
    q.prepare(QString::fromLatin1(kVersionColumns) + QStringLiteral(" ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<ModelVersionInfo>>::failure(error);
    QVector<ModelVersionInfo> out;
    while (q.next())
        out.append(readVersion(q));
    return out;
}

Result<ModelVersionInfo> ProjectStore::modelVersion(qint64 id) const
{
    QSqlQuery q(d->db());
    q.prepare(QString::fromLatin1(kVersionColumns) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    QString error;
    if (!d->exec(q, &error))
        return Result<ModelVersionInfo>::failure(error);
    if (!q.next())
        return Result<ModelVersionInfo>::failure(QStringLiteral("no model version with id %1 in '%2'").arg(id).arg(d->path));
    return readVersion(q);
}

Result<QByteArray> ProjectStore::modelWeights(qint64 id) const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT weights FROM model_versions WHERE id = ?"));
    q.addBindValue(id);
    QString error;
    if (!d->exec(q, &error))
        return Result<QByteArray>::failure(error);
    if (!q.next())
        return Result<QByteArray>::failure(QStringLiteral("no model version with id %1 in '%2'").arg(id).arg(d->path));
    return q.value(0).toByteArray();
}

// ---- evaluations and exports -------------------------------------------------------------

Result<qint64> ProjectStore::addEvaluation(const EvaluationInfo &info)
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("INSERT INTO evaluations (model_version_id, split, accuracy, macro_f1, "
                             "metrics_json, created, dataset_id) VALUES (?,?,?,?,?,?,?)"));
    q.addBindValue(info.modelVersionId);
    q.addBindValue(info.split);
    q.addBindValue(info.regression ? QVariant() : QVariant(info.accuracy));
    q.addBindValue(info.regression ? QVariant() : QVariant(info.macroF1));
    q.addBindValue(info.metricsJson);
    q.addBindValue(now());
    q.addBindValue(info.datasetId > 0 ? QVariant(info.datasetId) : QVariant(QMetaType(QMetaType::LongLong)));
    QString error;
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

Result<QVector<EvaluationInfo>> ProjectStore::evaluations() const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, model_version_id, split, accuracy, macro_f1, metrics_json, created, "
                             "dataset_id FROM evaluations ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<EvaluationInfo>>::failure(error);
    QVector<EvaluationInfo> out;
    while (q.next()) {
        EvaluationInfo e;
        e.id = q.value(0).toLongLong();
        e.modelVersionId = q.value(1).toLongLong();
        e.split = q.value(2).toString();
        e.accuracy = q.value(3).toDouble();
        e.macroF1 = q.value(4).toDouble();
        e.metricsJson = q.value(5).toString();
        e.created = parseTime(q.value(6));
        e.datasetId = q.value(7).toLongLong();
        e.regression = q.value(3).isNull()
                       && QJsonDocument::fromJson(e.metricsJson.toUtf8()).object().value(QLatin1String("task"))
                              == QLatin1String("regression");
        out.append(e);
    }
    return out;
}

namespace {

QByteArray packScores(const QVector<double> &scores)
{
    QByteArray bytes(scores.size() * qsizetype(sizeof(double)), Qt::Uninitialized);
    char *out = bytes.data();
    for (double v : scores) {
        quint64 bits;
        memcpy(&bits, &v, sizeof bits);
        bits = qToLittleEndian(bits);
        memcpy(out, &bits, sizeof bits);
        out += sizeof bits;
    }
    return bytes;
}

QVector<double> unpackScores(const QByteArray &bytes)
{
    QVector<double> scores(bytes.size() / qsizetype(sizeof(double)));
    for (qsizetype i = 0; i < scores.size(); ++i) {
        quint64 bits;
        memcpy(&bits, bytes.constData() + i * sizeof bits, sizeof bits);
        bits = qFromLittleEndian(bits);
        memcpy(&scores[i], &bits, sizeof bits);
    }
    return scores;
}

} // namespace

Result<qint64> ProjectStore::addEvaluation(const EvaluationInfo &info, const QVector<PredictionRecord> &predictions)
{
    QSqlDatabase db = d->db();
    if (!db.transaction())
        return Result<qint64>::failure(db.lastError().text());
    auto id = addEvaluation(info);
    if (!id) {
        db.rollback();
        return id;
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO evaluation_predictions (evaluation_id, row, sample_id, sample, "
                             "true_label, predicted, scores, target, predicted_value) VALUES (?,?,?,?,?,?,?,?,?)"));
    QString error;
    for (qsizetype row = 0; row < predictions.size(); ++row) {
        const PredictionRecord &p = predictions[row];
        q.addBindValue(id.value());
        q.addBindValue(row);
        q.addBindValue(p.sampleId);
        q.addBindValue(p.sample);
        q.addBindValue(p.truth);
        q.addBindValue(p.predicted);
        q.addBindValue(packScores(p.scores));
        q.addBindValue(p.targetValue);
        q.addBindValue(p.predictedValue);
        if (!d->exec(q, &error)) {
            db.rollback();
            return Result<qint64>::failure(error);
        }
    }
    if (!db.commit())
        return Result<qint64>::failure(db.lastError().text());
    return id;
}

Result<EvaluationInfo> ProjectStore::evaluation(qint64 id) const
{
    auto list = evaluations();
    if (!list)
        return Result<EvaluationInfo>::failure(list.error());
    for (const EvaluationInfo &e : list.value())
        if (e.id == id)
            return e;
    return Result<EvaluationInfo>::failure(QStringLiteral("no evaluation with id %1 in '%2'").arg(id).arg(d->path));
}

Result<QVector<PredictionRecord>> ProjectStore::predictions(qint64 evaluationId) const
{
    using R = Result<QVector<PredictionRecord>>;
    QVector<PredictionRecord> out;
    if (d->schemaVersion < 3)
        return out;
    QSqlQuery q(d->db());
    q.setForwardOnly(true);
    const bool regressionColumns = d->schemaVersion >= 6;
    q.prepare(QStringLiteral("SELECT sample_id, sample, true_label, predicted, scores%1 FROM "
                             "evaluation_predictions WHERE evaluation_id = ? ORDER BY row")
                  .arg(regressionColumns ? QStringLiteral(", target, predicted_value") : QString()));
    q.addBindValue(evaluationId);
    QString error;
    if (!d->exec(q, &error))
        return R::failure(error);
    while (q.next()) {
        PredictionRecord p;
        p.sampleId = q.value(0).toLongLong();
        p.sample = q.value(1).toString();
        p.truth = q.value(2).toInt();
        p.predicted = q.value(3).toInt();
        p.scores = unpackScores(q.value(4).toByteArray());
        if (regressionColumns) {
            p.targetValue = q.value(5).toDouble();
            p.predictedValue = q.value(6).toDouble();
        }
        out.append(std::move(p));
    }
    return out;
}

Result<qint64> ProjectStore::addExport(const ExportInfo &info)
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("INSERT INTO exports (model_version_id, format, path, sha256, "
                             "verification_json, created) VALUES (?,?,?,?,?,?)"));
    q.addBindValue(info.modelVersionId);
    q.addBindValue(info.format);
    q.addBindValue(info.path);
    q.addBindValue(info.sha256);
    q.addBindValue(info.verificationJson);
    q.addBindValue(now());
    QString error;
    if (!d->exec(q, &error))
        return Result<qint64>::failure(error);
    return q.lastInsertId().toLongLong();
}

Result<QVector<ExportInfo>> ProjectStore::exports() const
{
    QSqlQuery q(d->db());
    q.prepare(QStringLiteral("SELECT id, model_version_id, format, path, sha256, verification_json, created "
                             "FROM exports ORDER BY id"));
    QString error;
    if (!d->exec(q, &error))
        return Result<QVector<ExportInfo>>::failure(error);
    QVector<ExportInfo> out;
    while (q.next()) {
        ExportInfo e;
        e.id = q.value(0).toLongLong();
        e.modelVersionId = q.value(1).toLongLong();
        e.format = q.value(2).toString();
        e.path = q.value(3).toString();
        e.sha256 = q.value(4).toString();
        e.verificationJson = q.value(5).toString();
        e.created = parseTime(q.value(6));
        out.append(e);
    }
    return out;
}

} // namespace lepton
