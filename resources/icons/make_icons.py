#!/usr/bin/python3
"""Renders the application icon (the drawing in hicolor/scalable/apps/lepton-workbench.svg) into the
hicolor PNG sizes with numpy only (supersampled distance fields, box-filtered down). Run once; the
PNGs are committed."""
import os
import struct
import zlib

import numpy as np

U = 256            # the SVG's coordinate system
SS = 4             # supersampling per output pixel


def render(size):
    n = size * SS
    s = U / n
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    x, y = (x + 0.5) * s, (y + 0.5) * s
    rgba = np.zeros((n, n, 4))

    def paint(mask, color, alpha=1.0):
        a = mask * alpha
        for c in range(3):
            rgba[..., c] = rgba[..., c] * (1 - a) + color[c] * a
        rgba[..., 3] = rgba[..., 3] * (1 - a) + a

    # Rounded tile 12..244, radius 44, vertical gradient.
    cx, cy = np.clip(x, 56, 200), np.clip(y, 56, 200)
    tile = (np.hypot(x - cx, y - cy) <= 44).astype(float)
    t = (y - 12) / 232
    top, bottom = np.array([0x2B, 0x5F, 0xB4]) / 255, np.array([0x17, 0x3A, 0x78]) / 255
    for c in range(3):
        rgba[..., c] = (top[c] + (bottom[c] - top[c]) * t) * tile
    rgba[..., 3] = tile

    inputs, hidden, out = [(64, 80), (64, 176)], [(128, 64), (128, 128), (128, 192)], (192, 128)
    edges = [(a, b) for a in inputs for b in hidden] + [(h, out) for h in hidden]
    for (x1, y1), (x2, y2) in edges:
        dx, dy = x2 - x1, y2 - y1
        u = np.clip(((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy), 0, 1)
        dist = np.hypot(x - (x1 + u * dx), y - (y1 + u * dy))
        paint((dist <= 3.5).astype(float), np.array([0x9F, 0xD3, 0xFF]) / 255, 0.85)
    for px_, py_ in inputs + hidden:
        paint((np.hypot(x - px_, y - py_) <= 17).astype(float), np.ones(3))
    paint((np.hypot(x - out[0], y - out[1]) <= 24).astype(float), np.array([0xFF, 0xCC, 0x33]) / 255)

    # Box filter down to the output size (premultiplied, so edges do not darken).
    pre = rgba.copy()
    pre[..., :3] *= pre[..., 3:4]
    small = pre.reshape(size, SS, size, SS, 4).mean(axis=(1, 3))
    alpha = small[..., 3:4]
    small[..., :3] = np.where(alpha > 0, small[..., :3] / np.maximum(alpha, 1e-9), 0)
    return (np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8)


def write_png(path, pixels):
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


here = os.path.dirname(os.path.abspath(__file__))
for size in (16, 22, 24, 32, 48, 64, 128, 256):
    folder = os.path.join(here, "hicolor", f"{size}x{size}", "apps")
    os.makedirs(folder, exist_ok=True)
    write_png(os.path.join(folder, "lepton-workbench.png"), render(size))
