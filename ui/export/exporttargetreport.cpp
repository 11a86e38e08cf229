#include "export/exporttargetreport.h"

#include "recordtext.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>

#include <functional>

namespace lepton {

namespace {

QLabel *valueLabel(const QString &objectName)
{
    auto label = new QLabel;
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

// Read-only, frameless line edits: a 64-digit hash or a long path scrolls instead of widening the dock.
QLineEdit *valueLine(const QString &objectName, bool monospace)
{
    auto edit = new QLineEdit;
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setFrame(false);
    edit->setStyleSheet(monospace ? "background: transparent; font-family: monospace;"
                                  : "background: transparent;");
    return edit;
}

QString joined(const QVector<NamedVerification> &checks,
               const std::function<QString(const ExportVerification &)> &text)
{
    QStringList parts;
    for (const NamedVerification &c : checks)
        parts << (c.name.isEmpty() ? text(c.verification) : c.name + ": " + text(c.verification));
    return parts.join(QLatin1Char('\n'));   // a package: one line per model file
}

} // namespace

QVector<NamedVerification> verificationsFromJson(const QString &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (o.contains("max_abs_diff"))
        return {{QString(), ExportVerification::fromJson(o)}};
    QVector<NamedVerification> list;
    if (o.value("torchscript").isObject())
        list.append({QStringLiteral("TorchScript"), ExportVerification::fromJson(o.value("torchscript").toObject())});
    if (o.value("onnx").isObject())
        list.append({QStringLiteral("ONNX"), ExportVerification::fromJson(o.value("onnx").toObject())});
    return list;
}

ExportTargetReport::ExportTargetReport(const QString &title, QWidget *parent)
    : QGroupBox(title, parent)
    , m_form(new QFormLayout(this))
    , m_summary(valueLabel("exportSummary"))
    , m_verdict(valueLabel("exportVerdict"))
    , m_maxDiff(valueLabel("exportMaxAbsDiff"))
    , m_meanDiff(valueLabel("exportMeanAbsDiff"))
    , m_agreement(valueLabel("exportTop1Agreement"))
    , m_accuracy(valueLabel("exportAccuracy"))
    , m_sha(valueLine("exportSha256", true))
    , m_path(valueLine("exportPath", false))
    , m_size(valueLabel("exportSize"))
    , m_folder(valueLine("exportFolder", false))
    , m_json(new QPlainTextEdit)
{
    m_json->setObjectName("exportJson");
    m_json->setReadOnly(true);
    m_json->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_json->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_json->setStyleSheet("font-family: monospace;");
    m_json->setFixedHeight(m_json->fontMetrics().lineSpacing() * 4 + 8);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->addRow(m_summary);
    m_form->addRow(tr("Result:"), m_verdict);
    m_form->addRow(tr("Max |diff|:"), m_maxDiff);
    m_form->addRow(tr("Mean |diff|:"), m_meanDiff);
    m_form->addRow(tr("Top-1 agreement:"), m_agreement);
    m_form->addRow(tr("Exported accuracy:"), m_accuracy);
    m_form->addRow(tr("SHA-256:"), m_sha);
    m_form->addRow(tr("File:"), m_path);
    m_form->addRow(tr("Size:"), m_size);
    m_form->addRow(tr("Folder:"), m_folder);
    m_form->addRow(tr("Stored JSON:"), m_json);
    setDetailsVisible(false);
}

void ExportTargetReport::setDetailsVisible(bool visible)
{
    for (int row = 1; row < m_form->rowCount(); ++row)
        m_form->setRowVisible(row, visible);
}

void ExportTargetReport::showPending(const QString &message)
{
    m_state = State::Pending;
    m_summary->setStyleSheet({});
    m_summary->setText(message);
    setDetailsVisible(false);
}

void ExportTargetReport::showFailure(const QString &message)
{
    m_state = State::Failed;
    m_summary->setStyleSheet("color: #b00020;");
    m_summary->setText(message);
    setDetailsVisible(false);
    m_form->setRowVisible(m_verdict, true);
    m_verdict->setText(tr("<b style='color:#b00020'>failed</b>"));
}

void ExportTargetReport::showVerified(const QString &summary, const QVector<NamedVerification> &checks,
                                      const QString &sha256, const QString &path, const QString &folder,
                                      const QString &json)
{
    bool passed = !checks.isEmpty();
    for (const NamedVerification &c : checks)
        passed = passed && c.verification.passed;
    m_state = passed ? State::Passed : State::Failed;
    m_summary->setStyleSheet({});
    m_summary->setText(summary);
    setDetailsVisible(true);
    m_verdict->setText(passed ? tr("<b style='color:#1a7f37'>passed</b>")
                              : tr("<b style='color:#b00020'>failed</b>"));
    const bool verified = !checks.isEmpty();
    for (QWidget *w : {static_cast<QWidget *>(m_maxDiff), static_cast<QWidget *>(m_meanDiff),
                       static_cast<QWidget *>(m_agreement), static_cast<QWidget *>(m_accuracy)})
        m_form->setRowVisible(w, verified);
    if (!verified)
        m_verdict->setText(tr("<b style='color:#b00020'>no readable verification report</b>"));
    m_maxDiff->setText(joined(checks, [](const ExportVerification &v) {
        return tr("%1 (allowed %2)").arg(QString::number(v.maxAbsDiff, 'g', 4), QString::number(v.tolerance, 'g', 4));
    }));
    m_meanDiff->setText(joined(checks, [](const ExportVerification &v) { return QString::number(v.meanAbsDiff, 'g', 4); }));
    // Regression exports give one value per sample: there is no argmax to agree on.
    const auto classified = [](const ExportVerification &v, double value) {
        return v.regression ? QStringLiteral("— (regression)") : percent(value);
    };
    m_agreement->setText(joined(checks, [&](const ExportVerification &v) { return classified(v, v.top1Agreement); }));
    m_accuracy->setText(joined(checks, [&](const ExportVerification &v) { return classified(v, v.exportedAccuracy); }));
    m_sha->setText(sha256);
    m_sha->setCursorPosition(0);
    m_sha->setToolTip(sha256);
    m_path->setText(path);
    m_path->setCursorPosition(0);
    m_path->setToolTip(path);
    const QFileInfo file(path);
    m_size->setText(path.isEmpty()     ? tr("<span style='color:#b00020'>no file: it failed verification</span>")
                    : file.isFile()    ? QLocale().formattedDataSize(file.size())
                                       : tr("<span style='color:#b00020'>the file no longer exists</span>"));
    m_folder->setText(folder);
    m_folder->setCursorPosition(0);
    m_folder->setToolTip(folder);
    m_form->setRowVisible(m_folder, !folder.isEmpty());
    m_json->setPlainText(json);
    m_form->setRowVisible(m_json, !json.isEmpty());
}

} // namespace lepton
