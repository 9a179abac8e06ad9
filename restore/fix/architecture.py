"""The restorer's network: a BERT encoder (MiniLM) and a small BERT decoder with cross-attention,
the decoder's input and output word embeddings tied to the encoder's (stored once). ``assemble``
builds it, ``load_model`` loads the shipped weights; building a new one to train is
``restore_dev.seq2seq``. torch and transformers are imported only here, inside the functions."""
from __future__ import annotations

from pathlib import Path

from restore.errors import ModelError
from restore.fix.encoding import CLS, PAD, SEP
from restore.paths import WEIGHTS

# tensors shared with the encoder's word embeddings: not stored, re-tied on load
TIED_KEYS = ("decoder.bert.embeddings.word_embeddings.weight", "decoder.cls.predictions.decoder.weight")


def assemble(config=None, enc=None, dec=None):
    """The EncoderDecoderModel of a saved ``config`` (random weights, to load into), or of an encoder
    and decoder built for training (``restore_dev.seq2seq.build_model``), with the decoder's input
    and output word embeddings tied to the encoder's."""
    from transformers import BertLMHeadModel, BertModel, EncoderDecoderModel

    if config is not None:
        enc = BertModel(config.encoder, add_pooling_layer=False)
        dec = BertLMHeadModel(config.decoder)
    dec.bert.embeddings.word_embeddings = enc.embeddings.word_embeddings
    dec.cls.predictions.decoder.weight = enc.embeddings.word_embeddings.weight
    model = EncoderDecoderModel(encoder=enc, decoder=dec) if config is None else EncoderDecoderModel(
        config=config, encoder=enc, decoder=dec)
    model.decoder.bert.embeddings.word_embeddings = model.encoder.embeddings.word_embeddings
    model.decoder.cls.predictions.decoder.weight = model.encoder.embeddings.word_embeddings.weight
    for cfg in (model.config, model.generation_config):
        cfg.decoder_start_token_id = CLS
        cfg.bos_token_id = CLS
        cfg.eos_token_id = SEP
        cfg.pad_token_id = PAD
    model.config.vocab_size = model.config.decoder.vocab_size
    return model


def load_model(path: Path):
    """The model saved by ``restore_dev.seq2seq.save_model`` in float32, embeddings re-tied."""
    import torch
    from safetensors.torch import load_file
    from transformers import EncoderDecoderConfig

    model = assemble(EncoderDecoderConfig.from_pretrained(path))
    sd = {k: v.float() for k, v in load_file(str(Path(path) / WEIGHTS)).items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if k not in TIED_KEYS]
    if missing or unexpected:
        raise ModelError(f"restorer weights in {path} do not fit the model: missing {missing[:5]}, "
                         f"unexpected {unexpected[:5]}")
    model.decoder.cls.predictions.decoder.weight = model.encoder.embeddings.word_embeddings.weight
    model.to(torch.float32).eval()
    return model
