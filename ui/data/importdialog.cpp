#include "data/importdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lepton {

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent)
    , m_source(new QComboBox)
    , m_path(new QLineEdit)
    , m_name(new QLineEdit)
    , m_width(new QSpinBox)
    , m_height(new QSpinBox)
    , m_channels(new QComboBox)
    , m_train(new QDoubleSpinBox)
    , m_validation(new QDoubleSpinBox)
    , m_seed(new QSpinBox)
    , m_labelColumn(new QComboBox)
    , m_regression(new QCheckBox(tr("Numeric target to predict (regression)")))
    , m_skipRows(new QSpinBox)
    , m_layoutNote(new QLabel)
    , m_problem(new QLabel)
{
    setObjectName("importDialog");
    m_source->setObjectName("importSourceCombo");
    m_path->setObjectName("importPathEdit");
    m_name->setObjectName("importNameEdit");
    m_width->setObjectName("importWidthSpin");
    m_height->setObjectName("importHeightSpin");
    m_channels->setObjectName("importChannelsCombo");
    setWindowTitle(tr("Import Dataset"));
    m_source->addItem(tr("Image folder (one sub-folder per class)"), int(Source::ImageFolder));
    m_source->addItem(tr("OpenCV digit sheet (digits.png)"), int(Source::DigitSheet));
    m_source->addItem(tr("Tabular CSV/TSV (numeric features + label column)"), int(Source::TabularCsv));
    m_source->addItem(tr("CSV/TSV of image paths and labels"), int(Source::PathListCsv));
    m_labelColumn->setObjectName("importLabelColumnCombo");
    m_labelColumn->setEditable(true);
    m_regression->setObjectName("importRegressionCheck");
    m_regression->setToolTip(tr("The label column holds a number to predict (e.g. a price): the dataset is trained "
                                "with a mean-squared-error loss and evaluated by MAE, RMSE and R², instead of one "
                                "class per distinct value"));
    m_skipRows->setObjectName("importSkipRowsSpin");
    m_skipRows->setRange(0, 1000);
    m_layoutNote->setObjectName("importLayoutNote");
    m_layoutNote->setWordWrap(true);
    m_name->setPlaceholderText(tr("derived from the source"));
    const ImportOptions defaults;
    for (QSpinBox *s : {m_width, m_height})
        s->setRange(4, 1024);
    m_width->setValue(defaults.width);
    m_height->setValue(defaults.height);
    m_channels->addItem(tr("Grayscale (1 channel)"), 1);
    m_channels->addItem(tr("Colour (3 channels)"), 3);
    for (QDoubleSpinBox *s : {m_train, m_validation}) {
        s->setRange(0.0, 1.0);
        s->setSingleStep(0.05);
        s->setDecimals(2);
    }
    m_train->setValue(defaults.trainFraction);
    m_validation->setValue(defaults.validationFraction);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(int(defaults.seed));
    m_problem->setStyleSheet("color: #b00020;");
    m_problem->setWordWrap(true);

    auto browse = new QPushButton(tr("Browse…"));
    auto pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto size = new QHBoxLayout;
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("×")));
    size->addWidget(m_height);
    size->addStretch();

    auto form = new QFormLayout;
    form->addRow(tr("Source:"), m_source);
    form->addRow(tr("Path:"), pathRow);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Lines to skip:"), m_skipRows);
    form->addRow(tr("Label column:"), m_labelColumn);
    form->addRow(QString(), m_regression);
    form->addRow(QString(), m_layoutNote);
    m_form = form;
    form->addRow(tr("Size (width × height):"), size);
    form->addRow(tr("Channels:"), m_channels);
    form->addRow(tr("Train fraction:"), m_train);
    form->addRow(tr("Validation fraction:"), m_validation);
    form->addRow(tr("Split seed:"), m_seed);

    auto buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Import"));
    auto layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ImportDialog::browse);
    connect(m_source, &QComboBox::currentIndexChanged, this, &ImportDialog::sourceChanged);
    connect(m_path, &QLineEdit::textChanged, this, &ImportDialog::detectLayout);
    connect(m_skipRows, &QSpinBox::valueChanged, this, [this] {
        if (!m_detecting)
            detectLayout();
    });
    connect(m_train, &QDoubleSpinBox::valueChanged, this, &ImportDialog::validate);
    connect(m_validation, &QDoubleSpinBox::valueChanged, this, &ImportDialog::validate);
    sourceChanged();
    resize(560, sizeHint().height());
}

ImportDialog::Source ImportDialog::source() const
{
    return Source(m_source->currentData().toInt());
}

QString ImportDialog::path() const
{
    return m_path->text().trimmed();
}

ImportOptions ImportDialog::options() const
{
    ImportOptions o;
    o.name = m_name->text().trimmed();
    o.width = m_width->value();
    o.height = m_height->value();
    o.channels = m_channels->currentData().toInt();
    o.trainFraction = m_train->value();
    o.validationFraction = m_validation->value();
    o.seed = quint32(m_seed->value());
    return o;
}

bool ImportDialog::isCsv() const
{
    return source() == Source::TabularCsv || source() == Source::PathListCsv;
}

CsvOptions ImportDialog::csvOptions() const
{
    CsvOptions o;
    const ImportOptions image = options();
    o.name = image.name;
    o.trainFraction = image.trainFraction;
    o.validationFraction = image.validationFraction;
    o.seed = image.seed;
    o.skipRows = m_skipRows->value();
    // An entry of the list (its column name or index), or what the user typed.
    const int listed = m_labelColumn->findText(m_labelColumn->currentText());
    o.labelColumn = listed >= 0 ? m_labelColumn->itemData(listed).toString() : m_labelColumn->currentText().trimmed();
    o.regression = m_regression->isChecked();
    return o;
}

// Reads the CSV's layout: offers the lines to skip (scikit-learn's counts line) and the columns.
void ImportDialog::detectLayout()
{
    m_layoutNote->clear();
    if (isCsv() && QFileInfo(path()).isFile()) {
        m_detecting = true;
        const bool fresh = path() != m_detectedPath;
        auto layout = detectCsvLayout(path(), fresh ? -1 : m_skipRows->value());
        if (layout) {
            if (fresh)
                m_skipRows->setValue(layout->suggestedSkipRows);
            m_detectedPath = path();
            const QString previous = m_labelColumn->currentText();
            m_labelColumn->clear();
            for (int c = 0; c < layout->columns; ++c) {
                const QString name = layout->headerNames.value(c);
                m_labelColumn->addItem(name.isEmpty() ? tr("column %1").arg(c) : name,
                                       name.isEmpty() ? QString::number(c) : name);
            }
            const int keep = m_labelColumn->findText(previous);
            m_labelColumn->setCurrentIndex(!fresh && keep >= 0 ? keep : layout->columns - 1);
            QString note = tr("%1 columns, delimiter '%2'%3.")
                               .arg(layout->columns)
                               .arg(layout->delimiter == QLatin1Char('\t') ? QStringLiteral("tab") : QString(layout->delimiter))
                               .arg(layout->headerNames.isEmpty() ? tr(", no header") : tr(", header of names"));
            if (layout->suggestedSkipRows > 0)
                note += QLatin1Char(' ') + tr("Detected: %1, so \"Lines to skip\" is set to %2.")
                                              .arg(layout->skipReason)
                                              .arg(layout->suggestedSkipRows);
            m_layoutNote->setText(note);
        } else {
            m_layoutNote->setText(layout.error());
        }
        m_detecting = false;
    }
    validate();
}

void ImportDialog::sourceChanged()
{
    const bool csv = isCsv();
    for (QWidget *w : {static_cast<QWidget *>(m_skipRows), static_cast<QWidget *>(m_labelColumn),
                       static_cast<QWidget *>(m_regression), static_cast<QWidget *>(m_layoutNote)}) {
        w->setVisible(csv);
        if (QWidget *label = m_form->labelForField(w))
            label->setVisible(csv);
    }
    const bool image = source() != Source::TabularCsv;
    for (QWidget *w : {static_cast<QWidget *>(m_width), static_cast<QWidget *>(m_height), static_cast<QWidget *>(m_channels)})
        w->setEnabled(image);
    m_detectedPath.clear();
    if (source() == Source::DigitSheet) {
        // The sheet's cells are 20×20 grayscale; other sizes would only resample them.
        m_path->setText(defaultDigitSheetPath());
        m_width->setValue(20);
        m_height->setValue(20);
        m_channels->setCurrentIndex(0);
    } else {
        m_path->clear();
    }
    validate();
}

void ImportDialog::browse()
{
    QString chosen;
    if (source() == Source::ImageFolder)
        chosen = QFileDialog::getExistingDirectory(this, tr("Image folder"), path());
    else if (isCsv())
        chosen = QFileDialog::getOpenFileName(this, tr("CSV file"), path(), tr("CSV/TSV (*.csv *.tsv *.txt);;All files (*)"));
    else
        chosen = QFileDialog::getOpenFileName(this, tr("Digit sheet"), path(),
                                              tr("Images (*.png *.jpg *.bmp)"));
    if (!chosen.isEmpty())
        m_path->setText(chosen);
}

void ImportDialog::validate()
{
    QString problem;
    const QFileInfo info(path());
    if (path().isEmpty())
        problem = tr("Choose what to import.");
    else if (source() == Source::ImageFolder && !info.isDir())
        problem = tr("%1 is not a folder.").arg(path());
    else if (source() != Source::ImageFolder && !info.isFile())
        problem = tr("%1 does not exist.").arg(path());
    else if (m_train->value() + m_validation->value() > 1.0 + 1e-9)
        problem = tr("Train and validation fractions add up to more than 1.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

} // namespace lepton
