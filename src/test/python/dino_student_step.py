"""The student step (forward, DINO loss, backward, per-tensor clipping, AdamW) of a plain PyTorch DINO, timed:
the peer of the engines' step in EngineStepBenchmark. The model is written here from the paper and the authors'
vision_transformer.py (pre-norm ViT, CLS token, learned positions interpolated bicubically, DINO head with a
weight-normalised last layer). Usage: python3 dino_student_step.py SHAPE BATCH STEPS [--device cpu|cuda:N]
[--host-inputs]; prints one JSON line. On a GPU, --host-inputs copies the crops from host memory every step, as the
torch engine's step does; without it they stay on the GPU. TF32 stays off there, as in the engine (float32)."""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = {
    # width, depth, heads, patch, global px, local px, local crops, K, head hidden, bottleneck
    "cpu-vit": (96, 4, 3, 4, 28, 16, 4, 4096, 512, 256),
    "vit-small": (384, 12, 6, 16, 224, 96, 8, 65536, 2048, 256),
}


class Block(nn.Module):
    def __init__(self, d, heads, drop):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d, eps=1e-6), nn.LayerNorm(d, eps=1e-6)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.heads, self.drop = heads, drop

    def drop_path(self, x):
        if not self.training or self.drop == 0:
            return x
        keep = x.new_empty(x.shape[0], 1, 1).bernoulli_(1 - self.drop)
        return x * keep / (1 - self.drop)

    def forward(self, x):
        n, t, d = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if q.is_cuda:
            # On a GPU the fused kernel, as the torch engine's (torch.scaled_dot_product_attention).
            a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(n, t, d)
        else:
            # Explicit attention, as the authors' vision_transformer.py (PyTorch 1.13 has no fused kernel on CPU).
            a = (F.softmax(q @ k.transpose(-2, -1) * (d // self.heads) ** -0.5, dim=-1) @ v).transpose(1, 2).reshape(n, t, d)
        x = x + self.drop_path(self.proj(a))
        return x + self.drop_path(self.fc2(F.gelu(self.fc1(self.norm2(x)))))


class ViT(nn.Module):
    def __init__(self, d, depth, heads, patch, size):
        super().__init__()
        self.patch, self.grid = patch, size // patch
        self.embed = nn.Conv2d(3, d, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.zeros(1, 1 + self.grid ** 2, d))
        self.blocks = nn.ModuleList([Block(d, heads, 0.1 * i / max(1, depth - 1)) for i in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)

    def positions(self, grid):
        if grid == self.grid:
            return self.pos
        patch = self.pos[:, 1:].reshape(1, self.grid, self.grid, -1).permute(0, 3, 1, 2)
        patch = F.interpolate(patch, size=(grid, grid), mode="bicubic", align_corners=False)
        return torch.cat([self.pos[:, :1], patch.permute(0, 2, 3, 1).reshape(1, grid * grid, -1)], 1)

    def forward(self, x):
        tokens = self.embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], 1) + self.positions(x.shape[-1] // self.patch)
        for b in self.blocks:
            x = b(x)
        return self.norm(x)[:, 0]


class Head(nn.Module):
    def __init__(self, d, hidden, bottleneck, k):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                 nn.Linear(hidden, bottleneck))
        self.last = nn.utils.weight_norm(nn.Linear(bottleneck, k, bias=False))
        self.last.weight_g.data.fill_(1)
        self.last.weight_g.requires_grad = False

    def forward(self, x):
        return self.last(F.normalize(self.mlp(x), dim=-1))


def main():
    args = sys.argv[1:]
    host_inputs = "--host-inputs" in args
    device = torch.device(args[args.index("--device") + 1] if "--device" in args else "cpu")
    shape, batch, steps = args[0], int(args[1]), int(args[2])
    d, depth, heads, patch, gsize, lsize, local, k, hidden, bottleneck = SHAPES[shape]
    torch.manual_seed(0)
    # Intra-op threads: PEER_THREADS, else every core (Debian's build would start with one).
    torch.set_num_threads(int(os.environ.get("PEER_THREADS", os.cpu_count())))
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    vit, head = ViT(d, depth, heads, patch, gsize).to(device), Head(d, hidden, bottleneck, k).to(device)
    params = list(vit.parameters()) + [p for p in head.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4, weight_decay=0.04)
    host = device if not host_inputs else torch.device("cpu")
    globals_host = torch.randn(2 * batch, 3, gsize, gsize, device=host)
    locals_host = torch.randn(local * batch, 3, lsize, lsize, device=host)
    targets = F.softmax(torch.randn(2, batch, k, device=device) / 0.04, dim=-1)

    def step():
        globals_, locals_ = globals_host.to(device), locals_host.to(device)
        out = head(torch.cat([vit(globals_), vit(locals_)])) / 0.1
        logp = F.log_softmax(out, dim=-1).chunk(2 + local)
        loss, pairs = 0.0, 0
        for i in range(2):
            for v in range(2 + local):
                if v != i:
                    loss = loss + torch.sum(-targets[i] * logp[v], dim=-1).mean()
                    pairs += 1
        loss = loss / pairs
        opt.zero_grad()
        loss.backward()
        for p in params:
            norm = p.grad.norm()
            coef = 3.0 / (norm + 1e-6)
            if coef < 1:
                p.grad.mul_(coef)
        opt.step()

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    for _ in range(2):
        step()
    synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    synchronize()
    seconds = (time.perf_counter() - start) / steps
    result = {"shape": shape, "batch": batch, "device": str(device), "host_inputs": host_inputs,
              "threads": torch.get_num_threads(), "torch": torch.__version__, "seconds_per_step": seconds,
              "images_per_s": batch / seconds, "crops_per_s": batch * (2 + local) / seconds}
    if device.type == "cuda":
        result["max_memory_allocated_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
    print(json.dumps(result))


if __name__ == "__main__":
    main()
