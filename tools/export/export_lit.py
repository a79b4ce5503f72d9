#!/usr/bin/env python3
"""Exports a LiT model from its big_vision JAX checkpoint, through jax2tf, as a SavedModel hiertag loads.

THIS DOES NOT RUN ON THIS PROJECT'S CI: it needs TensorFlow, JAX, Flax and big_vision for Python, and the CI
machine has none of them (and no PyPI). Run it on a machine with Python 3.11 and exactly the versions in
requirements-lit.txt (see README.md here), then check the result with hiertag itself:

    cut -f1 OUT/tokenizer-check.tsv | bin/hiertag tokenize --model OUT | diff - OUT/tokenizer-check.tsv
    bin/hiertag run --set model.dir=OUT

Writes into OUT:
  saved_model.pb, variables/   signatures from lit-hiertag-model.json:
      embed_images: images    float32 [batch, S, S, 3], pixels already mapped to [-1, 1] -> embeddings [batch, D]
      embed_texts:  token_ids int32 [batch, 16], [CLS] first, no [SEP], padded with 0     -> embeddings [batch, D]
  vocab.txt                    the checkpoint's WordPiece vocabulary
  hiertag-model.json           contract v1: wordpiece, 16 tokens, lower-case, resize to S x S tf-bilinear, range -1..1
  tokenizer-check.tsv          big_vision's own token ids for a few texts

Usage:
    PYTHONPATH=big_vision python tools/export/export_lit.py --variant B16B \
        --checkpoint LiT-B16B.npz --vocab LiT-B16B.txt --out models/lit-b16b
"""

import argparse
import pathlib
import shutil

import hiertag_contract

TEMPLATE = "lit-hiertag-model.json"

# variant: (ViT variant, BERT size, image head, embedding size), as big_vision's lit_coco.py config builds them.
VARIANTS = {
    "B16B": ("B/16", "base", True, 768),
    "B16B_2": ("B/16", "base", False, 768),
    "L16L": ("L/16", "large", False, 1024),
}


def model_config(variant):
    import ml_collections

    vit, bert, image_head, dim = VARIANTS[variant]
    return ml_collections.ConfigDict(dict(
        image_model="vit",
        text_model="proj.flaxformer.bert",
        image=dict(variant=vit, pool_type="tok", head_zeroinit=False),
        text=dict(config=bert, head_zeroinit=False),
        # Without an image head the image tower's own width is the embedding (768 for B, 1024 for L).
        out_dim=(dim if image_head else None, dim),
    ))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="B16B")
    parser.add_argument("--checkpoint", required=True, type=pathlib.Path, help="LiT-<variant>.npz")
    parser.add_argument("--vocab", type=pathlib.Path, help="default: the checkpoint's name with .txt")
    parser.add_argument("--image-size", type=int, default=224, help="the resolution the model was trained at")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    vocab = args.vocab or args.checkpoint.with_suffix(".txt")

    import jax
    import numpy as np
    import tensorflow as tf
    from jax.experimental import jax2tf
    from big_vision.models.proj.image_text import two_towers
    from big_vision.pp.proj.flaxformer import bert_ops

    config = model_config(args.variant)
    model = two_towers.Model(**config)
    params = two_towers.load(None, str(args.checkpoint), config)
    params = jax.tree_util.tree_map(np.asarray, params)

    contract = hiertag_contract.load_template(TEMPLATE, name="lit-" + args.variant.lower(),
                                              embedding_size=VARIANTS[args.variant][3], image_size=args.image_size)

    # Both towers return L2-normalised embeddings; hiertag normalises again, which changes nothing.
    def image_tower(p, images):
        return model.apply({"params": p}, images, None)[0]

    def text_tower(p, token_ids):
        return model.apply({"params": p}, None, token_ids)[1]

    # Graph serialisation without XLA ops gives plain TensorFlow ops (MatMul, Conv2D, Softmax...), which the
    # TensorFlow 2.16 natives hiertag ships run on CPU and GPU; a natively serialised StableHLO module would need
    # the XlaCallModule kernel. The batch dimension stays open ("b"); the rest comes from the TensorSpecs.
    def to_tf(fn):
        return jax2tf.convert(fn, polymorphic_shapes=[None, "(b, ...)"], native_serialization=False,
                              enable_xla=False, with_gradient=False)

    weights = tf.nest.map_structure(lambda a: tf.Variable(a, trainable=False), params)
    image_tf, text_tf = to_tf(image_tower), to_tf(text_tower)

    args.out.mkdir(parents=True, exist_ok=True)
    hiertag_contract.save_dual_encoder(args.out, contract, lambda x: image_tf(weights, x),
                                       lambda x: text_tf(weights, x), weights)
    hiertag_contract.check_saved_model(args.out, contract)
    shutil.copyfile(vocab, args.out / contract["text"]["vocabulary"])
    hiertag_contract.write_contract(args.out, contract)

    # big_vision's own tokenisation (tensorflow_text BertTokenizer, lower-case, [CLS] prepended, padded or
    # clipped to 16), the reference hiertag's WordPiece tokenizer must reproduce.
    tokenize = bert_ops.get_pp_bert_tokenize(vocab_path=str(vocab), max_len=contract["text"]["maxLength"],
                                             sample_if_multi=False, inkey="texts", outkey="labels")
    hiertag_contract.write_tokenizer_check(
        args.out, lambda text: tokenize({"texts": tf.constant(text)})["labels"].numpy())
    print(f"LiT {args.variant} exported to {args.out}")


if __name__ == "__main__":
    main()
