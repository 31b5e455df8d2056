"""Regenerate docs/evaluation.md: the extractor's figures on the dev set and the shared corpora.

    python docs/evaluation_card.py [--corpora ../shared/corpora]                    # ~1 min
    python docs/evaluation_card.py --corpora ../shared/corpora --cross-validate     # + k-fold CV

Scores come from ``kg.evaluate`` (the scorer behind ``kg eval``): the hand-annotated
development set (``data/dev/neuro-ai-dev.jsonl``) and the held-out 20 % of each shared corpus
(the documents ``kg train`` never trains or tunes on, chosen by a hash of the id), so the
trained component is never scored on its own training data. ``--cross-validate`` also runs
``kg.crossval`` (a model retrained per fold, the whole extractor scored per fold) and stores
the result in ``docs/cross_validation.json``; without it the card reads the stored result.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD = ROOT / "docs" / "evaluation.md"
CROSS_VALIDATION = ROOT / "docs" / "cross_validation.json"
DEV = ROOT / "data" / "dev" / "neuro-ai-dev.jsonl"
DEV_2 = ROOT / "data" / "dev" / "neuro-ai-dev-2.jsonl"
TEST = ROOT / "data" / "test" / "neuro-ai-test.jsonl"
WRITTEN_DEV = ROOT / "data" / "dev" / "written-dev.jsonl"
WRITTEN_DEV_2 = ROOT / "data" / "dev" / "written-dev-2.jsonl"
WRITTEN_TEST = ROOT / "data" / "test" / "written-test.jsonl"
WRITTEN_TEST_2 = ROOT / "data" / "test" / "written-test-2.jsonl"
CORPORA = {
    "WhiteText (held-out 20 %)": "whitetext-train/train.jsonl",
    "SciREX (held-out 20 %)": "scirex/train.jsonl",
    "SciERC (held-out 20 %)": "scierc-train/train-dev.jsonl",
    "TDMSci (held-out 20 %)": "tdmsci-train/train.jsonl",
}
NAMES = {"whitetext": "WhiteText", "scirex": "SciREX", "scierc": "SciERC", "tdmsci": "TDMSci"}


def _row(name: str, label: str, cell: dict) -> str:
    strict, overlap = cell["strict"], cell["overlap"]
    return (f"| {name} | {label} | {strict['gold']} | {strict['precision']:.3f} | {strict['recall']:.3f} | "
            f"**{strict['f1']:.3f}** | {overlap['precision']:.3f} | {overlap['recall']:.3f} | {overlap['f1']:.3f} |")


def run_cross_validation(corpora: Path) -> dict:
    """Run ``kg.crossval.cross_validate`` with the shipped model's settings and store the result."""
    from kg.crossval import cross_validate

    def progress(fold: int, result: dict) -> None:
        print(f"fold {fold}: best epoch {result['best_epoch']} in {result['seconds']:.0f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory() as work:
        result = cross_validate(corpora, Path(work), on_fold=progress)
    result["command"] = "python docs/evaluation_card.py --corpora ../shared/corpora --cross-validate"
    CROSS_VALIDATION.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def cross_validation_lines(result: dict | None) -> list[str]:
    """The card's cross-validation section (or how to produce it)."""
    if result is None:
        return ["Not run yet: `python docs/evaluation_card.py --corpora ../shared/corpora --cross-validate`."]
    folds, settings = result["folds"], result["settings"]
    lines = [
        f"{folds}-fold cross-validation of the development part (80 %) of each shared corpus: folds by a hash "
        "of the document id; per fold, a NER retrained on the other folds exactly as the shipped one "
        f"(at most {settings['max_epochs']} epochs, early stopping with patience {settings['patience']} on "
        "their validation documents, seed "
        f"{settings['seed']}), then the whole extractor (gazetteer, rules, that model) scored on the fold by "
        "`kg eval`'s scorer. Mean ± sample standard deviation over folds. The model only adds BRAIN_REGION, so "
        "the METHOD/DATASET rows measure the rules alone.",
        "",
        "| corpus | type | docs | gold spans | strict P | strict R | strict F1 | overlap F1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, types in result["summary"].items():
        for label, cell in types.items():
            s, o = cell["strict"], cell["overlap"]
            lines.append(
                f"| {NAMES.get(name, name)} | {label} | {cell['documents']} | {cell['gold']} | "
                f"{s['precision']['mean']:.3f} ± {s['precision']['std']:.3f} | "
                f"{s['recall']['mean']:.3f} ± {s['recall']['std']:.3f} | "
                f"**{s['f1']['mean']:.3f} ± {s['f1']['std']:.3f}** | {o['f1']['mean']:.3f} ± {o['f1']['std']:.3f} |"
            )
    epochs = ", ".join(str(f["best_epoch"]) for f in result["per_fold"])
    lines += [
        "",
        f"Cost: {result['seconds'] / 60:.0f} min on this machine (2 shared cores, one training thread), "
        f"{folds} models trained; best epochs per fold: {epochs}. Rerun: `{result['command']}`.",
    ]
    return lines


def _model_lines() -> list[str]:
    from kg.extract import model_path

    path = model_path() / "training.json"
    if not path.is_file():
        return ["No trained model is installed: the figures are the rules alone."]
    meta = json.loads(path.read_text(encoding="utf-8"))
    config, held = meta["config"], meta["held_out_model_alone"]
    return [
        f"The learned component (`kg/data/ner`, `{meta['command']}`): a spaCy NER for {meta['label']} only, "
        f"CNN tok2vec width {config['width']}, depth {config['depth']}, no pretrained vectors; trained on "
        f"{meta['splits']['train_documents']} documents (WhiteText regions plus AI-corpus texts as negatives), "
        f"best of {len(meta['history'])} epochs on {meta['splits']['validation_documents']} validation "
        f"documents (epoch {meta['best_epoch']}), seed {meta['seed']}. Alone on the held-out WhiteText it "
        f"scores strict P {held['p']:.3f} R {held['r']:.3f} F1 {held['f1']:.3f}; the rows below are the "
        "whole extractor.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--cross-validate", action="store_true",
                        help="also run k-fold cross-validation (retrains a model per fold: slow)")
    args = parser.parse_args(argv)

    from kg import __version__
    from kg.evaluate import predict, read_gold, report_to_dict, score
    from kg.extract import EXTRACTOR_VERSION, build_nlp
    from kg.gazetteer import load_gazetteer
    from kg.train import is_held_out

    if args.cross_validate:
        cross_validation = run_cross_validation(args.corpora)
    elif CROSS_VALIDATION.is_file():
        cross_validation = json.loads(CROSS_VALIDATION.read_text(encoding="utf-8"))
    else:
        cross_validation = None

    gazetteer = load_gazetteer()
    nlp = build_nlp(gazetteer)
    dev, dev_2, test = read_gold(DEV), read_gold(DEV_2), read_gold(TEST)
    written_dev, written_test = read_gold(WRITTEN_DEV), read_gold(WRITTEN_TEST)
    written_dev_2, written_test_2 = read_gold(WRITTEN_DEV_2), read_gold(WRITTEN_TEST_2)
    sets: list[tuple[str, list]] = [
        (f"**blind test** ({len(test)} example-corpus abstracts)", test),
        (f"**blind test, written** ({len(written_test)} region/hardware/ML abstracts)", written_test),
        (f"**blind test, written 2** ({len(written_test_2)} SNN and NeuroAI abstracts)", written_test_2),
        (f"dev set ({len(dev)} example-corpus abstracts)", dev),
        (f"dev set 2 ({len(dev_2)}, first blind batch)", dev_2),
        (f"dev set, written ({len(written_dev)})", written_dev),
        (f"dev set, written 2 ({len(written_dev_2)}, blind batch, then opened)", written_dev_2),
    ]
    for name, relative in CORPORA.items():
        path = args.corpora / relative
        if path.is_file():
            sets.append((name, [doc for doc in read_gold(path) if is_held_out(doc.id)]))
    rows, linking, errors, timing = [], [], [], []
    for name, gold in sets:
        started = time.perf_counter()
        report = report_to_dict(score(gold, predict(gold, nlp=nlp, gazetteer=gazetteer)))
        timing.append((name, len(gold), time.perf_counter() - started))
        for label in report["types"]:
            rows.append(_row(name, label, report["per_type"][label]))
        if len(report["types"]) > 1:
            rows.append(_row(name, "micro", report["micro"]))
        link = report["linking"]
        if link["total"]:
            linking.append(f"| {name} | {link['correct']} / {link['total']} | **{link['accuracy']:.3f}** |")
        kinds = Counter((e["kind"], (e.get("gold") or e.get("predicted") or {}).get("label", ""))
                        for e in report["errors"])
        errors.append(f"- {name}: " + ", ".join(f"{kind} {label} {n}" for (kind, label), n in kinds.most_common(6)))

    lines = [
        "# Evaluation card: the extraction pass",
        "",
        f"Generated by `python docs/evaluation_card.py` (neurokg {__version__}, extractor {EXTRACTOR_VERSION}, "
        f"Python {platform.python_version()}). Strict = exact start, end and type; overlap = any shared "
        "character with the same type, each gold span matched once. Scorer: `kg eval` (`kg/evaluate.py`).",
        "",
        *_model_lines(),
        "",
        "## Precision, recall, F1",
        "",
        "| data | type | gold spans | strict P | strict R | strict F1 | overlap P | overlap R | overlap F1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        "## Cross-validation of the shared corpora",
        "",
        *cross_validation_lines(cross_validation),
        "",
        "## Linking (share of strictly correct spans linked to the gold canonical concept)",
        "",
        "| data | correct / scored | accuracy |",
        "| --- | ---: | ---: |",
        *linking,
        "",
        "## Most frequent errors (kind, type, count)",
        "",
        *errors,
        "",
        "## Where the extractor is weak (read this before relying on it)",
        "",
        "- Trust the **blind test** rows (`data/test/`). The first is 94 example-corpus abstracts",
        "  annotated by the guidelines by annotators who never saw the extractor's output; it holds almost no",
        "  regions or hardware, so it measures METHOD and DATASET. The second is 83 written abstracts rich in",
        "  regions and hardware (`data/written/`: paraphrases of real papers from memory, not verbatim text),",
        "  annotated the same way. Their error lists are never read, but their aggregates were consulted to",
        "  accept or reject rule changes, so they are slightly optimistic too. The third (`written-test-2`,",
        "  60 spiking-network and NeuroAI abstracts written later by two more blind annotators) is never",
        "  used to choose a rule; on arrival it scored METHOD 0.906, DATASET 0.938, BRAIN_REGION 0.936,",
        "  HARDWARE 0.978, linking 0.889.",
        "- The written abstracts read more cleanly than real ones (the written test scores METHOD about 0.07",
        "  higher than the example-corpus test); the example-corpus row is the figure to expect on real text.",
        "- The dev sets flatter the extractor: the rules were written while reading their errors, and the",
        "  curated vocabulary was extended with techniques their abstracts name. Dev set 2 was annotated",
        "  blind too and then opened, so it sits in between. Written dev set 2 (30 hardware and 30",
        "  region-rich abstracts, `data/dev/written-dev-2.jsonl`) was scored blind once before its errors were",
        "  read: hardware batch METHOD 0.911, DATASET 0.962, HARDWARE 0.829 (recall 0.768); region batch",
        "  METHOD 0.844, DATASET 0.923, BRAIN_REGION 0.938, linking 0.947. Those first looks are honest",
        "  figures for unseen written text; its row below is not.",
        "- METHOD recall on real unseen abstracts (about 0.77 strict) is the main gap: lower-case technique",
        "  names no vocabulary lists, a paper's own names without a cue, and annotators' choices on modifiers",
        "  (\"graph contrastive learning\", \"ab-initio molecular dynamics\" kept whole). Precision is about 0.93.",
        "- The learned component adds BRAIN_REGION only. A NER trained on the dev sets for METHOD and",
        "  DATASET was measured on the blind test as a gap-filler: METHOD 0.817 -> 0.809 (0.818 when kept to",
        "  names a document repeats), DATASET 0.857 -> 0.869-0.876, so it is not shipped; SciERC/SciREX",
        "  \"methods\" follow other guidelines and made METHOD precision worse.",
        "- HARDWARE is measured on the written abstracts only (no public corpus annotates it); recall is its",
        "  weak side (about 0.85): device and chip names no vocabulary lists and class phrases annotators mark",
        "  whole (\"neurosynaptic cores\", \"CIM hardware\").",
        "- Linking: most errors are naming disagreements between vocabulary preferred labels and the gold",
        "  canonical names (LFADS vs its spelled-out name, eDRAM vs DRAM, hippocampal formation vs",
        "  hippocampus).",
        "- WhiteText: strict F1 is well below the 0.85 target, for the model itself (about 0.77 alone on held-out",
        "  abstracts, a CNN trained on 682 abstracts; pretrained GloVe vectors, a wider network and other seeds",
        "  gave no gain) and for the conventions: WhiteText marks \"spinal cord\", nerves, \"cortical areas\",",
        "  \"area V1\" and coordinations (\"frontal, insular, and cingulate cortices\") as regions, where the",
        "  extractor follows the project's guidelines (rule 19: no spinal cord, nerves or fibre bundles; \"V1\"",
        "  without \"area\"). The model alone scores higher on WhiteText than the whole extractor for that reason.",
        "  Overlap F1 is the fairer figure for finding regions.",
        "- SciERC/SciREX/TDMSci annotate generic or task-like \"methods\" and datasets the guidelines exclude;",
        "  low strict scores there are partly by design.",
        "",
        "## Cost of this evaluation",
        "",
        *[f"- {name}: {n} documents in {seconds:.1f} s" for name, n, seconds in timing],
        "",
    ]
    CARD.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {CARD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
