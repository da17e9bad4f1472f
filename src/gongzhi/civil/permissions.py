"""Permission strings of civil, checked at the territory path of the record (a document's,
an assessment's community)."""

VIEW_RULES = "civil.view_rulesdocument"
ADD_RULES = "civil.add_rulesdocument"
# Draft a revision, edit its articles, link it to a matter, adopt and publish it.
CHANGE_RULES = "civil.change_rulesdocument"
VIEW_APPLICATION = "civil.view_ruleapplication"
ADD_APPLICATION = "civil.add_ruleapplication"
EXPORT_APPLICATION = "civil.export_ruleapplication"
VIEW_ASSESSMENT = "civil.view_riskassessment"
ADD_ASSESSMENT = "civil.add_riskassessment"
FILE_ASSESSMENT = "civil.file_riskassessment"

_RULES = ["view_rulesdocument", "add_rulesdocument", "change_rulesdocument"]
_LOG = ["view_ruleapplication", "add_ruleapplication", "export_ruleapplication"]
_RISK = ["view_riskassessment", "add_riskassessment", "change_riskassessment", "file_riskassessment"]

# What each seeded role holds (seeded by apps.py after migrate; never removes a permission).
# The supervisor (村务监督委员会) reads the rules, the log and the assessments of major matters.
ROLE_PERMISSIONS = {
    "town": [*_RULES, *_LOG, *_RISK],
    "community": [*_RULES, *_LOG, *_RISK],
    "grid": ["view_rulesdocument", "view_ruleapplication", "add_ruleapplication"],
    "supervisor": ["view_rulesdocument", "view_ruleapplication", "view_riskassessment"],
}
