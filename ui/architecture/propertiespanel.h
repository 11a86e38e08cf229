#pragma once
// Edits the selected node's parameters with editors built from the registry's parameter specs:
// spin boxes bounded by the minimum, checked number fields for floats, check boxes for flags.
#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace lepton {

class GraphDocument;
struct LayerParamSpec;

class PropertiesPanel : public QWidget
{
    Q_OBJECT

public:
    explicit PropertiesPanel(GraphDocument *document, QWidget *parent = nullptr);

    void setNode(const QString &id);
    QString nodeId() const { return m_id; }
    // The editor of parameter `name` (QSpinBox, QLineEdit or QCheckBox); null if none.
    QWidget *editor(const QString &name) const { return m_editors.value(name); }

private:
    void rebuild();
    void refresh();
    QWidget *createEditor(const LayerParamSpec &spec);
    void commitFloat(const QString &name);

    GraphDocument *m_document;
    QString m_id;
    QLabel *m_title;
    QLabel *m_description;
    QLabel *m_result;
    QLabel *m_validation;
    QWidget *m_formHost;
    QFormLayout *m_form;
    QHash<QString, QWidget *> m_editors;
    QHash<QString, QLabel *> m_labels;
};

} // namespace lepton
