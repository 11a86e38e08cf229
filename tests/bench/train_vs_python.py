#!/usr/bin/python3
"""Python PyTorch baseline for tests/bench/train_vs_python: the same small CNN, batch size, optimizer
and in-memory data (raw uint8 file written by the C++ side), or (`files ROOT ...`) the same images as
PNG files through torchvision's ImageFolder + augmentation transforms + DataLoader. Prints samples/s
as JSON."""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

files = sys.argv[1] == "files"
if files:
    # From image files with augmentation: torchvision ImageFolder + transforms + DataLoader workers,
    # decoding every file every epoch, as a Python training script does.
    import torchvision
    from torchvision import transforms as T
    root, epochs, batch, threads = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    c, h, w = 1, 20, 20
else:
    images_path, labels_path, n, c, h, w, epochs, batch, threads = sys.argv[1:10]
    n, c, h, w, epochs, batch, threads = map(int, (n, c, h, w, epochs, batch, threads))
torch.set_num_threads(threads)
torch.manual_seed(42)
if not files:
    x = torch.from_numpy(np.fromfile(images_path, dtype=np.uint8).reshape(n, c, h, w)).float().div_(255.0)
    y = torch.from_numpy(np.fromfile(labels_path, dtype=np.int64))
flat = 64 * (h // 4) * (w // 4)
model = nn.Sequential(
    nn.Conv2d(c, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
seconds = []
if files:
    tf = T.Compose([T.Grayscale(1), T.RandomRotation(10), T.ColorJitter(0.2, 0.2), T.ToTensor()])
    dataset = torchvision.datasets.ImageFolder(root, transform=tf)
    n = len(dataset)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True, num_workers=threads,
                                         persistent_workers=False)
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()
    total = time.perf_counter() - start
    print(json.dumps({"seconds": total, "samples": n * epochs, "samples_per_second": n * epochs / total}))
    sys.exit(0)
for epoch in range(epochs):
    model.train()
    start = time.perf_counter()
    perm = torch.randperm(n)
    for b in range(0, n, batch):
        idx = perm[b:b + batch]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        loss.item()
    seconds.append(time.perf_counter() - start)
print(json.dumps({"epoch_seconds": seconds, "samples_per_second": n / min(seconds)}))
