#include "project/schema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace lepton::Internal {
namespace {

// Version 1: the first layout (datasets, samples, architectures, runs, epochs, checkpoints,
// model versions, evaluations).
const char *const kVersion1[] = {
    "CREATE TABLE datasets (id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT, kind TEXT,"
    " channels INTEGER, height INTEGER, width INTEGER, split_seed INTEGER, created TEXT)",
    "CREATE TABLE classes (dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (dataset_id, idx))",
    "CREATE TABLE samples (id INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL REFERENCES"
    " datasets(id) ON DELETE CASCADE, path TEXT NOT NULL, label INTEGER NOT NULL,"
    " split INTEGER NOT NULL, hash TEXT, pixels BLOB)",
    "CREATE INDEX samples_by_dataset ON samples(dataset_id, split)",
    "CREATE TABLE architectures (id INTEGER PRIMARY KEY, name TEXT NOT NULL, version INTEGER"
    " NOT NULL, graph_json TEXT NOT NULL, created TEXT)",
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, dataset_id INTEGER REFERENCES datasets(id),"
    " architecture_id INTEGER REFERENCES architectures(id), config_json TEXT, status TEXT,"
    " created TEXT)",
    "CREATE TABLE epochs (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " epoch INTEGER NOT NULL, train_loss REAL, train_acc REAL, val_loss REAL, val_acc REAL,"
    " seconds REAL, PRIMARY KEY (run_id, epoch))",
    "CREATE TABLE checkpoints (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " epoch INTEGER NOT NULL, weights BLOB NOT NULL, optimizer BLOB, PRIMARY KEY (run_id, epoch))",
    "CREATE TABLE model_versions (id INTEGER PRIMARY KEY, run_id INTEGER, parent_id INTEGER,"
    " architecture_id INTEGER, dataset_id INTEGER, name TEXT, epoch INTEGER, weights BLOB NOT NULL,"
    " created TEXT)",
    "CREATE TABLE evaluations (id INTEGER PRIMARY KEY, model_version_id INTEGER NOT NULL"
    " REFERENCES model_versions(id), split TEXT, accuracy REAL, macro_f1 REAL, created TEXT)",
};

// Version 2: full metrics JSON per evaluation, and export records with verification.
const char *const kVersion2[] = {
    "ALTER TABLE evaluations ADD COLUMN metrics_json TEXT",
    "CREATE TABLE exports (id INTEGER PRIMARY KEY, model_version_id INTEGER NOT NULL REFERENCES"
    " model_versions(id), format TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT,"
    " verification_json TEXT, created TEXT)",
};

// Version 3: per-sample evaluation predictions; training runs keep per-epoch F1, learning rate and
// per-batch traces, the trainer state needed to resume (scheduler, early stopping), best epoch and
// duration; sweeps group runs.
const char *const kVersion3[] = {
    "ALTER TABLE epochs ADD COLUMN train_f1 REAL",
    "ALTER TABLE epochs ADD COLUMN val_f1 REAL",
    "ALTER TABLE epochs ADD COLUMN learning_rate REAL",
    "ALTER TABLE epochs ADD COLUMN batch_losses BLOB",
    "ALTER TABLE epochs ADD COLUMN batch_lrs BLOB",
    "ALTER TABLE checkpoints ADD COLUMN trainer_state TEXT",
    "ALTER TABLE runs ADD COLUMN best_epoch INTEGER",
    "ALTER TABLE runs ADD COLUMN best_metric REAL",
    "ALTER TABLE runs ADD COLUMN seconds REAL",
    "ALTER TABLE runs ADD COLUMN message TEXT",
    "ALTER TABLE runs ADD COLUMN owner_pid INTEGER",
    "ALTER TABLE runs ADD COLUMN sweep_id INTEGER",
    "CREATE TABLE sweeps (id INTEGER PRIMARY KEY, name TEXT, config_json TEXT NOT NULL, status TEXT,"
    " created TEXT)",
    // Per-sample predictions of an evaluation (scores: K float64, little-endian), so reports,
    // the error gallery and the threshold slider work without running the model again.
    "CREATE TABLE evaluation_predictions (evaluation_id INTEGER NOT NULL REFERENCES evaluations(id)"
    " ON DELETE CASCADE, row INTEGER NOT NULL, sample_id INTEGER, sample TEXT NOT NULL,"
    " true_label INTEGER NOT NULL, predicted INTEGER NOT NULL, scores BLOB,"
    " PRIMARY KEY (evaluation_id, row))",
};

// Version 4: which dataset an evaluation ran on (a model can be evaluated on any compatible
// dataset of the project); NULL for older evaluations, which used the model's own dataset.
const char *const kVersion4[] = {
    "ALTER TABLE evaluations ADD COLUMN dataset_id INTEGER",
};

// Version 5: the augmentation pipeline (JSON, core/data/augment.h) of a dataset, applied in training.
const char *const kVersion5[] = {
    "CREATE TABLE augmentation_pipelines (dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id)"
    " ON DELETE CASCADE, pipeline_json TEXT NOT NULL, updated TEXT)",
};

// Version 6: regression. A dataset's task ("classification" | "regression") and target column
// name; one float target per sample; per-epoch MAE and R² of regression runs; the target and the
// prediction of each sample of a regression evaluation.
const char *const kVersion6[] = {
    "ALTER TABLE datasets ADD COLUMN task TEXT",
    "ALTER TABLE datasets ADD COLUMN target_name TEXT",
    "ALTER TABLE samples ADD COLUMN target REAL",
    "ALTER TABLE epochs ADD COLUMN train_mae REAL",
    "ALTER TABLE epochs ADD COLUMN val_mae REAL",
    "ALTER TABLE epochs ADD COLUMN train_r2 REAL",
    "ALTER TABLE epochs ADD COLUMN val_r2 REAL",
    "ALTER TABLE evaluation_predictions ADD COLUMN target REAL",
    "ALTER TABLE evaluation_predictions ADD COLUMN predicted_value REAL",
};

// Version 7: the size and modification time (ms since the epoch) of the file a sample was read
// from, so re-importing a folder reads only new and changed files.
const char *const kVersion7[] = {
    "ALTER TABLE samples ADD COLUMN file_size INTEGER",
    "ALTER TABLE samples ADD COLUMN file_mtime INTEGER",
};

// Version 8: compression (core/compress).
const char *const kVersion8[] = {
    // An int8 model version (core/compress): its weights blob is a TorchScript module calling the
    // quantized kernels of `engine`; layers_json names the int8 layers, the rest ran in fp32.
    "CREATE TABLE quantized_versions (model_version_id INTEGER PRIMARY KEY REFERENCES model_versions(id)"
    " ON DELETE CASCADE, engine TEXT NOT NULL, mode TEXT NOT NULL, layers_json TEXT NOT NULL, report_json TEXT)",
};

// Version 9: several processes on one project. Who owns a run (its host, next to owner_pid; the
// claim itself is an OS lock, project/projectlocks.h); compression jobs, whose model versions stay
// hidden (pending_job) until the job publishes them with their evaluations. AUTOINCREMENT: a job
// id is never given twice, also after the newest job is abandoned.
const char *const kVersion9[] = {
    "ALTER TABLE runs ADD COLUMN owner_host TEXT",
    "ALTER TABLE model_versions ADD COLUMN pending_job INTEGER",
    "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, model_version_id INTEGER,"
    " settings_json TEXT, status TEXT NOT NULL, message TEXT, owner_pid INTEGER, created TEXT, ended TEXT)",
    "CREATE INDEX model_versions_by_job ON model_versions(pending_job)",
};

template <size_t N>
QString runAll(QSqlDatabase &db, const char *const (&statements)[N])
{
    QSqlQuery q(db);
    for (const char *sql : statements) {
        if (!q.exec(QString::fromLatin1(sql)))
            return QStringLiteral("%1 (in: %2)").arg(q.lastError().text(), QString::fromLatin1(sql));
    }
    return {};
}

QString applyMigration(QSqlDatabase &db, int version)
{
    switch (version) {
    case 1: return runAll(db, kVersion1);
    case 2: return runAll(db, kVersion2);
    case 3: return runAll(db, kVersion3);
    case 4: return runAll(db, kVersion4);
    case 5: return runAll(db, kVersion5);
    case 6: return runAll(db, kVersion6);
    case 7: return runAll(db, kVersion7);
    case 8: return runAll(db, kVersion8);
    case 9: return runAll(db, kVersion9);
    default: return QStringLiteral("no migration to schema version %1").arg(version);
    }
}

} // namespace

QString migrateProject(QSqlDatabase &db, int fromVersion, int target)
{
    for (int v = fromVersion + 1; v <= target; ++v) {
        QSqlQuery q(db);
        // IMMEDIATE: two processes opening an old project at once migrate it once, one after the other.
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return q.lastError().text();
        q.exec(QStringLiteral("PRAGMA user_version"));
        if (q.next() && q.value(0).toInt() >= v) {   // the other process did it meanwhile
            q.finish();
            q.exec(QStringLiteral("ROLLBACK"));
            continue;
        }
        q.finish();
        QString error = applyMigration(db, v);
        if (error.isEmpty() && !q.exec(QStringLiteral("PRAGMA user_version = %1").arg(v)))
            error = q.lastError().text();
        if (error.isEmpty() && v == 1
            && !q.exec(QStringLiteral("PRAGMA application_id = %1").arg(ProjectApplicationId)))
            error = q.lastError().text();
        if (!error.isEmpty()) {
            q.exec(QStringLiteral("ROLLBACK"));
            return QStringLiteral("migration to schema version %1 failed: %2").arg(v).arg(error);
        }
        if (!q.exec(QStringLiteral("COMMIT")))
            return q.lastError().text();
    }
    return {};
}

} // namespace lepton::Internal
