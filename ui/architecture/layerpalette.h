#pragma once
// Every layer type the registry knows (plugins included), to drag onto the canvas or double-click.
#include <QListWidget>

namespace lepton {

// Drag payload of a palette entry: the layer type name, UTF-8.
inline constexpr char LayerTypeMimeType[] = "application/x-lepton-layer-type";

class LayerPalette : public QListWidget
{
    Q_OBJECT

public:
    explicit LayerPalette(QWidget *parent = nullptr);

    // Re-reads the registry (plugins may have added types).
    void reload();

signals:
    void layerActivated(const QString &type);

protected:
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QList<QListWidgetItem *> &items) const override;
};

} // namespace lepton
