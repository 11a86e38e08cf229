#pragma once
// How project records are named in the tree, combos and tables, so every dock says the same.
#include "project/records.h"

#include <QString>

class QComboBox;

namespace lepton {

QString datasetText(const DatasetInfo &d);
QString architectureText(const ArchitectureInfo &a);
QString runText(const RunInfo &r);
QString modelVersionText(const ModelVersionInfo &m);
// Where a model version came from: "← run #3" or "← version #2" (compression parent).
QString modelVersionOrigin(const ModelVersionInfo &m);
QString evaluationText(const EvaluationInfo &e);
QString exportText(const ExportInfo &e);
QString percent(double fraction, int decimals = 2);

// Selects the combo entry whose itemData is id; returns false if there is none.
bool selectComboId(QComboBox *combo, qint64 id);
qint64 comboId(const QComboBox *combo);

} // namespace lepton
