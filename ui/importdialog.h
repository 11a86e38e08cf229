#pragma once
// Asks what to import into the project: a folder of class sub-folders or OpenCV's digit sheet,
// with the input size, colour and split fractions the samples are stored at.
#include "data/importer.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace lepton {

class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Source { ImageFolder, DigitSheet };

    explicit ImportDialog(QWidget *parent = nullptr);

    Source source() const;
    QString path() const;
    ImportOptions options() const;

private:
    void sourceChanged();
    void browse();
    void validate();

    QComboBox *m_source;
    QLineEdit *m_path;
    QLineEdit *m_name;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QComboBox *m_channels;
    QDoubleSpinBox *m_train;
    QDoubleSpinBox *m_validation;
    QSpinBox *m_seed;
    QLabel *m_problem;
    QPushButton *m_ok = nullptr;
};

} // namespace lepton
