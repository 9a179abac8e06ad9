"""Config: every setting of a run, immutable and validated (the run signature is restore.signature)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from restore.errors import ConfigError

QUALITIES = ("fast", "best")
DOMAINS = ("news", "science")
TERMS_THRESHOLD = 0.5  # science: a term's probability needed to apply it (restore/data/terms.md)
TERMS_THRESHOLD_BEST = 0.55  # ... with quality="best" (the stack's; docs/results.md "Science papers")


@dataclass(frozen=True)
class Config:
    """Settings of one run. ``threshold``: edits below it are reported, not applied.

    ``model_threshold`` applies on top of it to edits from the seq2seq model, which must clear both;
    with ``restore/models/restorer/evidence.json`` fitted for the loaded detector and restorer, a model
    edit's confidence is the evidence's probability that it is right (``restore.fix.evidence``).
    ``detect_threshold`` is the calibrated span probability a detector span needs (None: the shipped
    detector's own operating point, chosen on dev data to keep clean text silent).
    ``refine_threshold`` (None: off): when the model has no confident wording for a detector span,
    it is asked again about the span's sub-runs of words at least this probable (the detector's
    runs at this higher threshold). More spun words restored, but a fix of one word of a run of
    adjacent spun words is only part of the scorer's edit, so edit precision falls (docs/usage.md).
    ``detect_suggest`` (``restore detect --suggest``): the model is asked about the detector's spans
    as in restoration, and a span it has a wording for (applied or not) narrows to the words that
    wording changes, with it as the suggestion; ~5x slower than detection alone.
    ``check_language``: a text that is clearly not English (``restore.text.language``) is not checked:
    it comes back unchanged, with spun_score 0 and the reason in ``skipped``; False checks every
    text as English.
    ``passes``: a text whose restoration changed something is restored again, up to this many passes
    in all, until a pass changes nothing; the passes' edits are composed into edits of the input,
    so that each wording is decided in the context it ends up in and restoring the output again
    changes nothing. 1 is a single pass (faster on spun text, not idempotent).
    ``consistent`` (off by default): a spinner writes the same substitute for a word throughout a
    document, so a model edit held under the threshold is applied where the model restored the same
    wording the same way with confidence elsewhere in the text (``restore.fix.consistency``).
    ``spinner_vocab`` (on by default): in a news text the detector calls spun, a wording real spinners
    write far more often than clean English does (``restore/data/spinner_vocab.tsv``, mined from real
    spun pages) makes the model's edit of it surer (its own confidence times ``1 - 1/rho``), is asked
    about where the detector did not flag it, and is a span of source ``vocab``
    (``restore.fix.spinner_vocab``); on a page whose filler expansions crowd out their head words
    ("as well as" for "and", ``restore/data/fillers.tsv``), those expansions are such wordings too,
    with the page's own rate (``restore.fix.fillers``); False: none of this, the output as before.
    ``triage`` (on by default): a linear model cheap enough for every word clears text that is
    clearly not spun (and that no dictionary edit applies to) before the detector and the restorer,
    which then see only the rest and load only when some text needs them
    (``restore.detect.triage``); False runs every text through the models.
    ``device``: where the detector and the restorer run: ``auto`` (a CUDA GPU when torch sees one,
    else the CPU), ``cpu``, ``cuda`` or ``cuda:N``. On a GPU they compute in bf16 and batch more
    inputs at once; the CPU path is unchanged. (``--quality best``'s language model stays on the CPU.)
    ``reference``: the path of a reference index (``restore index build``): a page whose source is
    in it gets the source's words back where the two are sure to be the same sentence (edits of
    source "reference"), and the usual pipeline restores only what the source does not cover.
    ``domain``: ``news`` (the default) or ``science``: a paper (``restore.fix.terms``): every run of
    2-4 words is also checked for a scientific term a paper mill's spinner could have made it from
    ("irregular woodland" for "random forest"), listed or not, with a trained model's confidence
    (edits of source "terms", applied at ``terms_threshold``: None is 0.5, and 0.55 with
    ``quality="best"``, where it restores more than 0.5 did before at the same damage,
    restore/data/terms.md), and
    the triage, made on news, clears nothing.
    ``lexicons`` are user TSV files, earlier ones take precedence over later ones and over the
    built-ins; ``builtin=False`` turns the built-in dictionaries off.
    """

    threshold: float = 0.6
    model_threshold: float = 0.8  # with evidence.json: the probability that a model edit is right
    lexicons: tuple[str, ...] = ()
    builtin: bool = True
    use_model: bool = True
    use_detector: bool = True
    detect_threshold: float | None = None  # None: the detector's own calibrated operating point
    refine_threshold: float | None = None  # None: off; else the sub-runs' detector threshold
    detect_suggest: bool = False  # detect: the model suggests wordings and narrows detector spans
    doc_threshold: float | None = None  # None: the detector's calibrated gate (0.5 without a detector)
    check_language: bool = True
    passes: int = 3  # passes over a text's own output until one changes nothing (1: a single pass)
    consistent: bool = False  # apply a held-back model edit that repeats a confident one of the same wording
    spinner_vocab: bool = True  # in a text called spun, real spinners' wordings weigh (restore.fix.spinner_vocab)
    triage: bool = True  # a cheap first stage clears clearly clean text before the models (restore.detect.triage)
    device: str = "auto"  # where the models run: auto (a GPU when torch sees one), cpu, cuda, cuda:N
    domain: str = "news"  # news, or science: also restore unlisted tortured phrases (restore.fix.terms)
    terms_threshold: float | None = None  # science: a term's probability needed to apply it (None: term_threshold())
    quality: str = "fast"
    lm_max_spans: int = 40  # quality="best": spans per document the LM reconsiders
    lm_max_candidates: int = 10  # ... and channel candidates per span (plus the spun wording)
    lm_margin: float = 2.0  # ... log-prob margin a candidate needs over the spun wording
    lm_separation: float = 2.0  # ... and over the runner-up candidate (else reported, not applied)
    # the rest of the quality="best" decision rule (restore.fix.rerank), chosen on dev traces
    lm_promote: int = 0  # 1: the LM may apply a fast edit the fast stage held back (measured: P 0.55)
    lm_scale: float = 1.0  # margin units per logit of confidence
    lm_prior_weight: float = 2.0  # weight of log(channel weight) in a candidate's score
    lm_fast_bonus: float = 1.0  # weight of the fast stage's confidence for its own proposal
    lm_keep_confidence: float = 0.9  # dictionary edits at or above this are not reconsidered
    lm_surprise_units: int = 1  # LM-surprise suspects: 0 never, 1 only without a detector, 2 always
    lm_min_surprise: float = 10.0  # nats: less surprising words are not suspects
    lm_right_words: int = 3  # words of right context scored after each candidate
    lm_name_margin: float = 2.0  # extra margin for a capitalised word inside a sentence (a name?)
    lm_doc_min_edits: int = 1  # a document with fewer LM changes than this gets none applied
    lm_doc_min_rate: float = 0.1  # ... or with fewer than this share of its scored units changed
    reference: str | None = None  # a reference index (restore.reference): its sources' edits first
    models_dir: str | None = None  # None: $RESTORE_MODELS, else the models shipped in the package (restore.paths)
    max_chars: int = 20_000_000

    def __post_init__(self) -> None:
        for name in ("threshold", "model_threshold", "terms_threshold", "detect_threshold", "doc_threshold",
                     "refine_threshold"):
            v = getattr(self, name)
            if v is None and name in ("terms_threshold", "detect_threshold", "doc_threshold", "refine_threshold"):
                continue
            if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} must be a number in [0, 1], got {v!r}")
        if not isinstance(self.device, str) or not re.fullmatch(r"auto|cpu|cuda(:\d+)?", self.device):
            raise ConfigError(f"device must be auto, cpu, cuda or cuda:N, got {self.device!r}")
        if not isinstance(self.passes, int) or self.passes < 1:
            raise ConfigError(f"passes must be a whole number of at least 1, got {self.passes!r}")
        if self.lm_max_spans < 1 or self.lm_max_candidates < 1:
            raise ConfigError("lm_max_spans and lm_max_candidates must be at least 1")
        if self.domain not in DOMAINS:
            raise ConfigError(f"domain must be one of {', '.join(DOMAINS)}, got {self.domain!r}")
        if self.quality not in QUALITIES:
            raise ConfigError(f"quality must be one of {', '.join(QUALITIES)}, got {self.quality!r}")
        if self.reference is not None:
            object.__setattr__(self, "reference", str(self.reference))
        if isinstance(self.lexicons, (str, Path)):
            object.__setattr__(self, "lexicons", (str(self.lexicons),))
        object.__setattr__(self, "lexicons", tuple(str(p) for p in self.lexicons))

    def term_threshold(self) -> float:
        """The probability a scientific term needs to be applied: ``terms_threshold``, or by default
        0.5 (``TERMS_THRESHOLD``), 0.55 with ``quality="best"`` (``TERMS_THRESHOLD_BEST``)."""
        if self.terms_threshold is not None:
            return float(self.terms_threshold)
        return TERMS_THRESHOLD_BEST if self.quality == "best" else TERMS_THRESHOLD

    def replace(self, **changes) -> "Config":
        return replace(self, **changes)
