#include "training/sweepform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lepton {

namespace {

const QStringList kOptimizers{"adam", "adamw", "sgd"};

QString rowLabel(const QString &name)
{
    if (name == QLatin1String("learning_rate"))
        return SweepForm::tr("Learning rate");
    if (name == QLatin1String("batch_size"))
        return SweepForm::tr("Batch size");
    if (name == QLatin1String("weight_decay"))
        return SweepForm::tr("Weight decay");
    return SweepForm::tr("Dropout");
}

// The allowed interval of a hyperparameter, checked per value so the message can name it.
QString checkValue(const QString &name, double v)
{
    if (!std::isfinite(v))
        return SweepForm::tr("must be finite");
    if (name == QLatin1String("learning_rate") && !(v > 0))
        return SweepForm::tr("must be > 0");
    if (name == QLatin1String("batch_size") && (v < 1 || v != std::floor(v)))
        return SweepForm::tr("must be a whole number >= 1");
    if (name == QLatin1String("weight_decay") && v < 0)
        return SweepForm::tr("must be >= 0");
    if (name == QLatin1String("dropout") && !(v >= 0 && v < 1))
        return SweepForm::tr("must be in [0, 1)");
    return {};
}

Result<double> number(const QString &name, const QString &text)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok)
        return Result<double>::failure(SweepForm::tr("%1: \"%2\" is not a number").arg(rowLabel(name), text.trimmed()));
    if (const QString why = checkValue(name, v); !why.isEmpty())
        return Result<double>::failure(SweepForm::tr("%1: %2 %3").arg(rowLabel(name), text.trimmed(), why));
    return v;
}

} // namespace

SweepForm::SweepForm(QWidget *parent)
    : QWidget(parent)
    , m_method(new QComboBox)
    , m_trials(new QSpinBox)
    , m_seed(new QSpinBox)
    , m_optimizerEnabled(new QCheckBox(tr("Optimizer")))
    , m_summary(new QLabel)
    , m_problem(new QLabel)
    , m_start(new QPushButton(tr("Start sweep")))
{
    m_method->setObjectName("sweepMethodCombo");
    m_trials->setObjectName("sweepTrialsSpin");
    m_seed->setObjectName("sweepSeedSpin");
    m_optimizerEnabled->setObjectName("sweepVary_optimizer");
    m_summary->setObjectName("sweepSummary");
    m_problem->setObjectName("sweepProblem");
    m_start->setObjectName("sweepStartButton");

    m_method->addItem(tr("grid (every combination)"), QStringLiteral("grid"));
    m_method->addItem(tr("random (sampled trials)"), QStringLiteral("random"));
    m_trials->setRange(1, 1000);
    m_trials->setValue(8);
    m_trials->setToolTip(tr("Random search: how many trials to sample"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Random search: seed of the sampling (each trial's training seed is the base seed)"));
    m_problem->setStyleSheet("color: #b00020;");
    m_problem->setWordWrap(true);
    m_problem->hide();
    m_start->setEnabled(false);

    auto top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Method:")));
    top->addWidget(m_method);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Trials:")));
    top->addWidget(m_trials);
    top->addWidget(new QLabel(tr("Seed:")));
    top->addWidget(m_seed);
    top->addSpacing(12);
    top->addWidget(m_summary, 1);
    top->addWidget(m_start);

    auto grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    const QStringList headers{tr("Vary"), tr("Given as"), tr("Values (comma-separated)"), tr("Min"), tr("Max"),
                              tr("Scale")};
    for (int c = 0; c < headers.size(); ++c) {
        auto h = new QLabel(QStringLiteral("<b>%1</b>").arg(headers[c]));
        grid->addWidget(h, 0, c);
    }
    auto body = new QVBoxLayout(this);
    body->setContentsMargins(4, 4, 4, 4);
    body->addLayout(top);
    body->addLayout(grid);

    addRow(QStringLiteral("learning_rate"), rowLabel(QStringLiteral("learning_rate")),
           QStringLiteral("0.0003, 0.001, 0.003"), QStringLiteral("0.0001"), QStringLiteral("0.01"), true, true);
    addRow(QStringLiteral("batch_size"), rowLabel(QStringLiteral("batch_size")), QStringLiteral("32, 64, 128"),
           QStringLiteral("16"), QStringLiteral("256"), false, false);
    addRow(QStringLiteral("weight_decay"), rowLabel(QStringLiteral("weight_decay")), QStringLiteral("0, 0.0001, 0.001"),
           QStringLiteral("0.000001"), QStringLiteral("0.01"), true, true);
    addRow(QStringLiteral("dropout"), rowLabel(QStringLiteral("dropout")), QStringLiteral("0.1, 0.3, 0.5"),
           QStringLiteral("0"), QStringLiteral("0.5"), false, true);
    m_rows[0].enabled->setChecked(true);
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows[i];
        grid->addWidget(r.enabled, i + 1, 0);
        grid->addWidget(r.mode, i + 1, 1);
        grid->addWidget(r.values, i + 1, 2);
        grid->addWidget(r.min, i + 1, 3);
        grid->addWidget(r.max, i + 1, 4);
        grid->addWidget(r.log, i + 1, 5);
    }
    auto optimizers = new QHBoxLayout;
    for (const QString &name : kOptimizers) {
        auto box = new QCheckBox(name);
        box->setObjectName(QStringLiteral("sweepOptimizer_%1").arg(name));
        box->setChecked(true);
        m_optimizers.append(box);
        optimizers->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &SweepForm::updateState);
    }
    optimizers->addStretch(1);
    const int optimizerRow = int(m_rows.size()) + 1;
    grid->addWidget(m_optimizerEnabled, optimizerRow, 0);
    grid->addWidget(new QLabel(tr("values")), optimizerRow, 1);
    grid->addLayout(optimizers, optimizerRow, 2, 1, 4);
    grid->setColumnStretch(2, 3);
    grid->setColumnStretch(3, 1);
    grid->setColumnStretch(4, 1);

    auto hint = new QLabel(tr("Each trial is a normal run with the settings of the Hyperparameters tab, except the "
                              "ones varied here. Dropout sets every Dropout layer of the architecture."));
    hint->setWordWrap(true);
    hint->setStyleSheet("color: palette(mid);");
    body->addWidget(hint);
    body->addWidget(m_problem);
    body->addStretch(1);

    connect(m_method, &QComboBox::currentIndexChanged, this, &SweepForm::updateState);
    connect(m_trials, &QSpinBox::valueChanged, this, &SweepForm::updateState);
    connect(m_seed, &QSpinBox::valueChanged, this, &SweepForm::updateState);
    connect(m_optimizerEnabled, &QCheckBox::toggled, this, &SweepForm::updateState);
    connect(m_start, &QPushButton::clicked, this, &SweepForm::startRequested);
    updateState();
}

void SweepForm::addRow(const QString &name, const QString &label, const QString &values, const QString &min,
                       const QString &max, bool log, bool rangeAllowed)
{
    Row r;
    r.name = name;
    r.rangeAllowed = rangeAllowed;
    r.enabled = new QCheckBox(label);
    r.enabled->setObjectName(QStringLiteral("sweepVary_%1").arg(name));
    r.mode = new QComboBox;
    r.mode->setObjectName(QStringLiteral("sweepMode_%1").arg(name));
    r.mode->addItem(tr("values"), QStringLiteral("values"));
    if (rangeAllowed)
        r.mode->addItem(tr("range"), QStringLiteral("range"));
    r.values = new QLineEdit(values);
    r.values->setObjectName(QStringLiteral("sweepValues_%1").arg(name));
    r.min = new QLineEdit(min);
    r.min->setObjectName(QStringLiteral("sweepMin_%1").arg(name));
    r.max = new QLineEdit(max);
    r.max->setObjectName(QStringLiteral("sweepMax_%1").arg(name));
    r.log = new QCheckBox(tr("log"));
    r.log->setObjectName(QStringLiteral("sweepLog_%1").arg(name));
    r.log->setChecked(log);
    r.log->setToolTip(tr("Sample uniformly in log space (needs min > 0)"));
    for (QLineEdit *e : {r.min, r.max})
        e->setMaximumWidth(110);
    connect(r.enabled, &QCheckBox::toggled, this, &SweepForm::updateState);
    connect(r.mode, &QComboBox::currentIndexChanged, this, &SweepForm::updateState);
    connect(r.log, &QCheckBox::toggled, this, &SweepForm::updateState);
    for (QLineEdit *e : {r.values, r.min, r.max})
        connect(e, &QLineEdit::textChanged, this, &SweepForm::updateState);
    m_rows.append(r);
}

Result<QJsonObject> SweepForm::parameters() const
{
    using R = Result<QJsonObject>;
    const bool random = m_method->currentData().toString() == QLatin1String("random");
    QJsonObject params;
    for (const Row &r : m_rows) {
        if (!r.enabled->isChecked())
            continue;
        if (random && r.mode->currentData().toString() == QLatin1String("range")) {
            auto lo = number(r.name, r.min->text());
            auto hi = number(r.name, r.max->text());
            if (!lo || !hi)
                return R::failure(!lo ? lo.error() : hi.error());
            if (!(lo.value() < hi.value()))
                return R::failure(tr("%1: min must be below max").arg(rowLabel(r.name)));
            if (r.log->isChecked() && !(lo.value() > 0))
                return R::failure(tr("%1: a log range needs min > 0").arg(rowLabel(r.name)));
            params.insert(r.name, QJsonObject{{"min", lo.value()}, {"max", hi.value()}, {"log", r.log->isChecked()}});
            continue;
        }
        QJsonArray list;
        const QStringList parts = r.values->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")),
                                                         Qt::SkipEmptyParts);
        for (const QString &part : parts) {
            auto v = number(r.name, part);
            if (!v)
                return R::failure(v.error());
            if (r.name == QLatin1String("batch_size"))
                list.append(int(v.value()));
            else
                list.append(v.value());
        }
        if (list.isEmpty())
            return R::failure(tr("%1: give at least one value").arg(rowLabel(r.name)));
        params.insert(r.name, list);
    }
    if (m_optimizerEnabled->isChecked()) {
        QJsonArray list;
        for (QCheckBox *box : m_optimizers)
            if (box->isChecked())
                list.append(box->text());
        if (list.isEmpty())
            return R::failure(tr("Optimizer: tick at least one"));
        params.insert(QStringLiteral("optimizer"), list);
    }
    if (params.isEmpty())
        return R::failure(tr("Tick at least one hyperparameter to vary."));
    return params;
}

Result<SweepSpec> SweepForm::spec(const TrainConfig &base, qint64 datasetId, qint64 architectureId) const
{
    auto params = parameters();
    if (!params)
        return Result<SweepSpec>::failure(params.error());
    SweepSpec s;
    s.method = m_method->currentData().toString();
    s.trials = s.method == QLatin1String("random") ? m_trials->value() : 0;
    s.seed = quint64(m_seed->value());
    s.datasetId = datasetId;
    s.architectureId = architectureId;
    s.base = base.toJson();
    s.parameters = params.value();
    // The same checks as a sweep.json given to `lepton sweep`.
    return SweepSpec::fromJson(QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact));
}

QString SweepForm::problem() const
{
    auto params = parameters();
    if (!params)
        return params.error();
    if (trialCount() > 1000)
        return tr("The grid has %1 trials; at most 1000.").arg(trialCount());
    return {};
}

int SweepForm::trialCount() const
{
    auto params = parameters();
    if (!params)
        return 0;
    if (m_method->currentData().toString() == QLatin1String("random"))
        return m_trials->value();
    qint64 n = 1;
    for (const QJsonValue &v : params.value())
        n = std::min<qint64>(n * v.toArray().size(), std::numeric_limits<int>::max());
    return int(n);
}

void SweepForm::setStartAllowed(bool allowed)
{
    m_startAllowed = allowed;
    updateState();
}

void SweepForm::setEpochsPerTrial(int epochs)
{
    m_epochs = epochs;
    updateState();
}

void SweepForm::updateState()
{
    const bool random = m_method->currentData().toString() == QLatin1String("random");
    m_trials->setEnabled(random);
    m_seed->setEnabled(random);
    for (const Row &r : m_rows) {
        const bool on = r.enabled->isChecked();
        if (!random && r.mode->currentIndex() != 0)
            r.mode->setCurrentIndex(0);   // a grid takes value lists only
        const bool range = random && r.mode->currentData().toString() == QLatin1String("range");
        r.mode->setEnabled(on && random && r.rangeAllowed);
        r.mode->setToolTip(r.rangeAllowed ? tr("A range (min/max) is sampled by random search only")
                                          : tr("Only a list of values"));
        r.values->setEnabled(on && !range);
        r.min->setEnabled(on && range);
        r.max->setEnabled(on && range);
        r.log->setEnabled(on && range);
    }
    for (QCheckBox *box : m_optimizers)
        box->setEnabled(m_optimizerEnabled->isChecked());
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    const int trials = trialCount();
    m_summary->setText(why.isEmpty() ? tr("%n trial(s)", nullptr, trials) + tr(" × %n epoch(s)", nullptr, m_epochs)
                                     : QString());
    m_start->setEnabled(m_startAllowed && why.isEmpty());
    emit changed();
}

} // namespace lepton
