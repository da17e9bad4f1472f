"""Resident search: names (two-character ones too), pinyin and initials, ID and phone
fragments, exact matches first, and the user's scope respected."""

import pytest
from django.db import connection

from gongzhi.registry import selectors, services
from gongzhi.registry.models import Resident, ResidentNamePart
from gongzhi.registry.search import ensure_digit_index, has_digit_index, name_parts
from tests.factories import make_resident, make_user, sensitive_tag

ZHANG_ID = "440524188001010014"  # DOMAIN.md example
OUYANG_ID = "11010519491231002X"  # DOMAIN.md example, check character X


@pytest.fixture
def people(town):
    g = town["g11"]
    return {
        "zhang": make_resident(g, name="张三", id_number=ZHANG_ID, phone="13812345678"),
        "ouyang": make_resident(g, name="欧阳娜娜", id_number=OUYANG_ID, phone="13900001111"),
        "zhangsanfeng": make_resident(g, name="张三丰", phone="13700002222"),
        "li": make_resident(g, name="李四", phone="15000003333"),
        "wang": make_resident(town["g12"], name="王明华", phone=""),
    }


def found(q, qs=None):
    return set(selectors.search(qs if qs is not None else Resident.objects.all(), q).values_list("name", flat=True))


@pytest.mark.parametrize("q", ["张三", "张", "zs", "zhangsan", "ZS", "ZhangSan", " 张三 ", "zhang san"])
def test_zhang_san_is_found(people, q):
    assert "张三" in found(q)


@pytest.mark.parametrize("q", ["欧阳娜娜", "欧阳", "娜娜", "阳娜", "oyn", "ouyangnana"])
def test_four_character_name_found_by_any_part(people, q):
    assert "欧阳娜娜" in found(q)


@pytest.mark.parametrize("q", ["三丰", "明华", "阳娜", "娜娜"])
def test_parts_of_two_or_more_characters_anywhere(people, q):
    expected = {"三丰": {"张三丰"}, "明华": {"王明华"}, "阳娜": {"欧阳娜娜"}, "娜娜": {"欧阳娜娜"}}[q]
    assert found(q) == expected


def test_one_character_is_a_surname(people):
    assert found("张") == {"张三", "张三丰"}
    assert found("王") == {"王明华"}
    assert found("明") == set()  # not 王明华: one character reads as the start of a name


@pytest.mark.parametrize(
    "q, who",
    [
        ("440524", "张三"),  # first 6
        ("18800101", "张三"),  # birth date in the middle
        ("800101", "张三"),
        ("0014", "张三"),  # last 4
        ("440524188001010014", "张三"),  # the whole number
        ("002X", "欧阳娜娜"),  # last 4 with X
        ("002x", "欧阳娜娜"),  # lower-case x
        ("19491231", "欧阳娜娜"),
        ("5678", "张三"),  # phone fragments
        ("1381234", "张三"),
        ("0000111", "欧阳娜娜"),
    ],
)
def test_number_fragments(people, q, who):
    assert who in found(q)


def test_no_false_positives(people):
    assert found("赵") == set()
    assert found("zz") == set()
    assert found("99999") == set()
    assert found("0014") == {"张三"}
    assert found("002X") == {"欧阳娜娜"}
    assert found("张三") == {"张三", "张三丰"}
    assert found("zhangsanf") == {"张三丰"}
    assert found("娜娜") == {"欧阳娜娜"}


def test_masked_number_pasted_back(people):
    assert found("4405**********0014") == {"张三"}
    assert found("138****5678") == {"张三"}
    assert found("139****5678") == set()


def test_exact_name_first(people, town):
    make_resident(town["g11"], name="万张三")  # sorts before 张三 by code point
    names = list(selectors.search(Resident.objects.all(), "张三").values_list("name", flat=True))
    assert names[0] == "张三"
    assert set(names) == {"张三", "张三丰", "万张三"}


def test_empty_query_returns_everything(people):
    assert selectors.search(Resident.objects.all(), "  ").count() == Resident.objects.count()


def test_renaming_updates_the_index(people):
    services.update_resident(people["li"], {"name": "李小龙"}, reason="更正姓名")
    assert "李小龙" in found("小龙")
    assert "李小龙" in found("lxl")
    assert found("李四") == set()
    people["li"].refresh_from_db()
    assert (people["li"].name_s1, people["li"].name_s2) == ("小龙", "龙")


def test_long_names_found_by_any_part(people, town):
    """Parts starting past the third character of a long name come from the name-part table."""
    long = make_resident(town["g11"], name="阿依古丽买买提")
    for q in ("阿依", "依古丽", "古丽", "丽买", "买买提", "买提"):
        assert "阿依古丽买买提" in found(q), q
    assert set(ResidentNamePart.objects.filter(resident=long).values_list("part", flat=True)) == {
        "丽买买提",
        "买买提",
        "买提",
    }
    services.update_resident(long, {"name": "阿依古丽艾力"}, reason="更正姓名")
    assert found("买提") == set() and found("艾力") == {"阿依古丽艾力"}


def test_changed_number_updates_the_digit_index(people):
    services.update_resident(people["li"], {"phone": "18600009999"}, reason="换号")
    assert found("0009999") == {"李四"}
    assert found("00003333") == set()


def test_deleted_resident_leaves_no_trace(people):
    services.delete_resident(people["li"], reason="误录")
    assert found("3333") == set()
    assert found("李四") == set()


def test_name_parts():
    assert name_parts("张三") == [] and name_parts("欧阳娜娜") == [] and name_parts("王") == []
    assert name_parts("阿依古丽买买提") == ["丽买买提", "买买提", "买提"]
    assert name_parts("买买提艾力") == ["艾力"]


def test_name_suffix_columns(people):
    z, o = people["zhang"], people["ouyang"]
    assert (z.name_s1, z.name_s2) == ("三", "")
    assert (o.name_s1, o.name_s2) == ("阳娜娜", "娜娜")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 digit index is SQLite's")
def test_digit_index_rebuilt_when_triggers_are_gone(people):
    """A migration that rebuilds registry_resident drops its triggers; post_migrate repairs."""
    assert has_digit_index()
    with connection.cursor() as c:
        for t in ("ad", "au"):
            c.execute(f"DROP TRIGGER registry_resident_digits_{t}")
        c.execute("DELETE FROM registry_resident_digits")
    assert found("0014") == set()
    ensure_digit_index()
    assert found("0014") == {"张三"}
    services.update_resident(people["li"], {"phone": "18600009999"}, reason="换号")
    assert found("0009999") == {"李四"}


# --- scope ----------------------------------------------------------------------------------
def test_grid_worker_finds_only_own_grid(people, town):
    other = make_resident(town["g21"], name="张三", phone="13812340000")
    worker = make_user("grid", town["g11"])
    mine = selectors.search(selectors.residents(worker), "张三")
    assert people["zhang"] in mine and other not in mine
    assert other not in selectors.search(selectors.residents(worker), "13812340000")
    assert set(selectors.search(selectors.residents(make_user("town", town["t"])), "张三")) >= {people["zhang"], other}


def test_sensitive_people_hidden_without_the_permission(people, town):
    flagged = make_resident(town["g11"], name="张三", tags=[sensitive_tag()])
    worker = make_user("grid", town["g11"])
    assert flagged not in selectors.search(selectors.residents(worker), "张三")
    assert flagged not in selectors.search(selectors.residents(worker), flagged.id_number[-6:])
    carer = make_user("sensitive", town["c1"])
    assert flagged in selectors.search(selectors.residents(carer), "zs")


def test_index_new_names_for_raw_inserts(people):
    from gongzhi.registry.search import index_new_residents

    who = make_resident(people["zhang"].grid, name="阿依古丽买买提", phone="13900004444")
    ResidentNamePart.objects.filter(resident=who).delete()
    assert found("买提") == set()
    if has_digit_index():  # elsewhere digits are matched in the table itself
        with connection.cursor() as c:
            c.execute("DELETE FROM registry_resident_digits WHERE rowid = %s", [who.pk])
        assert found("00004444") == set()
    index_new_residents([(who.pk, who.name, who.id_number, who.phone)])
    assert found("买提") == {"阿依古丽买买提"} and found("00004444") == {"阿依古丽买买提"}


def test_whole_id_numbers_including_legacy_ones(people):
    assert found("440524188001010014") == {"张三"}
    assert found("11010519491231002x") == {"欧阳娜娜"}
    assert found("110105491231002") == {"欧阳娜娜"}  # the 15-digit form of the same number
    assert found("440524188001010015") == set()  # wrong check character: a fragment, found nowhere


def test_one_pinyin_letter(people, town):
    make_resident(town["g11"], name="许磊")
    assert found("x") == {"许磊"} and found("X") == {"许磊"} and found("xl") == {"许磊"}
    assert found("z") == {"张三", "张三丰"}
    assert found("O") == {"欧阳娜娜"}
    assert found("q") == set()


def test_reindex_command_repairs_both_structures(people):
    from django.core.management import call_command

    Resident.objects.update(name_s1="", name_s2="")  # rows written by a path that did not derive them
    if has_digit_index():
        with connection.cursor() as c:
            c.execute("DELETE FROM registry_resident_digits")
    assert found("娜娜") == set()
    call_command("reindex_search", verbosity=0)
    assert found("娜娜") == {"欧阳娜娜"}
    assert found("0014") == {"张三"}
