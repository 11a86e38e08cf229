#pragma once
// Schema migrations of the project file. Migration N takes a file from version N-1 to N.
#include <QSqlDatabase>
#include <QString>

namespace lepton::Internal {

constexpr int ProjectApplicationId = 0x4C45504E;   // "LEPN" in PRAGMA application_id

// Applies migrations from the file's version up to `target`, each in its own transaction.
// Returns an empty string on success, else what failed.
QString migrateProject(QSqlDatabase &db, int fromVersion, int target);

} // namespace lepton::Internal
