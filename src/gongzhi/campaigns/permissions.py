"""Permission strings of the campaigns app, one constant each, checked at the territory path of
the record (a campaign's territory; a household's grid)."""

VIEW = "campaigns.view_campaign"  # campaigns, progress and results in one's area
ADD = "campaigns.add_campaign"  # draft a campaign in one's area
CHANGE = "campaigns.change_campaign"  # edit a draft, launch, close
CONDUCT = "campaigns.conduct_campaign"  # visit the households at the door
EXPORT = "campaigns.export_campaign"  # the answers as Excel
