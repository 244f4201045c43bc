"""Publication across time: what earlier publications showed or hid is known to the next one."""
import numpy as np
from sqlalchemy import text

from etl.jobs import run_jobs
from etl.stats_publication import _earlier_masks
from etl.stats_store import earlier_publications, fold_publication, publications

from .test_portal_stats import REPORTS, load
from .test_stats_sources import _portal_list


def test_earlier_masks_follow_keys_and_true_values():
    keys = ["portal|MUS|month|2024-01-01", "portal|UGA|month|2024-01-01", "network|ALL|year|2024-01-01"]
    current = np.array([[23, 7], [30, 10], [53, 17]])
    earlier = fold_publication(None, ["network|ALL|year|2024-01-01", "portal|MUS|month|2024-01-01"],  # another
                               np.array([[53, 16], [23, 5]]), np.array([[False, False], [False, True]]))  # order
    visible, hidden = _earlier_masks(keys, current, earlier)
    assert visible.tolist() == [[True, False], [False, False], [True, False]]  # 17 != 16: not known any more
    assert hidden.tolist() == [[False, True], [False, False], [False, False]]  # 5 then 7: hidden once, hidden


def test_the_record_of_earlier_publications_is_what_each_of_them_showed_and_hid():
    """One record folded publication by publication gives what reading every publication gave: a cell
    shown earlier at its value now is known even if a later one hid it; hidden once, hidden."""
    keys = ["a", "b", "c"]
    first = (["a", "b"], np.array([[5, 1], [9, 3]]), np.array([[False, True], [False, False]]))
    second = (["b", "c"], np.array([[9, 4], [2, 2]]), np.array([[True, False], [False, True]]))
    ever = fold_publication(fold_publication(None, *first), *second)
    visible, hidden = _earlier_masks(keys, np.array([[5, 1], [9, 4], [2, 3]]), ever)
    assert visible.tolist() == [[True, False], [True, True], [True, False]]  # b: shown at 9, then hidden at 9
    assert hidden.tolist() == [[False, True], [True, False], [False, True]]


def test_the_next_publication_reads_one_record_whatever_the_number_before(engine, data_dir):
    """Three publications: the record in the last one equals the fold of all three as an attacker holds
    them, regions included."""
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    for launch in ("2015-10", "2015-11"):
        _portal_list(data_dir, lambda rows: [dict(r, launch_date=launch, launch_precision="month")
                                             if r["portal_code"] == "UGA" else r for r in rows])
        assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    with engine.connect() as conn:
        every = publications(conn, demo=False)
        recorded = earlier_publications(conn, demo=False)
    assert len(every) == 3
    folded = None
    for published in every:
        folded = fold_publication(folded, *published)
    assert recorded.cells[0] == folded[0]
    assert np.array_equal(recorded.cells[1], folded[1]) and np.array_equal(recorded.cells[2], folded[2])
    assert recorded.cells[2].sum() >= every[0][2].sum() > 0 and recorded.regions


def test_a_revision_keeps_every_earlier_hidden_cell_hidden(engine, data_dir):
    """A launch-date correction elsewhere publishes again: a cell hidden before, with the same true value,
    stays hidden (the attacker holds the earlier publication too)."""
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2015-10", launch_precision="month")
                                         if r["portal_code"] == "UGA" else r for r in rows])
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
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
    run_jobs(engine, ["portals", "figures"], data_dir=data_dir)
    assert load(engine, REPORTS).outcome == "ok"
    _portal_list(data_dir, lambda rows: [dict(r, launch_date="2015-10", launch_precision="month")
                                         if r["portal_code"] == "UGA" else r for r in rows])
    assert run_jobs(engine, ["portals"], data_dir=data_dir)[-1].outcome == "ok"
    with engine.begin() as conn:
        recorded = earlier_publications(conn, demo=False)
        for load_id, blob in conn.execute(text("SELECT load_id, cells FROM stat_publication_cells")).all():
            old = {name: array for name, array in _unpack(blob).items() if not name.startswith("ever_")}
            conn.execute(update(stat_publication_cells).where(stat_publication_cells.c.load_id == load_id)
                         .values(cells=_pack(**old)))
        folded = earlier_publications(conn, demo=False)
    assert "ever_keys" not in old and folded.cells[0] == recorded.cells[0]
    assert np.array_equal(folded.cells[1], recorded.cells[1]) and np.array_equal(folded.cells[2], recorded.cells[2])
    assert folded.regions == recorded.regions and folded.floor == recorded.floor and folded.fixed == recorded.fixed
