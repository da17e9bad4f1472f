"""/consultation/boards: a community's disclosure board (公开栏), public like the web page —
disclosure is public by law (村委法 Art. 30), so no token is needed and reads are not logged
(the web's public board is not either). Each entry carries its hash, so anyone can recompute
the chain (chain.py) and compare its end with `head`."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Schema

from gongzhi.core import api as common
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .. import chain, selectors
from . import router


class EntryRow(Schema):
    seq: int
    kind: str
    kind_label: str
    title: str
    body: str
    period: str
    published_at: dt.datetime
    decision: int | None
    corrects: int | None  # the seq of the entry this one corrects
    prev_hash: str
    hash: str


class HeadOut(Schema):
    count: int
    hash: str


class BoardPage(Schema):
    code: str
    name: str
    head: HeadOut
    count: int
    page: int
    page_size: int
    results: list[EntryRow]


def _entry_row(e) -> dict:
    return {
        "seq": e.seq,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "title": e.title,
        "body": e.body,
        "period": e.period,
        "published_at": e.published_at,
        "decision": e.decision_id,
        "corrects": e.corrects.seq if e.corrects_id else None,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


@router.get(
    "/consultation/boards/{code}",
    auth=None,
    response={200: BoardPage, 404: common.Detail, 422: common.FieldErrors},
)
def board(request, code: common.Filter, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """A community's board by its code, newest entry first, with the board's head (entries and
    the newest hash). Public: no token needed."""
    node = get_object_or_404(Node, code=code, level=Level.COMMUNITY)
    count, head_hash = chain.head(node)
    result = common.paginate(selectors.public_board(node), page, page_size, lambda rows: [_entry_row(e) for e in rows])
    return common.json_response(
        {"code": node.code, "name": node.name, "head": {"count": count, "hash": head_hash}, **result}
    )
