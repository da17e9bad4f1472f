"""Permission strings of people's mediation. Each is checked at the territory path of the
dispute (a membership covers its subtree). Mediators additionally act only on the disputes they
are assigned to or that belong to their committee (`selectors.is_own`)."""

VIEW = "mediation.view_dispute"  # read disputes in a territory (town, community, committee)
REGISTER = "mediation.add_dispute"  # 登记 (also grid workers reporting a dispute)
MEDIATE = "mediation.mediate_dispute"  # sessions, outcome, signatures, follow-up, 上报, refusal
ASSIGN = "mediation.assign_dispute"  # assign mediators, extend, stamp, court decision, close
REVIEW = "mediation.review_dispute"  # 每日研判
EXPORT = "mediation.export_dispute"
MANAGE = "mediation.change_committee"  # committees and the mediator pool
ADD_COMMITTEE = "mediation.add_committee"
ADD_MEDIATOR = "mediation.add_mediator"
CHANGE_MEDIATOR = "mediation.change_mediator"
