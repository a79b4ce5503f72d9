#!/usr/bin/env python3
"""Exports an OpenAI CLIP model, through Hugging Face transformers, as a tf.Module SavedModel hiertag loads.

THIS DOES NOT RUN ON THIS PROJECT'S CI: it needs TensorFlow and transformers for Python, and the CI machine has
neither (and no PyPI). Run it on a machine with Python 3.11 and exactly the versions in requirements-clip.txt
(see README.md here), then check the result with hiertag itself:

    cut -f1 OUT/tokenizer-check.tsv | bin/hiertag tokenize --model OUT | diff - OUT/tokenizer-check.tsv
    bin/hiertag run --set model.dir=OUT

Writes into OUT:
  saved_model.pb, variables/   signatures from clip-hiertag-model.json:
      embed_images: images    float32 [batch, S, S, 3] NHWC, CLIP mean/std normalised -> embeddings [batch, D]
      embed_texts:  token_ids int32 [batch, 77], start/end tokens, padded with 0        -> embeddings [batch, D]
  clip-bpe-vocab-16e6.txt.gz   CLIP's BPE merges, the file hiertag's ClipBpeTokenizer reads
  hiertag-model.json           contract v1: clip-bpe, 77 tokens, pil-bicubic resize and centre crop, CLIP mean/std
  tokenizer-check.tsv          Hugging Face's token ids for a few texts

Usage:
    python tools/export/export_clip.py --model openai/clip-vit-base-patch16 --out models/clip-vit-b16
"""

import argparse
import pathlib
import shutil

import hiertag_contract

TEMPLATE = "clip-hiertag-model.json"
# The merges file hiertag bundles: OpenAI's bpe_simple_vocab_16e6.txt.gz, byte for byte. Copying it (rather than
# Hugging Face's merges.txt) gives the model folder exactly the file the Java tokenizer is tested against.
MERGES = hiertag_contract.HERE.parents[1] / "src/main/resources/hiertag/tokenizers/clip-bpe-vocab-16e6.txt.gz"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="openai/clip-vit-base-patch16",
                        help="a Hugging Face CLIP model id or a local snapshot of one")
    parser.add_argument("--name", help="model name in hiertag's model id (default: clip- and the id's last part)")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()

    import tensorflow as tf
    from transformers import CLIPTokenizer, TFCLIPModel

    model = TFCLIPModel.from_pretrained(args.model)
    config = model.config
    contract = hiertag_contract.load_template(
        TEMPLATE, name=args.name or "clip-" + args.model.rstrip("/").split("/")[-1].removeprefix("clip-"),
        embedding_size=config.projection_dim, image_size=config.vision_config.image_size)

    def embed_images(images):
        # hiertag feeds NHWC, already resized, cropped and normalised; the Hugging Face vision tower wants NCHW.
        return model.get_image_features(pixel_values=tf.transpose(images, [0, 3, 1, 2]))

    def embed_texts(token_ids):
        # Token ids only, no attention mask: the text tower pools the <|endoftext|> position (argmax of the ids,
        # the end token having the largest id) and attends causally, so the padding after it never reaches the
        # pooled vector, exactly as in OpenAI's code, which has no mask either. A mask built from "id != 0"
        # would even be wrong: id 0 is the token "!".
        return model.get_text_features(input_ids=token_ids)

    args.out.mkdir(parents=True, exist_ok=True)
    hiertag_contract.save_dual_encoder(args.out, contract, embed_images, embed_texts, model)
    hiertag_contract.check_saved_model(args.out, contract)
    shutil.copyfile(MERGES, args.out / contract["text"]["vocabulary"])
    hiertag_contract.write_contract(args.out, contract)

    # The slow tokenizer cleans text with ftfy as OpenAI's does (the requirements pin ftfy for this).
    tokenizer = CLIPTokenizer.from_pretrained(args.model)
    max_length = contract["text"]["maxLength"]
    hiertag_contract.write_tokenizer_check(
        args.out, lambda text: tokenizer(text, truncation=True, max_length=max_length)["input_ids"])
    print(f"CLIP {args.model} exported to {args.out}")


if __name__ == "__main__":
    main()
