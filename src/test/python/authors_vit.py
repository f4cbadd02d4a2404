"""The authors' ViT (facebookresearch/dino vision_transformer.py, its layout and forward) and DINOHead, written for
the interop tests, with a safetensors reader/writer of its own (struct, json, torch.frombuffer), independent of the
project's.

  authors_vit.py features WEIGHTS IMAGES OUT   CLS features (and the head's logits when WEIGHTS has a head) of the
                                               preprocessed images in IMAGES ("images" [B, 3, S, S]) -> OUT
  authors_vit.py random WEIGHTS IMAGES OUT D DEPTH HEADS PATCH GRID META
                                               a random ViT written to WEIGHTS (num_heads in its metadata when META
                                               is 1), its CLS features of IMAGES -> OUT
  authors_vit.py bench WEIGHTS SIZE BATCH BATCHES THREADS
                                               images/s of CLS features on random images, printed as "images/s X"
"""
import json
import math
import struct
import sys
import time

import torch
import torch.nn as nn

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = bytearray(data[8 + n:])
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        tensors[name] = torch.frombuffer(body[begin:end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"]).float().clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        b = t.detach().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    if meta:
        header["__metadata__"] = meta
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(B, N, C))


class Block(nn.Module):
    def __init__(self, dim, num_heads, hidden, qkv_bias):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, qkv_bias)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch_size, embed_dim):
        super().__init__()
        self.patch_size = patch_size
        self.proj = nn.Conv2d(3, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self, patch_size, embed_dim, depth, num_heads, grid, hidden, qkv_bias=True):
        super().__init__()
        self.patch_embed = PatchEmbed(patch_size, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid + 1, embed_dim))
        self.blocks = nn.ModuleList([Block(embed_dim, num_heads, hidden, qkv_bias) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)

    def interpolate_pos_encoding(self, x, w, h):
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        class_pos_embed = self.pos_embed[:, 0]
        patch_pos_embed = self.pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_embed.patch_size
        h0 = h // self.patch_embed.patch_size
        w0, h0 = w0 + 0.1, h0 + 0.1
        patch_pos_embed = nn.functional.interpolate(
            patch_pos_embed.reshape(1, int(math.sqrt(N)), int(math.sqrt(N)), dim).permute(0, 3, 1, 2),
            scale_factor=(w0 / math.sqrt(N), h0 / math.sqrt(N)), mode='bicubic')
        assert int(w0) == patch_pos_embed.shape[-2] and int(h0) == patch_pos_embed.shape[-1]
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed), dim=1)

    def tokens(self, x):
        """The authors' get_intermediate_layers(x, 1)[0]: every token after the last block and the final norm."""
        B, nc, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(B, -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward(self, x):
        return self.tokens(x)[:, 0]


class DINOHead(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_dim, bottleneck_dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, hidden_dim), nn.GELU(), nn.Linear(hidden_dim, hidden_dim), nn.GELU(),
                                 nn.Linear(hidden_dim, bottleneck_dim))
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck_dim, out_dim, bias=False))

    def forward(self, x):
        x = nn.functional.normalize(self.mlp(x), dim=-1, p=2)
        return self.last_layer(x)


def vit_from(tensors, meta):
    d = tensors["cls_token"].shape[2]
    patch = tensors["patch_embed.proj.weight"].shape[2]
    depth = len({k.split(".")[1] for k in tensors if k.startswith("blocks.")})
    heads = int(meta["num_heads"]) if "num_heads" in meta else {192: 3, 384: 6, 768: 12}[d]
    grid = int(round(math.sqrt(tensors["pos_embed"].shape[1] - 1)))
    hidden = tensors["blocks.0.mlp.fc1.weight"].shape[0]
    model = VisionTransformer(patch, d, depth, heads, grid, hidden, "blocks.0.attn.qkv.bias" in tensors)
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("head.")}, strict=True)
    return model.eval()


def head_from(tensors):
    h = {k[len("head."):]: v for k, v in tensors.items() if k.startswith("head.")}
    if not h:
        return None
    v = h["last_layer.weight_v"]
    head = DINOHead(h["mlp.0.weight"].shape[1], v.shape[0], h["mlp.0.weight"].shape[0], v.shape[1])
    head.load_state_dict(h, strict=True)
    return head.eval()


def main():
    torch.set_num_threads(1)
    mode = sys.argv[1]
    if mode == "features":
        tensors, meta = read_safetensors(sys.argv[2])
        images = read_safetensors(sys.argv[3])[0]["images"]
        model, head = vit_from(tensors, meta), head_from(tensors)
        with torch.no_grad():
            out = {"features": model(images)}
            if head is not None:
                out["logits"] = head(out["features"])
        write_safetensors(sys.argv[4], out, {})
    elif mode == "random":
        d, depth, heads, patch, grid, meta = (int(a) for a in sys.argv[5:11])
        torch.manual_seed(7)
        model = VisionTransformer(patch, d, depth, heads, grid, 4 * d)
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(torch.randn_like(p) * (0.02 if p.dim() > 1 else 0.5) + (1.0 if "norm" in name and name.endswith("weight") else 0.0))
        write_safetensors(sys.argv[2], dict(model.state_dict()), {"num_heads": str(heads)} if meta else {})
        images = read_safetensors(sys.argv[3])[0]["images"]
        with torch.no_grad():
            write_safetensors(sys.argv[4], {"features": model.eval()(images)}, {})
    elif mode == "bench":
        size, batch, batches, threads = (int(a) for a in sys.argv[3:7])
        torch.set_num_threads(threads)
        tensors, meta = read_safetensors(sys.argv[2])
        model = vit_from(tensors, meta)
        x = torch.randn(batch, 3, size, size)
        with torch.no_grad():
            model(x)
            start = time.perf_counter()
            for _ in range(batches):
                model(x)
            print("images/s %.3f" % (batch * batches / (time.perf_counter() - start)))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
