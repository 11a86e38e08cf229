// Opening the project file (checks, read-only mode, migrations) and the records that are not runs,
// labels or jobs: datasets, samples, architectures, model versions, evaluations, exports.
#include "project/projectstore.h"

#include "project/internal/rows.h"
#include "project/internal/transaction.h"
#include "project/schema.h"

#include <QAtomicInteger>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <QUrl>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

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

using namespace Internal;

namespace {

QAtomicInteger<quint64> g_connectionCounter;

// Paths whose integrity was checked by this process: the full check reads every page, so it runs
// once per process, not for every worker's connection.
QMutex g_checkedMutex;
QSet<QString> g_checkedPaths;

// Why the project cannot be written, from the file's and its folder's modes (root may write a
// 0444 file, but a user who made it read-only meant it), access rights and the filesystem; empty
// when it can. stat(), access() and statvfs() open no descriptor of the file.
QString detectReadOnly(const QString &path)
{
    const QByteArray file = QFile::encodeName(path);
    const QString folder = QFileInfo(path).absolutePath();
    const QByteArray dir = QFile::encodeName(folder);
    struct stat st {};
    if (::stat(file.constData(), &st) == 0 && (st.st_mode & 0222) == 0)
        return QStringLiteral("the file's mode is %1").arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
    if (::access(file.constData(), W_OK) != 0)
        return QStringLiteral("this user may not write the file");
    struct statvfs fs {};
    if (::statvfs(dir.constData(), &fs) == 0 && (fs.f_flag & ST_RDONLY))
        return QStringLiteral("its filesystem is mounted read-only");
    if (::stat(dir.constData(), &st) == 0 && (st.st_mode & 0222) == 0)
        return QStringLiteral("its folder '%1' has mode %2").arg(folder).arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
    if (::access(dir.constData(), W_OK) != 0)
        return QStringLiteral("this user may not write in its folder '%1'").arg(folder);
    return {};
}

QString sqliteUri(const QString &path, const char *query)
{
    return QStringLiteral("file:%1?%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/")),
             QLatin1String(query));
}

bool isNotADatabase(const QSqlError &e)
{
    return e.nativeErrorCode() == QLatin1String("26") || e.text().contains(QLatin1String("not a database"));
}

} // namespace

ProjectStore::ProjectStore(std::unique_ptr<Private> dd) : d(std::move(dd)) {}

QSqlDatabase ProjectStore::database() const { return d->db(); }

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
    const QFileInfo info(path);   // stat only: no descriptor of the file is opened here
    if (!info.exists())
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("cannot open project '%1': no such file").arg(path));
    if (info.size() < 100)   // shorter than SQLite's header: empty or not a database
        return Result<std::shared_ptr<ProjectStore>>::failure(
            QStringLiteral("'%1' is not a Lepton project: it is not an SQLite database (%2 bytes)").arg(path).arg(info.size()));
    auto d = std::make_unique<Private>();
    d->readOnlyReason = detectReadOnly(path);
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

// Opens the SQLite connection and checks, through SQLite only, that it is a Lepton project;
// migrates older schemas.
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
    const bool readOnly = !d->readOnlyReason.isEmpty();
    const QString timeout = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs(d->wait));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connectionName);
        if (readOnly) {
            db.setDatabaseName(sqliteUri(path, "mode=ro"));
            db.setConnectOptions(timeout + QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY"));
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(timeout);
        }
        if (!db.open())
            return fail(QStringLiteral("cannot open project '%1': %2").arg(path, db.lastError().text()));
        QSqlQuery q(db);
        if (!creating) {
            // The first read: a file that is not a database fails here with SQLite's words.
            if (!q.exec(QStringLiteral("PRAGMA application_id")) || !q.next()) {
                const QSqlError error = q.lastError();
                q.finish();
                if (isNotADatabase(error))
                    return fail(QStringLiteral("'%1' is not a Lepton project: it is not an SQLite database "
                                               "(%2 bytes, header does not match)")
                                    .arg(path)
                                    .arg(QFileInfo(path).size()));
                // A WAL project in a folder nobody may write: SQLite cannot make its -shm. With no
                // log to replay, the file alone is the whole project and can be read as immutable.
                const QFileInfo wal(path + QStringLiteral("-wal"));
                if (readOnly && (!wal.exists() || wal.size() == 0)) {
                    db.close();
                    db.setDatabaseName(sqliteUri(path, "immutable=1"));
                    const bool reopened = db.open();
                    q = QSqlQuery(db);
                    if (reopened && q.exec(QStringLiteral("PRAGMA application_id")) && q.next()) {
                        d->readOnlyReason += QStringLiteral("; opened as an immutable file");
                    } else {
                        return fail(QStringLiteral("project '%1' cannot be read: %2").arg(path, q.lastError().text()));
                    }
                } else if (readOnly) {
                    return fail(QStringLiteral("project '%1' cannot be read (%2): its write-ahead log '%3' holds changes "
                                               "that SQLite cannot apply without writing next to the file. Copy the "
                                               "project with its -wal file to a folder you can write, or open it once "
                                               "where it can be written")
                                    .arg(path, d->readOnlyReason, wal.fileName()));
                } else {
                    return fail(QStringLiteral("project '%1' cannot be read: %2").arg(path, error.text()));
                }
            }
            if (q.value(0).toInt() != Internal::ProjectApplicationId)
                return fail(QStringLiteral("'%1' is an SQLite database but not a Lepton project "
                                           "(application id %2)")
                                .arg(path)
                                .arg(q.value(0).toInt()));
            q.finish();
            // A truncated or damaged file fails here with SQLite's own words (once per process).
            QMutexLocker lock(&g_checkedMutex);
            const QString key = QFileInfo(path).absoluteFilePath();
            if (!g_checkedPaths.contains(key)) {
                if (!q.exec(QStringLiteral("PRAGMA quick_check(1)")) || !q.next())
                    return fail(QStringLiteral("project '%1' cannot be read: %2").arg(path, q.lastError().text()));
                if (q.value(0).toString() != QLatin1String("ok"))
                    return fail(QStringLiteral("project '%1' is damaged: %2").arg(path, q.value(0).toString()));
                q.finish();
                g_checkedPaths.insert(key);
            }
        }
        if (!readOnly) {
            // Several processes share the project only through the write-ahead log; where it cannot
            // work (some network filesystems) the project must not be written at all.
            if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next())
                return fail(QStringLiteral("project '%1': cannot enable write-ahead logging: %2")
                                .arg(path, q.lastError().text()));
            if (q.value(0).toString().toLower() != QLatin1String("wal"))
                return fail(QStringLiteral("project '%1' is on a filesystem where SQLite's write-ahead log does not "
                                           "work (journal mode stays '%2'); the GUI, the CLI and trainers could not "
                                           "share it safely. Move it to a local disk")
                                .arg(path, q.value(0).toString()));
            q.finish();
            q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        }
        q.exec(QStringLiteral("PRAGMA foreign_keys=ON"));
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
            if (readOnly)
                return fail(QStringLiteral("project '%1' has schema %2 and must be upgraded to %3 before this build "
                                           "can read it, but it is read-only (%4)")
                                .arg(path)
                                .arg(version)
                                .arg(targetVersion)
                                .arg(d->readOnlyReason));
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
bool ProjectStore::isReadOnly() const { return !d->readOnlyReason.isEmpty(); }
QString ProjectStore::readOnlyReason() const { return d->readOnlyReason; }

void ProjectStore::setWriteWait(WriteWait wait)
{
    d->wait = wait;
    Statement(*d, QStringLiteral("PRAGMA busy_timeout = %1").arg(busyTimeoutMs(wait)));
}

Result<qint64> ProjectStore::dataVersion() const
{
    Statement s(*d, QStringLiteral("PRAGMA data_version"));
    if (!s.next())
        return Result<qint64>::failure(s.ok() ? QStringLiteral("no data_version") : s.error());
    return s.value(0).toLongLong();
}

Result<QString> ProjectStore::integrityCheck() const
{
    Statement s(*d, QStringLiteral("PRAGMA integrity_check(20)"));
    QStringList findings;
    while (s.next())
        findings << s.value(0).toString();
    if (!s.ok())
        return Result<QString>::failure(s.error());
    return findings.join(QStringLiteral("; "));
}

// ---- datasets ----------------------------------------------------------------------------

Result<qint64> ProjectStore::addDataset(const DatasetInfo &info, const QVector<SampleRecord> &samples)
{
    Transaction t(*d);
    t.exec(insertSql<DatasetInfo>(), Row<DatasetInfo>::values(info));
    const qint64 id = t.insertedId();
    for (int i = 0; i < info.classes.size(); ++i)
        t.exec(QStringLiteral("INSERT INTO classes (dataset_id, idx, name) VALUES (?,?,?)"), {id, i, info.classes[i]});
    const QString sampleSql = insertSql<SampleRecord>();
    for (const SampleRecord &s : samples)
        if (!t.exec(sampleSql, Row<SampleRecord>::values(s, id, info.isRegression())))
            break;
    if (!t.commit())
        return Result<qint64>::failure(t.error());
    return id;
}

Result<QVector<DatasetInfo>> ProjectStore::datasets() const
{
    Statement s(*d, QStringLiteral("SELECT id FROM datasets ORDER BY id"));
    if (!s.ok())
        return Result<QVector<DatasetInfo>>::failure(s.error());
    QVector<qint64> ids;
    while (s.next())
        ids.append(s.value(0).toLongLong());
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
    auto found = selectRow<DatasetInfo>(*d, QStringLiteral("WHERE id = ?"), {id},
                                        QStringLiteral("no dataset with id %1 in '%2'").arg(id).arg(d->path));
    if (!found)
        return found;
    DatasetInfo info = found.value();
    Statement classes(*d, QStringLiteral("SELECT name FROM classes WHERE dataset_id = ? ORDER BY idx"), {id});
    while (classes.next())
        info.classes.append(classes.value(0).toString());
    if (!classes.ok())
        return Result<DatasetInfo>::failure(classes.error());
    info.classCounts = QVector<int>(info.classes.size(), 0);
    Statement counts(*d, QStringLiteral("SELECT label, split, COUNT(*) FROM samples WHERE dataset_id = ? GROUP BY label, split"),
                     {id});
    while (counts.next()) {
        const int label = counts.value(0).toInt();
        const int split = counts.value(1).toInt();
        const int count = counts.value(2).toInt();
        if (label >= 0 && label < info.classCounts.size())
            info.classCounts[label] += count;
        if (split >= 0 && split < 3)
            info.splitCounts[split] += count;
    }
    if (!counts.ok())
        return Result<DatasetInfo>::failure(counts.error());
    return info;
}

Result<QVector<SampleRecord>> ProjectStore::samples(qint64 datasetId, std::optional<Split> split,
                                                    bool withPixels, int limit, int label) const
{
    QString tail = QStringLiteral("WHERE dataset_id = ?");
    QVariantList values{datasetId};
    if (split) {
        tail += QStringLiteral(" AND split = ?");
        values << int(*split);
    }
    if (label >= 0) {
        tail += QStringLiteral(" AND label = ?");
        values << label;
    }
    tail += QStringLiteral(" ORDER BY id");
    if (limit >= 0)
        tail += QStringLiteral(" LIMIT %1").arg(limit);
    Statement s(*d, selectSql<SampleRecord>(tail, withPixels ? Row<SampleRecord>::selectWithPixels : Row<SampleRecord>::select),
                values);
    if (!s.ok())
        return Result<QVector<SampleRecord>>::failure(s.error());
    QVector<SampleRecord> out;
    while (s.next())
        out.append(Row<SampleRecord>::read(s.query(), withPixels));
    return out;
}

// ---- architectures -----------------------------------------------------------------------

Result<qint64> ProjectStore::addArchitecture(const QString &name, const QString &graphJson)
{
    // The next version number and the row in one transaction: two processes saving the same name
    // get versions n and n+1, never two n.
    Transaction t(*d);
    ArchitectureInfo a;
    a.name = name;
    a.graphJson = graphJson;
    if (t.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) + 1 FROM architectures WHERE name = ?"), {name})
        && t.query().next())
        a.version = t.query().value(0).toInt();
    t.exec(insertSql<ArchitectureInfo>(), Row<ArchitectureInfo>::values(a));
    const qint64 id = t.insertedId();
    if (!t.commit())
        return Result<qint64>::failure(t.error());
    return id;
}

Result<QVector<ArchitectureInfo>> ProjectStore::architectures() const
{
    return selectRows<ArchitectureInfo>(*d, QStringLiteral("ORDER BY id"), {});
}

Result<ArchitectureInfo> ProjectStore::architecture(qint64 id) const
{
    return selectRow<ArchitectureInfo>(*d, QStringLiteral("WHERE id = ?"), {id},
                                       QStringLiteral("no architecture with id %1 in '%2'").arg(id).arg(d->path));
}

// ---- model versions ----------------------------------------------------------------------

Result<qint64> ProjectStore::addModelVersion(const ModelVersionInfo &info, const QByteArray &weights)
{
    Statement s(*d, insertSql<ModelVersionInfo>(), Row<ModelVersionInfo>::values(info, weights));
    if (!s.ok())
        return Result<qint64>::failure(s.error());
    return s.insertedId();
}

Result<QVector<ModelVersionInfo>> ProjectStore::modelVersions() const
{
    return selectRows<ModelVersionInfo>(*d, QStringLiteral("WHERE pending_job IS NULL ORDER BY id"), {});
}

Result<ModelVersionInfo> ProjectStore::modelVersion(qint64 id) const
{
    auto version = selectRow<ModelVersionInfo>(*d, QStringLiteral("WHERE id = ?"), {id},
                                               QStringLiteral("no model version with id %1 in '%2'").arg(id).arg(d->path));
    if (!version || version->pendingJobId == 0)
        return version;
    Statement job(*d, QStringLiteral("SELECT status FROM jobs WHERE id = ?"), {version->pendingJobId});
    const QString status = job.next() ? job.value(0).toString() : QString();
    if (status == QLatin1String("running") && WorkClaim::isHeld(d->path, WorkClaim::CompressionJob, version->pendingJobId))
        return version;
    return Result<ModelVersionInfo>::failure(
        QStringLiteral("model version %1 in '%2' was left unfinished by compression job %3, which stopped before it "
                       "was evaluated; it is not part of the project")
            .arg(id)
            .arg(d->path)
            .arg(version->pendingJobId));
}

Result<QByteArray> ProjectStore::modelWeights(qint64 id) const
{
    Statement s(*d, QStringLiteral("SELECT weights FROM model_versions WHERE id = ?"), {id});
    if (!s.next())
        return Result<QByteArray>::failure(s.ok() ? QStringLiteral("no model version with id %1 in '%2'").arg(id).arg(d->path)
                                                  : s.error());
    return s.value(0).toByteArray();
}

// ---- evaluations and exports -------------------------------------------------------------

Result<qint64> ProjectStore::addEvaluation(const EvaluationInfo &info)
{
    Statement s(*d, insertSql<EvaluationInfo>(), Row<EvaluationInfo>::values(info));
    if (!s.ok())
        return Result<qint64>::failure(s.error());
    return s.insertedId();
}

Result<qint64> ProjectStore::addEvaluation(const EvaluationInfo &info, const QVector<PredictionRecord> &predictions)
{
    Transaction t(*d);
    t.exec(insertSql<EvaluationInfo>(), Row<EvaluationInfo>::values(info));
    const qint64 id = t.insertedId();
    const QString sql = insertSql<PredictionRecord>();
    for (qsizetype row = 0; row < predictions.size(); ++row)
        if (!t.exec(sql, Row<PredictionRecord>::values(predictions[row], id, row)))
            break;
    if (!t.commit())
        return Result<qint64>::failure(t.error());
    return id;
}

namespace {
// Evaluations of versions a compression job has not published are not part of the project yet.
const char kPublishedEvaluations[] =
    "WHERE model_version_id NOT IN (SELECT id FROM model_versions WHERE pending_job IS NOT NULL)";
} // namespace

Result<QVector<EvaluationInfo>> ProjectStore::evaluations() const
{
    return selectRows<EvaluationInfo>(*d, QLatin1String(kPublishedEvaluations) + QStringLiteral(" ORDER BY id"), {});
}

Result<EvaluationInfo> ProjectStore::evaluation(qint64 id) const
{
    return selectRow<EvaluationInfo>(*d, QStringLiteral("WHERE id = ?"), {id},
                                     QStringLiteral("no evaluation with id %1 in '%2'").arg(id).arg(d->path));
}

Result<QVector<PredictionRecord>> ProjectStore::predictions(qint64 evaluationId) const
{
    return selectRows<PredictionRecord>(*d, QStringLiteral("WHERE evaluation_id = ? ORDER BY row"), {evaluationId});
}

Result<qint64> ProjectStore::addExport(const ExportInfo &info)
{
    auto ids = addExports({info});
    if (!ids)
        return Result<qint64>::failure(ids.error());
    return ids->first();
}

Result<QVector<qint64>> ProjectStore::addExports(const QVector<ExportInfo> &infos)
{
    Transaction t(*d);
    QVector<qint64> ids;
    for (const ExportInfo &e : infos)
        if (t.exec(insertSql<ExportInfo>(), Row<ExportInfo>::values(e)))
            ids << t.insertedId();
    if (!t.commit())
        return Result<QVector<qint64>>::failure(t.error());
    return ids;
}

Result<QVector<ExportInfo>> ProjectStore::exports() const
{
    return selectRows<ExportInfo>(*d, QStringLiteral("ORDER BY id"), {});
}

} // namespace lepton
