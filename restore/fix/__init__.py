"""Restoration stages: the phrase dictionary (``dictionary``), the inverse channel and word counts
(``channel``, ``ngrams``), the seq2seq span restorer (``restorer``, its calibrated ``evidence``),
the choice among proposals (``decide``) and, for ``--quality best``, the language-model reranker
(``rerank``, ``units``, ``lm``)."""
