#pragma once
// One export target's verification report (pass/fail, differences, top-1 agreement, accuracy,
// SHA-256, file), or the error that stopped it. Used for fresh exports and for stored ones.
#include "deploy/torchscriptexport.h"

#include <QGroupBox>
#include <QVector>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace lepton {

struct NamedVerification
{
    QString name;   // empty when the export has a single verification
    ExportVerification verification;
};

// The verification JSON stored with an export: one ExportVerification (torchscript, onnx), or
// one per model file for a package ({"torchscript": {...}, "onnx": {...}}). Empty if unreadable.
QVector<NamedVerification> verificationsFromJson(const QString &json);

class ExportTargetReport : public QGroupBox
{
    Q_OBJECT

public:
    enum class State { Idle, Pending, Passed, Failed };

    explicit ExportTargetReport(const QString &title, QWidget *parent = nullptr);

    State state() const { return m_state; }

    void showPending(const QString &message);
    void showFailure(const QString &message);
    // folder: the package folder (packages only); json: the stored report (history only).
    void showVerified(const QString &summary, const QVector<NamedVerification> &checks,
                      const QString &sha256, const QString &path, const QString &folder = {},
                      const QString &json = {});

private:
    void setDetailsVisible(bool visible);

    State m_state = State::Idle;
    QFormLayout *m_form;
    QLabel *m_summary;
    QLabel *m_verdict;
    QLabel *m_maxDiff;
    QLabel *m_meanDiff;
    QLabel *m_agreement;
    QLabel *m_accuracy;
    QLineEdit *m_sha;
    QLineEdit *m_path;
    QLabel *m_size;
    QLineEdit *m_folder;
    QPlainTextEdit *m_json;
};

} // namespace lepton
