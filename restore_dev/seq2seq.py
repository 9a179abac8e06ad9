"""Building and saving the seq2seq span restorer (training only; the runtime loads it with
``restore.fix.restorer.load_model``)."""
from __future__ import annotations

import json
from pathlib import Path

from restore.fix.architecture import TIED_KEYS, assemble
from restore.paths import WEIGHTS


def build_model(encoder_dir: str | None = None, decoder_layers: int = 2, warm: bool = True, config=None):
    """EncoderDecoderModel: BERT encoder (warm from ``encoder_dir`` or random) + a small BERT decoder
    with cross-attention whose input and output word embeddings are the encoder's; ``config``: an
    EncoderDecoderConfig to build from instead (random weights)."""
    from transformers import BertConfig, BertLMHeadModel, BertModel

    if config is not None:
        return assemble(config)
    if warm:
        enc = BertModel.from_pretrained(encoder_dir, add_pooling_layer=False)
    else:
        enc = BertModel(BertConfig.from_pretrained(encoder_dir), add_pooling_layer=False)
    ec = enc.config
    dc = BertConfig(vocab_size=ec.vocab_size, hidden_size=ec.hidden_size, num_hidden_layers=decoder_layers,
                    num_attention_heads=ec.num_attention_heads, intermediate_size=ec.intermediate_size,
                    max_position_embeddings=64, is_decoder=True, add_cross_attention=True,
                    hidden_dropout_prob=ec.hidden_dropout_prob,
                    attention_probs_dropout_prob=ec.attention_probs_dropout_prob)
    dec = BertLMHeadModel(dc)
    if warm:  # decoder self-attention + FFN from the encoder's first layers (cross-attention is new)
        for i in range(decoder_layers):
            src, dst = enc.encoder.layer[i], dec.bert.encoder.layer[i]
            dst.attention.load_state_dict(src.attention.state_dict())
            dst.intermediate.load_state_dict(src.intermediate.state_dict())
            dst.output.load_state_dict(src.output.state_dict())
        dec.bert.embeddings.LayerNorm.load_state_dict(enc.embeddings.LayerNorm.state_dict())
    return assemble(None, enc, dec)


def save_model(model, out_dir: Path, tok=None, extra: dict | None = None) -> Path:
    """fp16 safetensors (shared embeddings stored once) + config.json (+ tokenizer files)."""
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sd = {k: v.detach().to("cpu").half().contiguous() for k, v in model.state_dict().items() if k not in TIED_KEYS}
    save_file(sd, str(out_dir / WEIGHTS), metadata={"format": "pt", "tied": ",".join(TIED_KEYS)})
    model.config.save_pretrained(out_dir)
    if tok is not None:
        tok.save_pretrained(out_dir)
    if extra:
        (out_dir / "training.json").write_text(json.dumps(extra, indent=2) + "\n")
    return out_dir / WEIGHTS
