#include "summarycards.h"

#include "eval/evaluation.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace lepton {

namespace {

struct CardSpec
{
    const char *key;
    const char *title;
    const char *help;
    bool regression = false;
};

const CardSpec kCards[] = {
    {"accuracy", QT_TRANSLATE_NOOP("SummaryCards", "Accuracy"), QT_TRANSLATE_NOOP("SummaryCards", "Share of samples whose top class is the true class.")},
    {"balanced_accuracy", QT_TRANSLATE_NOOP("SummaryCards", "Balanced accuracy"), QT_TRANSLATE_NOOP("SummaryCards", "Mean recall over the classes present in the split.")},
    {"macro_f1", QT_TRANSLATE_NOOP("SummaryCards", "Macro F1"), QT_TRANSLATE_NOOP("SummaryCards", "Unweighted mean of the per-class F1 scores.")},
    {"log_loss", QT_TRANSLATE_NOOP("SummaryCards", "Log loss"), QT_TRANSLATE_NOOP("SummaryCards", "Mean negative log probability of the true class (lower is better).")},
    {"kappa", QT_TRANSLATE_NOOP("SummaryCards", "Cohen's kappa"), QT_TRANSLATE_NOOP("SummaryCards", "Agreement with the truth beyond chance (1 is perfect, 0 is chance).")},
    {"ece", QT_TRANSLATE_NOOP("SummaryCards", "ECE"), QT_TRANSLATE_NOOP("SummaryCards", "Expected calibration error of the top-1 confidence, 10 bins (lower is better).")},
    {"mae", QT_TRANSLATE_NOOP("SummaryCards", "MAE"), QT_TRANSLATE_NOOP("SummaryCards", "Mean absolute error, in the target's units (lower is better)."), true},
    {"rmse", QT_TRANSLATE_NOOP("SummaryCards", "RMSE"), QT_TRANSLATE_NOOP("SummaryCards", "Root mean squared error, in the target's units (lower is better)."), true},
    {"mse", QT_TRANSLATE_NOOP("SummaryCards", "MSE"), QT_TRANSLATE_NOOP("SummaryCards", "Mean squared error: the training loss (lower is better)."), true},
    {"r2", QT_TRANSLATE_NOOP("SummaryCards", "R²"), QT_TRANSLATE_NOOP("SummaryCards", "Coefficient of determination: 1 is perfect, 0 is as good as predicting the mean."), true},
};

} // namespace

SummaryCards::SummaryCards(QWidget *parent) : QWidget(parent)
{
    auto layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    for (const CardSpec &spec : kCards) {
        auto card = new QFrame;
        card->setObjectName(QStringLiteral("card_%1").arg(QLatin1String(spec.key)));
        card->setFrameShape(QFrame::StyledPanel);
        card->setStyleSheet(QStringLiteral("#%1 { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }")
                                .arg(card->objectName()));
        card->setToolTip(tr(spec.help));
        auto v = new QVBoxLayout(card);
        v->setContentsMargins(10, 6, 10, 6);
        v->setSpacing(0);
        auto title = new QLabel(tr(spec.title));
        title->setStyleSheet(QStringLiteral("color: palette(dark); font-size: 11px;"));
        auto value = new QLabel(QStringLiteral("—"));
        value->setObjectName(QStringLiteral("cardValue_%1").arg(QLatin1String(spec.key)));
        value->setStyleSheet(QStringLiteral("font-size: 20px; font-weight: 600;"));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        v->addWidget(title);
        v->addWidget(value);
        layout->addWidget(card, 1);
        m_values.insert(QLatin1String(spec.key), value);
        m_cards.insert(QLatin1String(spec.key), card);
    }
    showTask(false);
}

void SummaryCards::showTask(bool regression)
{
    for (const CardSpec &spec : kCards)
        m_cards.value(QLatin1String(spec.key))->setVisible(spec.regression == regression);
}

QLabel *SummaryCards::valueLabel(const QString &key) const
{
    return m_values.value(key);
}

void SummaryCards::setCard(const QString &key, const QString &value, const QString &toolTip)
{
    if (QLabel *label = m_values.value(key)) {
        label->setText(value);
        label->setToolTip(toolTip);
    }
}

void SummaryCards::clear()
{
    for (QLabel *label : std::as_const(m_values)) {
        label->setText(QStringLiteral("—"));
        label->setToolTip({});
    }
}

void SummaryCards::setEvaluation(const EvaluationOutcome &e)
{
    showTask(e.regression);
    if (e.regression) {
        const RegressionMetrics &r = e.regressionMetrics;
        setCard(QStringLiteral("mae"), QString::number(r.mae, 'g', 4), QString::number(r.mae, 'g', 10));
        setCard(QStringLiteral("rmse"), QString::number(r.rmse, 'g', 4), QString::number(r.rmse, 'g', 10));
        setCard(QStringLiteral("mse"), QString::number(r.rmse * r.rmse, 'g', 4), QString::number(r.rmse * r.rmse, 'g', 10));
        if (r.r2)
            setCard(QStringLiteral("r2"), QString::number(*r.r2, 'f', 4), QString::number(*r.r2, 'g', 10));
        else
            setCard(QStringLiteral("r2"), tr("undefined"), r.r2Undefined);
        return;
    }
    const ClassificationMetrics &m = e.metrics;
    setCard(QStringLiteral("accuracy"), QString::number(m.accuracy * 100, 'f', 2) + QLatin1Char('%'),
            QString::number(m.accuracy, 'f', 6));
    setCard(QStringLiteral("balanced_accuracy"), QString::number(m.balancedAccuracy * 100, 'f', 2) + QLatin1Char('%'),
            QString::number(m.balancedAccuracy, 'f', 6));
    setCard(QStringLiteral("macro_f1"), QString::number(m.macroF1, 'f', 4));
    if (m.kappa)
        setCard(QStringLiteral("kappa"), QString::number(*m.kappa, 'f', 4));
    else
        setCard(QStringLiteral("kappa"), tr("undefined"), m.kappaUndefined);
    if (e.scores) {
        setCard(QStringLiteral("log_loss"), QString::number(e.scores->logLoss, 'f', 4));
        setCard(QStringLiteral("ece"), QString::number(e.scores->calibration.expectedCalibrationError, 'f', 4));
    } else {
        setCard(QStringLiteral("log_loss"), QStringLiteral("—"), e.scoresError);
        setCard(QStringLiteral("ece"), QStringLiteral("—"), e.scoresError);
    }
}

} // namespace lepton
