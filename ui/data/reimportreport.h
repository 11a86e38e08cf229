#pragma once
// How the Data dock shows a re-import's report: the counts, then the first files of each kind.
#include <QString>

namespace lepton {

struct ReimportReport;

// Rich text (escaped); at most `perKind` files listed for each kind, with how many more there are.
QString reimportReportHtml(const ReimportReport &report, int perKind = 5);

} // namespace lepton
