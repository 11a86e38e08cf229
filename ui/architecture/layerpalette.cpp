#include "architecture/layerpalette.h"

#include "graph/layerregistry.h"

#include <QMimeData>

namespace lepton {

LayerPalette::LayerPalette(QWidget *parent)
    : QListWidget(parent)
{
    setObjectName("graphPalette");
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setToolTip(tr("Drag a layer onto the canvas, or double-click to add it"));
    connect(this, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { emit layerActivated(item->data(Qt::UserRole).toString()); });
    reload();
}

void LayerPalette::reload()
{
    clear();
    for (const QString &name : LayerRegistry::instance().names()) {
        const LayerType *type = LayerRegistry::instance().find(name);
        auto item = new QListWidgetItem(name, this);
        item->setData(Qt::UserRole, name);
        QString tip = type ? type->description : QString();
        if (type && type->maxInputs > 1)
            tip += tr("\n%1 to %2 inputs").arg(type->minInputs).arg(type->maxInputs);
        if (type && !type->provider.isEmpty()) {
            tip += tr("\nFrom plugin '%1'").arg(type->provider);
            item->setText(tr("%1 (plugin)").arg(name));
        }
        item->setToolTip(tip);
    }
}

QStringList LayerPalette::mimeTypes() const { return {QString::fromLatin1(LayerTypeMimeType)}; }

QMimeData *LayerPalette::mimeData(const QList<QListWidgetItem *> &items) const
{
    if (items.isEmpty())
        return nullptr;
    auto data = new QMimeData;
    data->setData(QString::fromLatin1(LayerTypeMimeType), items.first()->data(Qt::UserRole).toString().toUtf8());
    data->setText(items.first()->data(Qt::UserRole).toString());
    return data;
}

} // namespace lepton
