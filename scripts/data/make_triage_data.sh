#!/usr/bin/env bash
# The triage model's training data (data/triage/): the project's spinners over the training split
# (presets, the two spinner families, short snippets) and clean documents. ~5 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p data/triage
seed=501
for preset in light medium heavy mixture; do
  python3 scripts/data/spin.py --input data/splits/train.jsonl --preset $preset --seed $seed \
    --out data/triage/train_$preset.jsonl --max-docs 1500 --max-words-per-doc 400
  seed=$((seed + 1))
done
for fam in synset function; do
  python3 scripts/data/spin.py --input data/splits/train.jsonl --preset mixture --seed $seed \
    --table restore_dev/data/families/$fam.json.gz --out data/triage/train_fam_$fam.jsonl --max-docs 1500 --max-words-per-doc 400
  seed=$((seed + 1))
done
python3 scripts/data/spin.py --input data/splits/train.jsonl --preset mixture --seed 520 \
  --out data/triage/train_short.jsonl --max-docs 2000 --clean-share 0.5 --snippets
python3 scripts/data/spin.py --input data/splits/train.jsonl --preset mixture --seed 521 \
  --out data/triage/train_clean.jsonl --max-docs 6000 --max-words-per-doc 400 --clean-share 1.0
