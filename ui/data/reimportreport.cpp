#include "data/reimportreport.h"

#include "data/reimport.h"

#include <QCoreApplication>
#include <QStringList>

namespace lepton {
namespace {

QString tr(const char *text) { return QCoreApplication::translate("ReimportReport", text); }

void listEntries(QStringList &lines, const QString &kind, const QVector<ReimportEntry> &entries, int perKind)
{
    for (int i = 0; i < std::min<int>(perKind, int(entries.size())); ++i) {
        const ReimportEntry &e = entries[i];
        QString text = e.fromPath.isEmpty() ? e.path : QStringLiteral("%1 → %2").arg(e.fromPath, e.path);
        if (!e.fromClass.isEmpty())
            text += QStringLiteral(" (class %1 → %2)").arg(e.fromClass, e.className);
        else if (!e.className.isEmpty())
            text += QStringLiteral(" (%1)").arg(e.className);
        lines << QStringLiteral("%1: %2").arg(kind, text.toHtmlEscaped());
    }
    if (entries.size() > perKind)
        lines << tr("… and %1 more %2 (lepton import --dry-run lists them all)").arg(entries.size() - perKind).arg(kind);
}

} // namespace

QString reimportReportHtml(const ReimportReport &r, int perKind)
{
    QStringList lines;
    lines << tr("Re-imported '%1' from %2: %3").arg(r.datasetName, r.folder, r.summary()).toHtmlEscaped();
    listEntries(lines, tr("new"), r.added, perKind);
    listEntries(lines, tr("changed"), r.changed, perKind);
    listEntries(lines, tr("moved"), r.moved, perKind);
    listEntries(lines, r.missingDropped ? tr("missing, removed") : tr("missing, kept"), r.missing, perKind);
    for (int i = 0; i < std::min<int>(perKind, int(r.issues.size())); ++i)
        lines << tr("skipped: %1: %2").arg(r.issues[i].path, r.issues[i].reason).toHtmlEscaped();
    if (!r.newClasses.isEmpty())
        lines << tr("new classes: %1").arg(r.newClasses.join(QStringLiteral(", "))).toHtmlEscaped();
    if (!r.notApplied.isEmpty())
        lines << QStringLiteral("<span style='color:#b00020'>%1</span>")
                     .arg(tr("Not applied: %1").arg(r.notApplied).toHtmlEscaped());
    return lines.join(QStringLiteral("<br>"));
}

} // namespace lepton
