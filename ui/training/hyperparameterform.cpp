#include "training/hyperparameterform.h"

#include "recordtext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSignalBlocker>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace lepton {

namespace {

QSpinBox *spin(const char *name, int lo, int hi, const QString &tip)
{
    auto s = new QSpinBox;
    s->setObjectName(QLatin1String(name));
    s->setRange(lo, hi);
    s->setToolTip(tip);
    return s;
}

QDoubleSpinBox *doubleSpin(const char *name, double lo, double hi, int decimals, double step, const QString &tip)
{
    auto s = new QDoubleSpinBox;
    s->setObjectName(QLatin1String(name));
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setToolTip(tip);
    return s;
}

QComboBox *combo(const char *name, const QStringList &items)
{
    auto c = new QComboBox;
    c->setObjectName(QLatin1String(name));
    c->addItems(items);
    return c;
}

} // namespace

HyperparameterForm::HyperparameterForm(QWidget *parent)
    : QWidget(parent)
    , m_epochs(spin("trainingEpochsSpin", 1, 100000, tr("Passes over the training split")))
    , m_batchSize(spin("trainingBatchSizeSpin", 1, 65536, tr("Samples per optimizer step")))
    , m_learningRate(doubleSpin("trainingLearningRateSpin", 0.000001, 10.0, 6, 0.0001,
                                tr("Base learning rate (the peak for one-cycle)")))
    , m_optimizer(combo("trainingOptimizerCombo", {"adam", "adamw", "sgd"}))
    , m_momentum(doubleSpin("trainingMomentumSpin", 0, 0.999, 3, 0.05, tr("SGD momentum")))
    , m_nesterov(new QCheckBox(tr("Nesterov")))
    , m_weightDecay(doubleSpin("trainingWeightDecaySpin", 0, 1, 6, 0.0001,
                               tr("L2 penalty (decoupled for AdamW)")))
    , m_schedule(combo("trainingScheduleCombo", {"cosine", "constant", "step", "onecycle", "plateau"}))
    , m_warmup(spin("trainingWarmupSpin", 0, 99999, tr("Linear warm-up epochs")))
    , m_stepEpochs(spin("trainingStepEpochsSpin", 1, 100000, tr("Step: reduce every N epochs")))
    , m_gamma(doubleSpin("trainingGammaSpin", 0.001, 1, 3, 0.05, tr("Step/plateau: factor applied to the rate")))
    , m_plateauPatience(spin("trainingPlateauPatienceSpin", 0, 1000, tr("Plateau: epochs without improvement")))
    , m_clipNorm(doubleSpin("trainingClipNormSpin", 0, 1000, 3, 0.5, tr("Clip the gradient norm (0: off)")))
    , m_labelSmoothing(doubleSpin("trainingLabelSmoothingSpin", 0, 0.99, 3, 0.05, tr("Cross-entropy label smoothing")))
    , m_classWeights(new QLineEdit)
    , m_monitor(combo("trainingMonitorCombo", {"val_loss", "val_accuracy", "val_macro_f1"}))
    , m_patience(spin("trainingPatienceSpin", 0, 1000, tr("Early stopping: epochs without improvement (0: off)")))
    , m_seed(spin("trainingSeedSpin", 0, std::numeric_limits<int>::max(), tr("Seed of initialisation, shuffling, dropout")))
    , m_initFrom(new QComboBox)
    , m_problem(new QLabel)
{
    m_initFrom->setObjectName("trainingInitFromCombo");
    m_initFrom->setToolTip(tr("Start from a stored model version's weights (e.g. an imported ONNX model or an "
                              "earlier run) instead of a random initialization; the architecture must have the "
                              "same parameters, matched by name and shape"));
    m_initFrom->addItem(tr("random initialization"), 0);
    m_nesterov->setObjectName("trainingNesterovCheck");
    m_classWeights->setObjectName("trainingClassWeightsEdit");
    m_classWeights->setPlaceholderText(tr("all 1 (or e.g. 1, 2, 0.5)"));
    m_problem->setObjectName("trainingFormProblem");
    m_problem->setStyleSheet("color: #b00020;");
    m_problem->setWordWrap(true);
    m_problem->hide();

    auto optimizer = new QGroupBox(tr("Optimizer"));
    auto o = new QFormLayout(optimizer);
    o->addRow(tr("Optimizer:"), m_optimizer);
    o->addRow(tr("Learning rate:"), m_learningRate);
    auto momentum = new QHBoxLayout;
    momentum->addWidget(m_momentum, 1);
    momentum->addWidget(m_nesterov);
    o->addRow(tr("Momentum:"), momentum);
    o->addRow(tr("Weight decay:"), m_weightDecay);
    o->addRow(tr("Clip grad norm:"), m_clipNorm);

    auto schedule = new QGroupBox(tr("Schedule"));
    auto s = new QFormLayout(schedule);
    s->addRow(tr("Schedule:"), m_schedule);
    s->addRow(tr("Warm-up epochs:"), m_warmup);
    s->addRow(tr("Step every:"), m_stepEpochs);
    s->addRow(tr("Factor (gamma):"), m_gamma);
    s->addRow(tr("Plateau patience:"), m_plateauPatience);

    auto run = new QGroupBox(tr("Run"));
    auto r = new QFormLayout(run);
    r->addRow(tr("Epochs:"), m_epochs);
    r->addRow(tr("Batch size:"), m_batchSize);
    r->addRow(tr("Label smoothing:"), m_labelSmoothing);
    r->addRow(tr("Class weights:"), m_classWeights);
    r->addRow(tr("Best by:"), m_monitor);
    r->addRow(tr("Early stop after:"), m_patience);
    r->addRow(tr("Seed:"), m_seed);
    r->addRow(tr("Start from:"), m_initFrom);
    m_patience->setSpecialValueText(tr("off"));
    m_clipNorm->setSpecialValueText(tr("off"));

    auto groups = new QHBoxLayout;
    groups->setContentsMargins(0, 0, 0, 0);
    groups->addWidget(optimizer);
    groups->addWidget(schedule);
    groups->addWidget(run);
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(groups);
    layout->addWidget(m_problem);

    setConfig(TrainConfig{});
    auto changedSignal = [this] {
        updateState();
        emit changed();
    };
    for (QSpinBox *w : {m_epochs, m_batchSize, m_warmup, m_stepEpochs, m_plateauPatience, m_patience, m_seed})
        connect(w, &QSpinBox::valueChanged, this, changedSignal);
    for (QDoubleSpinBox *w : {m_learningRate, m_momentum, m_weightDecay, m_gamma, m_clipNorm, m_labelSmoothing})
        connect(w, &QDoubleSpinBox::valueChanged, this, changedSignal);
    for (QComboBox *w : {m_optimizer, m_schedule, m_monitor})
        connect(w, &QComboBox::currentTextChanged, this, changedSignal);
    connect(m_nesterov, &QCheckBox::toggled, this, changedSignal);
    connect(m_initFrom, &QComboBox::currentIndexChanged, this, changedSignal);
    connect(m_initFrom, &QComboBox::activated, this, [this] {
        if (const qint64 id = m_initFrom->currentData().toLongLong(); id > 0)
            emit initModelVersionChosen(id);
    });
    connect(m_classWeights, &QLineEdit::textChanged, this, changedSignal);
    updateState();
}

TrainConfig HyperparameterForm::config() const
{
    TrainConfig c;
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.learningRate = m_learningRate->value();
    c.optimizer = m_optimizer->currentText();
    c.momentum = m_momentum->value();
    c.nesterov = m_nesterov->isChecked() && m_nesterov->isEnabled();
    c.weightDecay = m_weightDecay->value();
    c.schedule = m_schedule->currentText();
    c.warmupEpochs = m_warmup->isEnabled() ? m_warmup->value() : 0;
    c.stepEpochs = m_stepEpochs->value();
    c.gamma = m_gamma->value();
    c.plateauPatience = m_plateauPatience->value();
    c.clipNorm = m_clipNorm->value();
    c.labelSmoothing = m_labelSmoothing->value();
    c.monitor = m_monitor->currentText();
    c.patience = m_patience->value();
    c.seed = quint64(m_seed->value());
    c.initModelVersion = m_initFrom->currentData().toLongLong();
    const QString weights = m_classWeights->text().trimmed();
    if (!weights.isEmpty())
        for (const QString &w : weights.split(QLatin1Char(','))) {
            bool ok = false;
            const double v = w.trimmed().toDouble(&ok);
            c.classWeights.append(ok ? v : -1);
        }
    return c;
}

void HyperparameterForm::setConfig(const TrainConfig &c)
{
    m_epochs->setValue(c.epochs);
    m_batchSize->setValue(c.batchSize);
    m_learningRate->setValue(c.learningRate);
    m_optimizer->setCurrentText(c.optimizer);
    m_momentum->setValue(c.momentum);
    m_nesterov->setChecked(c.nesterov);
    m_weightDecay->setValue(c.weightDecay);
    m_schedule->setCurrentText(c.schedule);
    m_warmup->setValue(c.warmupEpochs);
    m_stepEpochs->setValue(c.stepEpochs);
    m_gamma->setValue(c.gamma);
    m_plateauPatience->setValue(c.plateauPatience);
    m_clipNorm->setValue(c.clipNorm);
    m_labelSmoothing->setValue(c.labelSmoothing);
    QStringList weights;
    for (double w : c.classWeights)
        weights << QString::number(w);
    m_classWeights->setText(weights.join(QStringLiteral(", ")));
    if (m_monitor->findText(c.monitor) < 0)
        setRegression(c.monitor == QLatin1String("val_mae") || c.monitor == QLatin1String("val_r2"));
    m_monitor->setCurrentText(c.monitor);
    m_patience->setValue(c.patience);
    m_seed->setValue(int(std::min<quint64>(c.seed, quint64(m_seed->maximum()))));
    if (c.initModelVersion > 0 && m_initFrom->findData(c.initModelVersion) < 0)
        m_initFrom->addItem(tr("model version #%1").arg(c.initModelVersion), c.initModelVersion);
    m_initFrom->setCurrentIndex(std::max(0, m_initFrom->findData(c.initModelVersion)));
    updateState();
}

void HyperparameterForm::setRegression(bool regression)
{
    if (regression == m_regression)
        return;
    m_regression = regression;
    const QString current = m_monitor->currentText();
    {
        const QSignalBlocker blocker(m_monitor);
        m_monitor->clear();
        m_monitor->addItems(regression ? QStringList{"val_loss", "val_mae", "val_r2"}
                                       : QStringList{"val_loss", "val_accuracy", "val_macro_f1"});
        m_monitor->setCurrentIndex(std::max(0, m_monitor->findText(current)));
    }
    m_monitor->setToolTip(regression ? tr("Regression: val_loss is the validation MSE; val_mae and val_r2 as well")
                                     : QString());
    for (QWidget *w : {static_cast<QWidget *>(m_labelSmoothing), static_cast<QWidget *>(m_classWeights)}) {
        w->setEnabled(!regression);
        w->setToolTip(regression ? tr("Classification only: the chosen dataset is a regression dataset (MSE loss)")
                                 : w->toolTip());
    }
    if (regression) {
        m_labelSmoothing->setValue(0);
        m_classWeights->clear();
    }
    updateState();
    emit changed();
}

void HyperparameterForm::setModelVersions(const QVector<ModelVersionInfo> &versions)
{
    const qint64 current = m_initFrom->currentData().toLongLong();
    {
        const QSignalBlocker blocker(m_initFrom);
        m_initFrom->clear();
        m_initFrom->addItem(tr("random initialization"), 0);
        for (const ModelVersionInfo &v : versions)
            m_initFrom->addItem(modelVersionText(v), v.id);
        m_initFrom->setCurrentIndex(std::max(0, m_initFrom->findData(current)));
    }
    if (m_initFrom->currentData().toLongLong() != current) {
        updateState();
        emit changed();
    }
}

QString HyperparameterForm::problem() const
{
    const QString weights = m_classWeights->text().trimmed();
    if (!weights.isEmpty())
        for (const QString &w : weights.split(QLatin1Char(','))) {
            bool ok = false;
            w.trimmed().toDouble(&ok);
            if (!ok)
                return tr("Class weights: '%1' is not a number").arg(w.trimmed());
        }
    return config().validate();
}

void HyperparameterForm::updateState()
{
    const bool sgd = m_optimizer->currentText() == QLatin1String("sgd");
    const QString schedule = m_schedule->currentText();
    m_momentum->setEnabled(sgd);
    m_nesterov->setEnabled(sgd);
    m_warmup->setEnabled(schedule != QLatin1String("onecycle"));
    m_stepEpochs->setEnabled(schedule == QLatin1String("step"));
    m_gamma->setEnabled(schedule == QLatin1String("step") || schedule == QLatin1String("plateau"));
    m_plateauPatience->setEnabled(schedule == QLatin1String("plateau"));
    const QString bad = problem();
    m_problem->setText(bad);
    m_problem->setVisible(!bad.isEmpty());
}

} // namespace lepton
