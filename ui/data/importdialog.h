#pragma once
// Asks what to import into the project: a folder of class sub-folders, OpenCV's digit sheet, a
// tabular CSV or a CSV of image paths and labels, with the input size, colour and split fractions
// the samples are stored at; for CSV files the label column and the lines to skip (detected).
#include "data/importer.h"
#include "data/tabularimport.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace lepton {

class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Source { ImageFolder, DigitSheet, TabularCsv, PathListCsv };

    explicit ImportDialog(QWidget *parent = nullptr);

    Source source() const;
    QString path() const;
    ImportOptions options() const;
    CsvOptions csvOptions() const;   // the CSV sources

private:
    void sourceChanged();
    void browse();
    void validate();
    void detectLayout();
    bool isCsv() const;

    QComboBox *m_source;
    QLineEdit *m_path;
    QLineEdit *m_name;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QComboBox *m_channels;
    QDoubleSpinBox *m_train;
    QDoubleSpinBox *m_validation;
    QSpinBox *m_seed;
    QComboBox *m_labelColumn;
    QCheckBox *m_regression;
    QSpinBox *m_skipRows;
    QLabel *m_layoutNote;
    QLabel *m_problem;
    QPushButton *m_ok = nullptr;
    QFormLayout *m_form = nullptr;
    QString m_detectedPath;
    bool m_detecting = false;
};

} // namespace lepton
