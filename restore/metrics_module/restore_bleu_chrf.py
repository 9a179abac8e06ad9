"""A local `evaluate` metric: corpus BLEU and chrF (sacrebleu), loadable offline with
``evaluate.load("path/to/restore_bleu_chrf.py")`` (the hub's metric scripts cannot be fetched here)."""
import datasets
import evaluate
import sacrebleu

_DESCRIPTION = "Corpus BLEU and chrF of restored text against the original, via sacrebleu."


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION)
class RestoreBleuChrf(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Post, 2018. A Call for Clarity in Reporting BLEU Scores.",
            inputs_description="predictions: list of str; references: list of str (one reference each)",
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        bleu_m, chrf_m = sacrebleu.metrics.BLEU(), sacrebleu.metrics.CHRF()
        bleu = bleu_m.corpus_score(predictions, [references])
        chrf = chrf_m.corpus_score(predictions, [references])
        return {"bleu": round(bleu.score, 2), "chrf": round(chrf.score, 2),
                "bleu_signature": str(bleu_m.get_signature()), "chrf_signature": str(chrf_m.get_signature())}
