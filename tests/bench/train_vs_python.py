#!/usr/bin/python3
"""Python PyTorch baseline for tests/bench/train_vs_python: the same small CNN, batch size, optimizer
and in-memory data (raw uint8 file written by the C++ side). Prints samples/s as JSON."""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

images_path, labels_path, n, c, h, w, epochs, batch, threads = sys.argv[1:10]
n, c, h, w, epochs, batch, threads = map(int, (n, c, h, w, epochs, batch, threads))
torch.set_num_threads(threads)
torch.manual_seed(42)
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
