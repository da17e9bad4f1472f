"""The demo town's surveys: the renovation vote in 王芳's grid ended above 60 % of households
with its results on 南庄's board, and the satisfaction survey's figures at 90 % or more."""

from gongzhi.accounts.models import User
from gongzhi.core.demo.town import DemoTown
from gongzhi.surveys import results
from gongzhi.surveys.choices import SurveyKind
from gongzhi.surveys.models import Survey


def test_demo_town_has_a_renovation_vote_above_sixty_percent_and_satisfaction_figures():
    DemoTown(400, seed=1, grids_per_community=2, out=lambda *a: None).build()
    vote = Survey.objects.get(kind=SurveyKind.GENERAL)
    verdict = results.threshold(vote)
    assert verdict.frozen and verdict.met and verdict.count * 100 >= verdict.total * 60
    assert vote.published_entry is not None and "达到门槛" in vote.published_entry.body
    community = User.objects.get(username="chenshuji")
    figures = results.satisfaction_by_year(community)
    assert {f.subject for f in figures} == {"南庄社区居委会", "城市管理局", "公安派出所"}
    assert all(float(f.share) >= 80 for f in figures)
