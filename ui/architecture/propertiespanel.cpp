#include "architecture/propertiespanel.h"

#include "architecture/graphdocument.h"

#include "graph/layerregistry.h"

#include <QCheckBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace lepton {

namespace {
constexpr int IntMaximum = 1 << 24;
}

PropertiesPanel::PropertiesPanel(GraphDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_title(new QLabel)
    , m_description(new QLabel)
    , m_result(new QLabel)
    , m_validation(new QLabel)
    , m_formHost(nullptr)
    , m_form(nullptr)
{
    setObjectName("graphProperties");
    m_title->setObjectName("propertiesTitle");
    m_title->setTextFormat(Qt::RichText);
    m_description->setWordWrap(true);
    m_description->setStyleSheet("color: #555b63;");
    m_result->setObjectName("propertiesResult");
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_validation->setObjectName("propertiesValidation");
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet("color: #b00020;");
    m_validation->hide();
    auto layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addWidget(m_result);
    layout->addWidget(m_validation);
    layout->addStretch(1);
    connect(document, &GraphDocument::analysisChanged, this, &PropertiesPanel::refresh);
    connect(document, &GraphDocument::documentReset, this, [this] {
        if (!m_document->node(m_id))
            setNode({});
        else
            rebuild();
    });
    rebuild();
}

void PropertiesPanel::setNode(const QString &id)
{
    if (id == m_id && m_formHost)
        return;
    m_id = id;
    rebuild();
}

QWidget *PropertiesPanel::createEditor(const LayerParamSpec &spec)
{
    const QString name = spec.name;
    if (spec.kind == QLatin1String("int")) {
        auto spin = new QSpinBox;
        spin->setRange(int(spec.minimum), IntMaximum);
        spin->setKeyboardTracking(false);   // one edit per finished number, not per digit
        connect(spin, &QSpinBox::valueChanged, this,
                [this, name](int v) { m_document->setParameter(m_id, name, v); });
        return spin;
    }
    if (spec.kind == QLatin1String("bool")) {
        auto box = new QCheckBox;
        connect(box, &QCheckBox::toggled, this, [this, name](bool v) { m_document->setParameter(m_id, name, v); });
        return box;
    }
    auto edit = new QLineEdit;
    if (spec.kind == QLatin1String("float")) {
        auto validator = new QDoubleValidator(spec.minimum, std::numeric_limits<double>::max(), 12, edit);
        validator->setNotation(QDoubleValidator::ScientificNotation);
        validator->setLocale(QLocale::c());
        edit->setValidator(validator);
    }
    connect(edit, &QLineEdit::editingFinished, this, [this, name] { commitFloat(name); });
    connect(edit, &QLineEdit::textEdited, this, [this, edit] {
        const bool ok = edit->hasAcceptableInput();
        edit->setStyleSheet(ok ? QString() : QStringLiteral("border: 1px solid #d32f2f;"));
    });
    return edit;
}

void PropertiesPanel::commitFloat(const QString &name)
{
    auto edit = qobject_cast<QLineEdit *>(m_editors.value(name));
    const GraphNode *node = m_document->node(m_id);
    const LayerType *type = node ? LayerRegistry::instance().find(node->type) : nullptr;
    if (!edit || !type)
        return;
    for (const LayerParamSpec &spec : type->params) {
        if (spec.name != name)
            continue;
        if (spec.kind != QLatin1String("float")) {
            m_document->setParameter(m_id, name, edit->text());
            return;
        }
        bool ok = false;
        const double v = QLocale::c().toDouble(edit->text().trimmed(), &ok);
        if (!ok || v < spec.minimum) {
            m_validation->setText(tr("%1 must be a number ≥ %2 (got \"%3\")").arg(name).arg(spec.minimum).arg(edit->text()));
            m_validation->show();
            edit->setStyleSheet(QStringLiteral("border: 1px solid #d32f2f;"));
            return;
        }
        m_validation->hide();
        edit->setStyleSheet({});
        m_document->setParameter(m_id, name, v);
    }
}

void PropertiesPanel::rebuild()
{
    delete m_formHost;
    m_formHost = new QWidget;
    m_form = new QFormLayout(m_formHost);
    m_form->setContentsMargins(0, 4, 0, 4);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_editors.clear();
    m_labels.clear();
    m_validation->hide();
    static_cast<QVBoxLayout *>(layout())->insertWidget(2, m_formHost);

    const GraphNode *node = m_document->node(m_id);
    if (!node) {
        m_title->setText(tr("<b>No layer selected</b>"));
        m_description->setText(tr("Select a node to edit its parameters."));
        m_result->clear();
        return;
    }
    m_title->setText(QStringLiteral("<b>%1</b> · %2").arg(node->type.toHtmlEscaped(), node->id.toHtmlEscaped()));
    const LayerType *type = LayerRegistry::instance().find(node->type);
    if (!type) {
        m_description->setText(tr("Unknown layer type '%1': this build cannot edit its parameters.").arg(node->type));
        refresh();
        return;
    }
    m_description->setText(type->description);
    for (const LayerParamSpec &spec : type->params) {
        QWidget *editor = createEditor(spec);
        editor->setObjectName(QStringLiteral("param_%1").arg(spec.name));
        editor->setToolTip(spec.kind == QLatin1String("bool")
                               ? spec.help
                               : tr("%1 (minimum %2, default %3)").arg(spec.help).arg(spec.minimum).arg(spec.defaultValue.toVariant().toString()));
        m_editors.insert(spec.name, editor);
        auto reset = new QToolButton;
        reset->setText(QStringLiteral("↺"));
        reset->setToolTip(tr("Back to the default (%1)").arg(spec.defaultValue.toVariant().toString()));
        reset->setAutoRaise(true);
        const QString name = spec.name;
        connect(reset, &QToolButton::clicked, this,
                [this, name] { m_document->setParameter(m_id, name, QJsonValue(QJsonValue::Undefined)); });
        auto row = new QHBoxLayout;
        row->addWidget(editor, 1);
        row->addWidget(reset);
        auto label = new QLabel(spec.name);
        label->setToolTip(spec.help);
        m_labels.insert(spec.name, label);
        m_form->addRow(label, row);
    }
    if (type->params.isEmpty()) {
        auto none = new QLabel(tr("This layer has no parameters."));
        none->setWordWrap(true);
        m_form->addRow(none);
    }
    refresh();
}

void PropertiesPanel::refresh()
{
    const GraphNode *node = m_document->node(m_id);
    if (!node) {
        if (!m_id.isEmpty())
            setNode({});
        return;
    }
    const LayerType *type = LayerRegistry::instance().find(node->type);
    for (const LayerParamSpec &spec : type ? type->params : QVector<LayerParamSpec>()) {
        QWidget *editor = m_editors.value(spec.name);
        const QJsonValue value = layerParam(*node, spec.name);
        const QSignalBlocker blocker(editor);
        if (auto spin = qobject_cast<QSpinBox *>(editor))
            spin->setValue(value.toInt());
        else if (auto box = qobject_cast<QCheckBox *>(editor))
            box->setChecked(value.toBool());
        else if (auto edit = qobject_cast<QLineEdit *>(editor); edit && !edit->hasFocus()) {
            edit->setText(value.isDouble() ? QString::number(value.toDouble()) : value.toVariant().toString());
            edit->setStyleSheet({});
        }
        if (QLabel *label = m_labels.value(spec.name)) {
            QFont f = label->font();
            f.setBold(node->params.contains(spec.name));   // set explicitly, not the default
            label->setFont(f);
        }
    }
    const NodeAnalysis *a = m_document->nodeAnalysis(m_id);
    if (!a) {
        m_result->clear();
    } else if (!a->error.isEmpty()) {
        m_result->setText(QStringLiteral("<span style='color:#b00020'>%1</span>").arg(a->error.toHtmlEscaped()));
    } else {
        const QLocale locale;
        m_result->setText(tr("Output <b>%1</b><br>%2 parameters · %3 MACs")
                              .arg(a->outputShape.toString(), locale.toString(a->parameters), locale.toString(a->macs)));
    }
}

} // namespace lepton
