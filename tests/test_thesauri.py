"""The shared thesaurus readers of the table builders, restore_dev/thesauri.py (file formats only;
cleaning is each builder's)."""
from restore_dev import thesauri


def test_mythes_rows_reads_all_senses_in_order(tmp_path):
    p = tmp_path / "th.dat"
    p.write_text("UTF-8\nfilm|2\n(noun)|movie|picture (generic term)\n(verb)|shoot\nbad line\nx|1\n(noun)|y\n")
    rows = list(thesauri.mythes_rows(str(p)))
    assert rows == [("film", ["movie", "picture (generic term)", "shoot"]), ("x", ["y"])]


def test_missing_files_give_nothing(tmp_path):
    assert list(thesauri.mythes_rows(str(tmp_path / "none.dat"))) == []
    assert thesauri.wordnet_exceptions("noun.exc", str(tmp_path)) == []
    assert list(thesauri.wordnet_senses(3, str(tmp_path))) == []


def test_wordnet_senses_follow_the_index(tmp_path):
    # one noun synset with two words, indexed by both lemmas
    (tmp_path / "data.noun").write_text("  licence header\n00000001 05 n 02 motion_picture 0 film(a) 0 000 | a film\n")
    (tmp_path / "index.noun").write_text("  header\nfilm n 1 0 1 0 00000001\nmotion_picture n 1 0 1 0 00000001\n")
    got = list(thesauri.wordnet_senses(3, str(tmp_path)))
    assert got == [("film", 0, ["motion picture", "film"]), ("motion picture", 0, ["motion picture", "film"])]
