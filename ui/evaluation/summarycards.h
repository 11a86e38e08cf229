#pragma once
// The headline numbers of an evaluation as a row of cards: accuracy, balanced accuracy, macro F1,
// log loss, Cohen's kappa and expected calibration error; for a regression model MAE, RMSE, MSE and R².
#include <QHash>
#include <QWidget>

class QLabel;

namespace lepton {

struct EvaluationOutcome;

class SummaryCards : public QWidget
{
    Q_OBJECT

public:
    explicit SummaryCards(QWidget *parent = nullptr);

    void setEvaluation(const EvaluationOutcome &e);
    void clear();
    // The value label of a card ("accuracy", "balanced_accuracy", "macro_f1", "log_loss", "kappa", "ece";
    // regression: "mae", "rmse", "mse", "r2"). Only the cards of the evaluation's task are visible.
    QLabel *valueLabel(const QString &key) const;

private:
    void setCard(const QString &key, const QString &value, const QString &toolTip = {});

    void showTask(bool regression);

    QHash<QString, QLabel *> m_values;
    QHash<QString, QWidget *> m_cards;
};

} // namespace lepton
