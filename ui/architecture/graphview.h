#pragma once
// The canvas: zoom (Ctrl+wheel, Ctrl+=/Ctrl+-), fit to view, pan (middle drag or Space+drag),
// rubber-band selection, and drops of layer types from the palette.
#include <QGraphicsView>

namespace lepton {

class GraphScene;

class GraphView : public QGraphicsView
{
    Q_OBJECT

public:
    static constexpr qreal MinZoom = 0.15;
    static constexpr qreal MaxZoom = 3.0;
    // Fit never shrinks below this: deep graphs start readable at the top instead of tiny.
    static constexpr qreal ReadableZoom = 0.6;

    explicit GraphView(GraphScene *scene, QWidget *parent = nullptr);

    qreal zoom() const;
    void setZoom(qreal zoom);
    void zoomIn();
    void zoomOut();
    // Whole graph if it fits at a readable size, else its top (the input) at ReadableZoom.
    void fitToView();
    // Fits now if the view has its size, else as soon as it is shown.
    void requestFit();

    // What a palette drop does: adds a layer of `type` centred at viewport position `pos`.
    QString dropLayer(const QString &type, QPoint pos);

signals:
    void zoomChanged(qreal zoom);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    GraphScene *m_scene;
    bool m_panning = false;
    bool m_spaceHeld = false;
    bool m_fitPending = false;
    QPoint m_panStart;
};

} // namespace lepton
