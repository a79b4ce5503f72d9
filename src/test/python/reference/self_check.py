#!/usr/bin/python3
"""Checks the reference against things it was not written from: PyTorch's own transformer layers, LayerNorm,
GELU and half/bfloat16 rounding; the two CLIP layouts against each other; known CLIP token ids; and invariants
of the published models. Prints one line per check and exits 1 on the first failure.

    self_check.py [--work DIR]      (tiny checkpoints, about half a minute)
"""

import argparse
import math
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from checkpoint_io import bf16_bits, read_npz, read_safetensors
from make_checkpoint import SIMPLE_VOCAB, lit_vocabulary
from ref_tokenizers import ClipBpe, WordPiece, read_hf_tokenizer_files
from reference_embed import lit_tf_resize
from reference_models import BERT_NAMES, VIT_NAMES, load_hf, load_lit, load_openclip

HERE = pathlib.Path(__file__).resolve().parent
TEXTS = ["a photo of a dog.", "A Bad Photo of the CAT!", "an astronaut riding a horse in space",
         "café &amp; naïve résumé", "it's 2024, isn't it?", "x" * 300]


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        sys.exit(1)


def make(work, fmt, *extra):
    out = work / "-".join((fmt,) + tuple(e.strip("-") for e in extra))
    subprocess.run([sys.executable, str(HERE / "make_checkpoint.py"), "--format", fmt, "--size", "tiny",
                    "--seed", "11", *extra, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def torch_layer(block, width, heads, activation, eps, norm_first):
    """The same weights in torch.nn.TransformerEncoderLayer (an independent attention/MLP/LayerNorm)."""
    layer = torch.nn.TransformerEncoderLayer(width, heads, block.fc1_w.shape[0], dropout=0.0, activation=activation,
                                             layer_norm_eps=eps, batch_first=True, norm_first=norm_first)
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(torch.cat([block.q_w, block.k_w, block.v_w]))
        layer.self_attn.in_proj_bias.copy_(torch.cat([block.q_b, block.k_b, block.v_b]))
        layer.self_attn.out_proj.weight.copy_(block.o_w)
        layer.self_attn.out_proj.bias.copy_(block.o_b)
        for mine, theirs in ((("fc1_w", "fc1_b"), layer.linear1), (("fc2_w", "fc2_b"), layer.linear2),
                             (("ln1_w", "ln1_b"), layer.norm1), (("ln2_w", "ln2_b"), layer.norm2)):
            theirs.weight.copy_(getattr(block, mine[0]))
            theirs.bias.copy_(getattr(block, mine[1]))
    return layer.eval()


def clip_with_torch_layers(model, pixels, ids):
    p, d = model.p, model.d
    act = (lambda x: x * torch.sigmoid(1.702 * x)) if model.act(torch.tensor(1.0)) != F.gelu(torch.tensor(1.0)) \
        else F.gelu
    x = F.conv2d(pixels, p["conv"], stride=d["patch"]).flatten(2).transpose(1, 2)
    x = torch.cat([p["class"].expand(x.shape[0], 1, -1), x], 1) + p["v_pos"]
    x = F.layer_norm(x, (d["v_width"],), p["ln_pre_w"], p["ln_pre_b"], 1e-5)
    for b in p["v_blocks"]:
        x = torch_layer(b, d["v_width"], d["v_heads"], act, 1e-5, True)(x)
    image = F.layer_norm(x[:, 0], (d["v_width"],), p["ln_post_w"], p["ln_post_b"], 1e-5) @ p["v_proj"]
    ids = torch.as_tensor(ids, dtype=torch.long)
    n = ids.shape[1]
    x = F.embedding(ids, p["tok"]) + p["t_pos"][:n]
    causal = torch.nn.Transformer.generate_square_subsequent_mask(n)
    for b in p["t_blocks"]:
        x = torch_layer(b, d["t_width"], d["t_heads"], act, 1e-5, True)(x, src_mask=causal)
    x = F.layer_norm(x, (d["t_width"],), p["ln_final_w"], p["ln_final_b"], 1e-5)
    text = x[torch.arange(len(ids)), ids.argmax(-1)] @ p["t_proj"]
    return F.normalize(image, dim=-1), F.normalize(text, dim=-1)


def lit_with_torch_layers(model, pixels, ids):
    p, d = model.p, model.d
    act = lambda x: F.gelu(x, approximate="tanh")  # noqa: E731
    x = F.conv2d(pixels.permute(0, 3, 1, 2), p["conv"], p["conv_b"], stride=d["patch"]).flatten(2).transpose(1, 2)
    x = torch.cat([p["cls"].expand(x.shape[0], 1, -1), x], 1) + p["v_pos"]
    for b in p["v_blocks"]:
        x = torch_layer(b, d["v_width"], d["v_heads"], act, 1e-6, True)(x)
    image = F.layer_norm(x, (d["v_width"],), p["enc_norm_w"], p["enc_norm_b"], 1e-6)[:, 0]
    if "v_head_w" in p:
        image = image @ p["v_head_w"] + p["v_head_b"]
    ids = torch.as_tensor(ids, dtype=torch.long)
    x = F.embedding(ids, p["tok"]) + p["t_pos"][:ids.shape[1]] + p["seg"][0]
    x = F.layer_norm(x, (d["t_width"],), p["emb_ln_w"], p["emb_ln_b"], 1e-12)
    for b in p["t_blocks"]:
        x = torch_layer(b, d["t_width"], d["t_heads"], act, 1e-12, False)(x, src_key_padding_mask=ids == 0)
    text = x[:, 0] @ p["t_head_w"] + p["t_head_b"]
    return F.normalize(image, dim=-1), F.normalize(text, dim=-1)


def flax_layer_numpy(raw, prefix, names, heads, x):
    """Attention and MLP of one flax layer straight from the .npz kernels, with flax's einsums (kernels
    [in, heads, head_dim] and [heads, head_dim, out]); checks how the loader flattened and transposed them."""
    width = x.shape[-1]
    hd = width // heads

    def kernel(name, shape):
        return raw[prefix + names[name] + "/kernel"].reshape(shape).astype(np.float64)

    def bias(name, shape):
        return raw[prefix + names[name] + "/bias"].reshape(shape).astype(np.float64)

    q, k, v = (np.einsum("nd,dhk->nhk", x, kernel(n, (width, heads, hd))) + bias(n, (heads, hd)) for n in "qkv")
    logits = np.einsum("qhd,khd->hqk", q / math.sqrt(hd), k)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    attended = np.einsum("hqk,khd->qhd", weights, v)
    attention = np.einsum("qhd,hdo->qo", attended, kernel("o", (heads, hd, width))) + bias("o", (width,))
    hidden = x @ raw[prefix + names["fc1"] + "/kernel"] + raw[prefix + names["fc1"] + "/bias"]
    hidden = 0.5 * hidden * (1 + np.tanh(math.sqrt(2 / math.pi) * (hidden + 0.044715 * hidden ** 3)))
    mlp = hidden @ raw[prefix + names["fc2"] + "/kernel"] + raw[prefix + names["fc2"] + "/bias"]
    return attention, mlp


def tf_bilinear_numpy(image, size):
    """TensorFlow's documented half-pixel bilinear resize, written out in NumPy (float64)."""
    h, w, _ = image.shape

    def axis(n_in, n_out):
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, src - lo

    y0, y1, fy = axis(h, size)
    x0, x1, fx = axis(w, size)
    img = image.astype(np.float64)
    top = img[y0][:, x0] * (1 - fx)[None, :, None] + img[y0][:, x1] * fx[None, :, None]
    bottom = img[y1][:, x0] * (1 - fx)[None, :, None] + img[y1][:, x1] * fx[None, :, None]
    return top * (1 - fy)[:, None, None] + bottom * fy[:, None, None]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=pathlib.Path)
    args = parser.parse_args()
    work = args.work or pathlib.Path(tempfile.mkdtemp(prefix="reference-self-check-"))
    torch.set_num_threads(2)
    torch.manual_seed(0)
    rng = np.random.default_rng(3)

    # Tokenizers.
    bpe = ClipBpe.from_simple_vocab(SIMPLE_VOCAB)
    check("CLIP BPE: 'a diagram' as in OpenAI's README", bpe.row("a diagram", 77)[:4] == [49406, 320, 22697, 49407])
    long_row = bpe.row("x " * 100, 77)
    check("CLIP BPE: clipped to 77 with <|endoftext|> last", len(long_row) == 77 and long_row[-1] == 49407)
    hf = make(work, "hf-clip")
    hf_bpe = ClipBpe(*read_hf_tokenizer_files(hf))
    check("vocab.json + merges.txt tokenize as the merges file",
          all(hf_bpe.row(s, 77) == bpe.row(s, 77) for s in TEXTS))
    wp = WordPiece(lit_vocabulary())
    ids = {t: i for i, t in enumerate(lit_vocabulary())}
    expected = [ids[t] for t in ["[CLS]", "a", "photo", "of", "dog", "##s", ",", "cafe", "!", "[UNK]"]]
    check("WordPiece: lower case, accents, punctuation, ##, [UNK], [CLS] first, 0-padded",
          wp.row("A PHOTO of Dogs, Café! €uro", 16) == expected + [0] * 6)
    check("WordPiece: [CLS] found by name in a BERT-style vocabulary (id 101)",
          WordPiece(lit_vocabulary(30522)).row("a dog", 16)[:2] == [101, ids["a"] + 99])

    # Stored precision: the writers round as torch does.
    x = torch.randn(10000) * 3
    torch_bits = x.bfloat16().view(torch.int16).numpy().view(np.uint16)
    check("bf16 rounding equals torch's", np.array_equal(bf16_bits(x.numpy()), torch_bits))

    oc = make(work, "openclip")
    oc_model, d, _ = load_openclip(oc)
    hf_model, _, _ = load_hf(hf)
    pixels = torch.randn(3, 3, d["image"], d["image"])
    tokens = np.array([bpe.row(s, 77) for s in TEXTS])
    with torch.no_grad():
        mine = oc_model.images(pixels), oc_model.texts(tokens)
        theirs = clip_with_torch_layers(oc_model, pixels, tokens)
        diff = max(float((a - b).abs().max()) for a, b in zip(mine, theirs))
        check("CLIP tower = torch.nn.TransformerEncoderLayer tower", diff < 1e-5, f"max |diff| {diff:.2e}")
        via_hf = hf_model.images(pixels), hf_model.texts(tokens)
        diff = max(float((a - b).abs().max()) for a, b in zip(mine, via_hf))
        check("openclip and hf-clip files of one seed embed alike", diff < 1e-6, f"max |diff| {diff:.2e}")
        legacy, _, _ = load_hf(make(work, "hf-clip", "--hf-style", "legacy"))
        check("legacy hf-clip files (*_config_dict, position_ids, old preprocessor keys) embed as modern ones",
              torch.equal(legacy.texts(tokens), via_hf[1]) and torch.equal(legacy.images(pixels), via_hf[0]))
        for what, rows in (("texts", mine[1]), ("images", mine[0])):
            sims = (rows @ rows.T)[~torch.eye(len(rows), dtype=bool)]
            check(f"different {what} are far apart (agreement at 0.99999 is informative)", float(sims.max()) < 0.99,
                  f"max cos {float(sims.max()):.3f}")
        junk = tokens.copy()
        junk[junk == 0] = 1234
        check("CLIP text: ids after <|endoftext|> do not matter (causal mask)",
              torch.allclose(oc_model.texts(junk), mine[1], atol=1e-6))

        for dtype, floor in (("fp16", 0.999), ("bf16", 0.99)):
            low, _, _ = load_openclip(make(work, "openclip", "--dtype", dtype))
            cos = float((low.images(pixels) * mine[0]).sum(-1).min())
            check(f"{dtype} checkpoint reads back close to fp32", floor < cos < 1.0, f"min cos {cos:.6f}")
        stored, _ = read_safetensors(next(work.glob("openclip-dtype-fp16")) / "open_clip_model.safetensors")
        full, _ = read_safetensors(oc / "open_clip_model.safetensors")
        name = "visual.proj"
        check("fp16 values are torch's .half() of the fp32 ones",
              np.array_equal(stored[name], torch.tensor(full[name]).half().float().numpy()))

        lit = make(work, "lit")
        lit_model, ld = load_lit(lit)
        lit_pixels = torch.rand(2, ld["image"], ld["image"], 3) * 2 - 1
        lit_tokens = np.array([wp.row(s, 16) for s in TEXTS])
        mine = lit_model.images(lit_pixels), lit_model.texts(lit_tokens)
        sims = (mine[1] @ mine[1].T)[~torch.eye(len(TEXTS), dtype=bool)]
        check("LiT: different texts are far apart", float(sims.max()) < 0.99, f"max cos {float(sims.max()):.3f}")
        theirs = lit_with_torch_layers(lit_model, lit_pixels, lit_tokens)
        diff = max(float((a - b).abs().max()) for a, b in zip(mine, theirs))
        check("LiT towers = torch.nn.TransformerEncoderLayer towers (pre-LN ViT, post-LN BERT)", diff < 1e-5,
              f"max |diff| {diff:.2e}")
        raw = read_npz(lit / "LiT-tiny.npz")
        for tower, prefix, names, width, heads, blocks in (
                ("ViT", "img/Transformer/encoderblock_1/", VIT_NAMES, ld["v_width"], ld["v_heads"],
                 lit_model.p["v_blocks"]),
                ("BERT", "txt/BertEncoder_0/encoder_block/layer_sequence/layers_1/", BERT_NAMES, ld["t_width"],
                 ld["t_heads"], lit_model.p["t_blocks"])):
            x = rng.standard_normal((7, width)).astype(np.float32)
            attention, mlp = flax_layer_numpy(raw, prefix, names, heads, x.astype(np.float64))
            xt = torch.from_numpy(x)[None]
            diff = max(float(np.abs(blocks[1].attention(xt, heads, None)[0].numpy() - attention).max()),
                       float(np.abs(blocks[1].mlp(xt, lit_model.act)[0].numpy() - mlp).max()))
            check(f"LiT {tower} layer from the .npz kernels with flax's einsums = the loaded layer", diff < 1e-4,
                  f"max |diff| {diff:.2e}")
        old, _ = load_lit(make(work, "lit", "--lit-names", "pre-linen"))
        check("pre-Linen LiT names load as Linen ones", torch.equal(old.images(lit_pixels), mine[0]))
        renamed = read_npz(next(work.glob("lit-lit-names-pre-linen")) / "LiT-tiny.npz")
        check("renumbering keeps every tensor", len(renamed) == len(read_npz(lit / "LiT-tiny.npz")))

    # LiT preprocessing: torch's bilinear equals TensorFlow's formula up to float rounding before truncation.
    photo = np.asarray(Image.open(HERE.parents[2] / "main/resources/hiertag/bench/photos/chelsea.jpg").convert("RGB"))
    for size in (224, 500):
        ours = (lit_tf_resize(size)(Image.fromarray(photo)).numpy() + 1) / 2 * 255
        ref = np.floor(tf_bilinear_numpy(photo, size))
        off = np.abs(np.round(ours) - ref)
        check(f"LiT resize to {size}: torch bilinear = TF half-pixel formula", off.max() <= 1 and off.mean() < 1e-3,
              f"{int((off > 0).sum())} of {off.size} values 1 apart")
    square = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    same = lit_tf_resize(32)(Image.fromarray(square)).numpy()
    check("LiT resize at the model size is the identity", np.allclose(same, square / 255 * 2 - 1, atol=1e-6))
    print(f"all checks passed ({work})")


if __name__ == "__main__":
    main()
