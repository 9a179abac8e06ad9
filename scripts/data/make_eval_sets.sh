#!/usr/bin/env bash
# Regenerate the splits and the evaluation sets (data/splits/, data/eval/); runs from the repo root wherever it is called from.
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${CORPUS:-../shared/data/corpus}
[ -f data/splits/train.jsonl ] || python3 scripts/data/make_splits.py --corpus "$CORPUS" --out data/splits --seed 13
mkdir -p data/eval
seed=1
for split in dev test; do
  for preset in light medium heavy mixture; do
    python3 scripts/data/spin.py --input data/splits/$split.jsonl --preset $preset --seed $seed \
      --out data/eval/${split}_${preset}.jsonl --max-docs 200 --max-words-per-doc 400
    seed=$((seed + 1))
  done
done
python3 scripts/data/spin.py --input data/splits/test.jsonl --preset mixture --seed 101 \
  --out data/eval/test_clean_mixed.jsonl --max-docs 200 --max-words-per-doc 400 --clean-share 0.4
python3 scripts/data/spin.py --input data/splits/test.jsonl --preset mixture --seed 102 \
  --out data/eval/test_clean.jsonl --max-docs 200 --max-words-per-doc 400 --clean-share 1.0
# short excerpts (headlines, lone sentences, fragments; --snippets), half of them clean
python3 scripts/data/spin.py --input data/splits/test.jsonl --preset mixture --seed 103 \
  --out data/eval/test_short_mixed.jsonl --max-docs 400 --clean-share 0.5 --snippets
# dev documents, 40% clean: the quality mode's decision rule was tuned on a trace of these
python3 scripts/data/spin.py --input data/splits/dev.jsonl --preset mixture --seed 201 \
  --out data/eval/dev_clean_mixed.jsonl --max-docs 200 --max-words-per-doc 400 --clean-share 0.4
# the spinner families' sets (restore_dev/families.py): the same documents spun by sparse databases
for fam in synset function; do
  python3 scripts/data/spin.py --input data/splits/dev.jsonl --preset mixture --seed 301 \
    --table restore_dev/data/families/$fam.json.gz --out data/eval/dev_fam_$fam.jsonl --max-docs 200 --max-words-per-doc 400
  python3 scripts/data/spin.py --input data/splits/test.jsonl --preset mixture --seed 311 \
    --table restore_dev/data/families/$fam.json.gz --out data/eval/test_fam_$fam.jsonl --max-docs 200 --max-words-per-doc 400
done
