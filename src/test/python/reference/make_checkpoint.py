#!/usr/bin/python3
"""Writes a checkpoint with seeded random weights in a real release layout (LAYOUTS.md): OpenCLIP, Hugging Face
CLIP or LiT, tiny or full ViT-B/16 size, optionally broken in one of the ways an importer must refuse.

    make_checkpoint.py --format openclip|hf-clip|lit --size tiny|b16 [--seed S] [--dtype fp32|fp16|bf16]
                       [--activation quick_gelu|gelu|gelu_new] [--defect KIND] --out DIR
"""

import argparse
import io
import json
import math
import pathlib
import sys
import zipfile

import numpy as np

import hf_defaults
from checkpoint_io import BfloatArray, write_safetensors
from ref_tokenizers import merges_from_simple_vocab, write_hf_tokenizer_files

HERE = pathlib.Path(__file__).resolve().parent
SIMPLE_VOCAB = HERE.parents[2] / "main/resources/hiertag/tokenizers/clip-bpe-vocab-16e6.txt.gz"
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

CLIP_SIZES = {
    "tiny": dict(image=32, patch=8, v_width=64, v_layers=2, v_heads=4, t_width=32, t_layers=2, t_heads=4,
                 context=77, vocab=49408, embed=24),
    "b16": dict(image=224, patch=16, v_width=768, v_layers=12, v_heads=12, t_width=512, t_layers=12, t_heads=8,
                context=77, vocab=49408, embed=512),
}
LIT_SIZES = {
    "tiny": dict(name="LiT-tiny", image=32, patch=8, v_width=64, v_layers=2, v_heads=4, v_mlp=256,
                 t_width=128, t_layers=2, t_mlp=512, t_vocab=None, positions=512, embed=48),
    "b16": dict(name="LiT-B16B", image=224, patch=16, v_width=768, v_layers=12, v_heads=12, v_mlp=3072,
                t_width=768, t_layers=12, t_mlp=3072, t_vocab=30522, positions=512, embed=768),
}
DEFECTS = ["truncated", "not-a-checkpoint", "missing-tensor", "wrong-shape", "unknown-activation",
           "unknown-architecture", "missing-tokenizer"]


class Weights:
    """Seeded draws, one tensor at a time in a fixed order, at scales that keep activations near unit size."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def _normal(self, shape, std):
        return (self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std)).astype(np.float32)

    def table(self, *shape):  # embeddings, class token, position tables
        return self._normal(shape, 0.02)

    def linear(self, fan_in, *shape):
        return self._normal(shape, 1 / math.sqrt(fan_in))

    def bias(self, *shape):
        return self._normal(shape, 0.02)

    def scale(self, *shape):  # LayerNorm gains
        return (1 + self._normal(shape, 0.1)).astype(np.float32)


# ---------------------------------------------------------------- CLIP: one draw, two layouts

def clip_weights(d, seed):
    """The model in OpenAI state-dict names (the OpenCLIP layout); hf_layout() renames the same arrays."""
    w, out = Weights(seed), {}
    vw, tw, p = d["v_width"], d["t_width"], d["patch"]
    tokens = (d["image"] // p) ** 2 + 1

    def blocks(prefix, width, layers):
        for i in range(layers):
            b = f"{prefix}resblocks.{i}."
            out[b + "ln_1.weight"], out[b + "ln_1.bias"] = w.scale(width), w.bias(width)
            out[b + "attn.in_proj_weight"] = w.linear(width, 3 * width, width)
            out[b + "attn.in_proj_bias"] = w.bias(3 * width)
            out[b + "attn.out_proj.weight"] = w.linear(width, width, width)
            out[b + "attn.out_proj.bias"] = w.bias(width)
            out[b + "ln_2.weight"], out[b + "ln_2.bias"] = w.scale(width), w.bias(width)
            out[b + "mlp.c_fc.weight"] = w.linear(width, 4 * width, width)
            out[b + "mlp.c_fc.bias"] = w.bias(4 * width)
            out[b + "mlp.c_proj.weight"] = w.linear(4 * width, width, 4 * width)
            out[b + "mlp.c_proj.bias"] = w.bias(width)

    out["visual.conv1.weight"] = w.linear(3 * p * p, vw, 3, p, p)
    out["visual.class_embedding"] = w.table(vw)
    out["visual.positional_embedding"] = w.table(tokens, vw)
    out["visual.ln_pre.weight"], out["visual.ln_pre.bias"] = w.scale(vw), w.bias(vw)
    blocks("visual.transformer.", vw, d["v_layers"])
    out["visual.ln_post.weight"], out["visual.ln_post.bias"] = w.scale(vw), w.bias(vw)
    out["visual.proj"] = w.linear(vw, vw, d["embed"])
    out["token_embedding.weight"] = w.table(d["vocab"], tw)
    out["positional_embedding"] = w.table(d["context"], tw)
    blocks("transformer.", tw, d["t_layers"])
    out["ln_final.weight"], out["ln_final.bias"] = w.scale(tw), w.bias(tw)
    out["text_projection"] = w.linear(tw, tw, d["embed"])
    out["logit_scale"] = np.array(math.log(1 / 0.07), dtype=np.float32)
    return out


def hf_layout(openai, d, position_ids):
    out = {}
    for src, dst in [("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
                     ("visual.class_embedding", "vision_model.embeddings.class_embedding"),
                     ("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"),
                     ("token_embedding.weight", "text_model.embeddings.token_embedding.weight"),
                     ("positional_embedding", "text_model.embeddings.position_embedding.weight"),
                     ("logit_scale", "logit_scale")]:
        out[dst] = openai[src]
    for src, dst in [("visual.ln_pre", "vision_model.pre_layrnorm"), ("visual.ln_post", "vision_model.post_layernorm"),
                     ("ln_final", "text_model.final_layer_norm")]:
        out[dst + ".weight"], out[dst + ".bias"] = openai[src + ".weight"], openai[src + ".bias"]
    out["visual_projection.weight"] = np.ascontiguousarray(openai["visual.proj"].T)
    out["text_projection.weight"] = np.ascontiguousarray(openai["text_projection"].T)
    towers = [("visual.transformer", "vision_model.encoder", d["v_width"], d["v_layers"]),
              ("transformer", "text_model.encoder", d["t_width"], d["t_layers"])]
    for src_prefix, dst_prefix, width, layers in towers:
        for i in range(layers):
            s, t = f"{src_prefix}.resblocks.{i}.", f"{dst_prefix}.layers.{i}."
            for part in ("weight", "bias"):
                qkv = openai[s + "attn.in_proj_" + part]
                for j, name in enumerate("qkv"):
                    out[t + f"self_attn.{name}_proj.{part}"] = np.ascontiguousarray(qkv[j * width:(j + 1) * width])
                for a, b in [("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"),
                             ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")]:
                    out[t + b + "." + part] = openai[s + a + "." + part]
    if position_ids:
        tokens = (d["image"] // d["patch"]) ** 2 + 1
        out["vision_model.embeddings.position_ids"] = np.arange(tokens, dtype=np.int64)[None]
        out["text_model.embeddings.position_ids"] = np.arange(d["context"], dtype=np.int64)[None]
    return out


def openclip_config(d, activation, size):
    vision = dict(image_size=d["image"], layers=d["v_layers"], width=d["v_width"], patch_size=d["patch"])
    if d["v_width"] // d["v_heads"] != 64:
        vision["head_width"] = d["v_width"] // d["v_heads"]
    model = dict(embed_dim=d["embed"])
    if activation == "quick_gelu":
        model["quick_gelu"] = True
    elif activation != "gelu":
        raise SystemExit(f"OpenCLIP configs name only quick_gelu or (by omission) gelu, not {activation}")
    model["vision_cfg"] = vision
    model["text_cfg"] = dict(context_length=d["context"], vocab_size=d["vocab"], width=d["t_width"],
                             heads=d["t_heads"], layers=d["t_layers"])
    preprocess = dict(mean=CLIP_MEAN, std=CLIP_STD)
    if size == "tiny":
        preprocess.update(interpolation="bicubic", resize_mode="shortest")
    return dict(model_cfg=model, preprocess_cfg=preprocess)


def hf_config(d, activation, legacy):
    text = dict(vocab_size=d["vocab"], hidden_size=d["t_width"], intermediate_size=4 * d["t_width"],
                projection_dim=d["embed"], num_hidden_layers=d["t_layers"], num_attention_heads=d["t_heads"],
                max_position_embeddings=d["context"], hidden_act=activation, layer_norm_eps=1e-5,
                attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0, model_type="clip_text_model",
                pad_token_id=1, bos_token_id=0 if legacy else 49406, eos_token_id=2 if legacy else 49407)
    vision = dict(hidden_size=d["v_width"], intermediate_size=4 * d["v_width"], projection_dim=d["embed"],
                  num_hidden_layers=d["v_layers"], num_attention_heads=d["v_heads"], num_channels=3,
                  image_size=d["image"], patch_size=d["patch"], hidden_act=activation, layer_norm_eps=1e-5,
                  attention_dropout=0.0, initializer_range=0.02, initializer_factor=1.0,
                  model_type="clip_vision_model")
    config = dict(architectures=["CLIPModel"], initializer_factor=1.0, logit_scale_init_value=2.6592,
                  model_type="clip", projection_dim=d["embed"], text_config=text, vision_config=vision,
                  torch_dtype="float32", transformers_version="4.21.3" if legacy else "4.40.0")
    if legacy:  # as the openai uploads: the *_dict entries, filled with defaults, win over *_config
        keys = {"hidden_size", "intermediate_size", "num_attention_heads", "num_hidden_layers", "projection_dim"}
        config["text_config_dict"] = hf_defaults.legacy_dict(text, hf_defaults.TEXT_DEFAULTS, keys)
        config["vision_config_dict"] = hf_defaults.legacy_dict(vision, hf_defaults.VISION_DEFAULTS, keys)
    return config


def hf_preprocessor_config(d, legacy):
    if legacy:
        return dict(crop_size=d["image"], do_center_crop=True, do_normalize=True, do_resize=True,
                    feature_extractor_type="CLIPFeatureExtractor", image_mean=CLIP_MEAN, image_std=CLIP_STD,
                    resample=3, size=d["image"])
    return dict(crop_size=dict(height=d["image"], width=d["image"]), do_center_crop=True, do_convert_rgb=True,
                do_normalize=True, do_rescale=True, do_resize=True, image_mean=CLIP_MEAN,
                image_processor_type="CLIPImageProcessor", image_std=CLIP_STD, resample=3,
                rescale_factor=1 / 255, size=dict(shortest_edge=d["image"]))


# ---------------------------------------------------------------- LiT

WORDS = """a an the of in on with and or for to at by from this that is are it its my your one two three many
some small large big little old new good bad dark bright black white red green blue yellow brown gray grey
photo photograph picture image drawing painting sketch sculpture rendering cartoon toy plastic origami tattoo
embroidered close up low resolution pixelated blurry jpeg corrupted cropped clean weird nice cool hard see
dog cat bird fish horse cow sheep car truck bus bike bicycle boat plane airplane train house tree flower
apple banana orange coffee cafe cup mug rocket astronaut space galaxy star field deep hubble person man woman
child people face hand street city road water sea sky cloud snow grass table chair book phone computer""".split()
PIECES = "s es ed ing er est ly ness ful less y ie ies og at an on en in".split()


def lit_vocabulary(rows=None):
    """A synthetic BERT WordPiece vocabulary: specials, punctuation, digits and letters, words, ## pieces. With
    `rows` (b16: BERT's 30522) it is laid out as BERT's uncased vocabulary is: [PAD], [unused0..98], [UNK] 100,
    [CLS] 101, [SEP] 102, [MASK] 103, ..., padded with further [unusedN] to exactly `rows` lines."""
    lines = ["[PAD]"] + ([f"[unused{i}]" for i in range(99)] if rows else []) + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    lines += [chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()]
    lines += [str(i) for i in range(10)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    lines += WORDS + ["##" + p for p in PIECES] + ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    lines += ["##" + str(i) for i in range(10)]
    seen = set()
    lines = [t for t in lines if not (t in seen or seen.add(t))]
    if rows:
        lines += [f"[unused{i}]" for i in range(99, 99 + rows - len(lines))]
    return lines


def lit_weights(d, seed, image_head, vocab_rows):
    w, out = Weights(seed), {}
    vw, p, tw, heads = d["v_width"], d["patch"], d["t_width"], d["v_heads"]
    hd = vw // heads
    tokens = (d["image"] // p) ** 2 + 1
    out["img/embedding/kernel"] = w.linear(3 * p * p, p, p, 3, vw)
    out["img/embedding/bias"] = w.bias(vw)
    out["img/cls"] = w.table(1, 1, vw)
    out["img/Transformer/posembed_input/pos_embedding"] = w.table(1, tokens, vw)
    for i in range(d["v_layers"]):
        b = f"img/Transformer/encoderblock_{i}/"
        out[b + "LayerNorm_0/scale"], out[b + "LayerNorm_0/bias"] = w.scale(vw), w.bias(vw)
        for name in ("query", "key", "value"):
            out[b + f"MultiHeadDotProductAttention_0/{name}/kernel"] = w.linear(vw, vw, heads, hd)
            out[b + f"MultiHeadDotProductAttention_0/{name}/bias"] = w.bias(heads, hd)
        out[b + "MultiHeadDotProductAttention_0/out/kernel"] = w.linear(vw, heads, hd, vw)
        out[b + "MultiHeadDotProductAttention_0/out/bias"] = w.bias(vw)
        out[b + "LayerNorm_1/scale"], out[b + "LayerNorm_1/bias"] = w.scale(vw), w.bias(vw)
        out[b + "MlpBlock_0/Dense_0/kernel"] = w.linear(vw, vw, d["v_mlp"])
        out[b + "MlpBlock_0/Dense_0/bias"] = w.bias(d["v_mlp"])
        out[b + "MlpBlock_0/Dense_1/kernel"] = w.linear(d["v_mlp"], d["v_mlp"], vw)
        out[b + "MlpBlock_0/Dense_1/bias"] = w.bias(vw)
    out["img/Transformer/encoder_norm/scale"] = w.scale(vw)
    out["img/Transformer/encoder_norm/bias"] = w.bias(vw)
    if image_head:
        out["img/head/kernel"], out["img/head/bias"] = w.linear(vw, vw, d["embed"]), w.bias(d["embed"])
    e = "txt/BertEncoder_0/"
    out[e + "embedder/embedders_token_ids/embedding"] = w.table(vocab_rows, tw)
    out[e + "embedder/embedders_position_ids/embedding"] = w.table(d["positions"], tw)
    out[e + "embedder/embedders_segment_ids/embedding"] = w.table(2, tw)
    out[e + "layer_norm/scale"], out[e + "layer_norm/bias"] = w.scale(tw), w.bias(tw)
    for i in range(d["t_layers"]):
        b = f"{e}encoder_block/layer_sequence/layers_{i}/"
        for name in ("query", "key", "value"):
            out[b + f"attention_block/attention_layer/{name}/kernel"] = w.linear(tw, tw, tw)
            out[b + f"attention_block/attention_layer/{name}/bias"] = w.bias(tw)
        out[b + "attention_block/dense_layer/kernel"] = w.linear(tw, tw, tw)
        out[b + "attention_block/dense_layer/bias"] = w.bias(tw)
        out[b + "attention_block/layer_norm/scale"] = w.scale(tw)
        out[b + "attention_block/layer_norm/bias"] = w.bias(tw)
        out[b + "mlp_block/mlp/dense_layer/kernel"] = w.linear(tw, tw, d["t_mlp"])
        out[b + "mlp_block/mlp/dense_layer/bias"] = w.bias(d["t_mlp"])
        out[b + "mlp_block/dense_layer/kernel"] = w.linear(d["t_mlp"], d["t_mlp"], tw)
        out[b + "mlp_block/dense_layer/bias"] = w.bias(tw)
        out[b + "mlp_block/layer_norm/scale"] = w.scale(tw)
        out[b + "mlp_block/layer_norm/bias"] = w.bias(tw)
    out["txt/head/kernel"], out["txt/head/bias"] = w.linear(tw, tw, d["embed"]), w.bias(d["embed"])
    out["t"] = np.array([math.log(10.0)], dtype=np.float32)
    return out


PRE_LINEN = {"MultiHeadDotProductAttention_0": "MultiHeadDotProductAttention_1", "LayerNorm_1": "LayerNorm_2",
             "MlpBlock_0": "MlpBlock_3"}


def pre_linen_name(name):
    """The classic ViT numbering: one counter per encoder block across module classes."""
    if "/encoderblock_" not in name:
        return name
    return "/".join(PRE_LINEN.get(part, part) for part in name.split("/"))


def write_npz(path, tensors, truncate=None):
    """np.savez's layout (one stored .npy member per tensor); `truncate` names a member whose data is cut short."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in tensors.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            data = buffer.getvalue()
            if name == truncate:
                data = data[:len(data) - max(1, array.nbytes // 2)]
            archive.writestr(name + ".npy", data)


# ---------------------------------------------------------------- precision, defects, main

def stored(tensors, dtype):
    def convert(a):
        if a.dtype != np.float32 or dtype == "fp32":
            return a
        return a.astype(np.float16) if dtype == "fp16" else BfloatArray(a)
    return {k: convert(v) for k, v in tensors.items()}


LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 598641023\n"


def report(**facts):
    print(json.dumps(facts))


def break_safetensors(kind, path, tensors, config_path, config, fmt, d, chosen):
    if kind == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[:len(data) - 1000])
        return report(defect=kind, file=path.name, removed_bytes=1000)
    if kind == "not-a-checkpoint":
        path.write_bytes(LFS_POINTER)
        return report(defect=kind, file=path.name, note="a Git LFS pointer instead of the weights")
    if kind == "missing-tensor":
        name = chosen or (f"transformer.resblocks.{d['t_layers'] - 1}.mlp.c_proj.weight" if fmt == "openclip"
                          else f"text_model.encoder.layers.{d['t_layers'] - 1}.mlp.fc2.weight")
        del tensors[name]
        return report(defect=kind, file=path.name, tensor=name)
    if kind == "wrong-shape":
        name = chosen or ("visual.positional_embedding" if fmt == "openclip"
                          else "vision_model.embeddings.position_embedding.weight")
        expected = list(tensors[name].shape)
        grid = d["image"] // d["patch"] + 1
        tensors[name] = np.zeros((grid * grid + 1,) + tuple(expected[1:]), dtype=np.float32)
        return report(defect=kind, file=path.name, tensor=name, expected=expected, found=list(tensors[name].shape))
    if kind == "unknown-activation":
        if fmt == "openclip":
            config["model_cfg"]["quick_gelu"] = "swish"
            return report(defect=kind, file=config_path.name, key="model_cfg.quick_gelu", found="swish")
        for key in ("vision_config", "vision_config_dict"):
            if key in config:
                config[key]["hidden_act"] = "swiglu"
        return report(defect=kind, file=config_path.name, key="vision_config.hidden_act", found="swiglu")
    if kind == "unknown-architecture":
        if fmt == "openclip":
            config["model_cfg"]["vision_cfg"]["timm_model_name"] = "vit_base_patch16_224"
            return report(defect=kind, file=config_path.name, key="model_cfg.vision_cfg.timm_model_name",
                          found="vit_base_patch16_224")
        config["architectures"], config["model_type"] = ["SiglipModel"], "siglip"
        return report(defect=kind, file=config_path.name, key="architectures", found=["SiglipModel"])
    raise AssertionError(kind)


def write_clip(args, out):
    d = CLIP_SIZES[args.size]
    activation = args.activation or "quick_gelu"
    legacy = args.size == "b16" if args.hf_style is None else args.hf_style == "legacy"
    weights = clip_weights(d, args.seed)
    merges = merges_from_simple_vocab(SIMPLE_VOCAB)
    write_hf_tokenizer_files(out, merges, d["context"])
    if args.format == "openclip":
        tensors, config, weights_name, config_name = weights, openclip_config(d, activation, args.size), \
            "open_clip_model.safetensors", "open_clip_config.json"
    else:
        if activation not in ("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh"):
            raise SystemExit(f"unsupported --activation {activation}")
        tensors, config, weights_name, config_name = hf_layout(weights, d, legacy), hf_config(d, activation, legacy), \
            "model.safetensors", "config.json"
        (out / "preprocessor_config.json").write_text(json.dumps(hf_preprocessor_config(d, legacy), indent=2) + "\n")
    path, config_path = out / weights_name, out / config_name
    kind = args.defect
    if kind == "missing-tokenizer":
        if args.format == "openclip":
            raise SystemExit("missing-tokenizer does not apply to openclip: open_clip uses its bundled BPE file")
        gone = args.defect_file or "merges.txt"
        (out / gone).unlink()
        report(defect=kind, file=gone)
    elif kind in ("missing-tensor", "wrong-shape", "unknown-activation", "unknown-architecture"):
        break_safetensors(kind, path, tensors, config_path, config, args.format, d, args.defect_tensor)
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    # transformers' save_pretrained writes {"format": "pt"}; open_clip's save_file call writes no metadata.
    metadata = {"format": "pt"} if args.format == "hf-clip" else None
    write_safetensors(path, stored(tensors, args.dtype), metadata=metadata)
    if kind in ("truncated", "not-a-checkpoint"):
        break_safetensors(kind, path, tensors, config_path, config, args.format, d, args.defect_tensor)


def write_lit(args, out):
    d = dict(LIT_SIZES[args.size])
    if args.dtype == "bf16":
        raise SystemExit("bf16 has no .npy dtype; LiT releases are float32")
    if args.activation not in (None, "gelu_tanh"):
        raise SystemExit("LiT has no activation setting: its towers use flax's tanh-approximated gelu")
    if args.lit_variant == "B16B_2":
        d["name"] = "LiT-B16B_2"
    image_head = args.lit_variant != "B16B_2"
    vocab = lit_vocabulary(d["t_vocab"])
    vocab_path = out / (d["name"] + ".txt")
    vocab_path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tensors = lit_weights(d, args.seed, image_head, d["t_vocab"] or len(vocab))
    kind, chosen, truncate = args.defect, args.defect_tensor, None
    last = d["t_layers"] - 1
    if kind == "missing-tensor":
        chosen = chosen or f"txt/BertEncoder_0/encoder_block/layer_sequence/layers_{last}/mlp_block/dense_layer/kernel"
        del tensors[chosen]
    elif kind == "wrong-shape":
        chosen = chosen or "img/Transformer/encoderblock_0/MlpBlock_0/Dense_0/kernel"
        expected = list(tensors[chosen].shape)
        tensors[chosen] = np.zeros(expected[:-1] + [expected[-1] // 2], dtype=np.float32)
    elif kind == "unknown-architecture":
        chosen = "img/conv_root/kernel"  # a ResNet root: the R50+ViT hybrid image tower
        tensors[chosen] = Weights(args.seed).linear(147, 7, 7, 3, 64)
    elif kind == "truncated":
        chosen = chosen or "img/embedding/kernel"
        truncate = chosen
    elif kind in ("unknown-activation",):
        raise SystemExit("unknown-activation does not apply to LiT: it has no config file")
    if args.lit_names == "pre-linen":
        tensors = {pre_linen_name(k): v for k, v in tensors.items()}
        chosen = pre_linen_name(chosen) if chosen else chosen
        truncate = pre_linen_name(truncate) if truncate else truncate
    path = out / (d["name"] + ".npz")
    write_npz(path, stored(tensors, args.dtype), truncate)
    if kind == "missing-tensor":
        report(defect=kind, file=path.name, tensor=chosen)
    elif kind == "wrong-shape":
        report(defect=kind, file=path.name, tensor=chosen, expected=expected, found=list(tensors[chosen].shape))
    elif kind == "unknown-architecture":
        report(defect=kind, file=path.name, tensor=chosen, note="R50+ViT hybrid image tower")
    elif kind == "truncated":
        report(defect=kind, file=path.name, tensor=chosen)
    elif kind == "not-a-checkpoint":
        path.write_bytes(LFS_POINTER)
        report(defect=kind, file=path.name, note="a Git LFS pointer instead of the weights")
    elif kind == "missing-tokenizer":
        vocab_path.unlink()
        report(defect=kind, file=vocab_path.name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", required=True, choices=["openclip", "hf-clip", "lit"])
    parser.add_argument("--size", required=True, choices=["tiny", "b16"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=["fp32", "fp16", "bf16"], default="fp32")
    parser.add_argument("--activation", help="quick_gelu (default) or gelu; hf-clip also gelu_new")
    parser.add_argument("--hf-style", choices=["legacy", "modern"],
                        help="hf-clip config style: legacy = openai upload (eos 2, *_config_dict, position_ids, "
                             "old preprocessor keys); default legacy for b16, modern for tiny")
    parser.add_argument("--lit-variant", choices=["B16B", "B16B_2"], default="B16B",
                        help="b16 LiT: B16B has an image head, B16B_2 not")
    parser.add_argument("--lit-names", choices=["linen", "pre-linen"], default="linen")
    parser.add_argument("--defect", choices=DEFECTS)
    parser.add_argument("--defect-tensor", help="tensor to drop or reshape (default: see README.md)")
    parser.add_argument("--defect-file", help="tokenizer file to remove (hf-clip: merges.txt or vocab.json)")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args(argv)
    if args.format == "lit" and args.lit_variant == "B16B_2" and args.size != "b16":
        parser.error("--lit-variant B16B_2 needs --size b16")
    args.out.mkdir(parents=True, exist_ok=True)
    (write_lit if args.format == "lit" else write_clip)(args, args.out)


if __name__ == "__main__":
    sys.exit(main())
