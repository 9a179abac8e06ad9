"""Input and output: ``read`` (files, directories, stdin, JSONL), ``write`` (stdout, atomic files),
``records`` (the one JSON record schema) and ``formats`` (the text of each output format). No torch."""
