"""Publication across time: what earlier publications showed or hid is known to the next one."""
import numpy as np
import pytest
from sqlalchemy import text

from etl import stats_publication
from etl.jobs import run_jobs
from etl.stats_publication import BelowEarlier, _earlier_masks
from etl.stats_store import earlier_publications, fold_publication, publications

from .test_portal_stats import REPORTS, load
from .test_stats_sources import _portal_list


def _uga_moved(data_dir, launch: str = "2015-10") -> None:
    _portal_list(data_dir, lambda rows: [dict(r, launch_date=launch, launch_precision="month")
                                         if r["portal_code"] == "UGA" else r for r in rows])


def _loaded_then_uga_moved(engine, data_dir) -> None:
    """The fixture's reports loaded, then UGA's launch corrected: two publications of the same load."""
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    _uga_moved(data_dir)
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"


def _every_publication_says(every, keys, current):
    """What the attacker reads from every publication itself: shown at the value a cell has now, hidden."""
    visible = np.zeros(current.shape, dtype=bool)
    hidden = np.zeros(current.shape, dtype=bool)
    for old_keys, old_values, old_hidden in every:
        row_of = {key: i for i, key in enumerate(old_keys)}
        for i, key in enumerate(keys):
            if key in row_of:
                visible[i] |= (old_values[row_of[key]] == current[i]) & ~old_hidden[row_of[key]]
                hidden[i] |= old_hidden[row_of[key]]
    return visible, hidden


def test_earlier_masks_follow_keys_and_true_values():
    keys = ["portal|MUS|month|2024-01-01", "portal|UGA|month|2024-01-01", "network|ALL|year|2024-01-01"]
    current = np.array([[23, 7], [30, 10], [53, 17]])
    earlier = fold_publication(None, ["network|ALL|year|2024-01-01", "portal|MUS|month|2024-01-01"],  # another
                               np.array([[53, 16], [23, 5]]), np.array([[False, False], [False, True]]))  # order
    visible, hidden = _earlier_masks(keys, current, [earlier])
    assert visible.tolist() == [[True, False], [False, False], [True, False]]  # 17 != 16: not known any more
    assert hidden.tolist() == [[False, True], [False, False], [False, False]]  # 5 then 7: hidden once, hidden


def test_the_record_of_earlier_publications_is_what_each_of_them_showed_and_hid():
    """One record folded publication by publication gives what reading every publication gave: a cell
    shown earlier at its value now is known even if a later one hid it; hidden once, hidden. A value below
    one the record says was shown may equal an older one: the record says so, and the publication reads
    them all."""
    keys = ["a", "b", "c"]
    first = (["a", "b"], np.array([[5, 1], [9, 3]]), np.array([[False, True], [False, False]]))
    second = (["b", "c"], np.array([[9, 4], [2, 2]]), np.array([[True, False], [False, True]]))
    record = fold_publication(fold_publication(None, *first), *second)
    current = np.array([[5, 1], [9, 4], [2, 3]])
    visible, hidden = _earlier_masks(keys, current, [record])
    assert visible.tolist() == [[True, False], [True, True], [True, False]]  # b: shown at 9, then hidden at 9
    assert hidden.tolist() == [[False, True], [True, False], [False, True]]
    assert (visible.tolist(), hidden.tolist()) == tuple(m.tolist() for m in _every_publication_says(
        [first, second], keys, current))
    assert record.exact
    with pytest.raises(BelowEarlier):   # c's measure 1 was shown at... never; b's at 9: 8 now
        _earlier_masks(keys, np.array([[5, 1], [8, 4], [2, 3]]), [record])
    assert not fold_publication(record, ["b"], np.array([[8, 4]]), np.array([[False, False]])).exact


def test_the_next_publication_reads_one_record_whatever_the_number_before(engine, data_dir):
    """Three publications: the record in the last one equals the fold of all three as an attacker holds
    them, regions included."""
    _loaded_then_uga_moved(engine, data_dir)
    _uga_moved(data_dir, "2015-11")
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    with engine.connect() as conn:
        every = publications(conn, demo=False)
        recorded = earlier_publications(conn, demo=False)
    assert len(every) == 3 and len(recorded.cells) == 1
    folded = None
    for published in every:
        folded = fold_publication(folded, *published)
    (record,) = recorded.cells
    assert record.keys == folded.keys and folded.exact
    assert np.array_equal(record.shown, folded.shown) and np.array_equal(record.hidden, folded.hidden)
    assert record.hidden.sum() >= every[0][2].sum() > 0 and recorded.regions


def test_a_demo_generated_again_starts_a_series_of_its_own(engine, data_dir):
    """The demo job generates the demo again after a change to the portal list: a new generated set, whose
    counts can be below the retired one's (a hostile review found 886 rows going down). It is published as
    the first demo was, not against the retired demo's publications (it used to fail its disclosure check
    at this size: 'a suppressed cell can be worked out')."""
    assert all(r.outcome != "failed" for r in run_jobs(engine, None, data_dir=data_dir))
    original = []
    _portal_list(data_dir, lambda rows: original.extend(rows) or [
        dict(r, launch_date="2015-11", launch_precision="month") if r["portal_code"] == "UGA" else r for r in rows])
    reports = run_jobs(engine, None, data_dir=data_dir)
    assert [r.outcome for r in reports if r.job in ("portals", "portal_stats_demo")] == ["ok", "ok"]
    _portal_list(data_dir, lambda rows: original)
    assert all(r.outcome != "failed" for r in run_jobs(engine, None, data_dir=data_dir))
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT load_id, loads FROM stat_publication WHERE is_demo ORDER BY load_id")).all()
        series = [earlier_publications(conn, demo=True, before=load_id, loads=loads) for load_id, loads in runs]
    assert len({loads for _, loads in runs}) == 3   # the first demo and two generated again
    for (load_id, loads), earlier in zip(runs, series):
        same = [i for i, (other, their) in enumerate(runs) if other < load_id and their == loads]
        assert len(earlier.cells) == (1 if same else 0), (load_id, loads)


def test_a_value_below_the_record_is_published_against_every_publication(engine, data_dir, monkeypatch):
    """A value below one the record says was shown (a warehouse published before regions were recorded,
    losing a removed portal's counts): publish() reads every publication instead, and the publication
    keeps every cell hidden before hidden."""
    from sqlalchemy import update

    from etl.schema import stat_publication_cells
    from etl.stats_store import _pack, _unpack
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    with engine.begin() as conn:   # the record overstates every value shown: each one is now below it
        load_id, blob = conn.execute(text("SELECT load_id, cells FROM stat_publication_cells")).one()
        data = _unpack(blob)
        data["ever_shown"] = np.where(data["ever_shown"] >= 0, data["ever_shown"] + 1, -1)
        conn.execute(update(stat_publication_cells).where(stat_publication_cells.c.load_id == load_id)
                     .values(cells=_pack(**data)))
    asked = []

    def spy(*args, **kwargs):
        asked.append(kwargs.get("every", False))
        return earlier_publications(*args, **kwargs)
    monkeypatch.setattr(stats_publication, "earlier_publications", spy)
    _uga_moved(data_dir)
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    with engine.connect() as conn:
        (old_keys, old_values, old_hidden), (keys, values, hidden) = publications(conn, demo=False)
    assert asked == [False, True]
    row_of = {key: i for i, key in enumerate(keys)}
    assert old_hidden.sum() and all(hidden[row_of[key]][old_hidden[i]].all()
                                    for i, key in enumerate(old_keys) if key in row_of)


def test_a_revision_keeps_every_earlier_hidden_cell_hidden(engine, data_dir):
    """A launch-date correction elsewhere publishes again: a cell hidden before, with the same true value,
    stays hidden (the attacker holds the earlier publication too)."""
    _loaded_then_uga_moved(engine, data_dir)
    with engine.connect() as conn:
        (old_keys, old_values, old_hidden), (keys, values, hidden) = publications(conn, demo=False)
        width = conn.execute(text("SELECT width FROM v_stat_publication ORDER BY load_id DESC")).scalar()
    assert old_hidden.sum() > 0 and width == 10
    row_of = {key: i for i, key in enumerate(keys)}
    for i, key in enumerate(old_keys):
        if key in row_of:
            same = old_values[i] == values[row_of[key]]
            assert not (old_hidden[i] & same & ~hidden[row_of[key]]).any(), key


def test_a_wider_width_later_says_what_cells_hidden_before_keep(engine, data_dir):
    """A load under a wider protection width: the cells hidden before keep the proofs they got (narrower),
    and the load message says so instead of claiming the new width for them."""
    from etl import portal_stats
    from etl.jobs import run_load
    from etl.readers import sha256_of

    from .test_portal_stats import MORE, TODAY
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    report = run_load(engine, "portal-stats", [MORE], lambda conn, load_id: portal_stats.load_file(
        conn, load_id, MORE, today=TODAY, k=10, width=12), sha256_of(MORE))
    assert report.outcome == "ok", report.message
    assert "cell(s) hidden before keep the protection width they were proved with (10)" in report.message
    with engine.connect() as conn:
        narrowest = conn.execute(text("SELECT narrowest FROM v_stat_publication ORDER BY load_id")).scalars().all()
    assert narrowest[-1] <= narrowest[0]


def test_a_warehouse_published_before_the_record_reads_every_publication(engine, data_dir):
    """Publications made before the record existed have none: the next publication folds them all, and
    gets what the record would have said."""
    from sqlalchemy import update

    from etl.schema import stat_publication_cells
    from etl.stats_store import _pack, _unpack
    _loaded_then_uga_moved(engine, data_dir)
    with engine.begin() as conn:
        recorded = earlier_publications(conn, demo=False)
        for load_id, blob in conn.execute(text("SELECT load_id, cells FROM stat_publication_cells")).all():
            old = {name: array for name, array in _unpack(blob).items() if not name.startswith("ever_")}
            conn.execute(update(stat_publication_cells).where(stat_publication_cells.c.load_id == load_id)
                         .values(cells=_pack(**old)))
        folded = earlier_publications(conn, demo=False)
    assert "ever_keys" not in old and len(folded.cells) == 2 and folded.record.keys == recorded.record.keys
    assert np.array_equal(folded.record.shown, recorded.record.shown)
    assert np.array_equal(folded.record.hidden, recorded.record.hidden)
    assert folded.regions == recorded.regions and folded.floor == recorded.floor and folded.fixed == recorded.fixed


def test_packed_text_comes_back_as_it_went_in_and_older_blobs_still_read():
    """Text arrays are packed as UTF-8 lines; blobs packed before that (numpy's own text arrays) read the same."""
    import io
    import zlib

    from etl.stats_store import _pack, _unpack
    arrays = {"keys": np.array(["portal|MUS|year|2024-01-01|received", "région|é", ""]),
              "none": np.array([], dtype=str), "lone_empty": np.array([""]), "values": np.arange(4)}
    back = _unpack(_pack(**arrays))
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].tolist() == array.tolist() and back[name].dtype.kind == array.dtype.kind
    older = io.BytesIO()
    np.save(older, np.array(list(arrays), dtype=str), allow_pickle=False)
    for array in arrays.values():
        np.save(older, array, allow_pickle=False)
    assert {k: v.tolist() for k, v in _unpack(zlib.compress(older.getvalue())).items()} == \
        {k: v.tolist() for k, v in arrays.items()}
    with pytest.raises(ValueError, match="line break"):
        _pack(keys=np.array(["a\nb", "c"]))
