#!/usr/bin/python3
"""Embeds texts or images with a checkpoint folder the way its authors' code does, for checking
`hiertag embed` against: own checkpoint readers, own tokenizers, the authors' preprocessing, float32 forward.

    reference_embed.py --format openclip|hf-clip|lit --from DIR (--texts FILE | --images PATH...)
                       [--no-preprocess] [--save-inputs] --out DIR

Writes texts.npy / images.npy (float32 [N, D], L2-normalised, rows in input order) and texts.txt / images.txt
(one row label per line: the text, or the image path as given); for texts also tokens.npy (int32 [N, L]);
with --save-inputs, image_inputs.npy (the float32 model inputs, NHWC).
"""

import argparse
import os
import pathlib
import sys

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

from make_checkpoint import SIMPLE_VOCAB
from ref_tokenizers import ClipBpe, WordPiece, read_hf_tokenizer_files
from reference_models import lit_files, load_hf, load_lit, load_openclip

BATCH = 16
PIL_RESAMPLE = {0: Image.NEAREST, 1: Image.LANCZOS, 2: Image.BILINEAR, 3: Image.BICUBIC, 4: Image.BOX,
                5: Image.HAMMING}


def torchvision_clip(size, mean, std, interpolation="bicubic"):
    """OpenAI clip._transform / OpenCLIP image_transform (eval, resize_mode 'shortest'): an image -> CHW."""
    mode = {"bicubic": T.InterpolationMode.BICUBIC, "bilinear": T.InterpolationMode.BILINEAR}[interpolation]
    return T.Compose([T.Resize(size, interpolation=mode), T.CenterCrop(size), lambda im: im.convert("RGB"),
                      T.ToTensor(), T.Normalize(mean, std)])


def hf_clip_processor(cfg):
    """CLIPImageProcessor from preprocessor_config.json (old and new key styles): an image -> CHW."""
    size = cfg.get("size", 224)
    short = size["shortest_edge"] if isinstance(size, dict) else size
    crop = cfg.get("crop_size", short)
    crop_h, crop_w = (crop["height"], crop["width"]) if isinstance(crop, dict) else (crop, crop)
    resample = PIL_RESAMPLE[cfg.get("resample", 3)]
    factor = cfg.get("rescale_factor", 1 / 255)
    mean = np.array(cfg.get("image_mean"), dtype=np.float32)
    std = np.array(cfg.get("image_std"), dtype=np.float32)

    def apply(image):
        if cfg.get("do_convert_rgb", True):
            image = image.convert("RGB")
        if cfg.get("do_resize", True):
            w, h = image.size
            lo, hi = (w, h) if w <= h else (h, w)
            new_lo, new_hi = short, int(short * hi / lo)
            image = image.resize((new_lo, new_hi) if w <= h else (new_hi, new_lo), resample=resample)
        array = np.asarray(image)
        if cfg.get("do_center_crop", True):
            top, left = (array.shape[0] - crop_h) // 2, (array.shape[1] - crop_w) // 2
            array = array[top:top + crop_h, left:left + crop_w]
        array = array.astype(np.float64) * factor if cfg.get("do_rescale", True) else array.astype(np.float64)
        array = array.astype(np.float32)
        if cfg.get("do_normalize", True):
            array = (array - mean) / std
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))

    return apply


def lit_tf_resize(size):
    """vit_jax PreprocessImages(crop=False): tf.image.resize bilinear (half-pixel centres, no antialias) to
    size x size, cast to uint8 (truncation), /255*2-1. Returns HWC."""

    def apply(image):
        pixels = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32).copy()).permute(2, 0, 1)
        resized = torch.nn.functional.interpolate(pixels[None], size=(size, size), mode="bilinear",
                                                  align_corners=False, antialias=False)[0]
        as_uint8 = torch.clamp(resized, 0, 255).floor()
        return (as_uint8 / 255 * 2 - 1).permute(1, 2, 0)

    return apply


def unresized(size, mean, std):
    """--no-preprocess: the image is already size x size; only the value mapping is applied (CHW for CLIP)."""

    def apply(image):
        if image.size != (size, size):
            raise SystemExit(f"--no-preprocess needs {size}x{size} images, got {image.size[0]}x{image.size[1]}")
        array = np.asarray(image.convert("RGB"), dtype=np.float32) / 255
        if mean is None:
            return torch.from_numpy(array * 2 - 1)
        return torch.from_numpy(((array - np.array(mean, np.float32)) / np.array(std, np.float32)).transpose(2, 0, 1))

    return apply


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def expand(paths):
    """Files as given; a folder becomes its image files (by suffix, any case), sorted by name."""
    out = []
    for p in paths:
        path = pathlib.Path(p)
        if path.is_dir():
            out += [str(path / name) for name in sorted(os.listdir(path))
                    if (path / name).is_file() and (path / name).suffix.lower() in IMAGE_SUFFIXES]
        else:
            out.append(p)
    return out


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def build(fmt, folder, no_preprocess):
    """(model, tokenize(text) -> ids, preprocess(PIL image) -> model input, layout)"""
    if fmt == "lit":
        model, d = load_lit(folder)
        wordpiece = WordPiece.load(lit_files(folder)[1])
        pre = unresized(d["image"], None, None) if no_preprocess else lit_tf_resize(d["image"])
        return model, lambda s: wordpiece.row(s, d["max_len"]), pre
    if fmt == "openclip":
        model, d, pp = load_openclip(folder)
        bpe = ClipBpe.from_simple_vocab(SIMPLE_VOCAB)  # open_clip tokenizes with its bundled BPE file
        mean, std = pp.get("mean"), pp.get("std")
        if pp.get("resize_mode", "shortest") != "shortest":
            raise SystemExit(f"resize_mode {pp['resize_mode']} is not implemented")
        pre = unresized(d["image"], mean, std) if no_preprocess else \
            torchvision_clip(d["image"], mean, std, pp.get("interpolation", "bicubic"))
    else:
        model, d, pp = load_hf(folder)
        bpe = ClipBpe(*read_hf_tokenizer_files(folder))
        pre = unresized(d["image"], pp["image_mean"], pp["image_std"]) if no_preprocess else hf_clip_processor(pp)
    return model, lambda s: bpe.row(s, d["context"]), pre


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", required=True, choices=["openclip", "hf-clip", "lit"])
    parser.add_argument("--from", dest="folder", required=True, type=pathlib.Path)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--texts", type=pathlib.Path, help="UTF-8 file, one text per line")
    source.add_argument("--images", nargs="+", help="image files or folders (expanded in sorted order)")
    parser.add_argument("--no-preprocess", action="store_true",
                        help="images are already at the model's size: skip resize and crop")
    parser.add_argument("--save-inputs", action="store_true", help="also write image_inputs.npy (NHWC)")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args(argv)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    model, tokenize, preprocess = build(args.format, args.folder, args.no_preprocess)
    args.out.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        if args.texts:
            texts = read_lines(args.texts)
            ids = np.array([tokenize(s) for s in texts], dtype=np.int32)
            rows = [model.texts(ids[i:i + BATCH]) for i in range(0, len(ids), BATCH)]
            np.save(args.out / "tokens.npy", ids)
            name, labels = "texts", texts
        else:
            paths = expand(args.images)
            inputs = [preprocess(Image.open(p)) for p in paths]
            batch = torch.stack(inputs)
            rows = [model.images(batch[i:i + BATCH]) for i in range(0, len(batch), BATCH)]
            if args.save_inputs:
                nhwc = batch if args.format == "lit" else batch.permute(0, 2, 3, 1)
                np.save(args.out / "image_inputs.npy", nhwc.numpy().astype(np.float32))
            name, labels = "images", paths
    embeddings = torch.cat(rows).numpy().astype(np.float32)
    np.save(args.out / f"{name}.npy", embeddings)
    (args.out / f"{name}.txt").write_text("".join(label + "\n" for label in labels), encoding="utf-8")
    print(f"{name}: {embeddings.shape[0]} x {embeddings.shape[1]} -> {args.out}")


if __name__ == "__main__":
    sys.exit(main())
