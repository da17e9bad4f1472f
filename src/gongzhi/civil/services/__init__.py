"""Every change in civil goes through these functions; each owns its transaction and writes
its audit entry (gongzhi.core.services). Views and the API call them."""

from .applications import record_application
from .rules import (
    adopt_version,
    adoption_refusal,
    changes,
    create_document,
    link_matter,
    publish_version,
    remove_article,
    set_article,
    split_articles,
    start_revision,
)
from .stability import create_assessment, file_assessment, update_assessment, vote_refusal

__all__ = [
    "adopt_version",
    "adoption_refusal",
    "changes",
    "create_assessment",
    "create_document",
    "file_assessment",
    "link_matter",
    "publish_version",
    "record_application",
    "remove_article",
    "set_article",
    "split_articles",
    "start_revision",
    "update_assessment",
    "vote_refusal",
]
