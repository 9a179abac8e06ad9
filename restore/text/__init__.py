"""Text as the pipeline reads it: the reversible tokenizer and sentence splitter (``tokenize``),
the stretches no edit may touch (``protect``), case transfer (``casing``) and the language check
(``language``). Offsets are code points into the input. No torch."""
