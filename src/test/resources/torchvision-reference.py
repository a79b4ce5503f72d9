"""Test images and the reference preprocessing of each, for PilResizeReferenceTest.

Usage: torchvision-reference.py OUT_DIR PHOTO_DIR MEAN_R,G,B STD_R,G,B

Writes OUT_DIR/NAME.png for every case, the pixels both sides read (a JPEG case is decoded once, here, by PIL,
so that decoder differences stay out of the comparison; its JPEG is kept as NAME.jpg), and for each resize
OUT_DIR/NAME.MODE.f32: torchvision's output as little-endian float32, HWC. Prints one line per output:
NAME <tab> MODE <tab> CENTER_CROP(1/0) <tab> file name, after a first line with the versions used.
"""
import os
import sys

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

out_dir, photo_dir = sys.argv[1], sys.argv[2]
mean = [float(v) for v in sys.argv[3].split(",")]
std = [float(v) for v in sys.argv[4].split(",")]
rng = np.random.default_rng(13)


def synthetic(w, h):
    """Gradients, fine waves, hard black/white and colour edges, and a band of uniform noise: every 8-bit value
    appears, and the edges make bicubic overshoot past 0 and 255, so both ends of the clipping are exercised."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.empty((h, w, 3))
    img[..., 0] = 255 * x / max(w - 1, 1)
    img[..., 1] = 255 * y / max(h - 1, 1)
    img[..., 2] = 127.5 + 127.5 * np.sin(0.31 * x + 0.17 * y)
    checker = ((x // 5 + y // 3) % 2 == 0) & (x < w * 0.4)
    img[checker] = [255, 0, 255]
    img[(x >= w * 0.4) & (x < w * 0.45)] = [0, 0, 0]
    img[(x >= w * 0.45) & (x < w * 0.5)] = [255, 255, 255]
    band = (y >= h * 0.6) & (y < h * 0.85)
    img[band] = rng.integers(0, 256, (h, w, 3))[band]
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


def decoded_jpeg(name, im, quality):
    """Encodes as JPEG and returns what PIL decodes from it."""
    path = os.path.join(out_dir, name + ".jpg")
    im.save(path, quality=quality)
    decoded = Image.open(path)
    decoded.load()
    return decoded


def photo(file_name):
    return Image.open(os.path.join(photo_dir, file_name)).convert("RGB")


cases = []
# Exactly the input size, just under and over it, smaller than it (upsampled), tiny, odd, portrait and
# landscape, common camera sizes, and up to 12 MP.
for w, h in [(224, 224), (223, 223), (225, 225), (225, 1001), (1001, 225), (17, 300), (300, 17), (100, 80),
             (1, 1), (2, 3), (333, 777), (999, 998), (640, 480), (480, 640), (500, 375), (375, 500),
             (1920, 1080), (1080, 1920), (3001, 2000), (2000, 3001), (4000, 3000)]:
    cases.append((f"synthetic-{w}x{h}", synthetic(w, h)))
# The colour conversions convert("RGB") does: grey replicated, alpha dropped, palette looked up.
cases.append(("grey-640x480", synthetic(640, 480).convert("L")))
grey_alpha = synthetic(301, 203).convert("L")
grey_alpha.putalpha(synthetic(301, 203).convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT))
cases.append(("grey-alpha-301x203", grey_alpha))
rgba = synthetic(500, 400)
rgba.putalpha(Image.fromarray(rng.integers(0, 256, (400, 500), dtype=np.uint8)))
cases.append(("rgba-500x400", rgba))
cases.append(("palette-400x300", synthetic(400, 300).quantize(colors=200)))
# JPEG content (blocks, ringing, chroma subsampling), decoded by PIL.
cases.append(("jpeg-synthetic-800x600", decoded_jpeg("jpeg-synthetic-800x600", synthetic(800, 600), 90)))
cases.append(("jpeg-synthetic-3000x4000", decoded_jpeg("jpeg-synthetic-3000x4000", synthetic(3000, 4000), 85)))
cases.append(("jpeg-grey-641x479", decoded_jpeg("jpeg-grey-641x479", synthetic(641, 479).convert("L"), 90)))
for file_name in sorted(os.listdir(photo_dir)):
    if file_name.endswith(".jpg"):
        stem = file_name[:-4]
        cases.append((f"photo-{stem}", decoded_jpeg(f"photo-{stem}", photo(file_name), 95)))
# Real photos upscaled to camera sizes, one of them to 12 MP.
for stem, w, h in [("astronaut", 4032, 3024), ("chelsea", 2448, 3264)]:
    name = f"photo-{stem}-{w}x{h}"
    cases.append((name, decoded_jpeg(name, photo(stem + ".jpg").resize((w, h), Image.LANCZOS), 92)))

print("PIL", PIL.__version__, "torchvision", torchvision.__version__, "torch", torch.__version__, flush=True)
modes = {"bicubic": T.InterpolationMode.BICUBIC, "bilinear": T.InterpolationMode.BILINEAR}
for index, (name, im) in enumerate(cases):
    im.save(os.path.join(out_dir, name + ".png"), compress_level=1)
    rgb = Image.open(os.path.join(out_dir, name + ".png")).convert("RGB")
    for mode, interpolation in modes.items():
        # clip._transform's resize and crop; for the first few cases also Resize((size, size)) without a crop.
        for crop in (True, False) if index < 6 else (True,):
            resize = T.Resize(224, interpolation) if crop else T.Resize((224, 224), interpolation)
            steps = [resize] + ([T.CenterCrop(224)] if crop else []) + [T.ToTensor(), T.Normalize(mean, std)]
            tensor = T.Compose(steps)(rgb)
            file_name = f"{name}.{mode}{'' if crop else '.nocrop'}.f32"
            tensor.permute(1, 2, 0).contiguous().numpy().astype("<f4").tofile(os.path.join(out_dir, file_name))
            print(name, mode, int(crop), file_name, sep="\t", flush=True)
