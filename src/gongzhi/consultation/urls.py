"""Consultation pages (mounted at consultation/). The public disclosure board is in
urls_public.py (mounted at public/, no login)."""

from django.urls import path

from . import views as v
from .views import attendance as att
from .views import documents as docs
from .views import drafts as dr
from .views import evaluation as ev
from .views import paper
from .views import workflow as wf

app_name = "consultation"
urlpatterns = [
    path("", v.matter_list, name="matter_list"),
    path("matters/new/", v.matter_create, name="matter_create"),
    path("matters/<int:pk>/", v.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/co-sign/", v.matter_co_sign, name="matter_co_sign"),
    path("matters/<int:pk>/triage/", v.matter_triage, name="matter_triage"),
    path("matters/<int:pk>/withdraw/", v.matter_withdraw, name="matter_withdraw"),
    path("matters/<int:pk>/tasks/", v.task_add, name="task_add"),
    path("matters/<int:pk>/result/", v.publish_result, name="publish_result"),
    path("matters/<int:pk>/rate/", v.matter_rate, name="matter_rate"),
    path("matters/<int:pk>/paper/", paper.paper_signatures, name="paper_signatures"),
    path("paper-sheets/<int:pk>/scan/", paper.paper_scan, name="paper_scan"),
    path("matters/<int:pk>/workflow/", wf.workflow_start, name="workflow_start"),
    path("matters/<int:pk>/workflow/step/", wf.workflow_complete, name="workflow_complete"),
    path("tasks/<int:pk>/progress/", v.task_progress, name="task_progress"),
    path("tasks/<int:pk>/evidence/", ev.task_evidence, name="task_evidence"),
    path("evidence/<int:pk>/", ev.evidence_download, name="evidence_download"),
    path("matters/<int:pk>/evaluation/", ev.evaluation_publish, name="evaluation_publish"),
    path("matters/<int:pk>/paper-ratings/", ev.paper_ratings, name="paper_ratings"),
    path("paper-rating-sheets/<int:pk>/scan/", ev.paper_rating_scan, name="paper_rating_scan"),
    path("tasks/<int:pk>/milestones/", v.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", v.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/reopen/", v.milestone_reopen, name="milestone_reopen"),
    path("bodies/", v.body_list, name="body_list"),
    path("bodies/new/", v.body_create, name="body_create"),
    path("bodies/<int:pk>/", v.body_detail, name="body_detail"),
    path("bodies/<int:pk>/members/", v.member_add, name="member_add"),
    path("bodies/<int:body_pk>/meetings/new/", v.meeting_create, name="meeting_create"),
    path("meetings/", v.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", v.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", v.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/sign-in/", v.sign_in, name="sign_in"),
    path("meetings/<int:pk>/sign-in/list/", att.sign_in_list, name="sign_in_list"),
    path("meetings/<int:pk>/notice.pdf", docs.meeting_notice_pdf, name="meeting_notice_pdf"),
    path("meetings/<int:pk>/sign-in-sheet.pdf", docs.sign_in_sheet_pdf, name="sign_in_sheet_pdf"),
    path("meetings/<int:pk>/minutes.pdf", docs.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/state/", v.meeting_state, name="meeting_state"),
    path("meetings/<int:pk>/cancel/", v.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/notice/", v.meeting_notice, name="meeting_notice"),
    path("meetings/<int:pk>/motions/", v.motion_add, name="motion_add"),
    path("motions/<int:pk>/state/", v.motion_state, name="motion_state"),
    path("motions/<int:pk>/vote/", v.vote, name="vote"),
    path("motions/<int:pk>/tally/", paper.tally_enter, name="tally_enter"),
    path("tally-sheets/<int:pk>/scan/", paper.tally_scan, name="tally_scan"),
    path("motions/<int:pk>/decision/", v.decision_record, name="decision_record"),
    path("decisions/", v.decision_list, name="decision_list"),
    path("decisions/<int:pk>/publish/", v.decision_publish, name="decision_publish"),
    path("decisions/<int:pk>/resolution.pdf", docs.resolution_pdf, name="resolution_pdf"),
    path("drafts/", v.draft_list, name="draft_list"),
    path("drafts/new/", v.draft_create, name="draft_create"),
    path("drafts/<int:pk>/", v.draft_detail, name="draft_detail"),
    path("drafts/<int:pk>/state/", v.draft_state, name="draft_state"),
    path("drafts/<int:pk>/revision/", dr.draft_revision, name="draft_revision"),
    path("drafts/<int:pk>/revision.pdf", dr.draft_revision_pdf, name="draft_revision_pdf"),
    path("drafts/<int:pk>/adoption.pdf", dr.draft_adoption_pdf, name="draft_adoption_pdf"),
    path("paragraphs/<int:pk>/revise/", dr.paragraph_revise, name="paragraph_revise"),
    path("paragraphs/<int:pk>/comment/", v.comment_add, name="comment_add"),
    path("comments/<int:pk>/answer/", v.comment_answer, name="comment_answer"),
    path("board/", v.board_index, name="board_index"),
    path("board/<int:pk>/publish/", v.entry_add, name="entry_add"),
    path("board/<int:pk>/correct/<int:seq>/", v.entry_correct, name="entry_correct"),
]
