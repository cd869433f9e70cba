"""The honest-metrics toolkit (sociallearning.metrics): strata, the dashboard's candidate
numbers, plots, the minimum group size and the one-page report. None of it is an answer to
exercise 05: each test says what a function does, and one proves the toolkit hands over no
task's function."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from exercise_helpers import solution_cells  # noqa: E402

from sociallearning import metrics  # noqa: E402
from sociallearning.data import load  # noqa: E402


def test_tenure_bands_include_their_lower_bound():
    bands = metrics.tenure_band([0, 1.99, 2, 4.99, 5, 10, 26.8, None])
    assert list(bands[:7]) == ["under 2 years", "under 2 years", "2-5 years", "2-5 years",
                               "5-10 years", "10+ years", "10+ years"]
    assert pd.isna(bands.iloc[7])


def test_level_bands_follow_the_org_chart_levels():
    assert list(metrics.level_band([1, 2, 3, 4, 5, 6])) == [
        "leader", "leader", "leader", "manager", "manager", "individual contributor"]


def test_monthly_totals_running_sums_equal_the_month_counts():
    posts, memberships, reactions = load("posts"), load("memberships"), load("reactions")
    totals = metrics.monthly_totals(posts, memberships, reactions)
    assert list(totals["month"]) == sorted(totals["month"])
    assert totals["posts_this_month"].sum() == len(posts)
    assert totals["posts_to_date"].iloc[-1] == len(posts)
    assert (totals["posts_this_month"].cumsum() == totals["posts_to_date"]).all()
    assert totals["reactions_this_month"].sum() == totals["reactions_to_date"].iloc[-1]
    # Everyone who joined by the end of the last month counts, even before the first post.
    joined = memberships["joined_at"].dt.strftime("%Y-%m")
    assert totals["members_to_date"].iloc[0] == (joined <= totals["month"].iloc[0]).sum()
    assert totals["members_to_date"].iloc[-1] == (joined <= totals["month"].iloc[-1]).sum()
    assert totals["members_to_date"].is_monotonic_increasing


def test_monthly_totals_on_a_tiny_export():
    moments = pd.to_datetime(["2025-01-05T10:00Z", "2025-01-20T10:00Z", "2025-03-01T10:00Z"],
                             utc=True)
    posts = pd.DataFrame({"created_at": moments})
    memberships = pd.DataFrame({"joined_at": moments[:2].append(
        pd.DatetimeIndex([pd.Timestamp("2024-12-30T10:00Z")]))})
    reactions = pd.DataFrame({"created_at": moments[2:]})
    totals = metrics.monthly_totals(posts, memberships, reactions)
    assert list(totals["month"]) == ["2025-01", "2025-03"]
    assert list(totals["posts_this_month"]) == [2, 1]
    assert list(totals["members_to_date"]) == [3, 3]  # one joined before the first post
    assert list(totals["reactions_to_date"]) == [0, 1]


def test_refuse_small_groups_names_the_group_and_what_to_do():
    table = pd.DataFrame({"unit": ["Sales", "Executive Office"], "people": [80, 4]})
    with pytest.raises(metrics.SmallGroupError) as refused:
        metrics.refuse_small_groups(table, "people")
    message = str(refused.value)
    assert "Executive Office" in message and "fewer than 10 people" in message
    assert "leave those rows out" in message
    metrics.refuse_small_groups(table, "people", min_group=4)  # exactly the minimum is fine
    with pytest.raises(metrics.SmallGroupError, match="no column 'size'"):
        metrics.refuse_small_groups(table, "size")


def test_plots_draw_on_the_axes_they_are_given():
    figure, axes = plt.subplots(4, 1)
    metrics.plot_logic_model(ax=axes[0])
    assert [t.get_text() for t in axes[0].texts][:1] == ["Activities"]
    totals = pd.DataFrame({"month": ["2025-01", "2025-02"], "a": [1, 3], "b": [4, 2]})
    metrics.plot_candidates(totals, ["a", "b"], ax=axes[1])
    assert [line.get_ydata().max() for line in axes[1].lines] == [1.0, 1.0]
    card = pd.DataFrame({"month": ["2025-08", "2025-09"], "active_members": [5, 7]})
    metrics.plot_scorecard(card, ["active_members"], reorg_month="2025-09",
                           baseline={"active_members": 5}, axes=[axes[2]])
    assert len(axes[2].lines) == 3  # the series, the re-org, the baseline
    strata = pd.DataFrame({"stratum": ["x", "y"], "gap": [0.1, 0.3]})
    metrics.plot_gap_by_stratum(strata, 0.8, ax=axes[3])
    assert len(axes[3].patches) == 2
    plt.close(figure)


@pytest.fixture
def chart():
    figure, ax = plt.subplots()
    ax.plot([1, 2, 3], [2, 1, 3])
    yield figure
    plt.close(figure)


def test_the_report_is_one_html_file_with_table_chart_and_claim(tmp_path, chart):
    table = pd.DataFrame({"metric": ["active members"], "baseline": [25.0], "after": [31.5]})
    path = metrics.write_sponsor_report(
        tmp_path / "report.html", "Scorecard <Q1>", "Summary & context.", table, chart,
        "A claim the numbers support.", "That posting causes results.",
        chart_description="Active members per month")
    html = path.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Scorecard &lt;Q1&gt;" in html and "<table" in html and "31.5" in html
    assert 'alt="Active members per month"' in html and "data:image/png;base64," in html
    assert "What this does not prove" in html and "That posting causes results." in html
    assert "In&nbsp;[" not in html and "In [" not in html  # no code prompts on the page
    assert "import " not in html.split("<body", 1)[1].split("<script", 1)[0]


@pytest.mark.parametrize("missing", ["title", "summary", "claim", "does_not_prove"])
def test_the_report_needs_every_text(tmp_path, chart, missing):
    texts = {"title": "T", "summary": "S", "claim": "C", "does_not_prove": "D", missing: " "}
    with pytest.raises(ValueError, match=missing):
        metrics.write_sponsor_report(tmp_path / "r.html", texts["title"], texts["summary"],
                                     pd.DataFrame({"a": [1]}), chart, texts["claim"],
                                     texts["does_not_prove"])
    assert not (tmp_path / "r.html").exists()


def test_no_toolkit_function_is_an_answer_to_exercise_05():
    tasks = set(solution_cells("05_metrics"))
    public = {name for name in dir(metrics) if not name.startswith("_")}
    assert not tasks & public
    source = nbformat.read(metrics.__file__.replace("metrics.py", "../course/05_metrics.ipynb"),
                           as_version=4)
    defined = "\n".join(cell.source for cell in source.cells if cell.cell_type == "code")
    assert not [task for task in tasks if f"def {task}(" in defined]
